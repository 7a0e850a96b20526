/**
 * What handlers use: routing of delivered and raw EventBridge events, JMESPath filters and field selection,
 * notification rendering within SNS limits, SNS publishing with retries (or a dry run), and a middy input validator.
 * Depends on `src/pattern` only (no Serverless imports).
 */
export * from './errors';
export * from './manifest';
export { compileExpression, isJmesPathTruthy, type CompiledExpression } from './expression';
export { compileFilter, testFilter, type CompiledFilter } from './filter';
export { compileSelect, selectFields, type CompiledSelect } from './select';
export {
  compileManifest,
  isCompiledManifest,
  loadManifest,
  type CompiledManifest,
  type CompiledRule,
  type CompiledTarget,
} from './load';
export { SCHEDULED_EVENT, checkDelivery, checkEventEnvelope } from './delivery';
export { classifyInput, routeEvent, type ClassifiedInput, type EventBridgeEvent, type Route } from './route';
export {
  DEFAULT_SUBJECT_TEMPLATE,
  ENVELOPE_PLACEHOLDERS,
  MESSAGE_LINE_MAX_CHARS,
  MISSING_VALUE,
  SNS_LIMITS,
  fillTemplate,
  renderMessage,
  renderMessageAttributes,
  renderNotification,
  renderSubject,
  sanitizeSubject,
  truncateUtf8,
  type Notification,
  type NotificationInput,
} from './notification';
export {
  DRY_RUN_LABEL,
  LOCAL_ACCOUNT_ID,
  SNS_CLIENT_ENV,
  SNS_MAX_ATTEMPTS,
  SNS_TIMEOUTS,
  createPublishRequest,
  createSnsClient,
  ensureTopic,
  fifoMessageIds,
  formatDryRun,
  hasAwsCredentials,
  publishNotification,
  resolvePublishMode,
  resolveRegion,
  resolveTopicArn,
  snsEndpoint,
  wellFormedRequests,
  type FifoMessageIds,
  type PublishMode,
  type PublishRequest,
  type RuntimeEnv,
} from './publish';
export { PUBLISH_RETRY_DEFAULTS, PublishRetryStrategy, maxTotalBackoffMs, type PublishRetryOptions } from './retry';
export { isWellFormedString, toWellFormedDeep, toWellFormedString } from './well-formed';
export {
  processEvent,
  type NotificationResult,
  type NotificationStatus,
  type ProcessEventOptions,
  type RuntimeLogger,
} from './notify';
export { inputValidator, type InputValidatorOptions } from './input-validator';
