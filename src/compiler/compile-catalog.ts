/**
 * Compile a catalog into CloudFormation: pure functions from rules and topics to template fragments.
 *
 * What one catalog becomes:
 * - one `AWS::Events::Rule` per rule, each target a Lambda function of the service with an input transformer
 *   that wraps the event as `{"patchbay":{...},"event":<the event>}` (the runtime contract, DESIGN.md);
 * - one `AWS::Lambda::Permission` per targeted function and bus (not per rule): EventBridge may invoke the
 *   function for any rule named `<service>-<stage>-*` (Lambda matches `SourceArn` with ArnLike);
 * - one `AWS::SNS::Topic` per key of `custom.patchbay.topics`, encrypted with the AWS-managed key
 *   `alias/aws/sns`, and one `AWS::SNS::Subscription` per subscription;
 * - optionally, a dead-letter queue on every target and the queue policy EventBridge needs to use it;
 * - per function: the `PATCHBAY_TOPIC_ARN_<KEY>` environment variables and the topic keys it may publish to.
 *
 * Publishing needs `sns:Publish` on the topic only: the key policy of the AWS-managed `aws/sns` key already lets
 * every principal of the account use the key through SNS (`kms:ViaService`), and IAM policies cannot grant
 * more on AWS-managed keys anyway. A customer-managed key would need `kms:GenerateDataKey*` and `kms:Decrypt`.
 */
import { topicArnEnv } from '../runtime/manifest';
import { DEFAULT_BUS, topicPhysicalName, type Catalog, type RuleDefinition, type TargetDefinition, type TopicConfig } from '../catalog';
import { CompilerError, CompilerErrorCode } from './errors';
import {
  assertUniqueIds,
  deadLetterQueuePolicyLogicalId,
  permissionLogicalId,
  ruleLogicalId,
  ruleNamePrefix,
  rulePhysicalName,
  serverlessFunctionLogicalId,
  subscriptionLogicalId,
  topicArnOutputId,
  topicLogicalId,
} from './logical-ids';

/** A CloudFormation resource. @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html */
export interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string | string[];
}

/** A CloudFormation output. @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html */
export interface CfnOutput {
  Description?: string;
  Value: unknown;
}

/** An IAM policy statement. @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_statement.html */
export interface IamStatement {
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: unknown[];
}

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
}

/**
 * The template fragments of a catalog.
 *
 * @example
 * {
 *   "resources": {
 *     "PatchbayRuleIamRootLogin": { "Type": "AWS::Events::Rule", "Properties": { "Name": "patchbay-dev-iam-root-login", ... } },
 *     "NotifyPatchbayInvokePermission": { "Type": "AWS::Lambda::Permission", ... },
 *     "PatchbayTopicSecurity": { "Type": "AWS::SNS::Topic", "Properties": { "TopicName": "patchbay-dev-security", "KmsMasterKeyId": "alias/aws/sns" } }
 *   },
 *   "outputs": { "PatchbayTopicSecurityArn": { "Value": { "Ref": "PatchbayTopicSecurity" } } },
 *   "functionEnvironment": { "notify": { "PATCHBAY_TOPIC_ARN_SECURITY": { "Ref": "PatchbayTopicSecurity" } } },
 *   "functionPublishTopics": { "notify": ["security"] }
 * }
 */
export interface CompiledCatalog {
  /** Logical ID -> resource, to merge into the template's `Resources`. */
  resources: Record<string, CfnResource>;
  /** Logical ID -> output (each topic's ARN). */
  outputs: Record<string, CfnOutput>;
  /** Function key -> environment variables (`PATCHBAY_TOPIC_ARN_<KEY>`: `{ Ref: <topic> }`); every targeted function has an entry. */
  functionEnvironment: Record<string, Record<string, { Ref: string }>>;
  /** Function key -> sorted topic keys its targets notify: what its role must be allowed to publish to. */
  functionPublishTopics: Record<string, string[]>;
}

/** The key SNS topics are encrypted with. @see https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html */
export const TOPIC_KMS_KEY = 'alias/aws/sns';

/** EventBridge's InputTemplate limit, in characters. @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html */
export const INPUT_TEMPLATE_MAX_LENGTH = 8192;

/**
 * Compile a catalog into CloudFormation resources, outputs and per-function settings.
 *
 * @throws CompilerError `PATCHBAY_UNKNOWN_FUNCTION` (a target's function is not in `functionLogicalIds`),
 *   `PATCHBAY_UNKNOWN_TOPIC`, `PATCHBAY_RULE_NAME_PREFIX_TOO_LONG`, `PATCHBAY_LOGICAL_ID_COLLISION`,
 *   `PATCHBAY_INVALID_INPUT_TEMPLATE`.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-rule.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-permission.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-topic.html
 */
