/** Errors of the compiler: inputs it cannot turn into a valid template. */

/** Stable codes of {@link CompilerError}. */
export const CompilerErrorCode = {
  /** `<service>-<stage>-` leaves no room for a rule name within EventBridge's 64 characters. */
  RULE_NAME_PREFIX_TOO_LONG: 'PATCHBAY_RULE_NAME_PREFIX_TOO_LONG',
  /** Two rules, topics or permissions would get the same logical ID (possible only through a hash coincidence). */
  LOGICAL_ID_COLLISION: 'PATCHBAY_LOGICAL_ID_COLLISION',
  /** A target names a function that `functionLogicalIds` does not map. */
  UNKNOWN_FUNCTION: 'PATCHBAY_UNKNOWN_FUNCTION',
  /** A target names a topic that the catalog config does not define. */
  UNKNOWN_TOPIC: 'PATCHBAY_UNKNOWN_TOPIC',
  /** The generated input template is not valid JSON once its placeholders are filled, or is too long. */
  INVALID_INPUT_TEMPLATE: 'PATCHBAY_INVALID_INPUT_TEMPLATE',
} as const;
/** One of the {@link CompilerErrorCode} values. */
export type CompilerErrorCode = (typeof CompilerErrorCode)[keyof typeof CompilerErrorCode];

/**
 * The catalog cannot be compiled. The catalog validates what users write, so this means a config the
 * catalog cannot see (service and stage names, the function map) or a bug.
 */
export class CompilerError extends Error {
  readonly code: CompilerErrorCode;
  constructor(code: CompilerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CompilerError';
    this.code = code;
  }
}
