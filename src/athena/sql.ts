/**
 * A small SQL expression tree for queries over the CloudTrail table, printed in Athena's dialect (Trino) and in
 * DuckDB's. Built by ./translate.ts from event patterns; evaluated in JavaScript by {@link evaluateSql} so tests can
 * hold the translation to the pattern engine record by record.
 */

/** A column of the CloudTrail table: a top-level one, a field of the `useridentity` struct, or a JSON text path. */
export type Column =
  | { readonly kind: 'column'; readonly name: string }
  | { readonly kind: 'struct'; readonly name: string; readonly field: string }
  | { readonly kind: 'json'; readonly name: string; readonly path: readonly string[] };

/** A boolean SQL expression. */
export type Sql =
  | { readonly op: 'true' }
  | { readonly op: 'false' }
  | { readonly op: 'and' | 'or'; readonly args: readonly Sql[] }
  | { readonly op: 'not'; readonly arg: Sql }
  | { readonly op: 'in'; readonly column: Column; readonly values: readonly string[] }
  | { readonly op: 'like'; readonly column: Column; readonly pattern: string }
  | { readonly op: 'null'; readonly column: Column }
  | { readonly op: 'contains'; readonly column: Column; readonly text: string }
  | { readonly op: 'time'; readonly since?: string; readonly until?: string };

export const TRUE: Sql = { op: 'true' };

/** AND, flattened, TRUE dropped; FALSE absorbs. */
export function and(args: readonly Sql[]): Sql {
  const flat = args.flatMap((a) => (a.op === 'and' ? a.args : [a])).filter((a) => a.op !== 'true');
  if (flat.some((a) => a.op === 'false')) return { op: 'false' };
  return flat.length === 0 ? TRUE : flat.length === 1 ? flat[0] : { op: 'and', args: flat };
}

/** OR, flattened, FALSE dropped; TRUE absorbs. */
export function or(args: readonly Sql[]): Sql {
  const flat = args.flatMap((a) => (a.op === 'or' ? a.args : [a])).filter((a) => a.op !== 'false');
  if (flat.some((a) => a.op === 'true')) return TRUE;
  return flat.length === 0 ? { op: 'false' } : flat.length === 1 ? flat[0] : { op: 'or', args: flat };
}

/** SQL dialects the tree prints in. */
export type Dialect = 'athena' | 'duckdb';

const quote = (text: string): string => `'${text.replace(/'/g, "''")}'`;

function columnSql(column: Column, dialect: Dialect): string {
  switch (column.kind) {
    case 'column':
      return column.name;
    case 'struct':
      return `${column.name}.${column.field}`;
    case 'json': {
      const path = `$${column.path.map((p) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? `.${p}` : `["${p.replace(/["\\]/g, '\\$&')}"]`)).join('')}`;
      return dialect === 'athena' ? `json_extract_scalar(${column.name}, ${quote(path)})` : `json_extract_string(${column.name}, ${quote(path)})`;
    }
  }
}

/**
 * Print an expression.
 * @example toSql({ op: 'in', column: { kind: 'column', name: 'eventname' }, values: ['DeleteTable'] }, 'athena'); // "eventname IN ('DeleteTable')"
 */
export function toSql(sql: Sql, dialect: Dialect): string {
  switch (sql.op) {
    case 'true':
      return 'TRUE';
    case 'false':
      return 'FALSE';
    case 'and':
    case 'or':
      return sql.args.map((a) => (a.op === 'and' || a.op === 'or' ? `(${toSql(a, dialect)})` : toSql(a, dialect))).join(sql.op === 'and' ? ' AND ' : ' OR ');
    case 'not':
      return `NOT (${toSql(sql.arg, dialect)})`;
    case 'in':
      return sql.values.length === 1 ? `${columnSql(sql.column, dialect)} = ${quote(sql.values[0])}` : `${columnSql(sql.column, dialect)} IN (${sql.values.map(quote).join(', ')})`;
    case 'like':
      return `${columnSql(sql.column, dialect)} LIKE ${quote(sql.pattern)} ESCAPE '\\'`;
    case 'null':
      return `${columnSql(sql.column, dialect)} IS NULL`;
    case 'contains':
      return `strpos(${columnSql(sql.column, dialect)}, ${quote(sql.text)}) > 0`;
    case 'time': {
      const parts = [sql.since ? `eventtime >= ${quote(sql.since)}` : '', sql.until ? `eventtime < ${quote(sql.until)}` : ''].filter(Boolean);
      return parts.join(' AND ') || 'TRUE';
    }
  }
}

/** Escape `%`, `_` and `\` for a LIKE pattern whose escape character is `\`. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/** A row of the CloudTrail table as JavaScript: column name -> value (strings, structs as objects, JSON columns as text). */
export type Row = Readonly<Record<string, unknown>>;

function columnValue(row: Row, column: Column): string | null {
  const raw = row[column.name];
  if (column.kind === 'column') return typeof raw === 'string' ? raw : null;
  if (column.kind === 'struct') {
    const v = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>)[column.field] : undefined;
    return typeof v === 'string' ? v : null;
  }
  if (typeof raw !== 'string') return null;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  for (const key of column.path) v = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;
  // json_extract_scalar: scalars as text, objects, arrays and absent fields NULL.
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/**
 * Evaluate an expression on a row as Athena would (SQL's three-valued logic: NULL comparisons are not true).
 * @returns true, false or null (unknown).
 */
export function evaluateSql(sql: Sql, row: Row): boolean | null {
  switch (sql.op) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'and':
    case 'or': {
      // AND stops at the first false, OR at the first true; an unknown operand leaves the rest unknown.
      const decisive = sql.op === 'or';
      let unknown = false;
      for (const a of sql.args) {
        const v = evaluateSql(a, row);
        if (v === decisive) return decisive;
        if (v === null) unknown = true;
      }
      return unknown ? null : !decisive;
    }
    case 'not': {
      const v = evaluateSql(sql.arg, row);
      return v === null ? null : !v;
    }
    case 'in': {
      const v = columnValue(row, sql.column);
      return v === null ? null : sql.values.includes(v);
    }
    case 'like': {
      const v = columnValue(row, sql.column);
      if (v === null) return null;
      const source = sql.pattern.replace(/\\([\\%_])|([%_])|([^\\%_]+)/g, (_m, escaped: string, wild: string, text: string) =>
        escaped ? escaped.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : wild ? (wild === '%' ? '[\\s\\S]*' : '[\\s\\S]') : text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      );
      return new RegExp(`^${source}$`, 'u').test(v);
    }
    case 'null':
      return columnValue(row, sql.column) === null;
    case 'contains': {
      const v = columnValue(row, sql.column);
      return v === null ? null : v.includes(sql.text);
    }
    case 'time': {
      const t = row.eventtime;
      if (typeof t !== 'string') return null;
      return (!sql.since || t >= sql.since) && (!sql.until || t < sql.until);
    }
  }
}
