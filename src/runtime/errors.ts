/**
 * Errors of the runtime (what the notify handler runs): one base class, `RuntimeError`, with a stable `code`
 * and the underlying `cause`; one subclass per kind of failure. Tests and callers branch on `code`, never on
 * the message text.
 *
 * | class                       | code                           | retry helps? |
 * | --------------------------- | ------------------------------ | ------------ |
 * | `InvalidManifestError`      | `INVALID_MANIFEST`             | no (fix the build) |
 * | `InvalidExpressionError`    | `INVALID_EXPRESSION`           | no |
 * | `ExpressionEvaluationError` | `EXPRESSION_EVALUATION_FAILED` | no |
 * | `InvalidInputError`         | `INVALID_INPUT`                | no |
 * | `UnknownRuleError`          | `UNKNOWN_RULE`                 | no (stale manifest) |
 * | `InvalidDeliveryError`      | `INVALID_DELIVERY`             | no (forged or corrupt delivery) |
 * | `InvalidConfigurationError` | `INVALID_CONFIGURATION`        | no (fix the function's environment) |
 * | `PublishError`              | `PUBLISH_FAILED`               | often (throttling, 5xx, network) |
 * | `NotifyError`               | `NOTIFY_FAILED`                | for its `PublishError`s |
 */

/** Stable error codes of the runtime. */
export const RuntimeErrorCode = {
  INVALID_MANIFEST: 'INVALID_MANIFEST',
  INVALID_EXPRESSION: 'INVALID_EXPRESSION',
  EXPRESSION_EVALUATION_FAILED: 'EXPRESSION_EVALUATION_FAILED',
  INVALID_INPUT: 'INVALID_INPUT',
  UNKNOWN_RULE: 'UNKNOWN_RULE',
  INVALID_DELIVERY: 'INVALID_DELIVERY',
  INVALID_CONFIGURATION: 'INVALID_CONFIGURATION',
  PUBLISH_FAILED: 'PUBLISH_FAILED',
  NOTIFY_FAILED: 'NOTIFY_FAILED',
} as const;

/** One of {@link RuntimeErrorCode}'s values. */
export type RuntimeErrorCode = (typeof RuntimeErrorCode)[keyof typeof RuntimeErrorCode];

/**
 * Base class of every runtime error: a stable `code` and, when another error caused it, `cause`.
 *
 * @example
 * try { await processEvent(input, options); }
 * catch (error) { if (error instanceof RuntimeError && error.code === 'NOTIFY_FAILED') { ... } }
 */
export class RuntimeError extends Error {
  /** Stable machine-readable code; see {@link RuntimeErrorCode}. */
  readonly code: RuntimeErrorCode;

  constructor(code: RuntimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeError';
    this.code = code;
  }
}

/** One problem found in a routing manifest: where (RFC 6901 pointer into the manifest) and what. */
export interface ManifestIssue {
  /** e.g. `/rules/0/targets/1/select/table`; `''` for the whole document. */
  pointer: string;
  message: string;
  /** The error that revealed the problem (a pattern-engine or JMESPath error), when there is one. */
  cause?: unknown;
}

/**
 * The routing manifest cannot be used: unreadable, not JSON, wrong version, an invalid event pattern or JMESPath
 * expression, a target naming an unknown topic. Carries every issue found, not only the first.
 * The message reads like `patchbay-manifest.json#/rules/0/targets/0/filter: ...; 1 more issue`.
 */
export class InvalidManifestError extends RuntimeError {
  /** Every problem found, in document order. */
  readonly issues: ManifestIssue[];
  /** Where the manifest was read from, when it came from a file. */
  readonly filePath?: string;

