/**
 * Compile a catalog into CloudFormation: pure functions from rules, buses and topics to template fragments.
 *
 * What one catalog becomes:
 * - one `AWS::Events::Rule` per rule, on its bus, with one target per rule target:
 *   - `function`: the Lambda function, with an input transformer that wraps the event as
 *     `{"patchbay":{...},"event":<the event>}` (the runtime contract, DESIGN.md);
 *   - `sns`: the topic itself (EventBridge publishes), with the pattern file's input transformer if any;
 *   - `eventBus`: another bus (`RoleArn`: a role allowed `events:PutEvents` on that bus only), the event unchanged;
 *   and on every target a dead-letter queue, and on function and sns targets a `RetryPolicy`;
 * - one `AWS::Lambda::Permission` per targeted function and bus (not per rule, so a function's policy stays within
 *   Lambda's 20 KB however many rules it serves): EventBridge may invoke the function for rules named
 *   `<service>.<stage>.*` on that bus, a prefix no other service or stage can produce (Lambda matches `SourceArn`
 *   with ArnLike and takes one value);
 * - one `AWS::SNS::Topic` per key of `custom.patchbay.topics` and one `AWS::SNS::Subscription` per subscription;
 *   topics are encrypted with `alias/aws/sns`, except topics EventBridge publishes to (`sns` targets), which use a
 *   customer managed key of this stack and get an `AWS::SNS::TopicPolicy`, for the exact rules that publish to them;
 * - the dead-letter queue (`PatchbayDeadLetterQueue`, unless serverless.yml names one) and one
 *   `AWS::SQS::QueuePolicy` per queue, for the exact rules whose targets use it;
 * - resource policies, the key policy and forward-role trusts name the exact ARNs of the rules that use them while
 *   the policy's size allows, otherwise the `<service>.<stage>.*` rules of their buses (`./delivery`);
 * - the buses (`./buses`), the schema registry (`./registry`) and the CloudTrail trail (`./trail`) the config asks for;
 * - per function: the `PATCHBAY_TOPIC_ARN_<KEY>` environment variables and the topic keys it may publish to.
 *
 * Publishing from a function needs `sns:Publish` on the topic, plus `kms:GenerateDataKey*` and `kms:Decrypt` on the
 * patchbay key for topics that use it ({@link publishStatements}). The AWS managed `aws/sns` key already lets every
 * principal of the account use it through SNS.
 */
import { topicArnEnv } from '../runtime/manifest';
import {
  DEFAULT_BUS,
  sortIssues,
  topicPhysicalName,
  type Catalog,
  type FunctionTargetDefinition,
  type RuleDefinition,
  type TargetDefinition,
  type TopicConfig,
} from '../catalog';
import { busOf, compileArchive, compileBus, compileBusPolicies, busPolicyStatements, resolveBuses, ruleArn, ruleArnExclusion, ruleArnPattern as busRuleArnPattern, type ResolvedBus } from './buses';
import { getAtt, ref, type CfnOutput, type CfnResource, type IamStatement } from './cfn';
import { compileDeadLetterQueue, compileDeadLetterQueuePolicy, compileForwardRole, compileTopicKey, compileTopicPolicy, topicKeyStatement, type SourceScope } from './delivery';
import { functionAlarms, queueAlarm, ruleAlarm } from './alarms';
import { checkDeployment } from './checks';
import { CompilerError, CompilerErrorCode, type CompilerIssue } from './errors';
import { checkNameLimits, rulesPerBusWarnings } from './limits';
import {
  assertUniqueIds,
  assertUniqueStatementIds,
  DEAD_LETTER_QUEUE_LOGICAL_ID,
  alarmLogicalId,
  deadLetterQueuePolicyLogicalId,
  forwardRoleLogicalId,
  permissionLogicalId,
  ruleLogicalId,
  rulePhysicalName,
  serverlessFunctionLogicalId,
  subscriptionLogicalId,
  TOPIC_KEY_LOGICAL_ID,
  topicArnOutputId,
  topicLogicalId,
  topicPolicyLogicalId,
} from './logical-ids';
import { compileRegistry } from './registry';
import { compileTrail } from './trail';

export type { CfnOutput, CfnResource, IamStatement } from './cfn';

