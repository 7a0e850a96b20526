/** Errors of the compiler: inputs it cannot turn into a valid template. */
import { sortIssues, type CatalogIssue } from '../catalog';

/** Stable codes of {@link CompilerError}. */
export const CompilerErrorCode = {
  /** `<service>-<stage>-` leaves no room for a rule name within EventBridge's 64 characters. */
  RULE_NAME_PREFIX_TOO_LONG: 'PATCHBAY_RULE_NAME_PREFIX_TOO_LONG',
  /** Two rules, topics or permissions would get the same logical ID (possible only through a hash coincidence). */
  LOGICAL_ID_COLLISION: 'PATCHBAY_LOGICAL_ID_COLLISION',
  /** Two bus policy statements of the template would get the same statement ID. */
  STATEMENT_ID_COLLISION: 'PATCHBAY_STATEMENT_ID_COLLISION',
  /** A target names a function that `functionLogicalIds` does not map. */
  UNKNOWN_FUNCTION: 'PATCHBAY_UNKNOWN_FUNCTION',
  /** A target names a topic that the catalog config does not define. */
  UNKNOWN_TOPIC: 'PATCHBAY_UNKNOWN_TOPIC',
  /** An `sns:` target names a FIFO topic: its publishes need a MessageGroupId and deduplication ID that only the notify function sets. */
  /** A rule or target names a bus that the catalog config does not define. */
  UNKNOWN_BUS: 'PATCHBAY_UNKNOWN_BUS',
  /** The generated input template is not valid JSON once its placeholders are filled, or is too long. */
  INVALID_INPUT_TEMPLATE: 'PATCHBAY_INVALID_INPUT_TEMPLATE',
  /**
   * The template would break an AWS limit that depends on the service and stage names or on the whole template:
   * name lengths, archive names, bus policy size, resources per stack, template size. `issues` lists each one.
   */
  LIMITS_EXCEEDED: 'PATCHBAY_LIMITS_EXCEEDED',
  /**
   * The catalog cannot work where it is deployed: a bus of another account or Region used as a local bus, a bus
   * name with this deployment's rule prefix, a rule state EventBridge refuses there. `issues` lists each one
   * ({@link DeploymentIssueCode}, `severity: 'error'`).
   */
  DEPLOYMENT_INVALID: 'PATCHBAY_DEPLOYMENT_INVALID',
} as const;
/** One of the {@link CompilerErrorCode} values. */
export type CompilerErrorCode = (typeof CompilerErrorCode)[keyof typeof CompilerErrorCode];

/**
 * Codes of the issues of a `PATCHBAY_LIMITS_EXCEEDED` error (in `issues`, shaped like catalog issues:
 * `{ code, filePath, pointer, line, column, found, allowed, message }`).
 *
 * | code | raised when |
 * | --- | --- |
 * | `NAME_TOO_LONG` | a physical name (bus, topic, queue, registry, trail, rule prefix) is over its AWS limit |
 * | `ARCHIVE_NAME_COLLISION` | two buses' archive names are the same once cut to 48 characters |
 * | `BUS_POLICY_TOO_LARGE` | a bus's resource policy would exceed 10,240 characters |
 * | `TOO_MANY_RESOURCES` | the stack would have more than 500 resources (with the plan: which rules go to which extra stack) |
 * | `TEMPLATE_TOO_LARGE` | the template would exceed 1,000,000 bytes (with the same kind of plan) |
 */
export const LimitIssueCode = {
  NAME_TOO_LONG: 'NAME_TOO_LONG',
  ARCHIVE_NAME_COLLISION: 'ARCHIVE_NAME_COLLISION',
  BUS_POLICY_TOO_LARGE: 'BUS_POLICY_TOO_LARGE',
  TOO_MANY_RESOURCES: 'TOO_MANY_RESOURCES',
  TEMPLATE_TOO_LARGE: 'TEMPLATE_TOO_LARGE',
} as const;
/** One of the {@link LimitIssueCode} values. */
export type LimitIssueCode = (typeof LimitIssueCode)[keyof typeof LimitIssueCode];