  constructor(issues: ManifestIssue[], filePath?: string, options?: { cause?: unknown }) {
    const first = issues[0];
    const where = `${filePath ?? 'manifest'}#${first?.pointer ?? ''}`;
    const more = issues.length > 1 ? `; ${issues.length - 1} more issue${issues.length > 2 ? 's' : ''}` : '';
    super(RuntimeErrorCode.INVALID_MANIFEST, `${where}: ${first?.message ?? 'invalid routing manifest'}${more}`, {
      cause: options?.cause ?? first?.cause,
    });
    this.name = 'InvalidManifestError';
    this.issues = issues;
    this.filePath = filePath;
  }
}

/**
 * A JMESPath expression (a target's `filter` or a `select` entry) does not parse, or calls an unknown function
 * or a function with the wrong number of arguments.
 * @see https://jmespath.org/specification.html
 */
export class InvalidExpressionError extends RuntimeError {
  readonly expression: string;
  /** Where the expression sits in the manifest (RFC 6901), e.g. `/rules/0/targets/0/filter`; `''` if unknown. */
  readonly pointer: string;
  /** 0-based character offset of the problem in `expression` (the "column" of JMESPath's own message), when known. */
  readonly position?: number;

  constructor(expression: string, reason: string, pointer = '', position?: number, options?: { cause?: unknown }) {
    super(RuntimeErrorCode.INVALID_EXPRESSION, `Invalid JMESPath expression ${JSON.stringify(expression)}: ${reason}`, options);
    this.name = 'InvalidExpressionError';
    this.expression = expression;
    this.pointer = pointer;
    this.position = position;
  }
}

/**
 * A valid JMESPath expression failed on this event, e.g. `length(detail.count)` where `count` is a number
 * (`invalid-type` in JMESPath terms).
 */
export class ExpressionEvaluationError extends RuntimeError {
  readonly expression: string;
  /** Where the expression sits in the manifest (RFC 6901); `''` if unknown. */
  readonly pointer: string;

  constructor(expression: string, pointer: string, options: { cause: unknown }) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(RuntimeErrorCode.EXPRESSION_EVALUATION_FAILED, `JMESPath expression ${JSON.stringify(expression)} failed: ${reason}`, options);
    this.name = 'ExpressionEvaluationError';
    this.expression = expression;
    this.pointer = pointer;
  }
}

/**
 * The handler's input is neither a patchbay `DeliveredEvent` (`{ patchbay: { rule, target }, event }`) nor a raw
 * EventBridge event (an object with string `source` and `detail-type`).
 * @see https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html
 */
export class InvalidInputError extends RuntimeError {
  /** RFC 6901 pointer into the input where the problem is; `''` for the whole input. */
  readonly pointer: string;

  constructor(message: string, pointer = '') {
    super(RuntimeErrorCode.INVALID_INPUT, pointer ? `input#${pointer}: ${message}` : `input: ${message}`);
    this.name = 'InvalidInputError';
    this.pointer = pointer;
  }
}

/**
 * A delivered event names a rule, or a target of a rule, that this function's manifest does not know:
 * the deployed rules and the bundled manifest disagree (e.g. a rule deployed by another version).
 */
export class UnknownRuleError extends RuntimeError {
  readonly rule: string;
  /** Set when the rule is known but the target is not. */
  readonly target?: string;

  constructor(rule: string, target?: string) {
    super(
      RuntimeErrorCode.UNKNOWN_RULE,
      target === undefined
        ? `Unknown rule ${JSON.stringify(rule)}: not in this function's routing manifest`
        : `Unknown target ${JSON.stringify(target)} of rule ${JSON.stringify(rule)}: not in this function's routing manifest`,
    );
    this.name = 'UnknownRuleError';
    this.rule = rule;
    this.target = target;
  }
}

/**
 * A delivered event (`{ patchbay: { rule, target }, event }`) that its rule could not have delivered: the event is
 * not a complete EventBridge event (`pointer` names the field), or it does not match the rule's event pattern, or
 * a schedule rule's event is not a `Scheduled Event`. Thrown before anything is published, so the invocation fails
 * and Lambda's retries, then the on-failure destination, keep the input for inspection. See docs/runtime.md (trust
 * model).
 * @example
 * // input#/event/detail-type: the event does not match the pattern of rule iam-policy-attached; ...
 */