/** Options of {@link compileCatalog}. */
export interface CompileCatalogOptions {
  /** Serverless service name (the `<service>` of physical names). */
  service: string;
  /** Deployment stage (the `<stage>` of physical names). */
  stage: string;
  /**
   * Function key -> logical ID of its `AWS::Lambda::Function` (the plugin asks Serverless's naming provider).
   * @default Serverless v3's naming, replicated by {@link serverlessFunctionLogicalId}
   */
  functionLogicalIds?: Record<string, string>;
  /** Project-relative config file, for limit issues. @default 'serverless.yml' */
  configFilePath?: string;
  /** The stack's Region (`provider.region`): buses elsewhere and global-service events are checked against it. */
  region?: string;
  /** The stack's 12-digit account, when known: buses of other accounts are checked against it. */
  account?: string;
}

/**
 * The template fragments of a catalog.
 *
 * @example
 * {
 *   "resources": {
 *     "PatchbayRuleIamRootLogin": { "Type": "AWS::Events::Rule", "Properties": { "Name": "patchbay-dev-iam-root-login", ... } },
 *     "NotifyPatchbayInvokePermission": { "Type": "AWS::Lambda::Permission", ... },
 *     "PatchbayTopicSecurity": { "Type": "AWS::SNS::Topic", "Properties": { "TopicName": "patchbay-dev-security", "KmsMasterKeyId": "alias/aws/sns" } },
 *     "PatchbayDeadLetterQueue": { "Type": "AWS::SQS::Queue", ... }
 *   },
 *   "outputs": { "PatchbayTopicSecurityArn": { "Value": { "Ref": "PatchbayTopicSecurity" } } },
 *   "functionEnvironment": { "notify": { "PATCHBAY_TOPIC_ARN_SECURITY": { "Ref": "PatchbayTopicSecurity" } } },
 *   "functionPublishTopics": { "notify": ["security"] },
 *   "keyEncryptedTopics": [],
 *   "warnings": [],
 *   "issues": []
 * }
 */
export interface CompiledCatalog {
  /** Logical ID -> resource, to merge into the template's `Resources`. */
  resources: Record<string, CfnResource>;
  /** Logical ID -> output (topic ARNs, bus names and ARNs, the dead-letter queue, registry, trail). */
  outputs: Record<string, CfnOutput>;
  /** Function key -> environment variables (`PATCHBAY_TOPIC_ARN_<KEY>`: `{ Ref: <topic> }`); every targeted function has an entry. */
  functionEnvironment: Record<string, Record<string, { Ref: string }>>;
  /** Function key -> sorted topic keys its targets notify: what its role must be allowed to publish to. */
  functionPublishTopics: Record<string, string[]>;
  /** Sorted keys of the topics encrypted with the patchbay key (those EventBridge publishes to). */
  keyEncryptedTopics: string[];
  /** Limits nearly reached (80 %) and every warning of {@link CompiledCatalog.issues}, as lines for the plugin to log. */
  warnings: string[];
  /** Coded warnings of the deployment checks (`severity: 'warning'`, see `./checks`), e.g. `MULTI_HOP_FORWARDING`. */
  issues: CompilerIssue[];
}

/** The key SNS topics are encrypted with. @see https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html */
export const TOPIC_KMS_KEY = 'alias/aws/sns';

/** EventBridge's InputTemplate limit, in characters. @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html */
export const INPUT_TEMPLATE_MAX_LENGTH = 8192;

/**
 * Compile a catalog into CloudFormation resources, outputs and per-function settings.
 *
 * @throws CompilerError `PATCHBAY_LIMITS_EXCEEDED` with every name, archive-name and bus-policy problem at once
 *   (`issues`, pointing into serverless.yml); `PATCHBAY_UNKNOWN_FUNCTION` (a target's function is not in
 *   `functionLogicalIds`), `PATCHBAY_UNKNOWN_TOPIC`, `PATCHBAY_UNKNOWN_BUS`, `PATCHBAY_RULE_NAME_PREFIX_TOO_LONG`,
 *   `PATCHBAY_LOGICAL_ID_COLLISION`, `PATCHBAY_STATEMENT_ID_COLLISION`, `PATCHBAY_INVALID_INPUT_TEMPLATE`;
 *   `PATCHBAY_DEPLOYMENT_INVALID` with every error of the deployment checks (`./checks`: a bus of another account or
 *   Region used as a local bus, a reserved bus name, a rule state EventBridge refuses).
 * @example
 * const compiled = compileCatalog(await loadCatalog({ rootDir, config }), { service: 'patchbay', stage: 'dev' });
 * Object.keys(compiled.resources); // ['PatchbayRuleIamRootLogin', ..., 'NotifyPatchbayInvokePermission', 'PatchbayTopicSecurity', ...]
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-rule.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-permission.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-topic.html
 */
