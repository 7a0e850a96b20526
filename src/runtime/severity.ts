/**
 * How bad an event is: one of five levels, stated by the rule (`severity: high`) or read from the event with a
 * JMESPath expression (`severity: { expression: detail.severity }`) and mapped to a level:
 *
 * - a number is placed on thresholds, by default GuardDuty's scale (low 1.0–3.9, medium 4.0–6.9, high 7.0–8.9,
 *   critical 9.0 and above; below 1, info), or the rule's own `levels` (the lowest value of each level);
 * - a string is a level name in any case (`HIGH`, `Critical`), or Security Hub's `INFORMATIONAL` (info);
 * - anything else (missing, null, an unknown word) gives the rule's `default`, else no severity.
 *
 * The level goes in the subject prefix (`[HIGH] …`), the message (`Severity: high`) and the `severity` message
 * attribute, so SNS subscription filter policies can route by it.
 * @see https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html
 * @see https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html#Severity
 */
import { compileExpression, type CompiledExpression } from './expression';

/** The levels, lowest first. */
export const SEVERITY_LEVELS = ['info', 'low', 'medium', 'high', 'critical'] as const;

/** One of {@link SEVERITY_LEVELS}. */
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

/**
 * A rule's severity, as in the pattern file and the manifest.
 * @example "high"
 * @example { "expression": "detail.severity", "levels": { "low": 1, "medium": 4, "high": 7, "critical": 9 }, "default": "medium" }
 */
export type SeveritySpec = SeverityLevel | { expression: string; levels?: Partial<Record<Exclude<SeverityLevel, 'info'>, number>>; default?: SeverityLevel };

/** GuardDuty's severity scale: the lowest value of each level. */
export const GUARDDUTY_SEVERITY_LEVELS: Readonly<Record<Exclude<SeverityLevel, 'info'>, number>> = { low: 1, medium: 4, high: 7, critical: 9 };

/** A severity ready to evaluate over events. */
export interface CompiledSeverity {
  /** The level for one event; `undefined` when the rule has none or the event gives none (and no default). */
  evaluate(event: unknown): SeverityLevel | undefined;
}

const NONE: CompiledSeverity = { evaluate: () => undefined };

/**
 * Compile a rule's severity once (at manifest load).
 * @param pointer - where the severity sits in the manifest, for errors (`/rules/0/severity`).
 * @throws InvalidExpressionError when `expression` is not valid JMESPath; its `evaluate` throws
 *   ExpressionEvaluationError when the expression fails on an event (a type error), as a select does.
 * @example compileSeverity({ expression: 'detail.severity' }).evaluate({ detail: { severity: 8.2 } }); // 'high'
 */
export function compileSeverity(spec: SeveritySpec | undefined, pointer = ''): CompiledSeverity {
  if (spec === undefined) return NONE;
  if (typeof spec === 'string') return { evaluate: () => spec };
  const expression: CompiledExpression = compileExpression(spec.expression, `${pointer}/expression`);
  const thresholds = { ...GUARDDUTY_SEVERITY_LEVELS, ...spec.levels };
  return {
    // A JMESPath type error over an event propagates (ExpressionEvaluationError), as a select's does.
    evaluate: (event) => severityOf(expression.evaluate(event), thresholds) ?? spec.default,
  };
}

/**
 * The level of one value: numbers on `thresholds`, strings by name.
 * @example severityOf(5.5, GUARDDUTY_SEVERITY_LEVELS); // 'medium'
 * @example severityOf('INFORMATIONAL'); // 'info'
 */
export function severityOf(value: unknown, thresholds: Readonly<Record<Exclude<SeverityLevel, 'info'>, number>> = GUARDDUTY_SEVERITY_LEVELS): SeverityLevel | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    for (const level of ['critical', 'high', 'medium', 'low'] as const) if (value >= thresholds[level]) return level;
    return 'info';
  }
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (word === 'informational') return 'info';
    if ((SEVERITY_LEVELS as readonly string[]).includes(word)) return word as SeverityLevel;
    if (/^\d+(\.\d+)?$/.test(word)) return severityOf(Number(word), thresholds);
  }
  return undefined;
}