export class InvalidDeliveryError extends RuntimeError {
  readonly rule: string;
  readonly target: string;
  /** RFC 6901 pointer into the input, e.g. `/event/source`; `/event` when the whole event does not match. */
  readonly pointer: string;

  constructor(details: { rule: string; target: string; pointer: string }, reason: string) {
    super(
      RuntimeErrorCode.INVALID_DELIVERY,
      `input#${details.pointer}: refused delivery for rule ${details.rule}, target ${details.target}: ${reason}`,
    );
    this.name = 'InvalidDeliveryError';
    this.rule = details.rule;
    this.target = details.target;
    this.pointer = details.pointer;
  }
}

/**
 * The function's environment configures the runtime wrongly, e.g. `PATCHBAY_SNS_REQUEST_TIMEOUT_MS=abc`.
 * Thrown at cold start (when the SNS client is created).
 */
export class InvalidConfigurationError extends RuntimeError {
  /** The environment variable at fault. */
  readonly variable: string;

  constructor(variable: string, reason: string) {
    super(RuntimeErrorCode.INVALID_CONFIGURATION, `${variable}: ${reason}`);
    this.name = 'InvalidConfigurationError';
    this.variable = variable;
  }
}

/**
 * SNS Publish failed after the SDK's retries. `cause` is the SDK error; `awsErrorName` its name
 * (`ThrottlingException`, `NotFoundException`, `AuthorizationErrorException`, ...), `attempts` how many requests
 * the SDK made.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html#API_Publish_Errors
 */
export class PublishError extends RuntimeError {
  readonly topicArn: string;
  readonly rule?: string;
  readonly target?: string;
  readonly awsErrorName?: string;
  readonly attempts?: number;

  constructor(details: { topicArn: string; rule?: string; target?: string }, options: { cause: unknown }) {
    const cause = options.cause as { name?: unknown; message?: unknown; $metadata?: { attempts?: unknown } } | undefined;
    const awsErrorName = typeof cause?.name === 'string' ? cause.name : undefined;
    const attempts = typeof cause?.$metadata?.attempts === 'number' ? cause.$metadata.attempts : undefined;
    const reason = typeof cause?.message === 'string' && cause.message ? cause.message : String(options.cause);
    const after = attempts === undefined ? '' : ` after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
    const of = details.rule ? ` (rule ${details.rule}${details.target ? `, target ${details.target}` : ''})` : '';
    super(RuntimeErrorCode.PUBLISH_FAILED, `SNS Publish to ${details.topicArn}${of} failed${after}: ${awsErrorName ? `${awsErrorName}: ` : ''}${reason}`, options);
    this.name = 'PublishError';
    this.topicArn = details.topicArn;
    this.rule = details.rule;
    this.target = details.target;
    this.awsErrorName = awsErrorName;
    this.attempts = attempts;
  }
}

/**
 * At least one routed target could not be notified. Every target was attempted first; `errors` lists the failures
 * (`PublishError`, `ExpressionEvaluationError`, ...) and `results` what succeeded.
 * Thrown so that the Lambda invocation fails and Lambda's asynchronous retries, then the on-failure destination /
 * dead-letter queue, keep the event. A retried invocation notifies every target again, including those that had
 * succeeded: subscribers may see duplicates.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
export class NotifyError<Result = unknown> extends RuntimeError {
  readonly errors: Error[];
  /** Results of the targets that did not fail. */
  readonly results: Result[];

  constructor(errors: Error[], results: Result[]) {
    const list = errors.map((error) => error.message).join('; ');
    super(RuntimeErrorCode.NOTIFY_FAILED, `${errors.length} of ${errors.length + results.length} notifications failed: ${list}`, {
      cause: errors[0],
    });
    this.name = 'NotifyError';
    this.errors = errors;
    this.results = results;
  }
}