export function compileCatalog(catalog: Catalog, options: CompileCatalogOptions): CompiledCatalog {
  const { service, stage } = options;
  const functionLogicalId = (functionKey: string): string => {
    if (!options.functionLogicalIds) return serverlessFunctionLogicalId(functionKey);
    const id = options.functionLogicalIds[functionKey];
    if (id === undefined) {
      throw new CompilerError(CompilerErrorCode.UNKNOWN_FUNCTION, `Function ${JSON.stringify(functionKey)} is not a function of the service`);
    }
    return id;
  };
  const deadLetterQueue = catalog.config.deadLetterQueue;

  const resources: Record<string, CfnResource> = {};
  const outputs: Record<string, CfnOutput> = {};
  const idNames: [string, string][] = [];
  const add = (id: string, name: string, resource: CfnResource): void => {
    idNames.push([id, name]);
    resources[id] = resource;
  };

  for (const rule of catalog.rules) {
    add(ruleLogicalId(rule.name), `rule ${rule.name}`, compileRule(rule, { service, stage, functionLogicalId, deadLetterQueue }));
  }

  const busesByFunction = new Map<string, Set<string>>();
  const publishTopics = new Map<string, Set<string>>();
  for (const rule of catalog.rules) {
    for (const target of rule.targets) {
      (busesByFunction.get(target.function) ?? busesByFunction.set(target.function, new Set()).get(target.function)!).add(rule.bus);
      const topics = publishTopics.get(target.function) ?? publishTopics.set(target.function, new Set()).get(target.function)!;
      if (target.notify) {
        if (!Object.hasOwn(catalog.config.topics, target.notify.topic)) {
          throw new CompilerError(CompilerErrorCode.UNKNOWN_TOPIC, `Rule ${rule.name} notifies topic ${JSON.stringify(target.notify.topic)}, which custom.patchbay.topics does not define`);
        }
        topics.add(target.notify.topic);
      }
    }
  }

  for (const [functionKey, buses] of [...busesByFunction].sort(byKey)) {
    for (const bus of [...buses].sort()) {
      add(permissionLogicalId(functionKey, bus), `permission ${functionKey} ${bus}`, compilePermission(functionLogicalId(functionKey), { service, stage, bus }));
    }
  }

  for (const [topicKey, topic] of Object.entries(catalog.config.topics).sort(byKey)) {
    const { resources: topicResources } = compileTopic(topicKey, topic, { service, stage });
    for (const [id, resource] of Object.entries(topicResources)) add(id, `topic ${topicKey} ${id}`, resource);
    outputs[topicArnOutputId(topicKey)] = { Description: `ARN of the patchbay topic "${topicKey}"`, Value: { Ref: topicLogicalId(topicKey) } };
  }

  if (deadLetterQueue !== undefined && catalog.rules.length > 0) {
    const buses = [...new Set(catalog.rules.map((rule) => rule.bus))].sort();
    add(deadLetterQueuePolicyLogicalId(), 'dead-letter queue policy', compileDeadLetterQueuePolicy(deadLetterQueue, { service, stage, buses }));
  }

  assertUniqueIds(idNames);

  const functionEnvironment: CompiledCatalog['functionEnvironment'] = {};
  const functionPublishTopics: CompiledCatalog['functionPublishTopics'] = {};
  for (const [functionKey, topics] of [...publishTopics].sort(byKey)) {
    const keys = [...topics].sort();
    functionPublishTopics[functionKey] = keys;
    functionEnvironment[functionKey] = Object.fromEntries(keys.map((key) => [topicArnEnv(key), { Ref: topicLogicalId(key) }]));
  }
  return { resources, outputs, functionEnvironment, functionPublishTopics };
}

/**
 * One `AWS::Events::Rule`: Name, Description, EventPattern (an object) or ScheduleExpression, State, EventBusName
 * (omitted for the default bus), and one Lambda target per rule target.
 *
 * @example
 * { "Type": "AWS::Events::Rule", "Properties": {
 *   "Name": "patchbay-dev-iam-root-login", "Description": "Root signed in", "State": "ENABLED",
 *   "EventPattern": { "source": ["aws.signin"] },
 *   "Targets": [{ "Id": "notify", "Arn": { "Fn::GetAtt": ["NotifyLambdaFunction", "Arn"] },
 *     "InputTransformer": { "InputTemplate": "{\"patchbay\":{\"rule\":\"iam-root-login\",\"target\":\"notify\",\"ruleArnName\":<aws.events.rule-name>},\"event\":<aws.events.event.json>}" } }] } }
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-rule.html
 */