/**
 * Codes of the problems only the deployment shows (the compiler's `checkDeployment`, see `./checks`): errors in a
 * `PATCHBAY_DEPLOYMENT_INVALID` error, warnings in `CompiledCatalog.issues`.
 *
 * | code | severity | raised when |
 * | --- | --- | --- |
 * | `FOREIGN_BUS` | error | a bus of another account or Region is a rule's bus, has a policy or an archive, or is a discoverer's source |
 * | `BUS_NAME_RESERVED` | error | a bus's name starts with this deployment's rule prefix `<service>.<stage>.` |
 * | `RULE_STATE_NOT_ALLOWED` | error | `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` on a schedule or a partner bus's rule |
 * | `SNS_TARGET_FIFO_TOPIC` | error | an `sns:` target names a FIFO topic |
 * | `MULTI_HOP_FORWARDING` | warning | a rule forwards to another bus from a bus that receives forwarded events |
 * | `GLOBAL_SERVICE_EVENTS_REGION` | warning | a default-bus rule matches IAM, STS, sign-in or Organizations events outside us-east-1 |
 * | `CLOUDTRAIL_TRAIL_REQUIRED` | warning | a default-bus rule matches `AWS API Call via CloudTrail` in a project without `custom.patchbay.trail` |
 */
export const DeploymentIssueCode = {
  FOREIGN_BUS: 'FOREIGN_BUS',
  BUS_NAME_RESERVED: 'BUS_NAME_RESERVED',
  RULE_STATE_NOT_ALLOWED: 'RULE_STATE_NOT_ALLOWED',
  SNS_TARGET_FIFO_TOPIC: 'SNS_TARGET_FIFO_TOPIC',
  MULTI_HOP_FORWARDING: 'MULTI_HOP_FORWARDING',
  GLOBAL_SERVICE_EVENTS_REGION: 'GLOBAL_SERVICE_EVENTS_REGION',
  CLOUDTRAIL_TRAIL_REQUIRED: 'CLOUDTRAIL_TRAIL_REQUIRED',
} as const;
/** One of the {@link DeploymentIssueCode} values. */
export type DeploymentIssueCode = (typeof DeploymentIssueCode)[keyof typeof DeploymentIssueCode];

/** A limit or deployment problem, pointing into serverless.yml or a pattern file like a catalog issue. */
export type CompilerIssue = CatalogIssue<LimitIssueCode | DeploymentIssueCode>;

/** A limit problem (kept as a name: every compiler issue has this shape). */
export type LimitIssue = CompilerIssue;

/**
 * The catalog cannot be compiled. The catalog validates what users write, so this means a config the
 * catalog cannot see (service and stage names, the function map, the whole template) or a bug.
 *
 * @example
 * try { compileCatalog(catalog, { service, stage }); }
 * catch (error) {
 *   if (error instanceof CompilerError && error.code === 'PATCHBAY_LIMITS_EXCEEDED') for (const issue of error.issues) console.error(issue.message);
 * }
 */
export class CompilerError extends Error {
  readonly code: CompilerErrorCode;
  /** Every limit problem, for `PATCHBAY_LIMITS_EXCEEDED`; empty otherwise. */
  readonly issues: LimitIssue[];
  constructor(code: CompilerErrorCode, message: string, options?: { cause?: unknown; issues?: LimitIssue[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CompilerError';
    this.code = code;
    this.issues = options?.issues ?? [];
  }

  /**
   * One error for several limit problems, listing each (sorted by file, line, pointer).
   * @example CompilerError.fromIssues([issue]).message // 'AWS limits exceeded (1 problem):\n  - serverless.yml#/custom/patchbay/buses/central/policy: ...'
   */
  static fromIssues(unsorted: LimitIssue[], code: typeof CompilerErrorCode.LIMITS_EXCEEDED | typeof CompilerErrorCode.DEPLOYMENT_INVALID = CompilerErrorCode.LIMITS_EXCEEDED): CompilerError {
    const issues = sortIssues(unsorted);
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    const title = code === CompilerErrorCode.LIMITS_EXCEEDED ? 'AWS limits exceeded' : 'Cannot deploy this catalog here';
    return new CompilerError(code, `${title} (${count}):\n${issues.map((issue) => `  - ${issue.message}`).join('\n')}`, { issues });
  }
}
