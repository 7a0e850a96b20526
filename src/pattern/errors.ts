/** Base class of every error of the pattern engine: a stable `code`, and the JSON pointer of the problem. */
export class PatternError extends Error {
  readonly code: string;
  /** RFC 6901 pointer into the pattern (or event) where the problem is; '' for the whole document. */
  readonly pointer: string;
  constructor(code: string, message: string, pointer = '', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PatternError';
    this.code = code;
    this.pointer = pointer;
  }
}

/**
 * A pattern EventBridge would reject. `message` is AWS's own text:
 * `Event pattern is not valid. Reason: <reason>`; `reason` alone is kept too.
 * `line`/`column` (1-based) are set for JSON syntax errors.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html
 */
export class InvalidEventPatternError extends PatternError {
  readonly reason: string;
  readonly line?: number;
  readonly column?: number;
  constructor(reason: string, pointer = '', position?: { line: number; column: number }) {
    super('InvalidEventPatternException', `Event pattern is not valid. Reason: ${reason}`, pointer);
    this.name = 'InvalidEventPatternError';
    this.reason = reason;
    this.line = position?.line;
    this.column = position?.column;
  }
}

/** An event TestEventPattern would reject (`ValidationException: Parameter Event is not valid.`). */
export class InvalidEventError extends PatternError {
  constructor(detail = '', pointer = '') {
    super('ValidationException', 'Parameter Event is not valid.', pointer);
    this.name = 'InvalidEventError';
    if (detail) this.detail = detail;
  }
  detail?: string;
}