export function compileRule(
  rule: RuleDefinition,
  options: { service: string; stage: string; functionLogicalId: (functionKey: string) => string; deadLetterQueue?: string },
): CfnResource {
  const properties: Record<string, unknown> = {
    Name: rulePhysicalName(options.service, options.stage, rule.name),
    Description: (rule.description ?? `patchbay rule from ${rule.filePath}`).slice(0, 512),
  };
  if (rule.pattern !== undefined) properties.EventPattern = rule.pattern;
  if (rule.schedule !== undefined) properties.ScheduleExpression = rule.schedule;
  properties.State = rule.state;
  if (rule.bus !== DEFAULT_BUS) properties.EventBusName = rule.bus;
  properties.Targets = rule.targets.map((target) => compileTarget(rule, target, options));
  return { Type: 'AWS::Events::Rule', Properties: properties };
}

function compileTarget(
  rule: RuleDefinition,
  target: TargetDefinition,
  options: { functionLogicalId: (functionKey: string) => string; deadLetterQueue?: string },
): Record<string, unknown> {
  return {
    Id: target.id,
    Arn: { 'Fn::GetAtt': [options.functionLogicalId(target.function), 'Arn'] },
    InputTransformer: { InputTemplate: inputTemplate(rule.name, target.id) },
    ...(options.deadLetterQueue !== undefined ? { DeadLetterConfig: { Arn: { 'Fn::GetAtt': [options.deadLetterQueue, 'Arn'] } } } : {}),
  };
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
 * bus: `SourceArn` `arn:<partition>:events:<region>:<account>:rule/[<bus>/]<service>-<stage>-*` (Lambda compares
 * it with ArnLike), `SourceAccount` this account.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-permission.html
 */
export function compilePermission(functionLogicalId: string, options: { service: string; stage: string; bus: string }): CfnResource {
  return {
    Type: 'AWS::Lambda::Permission',
    Properties: {
      FunctionName: { 'Fn::GetAtt': [functionLogicalId, 'Arn'] },
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: ruleArnPattern(options),
      SourceAccount: { Ref: 'AWS::AccountId' },
    },
  };
}

/** `Fn::Sub` of the ARN of every rule of this deployment on one bus (rules of a custom bus have the bus in their ARN). */
export function ruleArnPattern(options: { service: string; stage: string; bus: string }): { 'Fn::Sub': string } {
  const busPart = options.bus === DEFAULT_BUS ? '' : `${options.bus}/`;
  return { 'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${busPart}${ruleNamePrefix(options.service, options.stage)}*` };
}

/**
 * One `AWS::SNS::Topic` (TopicName `<service>-<stage>-<key>`, DisplayName, `KmsMasterKeyId: alias/aws/sns`) and
 * one `AWS::SNS::Subscription` per distinct subscription.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-topic.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sns-subscription.html
 */
export function compileTopic(topicKey: string, topic: TopicConfig, options: { service: string; stage: string }): { resources: Record<string, CfnResource> } {
  const topicId = topicLogicalId(topicKey);
  const resources: Record<string, CfnResource> = {
    [topicId]: {
      Type: 'AWS::SNS::Topic',
      Properties: {
        TopicName: topicPhysicalName(options.service, options.stage, topicKey),
        ...(topic.displayName !== undefined ? { DisplayName: topic.displayName } : {}),
        KmsMasterKeyId: TOPIC_KMS_KEY,
      },
    },
  };
  for (const subscription of topic.subscriptions) {
    resources[subscriptionLogicalId(topicKey, subscription.protocol, subscription.endpoint)] = {
      Type: 'AWS::SNS::Subscription',
      Properties: { TopicArn: { Ref: topicId }, Protocol: subscription.protocol, Endpoint: subscription.endpoint },
    };
  }
  return { resources };
}

/**
 * The `AWS::SQS::QueuePolicy` that lets EventBridge send events it could not deliver to the dead-letter queue,
 * only for this deployment's rules.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
export function compileDeadLetterQueuePolicy(queueLogicalId: string, options: { service: string; stage: string; buses: string[] }): CfnResource {
  return {
    Type: 'AWS::SQS::QueuePolicy',
    Properties: {
      Queues: [{ Ref: queueLogicalId }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'PatchbayRulesDeadLetter',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: { 'Fn::GetAtt': [queueLogicalId, 'Arn'] },
            Condition: { ArnLike: { 'aws:SourceArn': options.buses.map((bus) => ruleArnPattern({ ...options, bus })) } },
          },
        ],
      },
    },
  };
}

/**
 * The IAM statement allowing `sns:Publish` on exactly these topics (no KMS grant needed: see the module comment).
 * @example snsPublishStatement(['security']) // { Effect: 'Allow', Action: ['sns:Publish'], Resource: [{ Ref: 'PatchbayTopicSecurity' }] }
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html
 */
export function snsPublishStatement(topicKeys: readonly string[]): IamStatement {
  return { Effect: 'Allow', Action: ['sns:Publish'], Resource: [...new Set(topicKeys)].sort().map((key) => ({ Ref: topicLogicalId(key) })) };
}

function byKey<T>([a]: [string, T], [b]: [string, T]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
