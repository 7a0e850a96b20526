/**
 * Secrets never leave the function: before an event is selected from, summarised or rendered, every value under a
 * secret-bearing key, and under each configured path, is replaced by {@link REDACTED}. So selected fields, the
 * message, the dry-run printout and every log line carry the placeholder, never the secret.
 *
 * Always redacted, by key name anywhere in the event (case-insensitive; the key's whole value, object or not):
 * passwords (`password`, `newPassword`, `masterUserPassword`, any key containing `password` or `passphrase`),
 * `secretAccessKey`, `sessionToken`, `credentials` (STS `AssumeRole*` and `GetSessionToken` responses),
 * `secretString` / `secretBinary` (Secrets Manager), `privateKey` and any key containing `privatekey`,
 * `keyMaterial`, `clientSecret`, `authorizationToken`, `accessToken`, `refreshToken`, `idToken`.
 * `custom.patchbay.redact` adds key names (`keys`) and dotted paths into the event (`paths`, e.g.
 * `detail.requestParameters.userData`). Names and ids (`secretId`, `accessKeyId`, `secretArn`) are not secrets and stay.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */

/** What a redacted value becomes. */
export const REDACTED = '[REDACTED]';

/** Key names (lower case) whose values are secrets wherever they appear, besides those {@link SECRET_KEY_PARTS} covers. */
export const DEFAULT_REDACTED_KEYS: readonly string[] = [
  'sessiontoken',
  'credentials',
  'secretstring',
  'secretbinary',
  'keymaterial',
  'clientsecret',
  'authorizationtoken',
  'accesstoken',
  'refreshtoken',
  'idtoken',
];

/** Key names containing one of these (lower case) are secret: `password`, `newPassword`, `masterUserPassword`, `certificatePrivateKey`, `secretAccessKey`, … */
export const SECRET_KEY_PARTS: readonly string[] = ['password', 'passphrase', 'privatekey', 'secretaccesskey'];

/**
 * What to redact besides the defaults (`custom.patchbay.redact`).
 * @example { "keys": ["userData"], "paths": ["detail.requestParameters.tagSpecificationSet"] }
 */
export interface RedactionConfig {
  /** Key names, case-insensitive, redacted wherever they appear. */
  keys?: string[];
  /** Dotted paths from the event's root (`detail.requestParameters.x`); through arrays, every element. */
  paths?: string[];
}

/** A redaction ready to apply. */
export interface Redactor {
  /** A copy of `event` with every secret replaced; the input is never modified. Values without secrets are shared. */
  redact<T>(event: T): T;
}

/**
 * Build the redactor of a project: the defaults plus `config`.
 * @example createRedactor({ keys: ['userData'] }).redact({ detail: { requestParameters: { password: 'x' } } });
 * // { detail: { requestParameters: { password: '[REDACTED]' } } }
 */
export function createRedactor(config: RedactionConfig = {}): Redactor {
  const keys = new Set([...DEFAULT_REDACTED_KEYS, ...(config.keys ?? []).map((key) => key.toLowerCase())]);
  const paths = (config.paths ?? []).map((p) => p.split('.'));
  const secretKey = (key: string): boolean => {
    const lower = key.toLowerCase();
    return keys.has(lower) || SECRET_KEY_PARTS.some((part) => lower.includes(part));
  };
  const walk = (value: unknown, depth: number): unknown => {
    if (depth > 1000 || value === null || typeof value !== 'object') return value; // deeper than any event EventBridge accepts
    if (Array.isArray(value)) {
      let changed = false;
      const out = value.map((item) => {
        const next = walk(item, depth + 1);
        if (next !== item) changed = true;
        return next;
      });
      return changed ? out : value;
    }
    let out: Record<string, unknown> | undefined;
    for (const [key, child] of Object.entries(value)) {
      const next = secretKey(key) && child !== null && child !== undefined && child !== '' ? REDACTED : walk(child, depth + 1);
      if (next !== child) {
        out ??= { ...(value as Record<string, unknown>) };
        out[key] = next;
      }
    }
    return out ?? value;
  };
  const redactPath = (value: unknown, path: string[]): unknown => {
    if (path.length === 0) return value === undefined || value === null ? value : REDACTED;
    if (Array.isArray(value)) return value.map((item) => redactPath(item, path));
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, path[0]!)) return value;
    const record = value as Record<string, unknown>;
    return { ...record, [path[0]!]: redactPath(record[path[0]!], path.slice(1)) };
  };
  return {
    redact<T>(event: T): T {
      let out = walk(event, 0);
      for (const path of paths) out = redactPath(out, path);
      return out as T;
    },
  };
}