export function compileCatalog(catalog: Catalog, options: CompileCatalogOptions): CompiledCatalog {
  const { service, stage } = options;
  const { config } = catalog;
  const functionLogicalId = (functionKey: string): string => {
    if (!options.functionLogicalIds) return serverlessFunctionLogicalId(functionKey);
    const id = options.functionLogicalIds[functionKey];
    if (id === undefined) {
      throw new CompilerError(CompilerErrorCode.UNKNOWN_FUNCTION, `Function ${JSON.stringify(functionKey)} is not a function of the service`);
    }
    return id;
  };
  const buses = resolveBuses(config, { service, stage });
  const projectQueue = config.deadLetterQueue ?? DEAD_LETTER_QUEUE_LOGICAL_ID;
  const createsDeadLetterQueue = config.deadLetterQueue === undefined && catalog.rules.length > 0;

  const limitIssues = checkNameLimits(catalog, buses, { service, stage, createsDeadLetterQueue }, { filePath: options.configFilePath, locate: catalog.locate });
  if (limitIssues.length) throw CompilerError.fromIssues(limitIssues);
  const deploymentIssues = checkDeployment(catalog, buses, { service, stage, region: options.region, account: options.account }, { filePath: options.configFilePath, locate: catalog.locate });
  const deploymentErrors = deploymentIssues.filter((issue) => issue.severity !== 'warning');
  if (deploymentErrors.length) throw CompilerError.fromIssues(deploymentErrors, CompilerErrorCode.DEPLOYMENT_INVALID);
  const deploymentWarnings = sortIssues(deploymentIssues.filter((issue) => issue.severity === 'warning'));

  const resources: Record<string, CfnResource> = {};
  const outputs: Record<string, CfnOutput> = {};
  const idNames: [string, string][] = [];
  const add = (id: string, name: string, resource: CfnResource): void => {
    idNames.push([id, name]);
    resources[id] = resource;
  };

  // Who uses what: the function permissions list one ArnLike pattern per bus; resource policies the exact rules.
  const busesByFunction = new Map<string, Set<string>>();
  const publishTopics = new Map<string, Set<string>>();
  const rulesByQueue = new Map<string, Set<RuleDefinition>>();
  const rulesBySnsTopic = new Map<string, Set<RuleDefinition>>();
  const rulesByDestination = new Map<string, Set<RuleDefinition>>();
  const setOf = <K, V>(map: Map<K, Set<V>>, key: K): Set<V> => map.get(key) ?? map.set(key, new Set()).get(key)!;

  for (const rule of catalog.rules) {
    const ruleBus = busOf(buses, rule.bus, `Rule ${rule.name}`);
    for (const target of rule.targets) {
      setOf(rulesByQueue, target.deadLetterQueue ?? projectQueue).add(rule);
      if (target.kind === 'function') {
        setOf(busesByFunction, target.function).add(rule.bus);
        const topics = setOf(publishTopics, target.function);
        if (target.notify) {
          requireTopic(catalog, rule, target.notify.topic);
          topics.add(target.notify.topic);
        }
      } else if (target.kind === 'sns') {
        requireTopic(catalog, rule, target.sns);
        setOf(rulesBySnsTopic, target.sns).add(rule);
      } else {
        if (!target.eventBus.startsWith('arn:')) busOf(buses, target.eventBus, `Rule ${rule.name}`);
        setOf(rulesByDestination, target.eventBus).add(rule);
      }
    }
    add(ruleLogicalId(rule.name), `rule ${rule.name}`, compileRule(rule, { service, stage, functionLogicalId, bus: ruleBus, buses, projectQueue }));
  }

  const scope = (rules: Iterable<RuleDefinition>): SourceScope => {
    const sorted = [...new Set(rules)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const busKeys = [...new Set(sorted.map((rule) => rule.bus))].sort();
    return {
      exact: sorted.map((rule) => ruleArn(buses[rule.bus], service, stage, rule.name)),
      patterns: busKeys.map((key) => busRuleArnPattern(buses[key], service, stage)),
      notPatterns: [ruleArnExclusion(service, stage)],
    };
  };

  for (const [functionKey, keys] of [...busesByFunction].sort(byKey)) {
    for (const bus of [...keys].sort()) {
      add(permissionLogicalId(functionKey, bus), `permission ${functionKey} ${bus}`, compilePermission(functionLogicalId(functionKey), { service, stage, bus: buses[bus] }));
    }
  }

  const keyEncryptedTopics = [...rulesBySnsTopic.keys()].sort();
  for (const [topicKey, topic] of Object.entries(config.topics).sort(byKey)) {
    const { resources: topicResources } = compileTopic(topicKey, topic, { service, stage, encryptWithPatchbayKey: keyEncryptedTopics.includes(topicKey) });
    for (const [id, resource] of Object.entries(topicResources)) add(id, `topic ${topicKey} ${id}`, resource);
    outputs[topicArnOutputId(topicKey)] = { Description: `ARN of the patchbay topic "${topicKey}"`, Value: ref(topicLogicalId(topicKey)) };
  }
  if (keyEncryptedTopics.length) {
    add(TOPIC_KEY_LOGICAL_ID, 'topic key', compileTopicKey(service, stage, scope([...rulesBySnsTopic.values()].flatMap((rules) => [...rules]))));
    for (const topicKey of keyEncryptedTopics) add(topicPolicyLogicalId(topicKey), `topic policy ${topicKey}`, compileTopicPolicy(topicKey, scope(rulesBySnsTopic.get(topicKey)!)));
  }

  if (createsDeadLetterQueue) {
    add(DEAD_LETTER_QUEUE_LOGICAL_ID, 'dead-letter queue', compileDeadLetterQueue(service, stage));
    outputs[`${DEAD_LETTER_QUEUE_LOGICAL_ID}Arn`] = { Description: 'ARN of the queue of events EventBridge could not deliver', Value: getAtt(DEAD_LETTER_QUEUE_LOGICAL_ID, 'Arn') };
  }
  for (const [queue, rules] of [...rulesByQueue].sort(byKey)) {
    const policyId = queue === projectQueue ? deadLetterQueuePolicyLogicalId() : deadLetterQueuePolicyLogicalId(queue);
    add(policyId, `dead-letter queue policy ${queue}`, compileDeadLetterQueuePolicy(queue, scope(rules)));
  }

  for (const [destination, rules] of [...rulesByDestination].sort(byKey)) {
    const arn = destination.startsWith('arn:') ? destination : buses[destination].arn;
    add(forwardRoleLogicalId(destination), `forward role ${destination}`, compileForwardRole(destination, arn, scope(rules), service, stage));
  }

  const statementIds: [string, string][] = [];

  for (const [key, bus] of Object.entries(config.buses).sort(byKey)) {
    const resolved = buses[key];
    const compiled = compileBus(resolved, bus);
    for (const [id, resource] of Object.entries(compiled.resources)) add(id, `bus ${key}`, resource);
    Object.assign(outputs, compiled.outputs);
    if (bus.policy) {
      const statements = busPolicyStatements(resolved, bus.policy.allow, service, stage);
      for (const statement of statements) statementIds.push([statement.statementId, `${key}/${statement.key}`]);
      for (const [id, resource] of Object.entries(compileBusPolicies(resolved, statements))) {
        add(id, `bus policy ${key} ${id}`, resource);
      }
    }
    if (bus.archive) {
      const archive = compileArchive(resolved, bus.archive, service, stage);
      add(archive.id, `archive ${key}`, archive.resource);
    }
  }

  if (config.schemas) {
    const registry = compileRegistry(config.schemas, catalog.eventSchemas ?? [], buses, service, stage);
    for (const [id, resource] of Object.entries(registry.resources)) add(id, `schema registry ${id}`, resource);
    Object.assign(outputs, registry.outputs);
  }
  if (config.trail) {
    const trail = compileTrail(config.trail, service, stage);
    for (const [id, resource] of Object.entries(trail.resources)) add(id, `trail ${id}`, resource);
    Object.assign(outputs, trail.outputs);
  }

  if (config.alarms.enabled) {
    const topicId = config.alarms.topic !== undefined ? topicLogicalId(config.alarms.topic) : undefined;
    const prefix = `${service}-${stage}`;
    for (const queue of [...rulesByQueue.keys()].sort()) {
      add(alarmLogicalId('queue', queue), `alarm dead-letter queue ${queue}`, queueAlarm(queue, `${prefix}-dlq-${queue}`, topicId));
    }
    for (const rule of catalog.rules) {
      const bus = buses[rule.bus];
      const physical = rulePhysicalName(service, stage, rule.name);
      add(alarmLogicalId('rule', rule.name), `alarm rule ${rule.name}`, ruleAlarm(physical, bus && bus.kind !== 'default' ? bus.name : undefined, `${prefix}-failed-${rule.name}`, topicId));
    }
    for (const functionKey of [...busesByFunction.keys()].sort()) {
      const alarms = functionAlarms(functionLogicalId(functionKey), functionKey, `${prefix}-${functionKey}`, topicId);
      add(alarmLogicalId('errors', functionKey), `alarm errors ${functionKey}`, alarms.errors);
      add(alarmLogicalId('throttles', functionKey), `alarm throttles ${functionKey}`, alarms.throttles);
    }
  }

  assertUniqueIds(idNames);
  assertUniqueStatementIds(statementIds);

  const functionEnvironment: CompiledCatalog['functionEnvironment'] = {};
  const functionPublishTopics: CompiledCatalog['functionPublishTopics'] = {};
  for (const [functionKey, topics] of [...publishTopics].sort(byKey)) {
    const keys = [...topics].sort();
    functionPublishTopics[functionKey] = keys;
    functionEnvironment[functionKey] = Object.fromEntries(keys.map((key) => [topicArnEnv(key), ref(topicLogicalId(key))]));
  }
  return {
    resources,
    outputs,
    functionEnvironment,
    functionPublishTopics,
    keyEncryptedTopics,
    warnings: [...rulesPerBusWarnings(catalog), ...deploymentWarnings.map((issue) => issue.message)],
    issues: deploymentWarnings,
  };
}

function requireTopic(catalog: Catalog, rule: RuleDefinition, topic: string): void {
  if (!Object.hasOwn(catalog.config.topics, topic)) {
    throw new CompilerError(CompilerErrorCode.UNKNOWN_TOPIC, `Rule ${rule.name} notifies topic ${JSON.stringify(topic)}, which custom.patchbay.topics does not define`);
  }
}

/** What {@link compileRule} needs besides the rule. */
export interface CompileRuleOptions {
  service: string;
  stage: string;
  functionLogicalId: (functionKey: string) => string;
  /** The rule's bus. @default the default bus */
  bus?: ResolvedBus;
  /** Every bus, to find `eventBus:` targets named by key. */
  buses?: Record<string, ResolvedBus>;
  /** Logical ID of the project's dead-letter queue. @default 'PatchbayDeadLetterQueue' */
  projectQueue?: string;
}

/**
 * One `AWS::Events::Rule`: Name, Description, EventPattern (an object) or ScheduleExpression, State, EventBusName
 * (omitted for the default bus), and one target per rule target.
 *
 * @example
 * { "Type": "AWS::Events::Rule", "Properties": {
 *   "Name": "patchbay-dev-iam-root-login", "Description": "Root signed in", "State": "ENABLED",
 *   "EventPattern": { "source": ["aws.signin"] },
 *   "Targets": [{ "Id": "notify", "Arn": { "Fn::GetAtt": ["NotifyLambdaFunction", "Arn"] },
 *     "InputTransformer": { "InputTemplate": "{\"patchbay\":{\"rule\":\"iam-root-login\",\"target\":\"notify\",\"ruleArnName\":<aws.events.rule-name>},\"event\":<aws.events.event.json>}" },
 *     "RetryPolicy": { "MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400 },
 *     "DeadLetterConfig": { "Arn": { "Fn::GetAtt": ["PatchbayDeadLetterQueue", "Arn"] } } }] } }
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-rule.html
 */
export function compileRule(rule: RuleDefinition, options: CompileRuleOptions): CfnResource {
  const properties: Record<string, unknown> = {
    Name: rulePhysicalName(options.service, options.stage, rule.name),
    Description: (rule.description ?? `patchbay rule from ${rule.filePath}`).slice(0, 512),
  };
  if (rule.pattern !== undefined) properties.EventPattern = rule.pattern;
  if (rule.schedule !== undefined) properties.ScheduleExpression = rule.schedule;
  properties.State = rule.state;
  const busName = options.bus?.eventBusName ?? (rule.bus !== DEFAULT_BUS && !options.bus ? rule.bus : undefined);
  if (busName !== undefined) properties.EventBusName = busName;
  properties.Targets = rule.targets.map((target) => compileTarget(rule, target, options));
  return { Type: 'AWS::Events::Rule', Properties: properties };
}

function compileTarget(rule: RuleDefinition, target: TargetDefinition, options: CompileRuleOptions): Record<string, unknown> {
  const deadLetterConfig = { DeadLetterConfig: { Arn: getAtt(target.deadLetterQueue ?? options.projectQueue ?? DEAD_LETTER_QUEUE_LOGICAL_ID, 'Arn') } };
  switch (target.kind) {
    case 'function':
      return {
        Id: target.id,
        Arn: getAtt(options.functionLogicalId(target.function), 'Arn'),
        InputTransformer: { InputTemplate: inputTemplate(rule.name, target.id) },
        ...retryPolicy(target),
        ...deadLetterConfig,
      };
    case 'sns':
      return {
        Id: target.id,
        Arn: ref(topicLogicalId(target.sns)),
        ...(target.inputTransformer
          ? {
              InputTransformer: {
                ...(target.inputTransformer.inputPathsMap ? { InputPathsMap: { ...target.inputTransformer.inputPathsMap } } : {}),
                InputTemplate: target.inputTransformer.inputTemplate,
              },
            }
          : {}),
        ...retryPolicy(target),
        ...deadLetterConfig,
      };
    case 'eventBus': {
      const arn = target.eventBus.startsWith('arn:') ? target.eventBus : busOf(options.buses ?? {}, target.eventBus, `Rule ${rule.name}`).arn;
      // No InputTransformer (refused on cross-account bus targets) and no RetryPolicy (none for bus targets).
      return { Id: target.id, Arn: arn, RoleArn: getAtt(forwardRoleLogicalId(target.eventBus), 'Arn'), ...deadLetterConfig };
    }
  }
}

function retryPolicy(target: { retryPolicy: FunctionTargetDefinition['retryPolicy'] }): { RetryPolicy: Record<string, number> } {
  return { RetryPolicy: { MaximumRetryAttempts: target.retryPolicy.maximumRetryAttempts, MaximumEventAgeInSeconds: target.retryPolicy.maximumEventAgeInSeconds } };
}

/**
 * The input template of a target: the runtime contract of DESIGN.md,
 * `{"patchbay":{"rule":"<name>","target":"<id>","ruleArnName":<aws.events.rule-name>},"event":<aws.events.event.json>}`.
 * EventBridge fills the two predefined variables (no InputPathsMap needed).
 *
 * @throws CompilerError `PATCHBAY_INVALID_INPUT_TEMPLATE` if the template, placeholders filled, is not that JSON
 *   shape, or exceeds 8192 characters.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
export function inputTemplate(ruleName: string, targetId: string): string {
  const template = `{"patchbay":{"rule":${JSON.stringify(ruleName)},"target":${JSON.stringify(targetId)},"ruleArnName":<aws.events.rule-name>},"event":<aws.events.event.json>}`;
  let filled: unknown;
  try {
    filled = JSON.parse(template.replace('<aws.events.rule-name>', '"rule-name"').replace('<aws.events.event.json>', '{"source":"x"}'));
  } catch (error) {
    throw new CompilerError(CompilerErrorCode.INVALID_INPUT_TEMPLATE, `Input template of rule ${ruleName} is not valid JSON: ${template}`, { cause: error });
  }
  const patchbay = (filled as { patchbay?: Record<string, unknown> }).patchbay;
  if (patchbay?.rule !== ruleName || patchbay?.target !== targetId || template.length > INPUT_TEMPLATE_MAX_LENGTH) {
    throw new CompilerError(CompilerErrorCode.INVALID_INPUT_TEMPLATE, `Input template of rule ${ruleName} does not round-trip: ${template}`);
  }
  return template;
}

/**
 * The `AWS::Lambda::Permission` that lets EventBridge invoke a function for every rule of this deployment on one
 * bus: `SourceArn` `arn:<partition>:events:<region>:<account>:rule/[<bus>/]<service>.<stage>.*` (Lambda compares
 * it with ArnLike), `SourceAccount` this account.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-permission.html
 */
export function compilePermission(functionLogicalId: string, options: { service: string; stage: string; bus: ResolvedBus | string }): CfnResource {
  return {
    Type: 'AWS::Lambda::Permission',
    Properties: {
      FunctionName: getAtt(functionLogicalId, 'Arn'),
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: ruleArnPattern(options),
      SourceAccount: ref('AWS::AccountId'),
    },
  };
}

/**
 * `Fn::Sub` of the ARN of every rule of this deployment on one bus (rules of a custom bus have the bus in their ARN).
 * @param options.bus - a resolved bus, or the name of a bus of this account and Region (`default` for the default bus)
 * @example ruleArnPattern({ service: 'patchbay', stage: 'dev', bus: 'orders' })
 * // { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/orders/patchbay.dev.*' }
 */
export function ruleArnPattern(options: { service: string; stage: string; bus: ResolvedBus | string }): { 'Fn::Sub': string } {
  const bus =
    typeof options.bus === 'string'
      ? { ruleArnPrefix: `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${options.bus === DEFAULT_BUS ? '' : `${options.bus}/`}` }
      : options.bus;
  return busRuleArnPattern(bus, options.service, options.stage);
}

/**
 * One `AWS::SNS::Topic` (TopicName `<service>-<stage>-<key>`, DisplayName, `KmsMasterKeyId`: `alias/aws/sns`, or the
 * patchbay key for topics EventBridge publishes to; `fifo: true` gives `<name>.fifo` with `FifoTopic: true` and
 * `ContentBasedDeduplication: false`) and one `AWS::SNS::Subscription` per distinct subscription.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-topic.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-subscription.html
 */
export function compileTopic(
  topicKey: string,
  topic: TopicConfig,
  options: { service: string; stage: string; encryptWithPatchbayKey?: boolean },
): { resources: Record<string, CfnResource> } {
  const topicId = topicLogicalId(topicKey);
  const resources: Record<string, CfnResource> = {
    [topicId]: {
      Type: 'AWS::SNS::Topic',
      Properties: {
        TopicName: topicPhysicalName(options.service, options.stage, topicKey, { fifo: topic.fifo }),
        ...(topic.displayName !== undefined ? { DisplayName: topic.displayName } : {}),
        // FIFO: deduplication by the MessageDeduplicationId the notify function sets (rule + target + event id),
        // not by content (two events with the same text are two alerts).
        ...(topic.fifo ? { FifoTopic: true, ContentBasedDeduplication: false } : {}),
        KmsMasterKeyId: options.encryptWithPatchbayKey ? getAtt(TOPIC_KEY_LOGICAL_ID, 'Arn') : TOPIC_KMS_KEY,
      },
    },
  };
  for (const subscription of topic.subscriptions) {
    resources[subscriptionLogicalId(topicKey, subscription.protocol, subscription.endpoint)] = {
      Type: 'AWS::SNS::Subscription',
      Properties: { TopicArn: ref(topicId), Protocol: subscription.protocol, Endpoint: subscription.endpoint },
    };
  }
  return { resources };
}

/**
 * The IAM statement allowing `sns:Publish` on exactly these topics (no KMS grant needed for `alias/aws/sns` topics).
 * @example snsPublishStatement(['security']) // { Effect: 'Allow', Action: ['sns:Publish'], Resource: [{ Ref: 'PatchbayTopicSecurity' }] }
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html
 */
export function snsPublishStatement(topicKeys: readonly string[]): IamStatement & { Action: string[]; Resource: unknown[] } {
  return { Effect: 'Allow', Action: ['sns:Publish'], Resource: [...new Set(topicKeys)].sort().map((key) => ref(topicLogicalId(key))) };
}

/**
 * What a role needs to publish to these topics: `sns:Publish` on them, and the patchbay key's
 * `kms:GenerateDataKey*` / `kms:Decrypt` when one of them is encrypted with it.
 * @example publishStatements(['security'], []) // [{ Effect: 'Allow', Action: ['sns:Publish'], Resource: [{ Ref: 'PatchbayTopicSecurity' }] }]
 */
export function publishStatements(topicKeys: readonly string[], keyEncryptedTopics: readonly string[]): IamStatement[] {
  if (topicKeys.length === 0) return [];
  const statements: IamStatement[] = [snsPublishStatement(topicKeys)];
  if (topicKeys.some((key) => keyEncryptedTopics.includes(key))) statements.push(topicKeyStatement());
  return statements;
}

function byKey<T>([a]: [string, T], [b]: [string, T]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
