import { isRaw, JsonProperty, Utils } from '@mikro-orm/core';

/** How one dialect writes placeholders and hands values to its driver. */
export interface ParameterDialect {
  /** The placeholder of the `index`-th parameter (0-based): `?` for SQLite, `$1` for PostgreSQL. */
  placeholder(index: number): string;
  /** Quotes an identifier bound with `??` (identifiers cannot be parameters). */
  quoteIdentifier(id: string): string;
  /** A value as the driver binds it: a date or boolean in the form the dialect stores. */
  toDriverValue(value: Date | boolean): unknown;
}

/** SQL with placeholders, and the values that go with them. */
export interface BoundQuery {
  sql: string;
  parameters: unknown[];
}

/**
 * Rewrites MikroORM's SQL (`?` a value, `??` an identifier, `\?` a literal question mark) so
 * that every value travels as a bound parameter instead of a literal in the SQL text.
 *
 * MikroORM 7 formats every value into the SQL it hands to Kysely (`platform.formatQuery`, then
 * `CompiledQuery.raw(sql)` with no parameters: mikro-orm/mikro-orm#6827, #8001), so each value
 * is one escaping bug away from an injection, and text SQLite's tokenizer cannot read (a NUL)
 * fails the statement. The grammar read here is exactly `Platform.formatQuery`'s, and values
 * are taken apart the way `quoteValue` takes them: a raw fragment is spliced in (its own values
 * bound in turn), a plain object or a JSON-tagged value is JSON text, an array is a list of
 * values (`in (?)`), a date or boolean is what the dialect stores.
 */
export function bindParameters(
  sql: string,
  params: readonly unknown[],
  dialect: ParameterDialect,
  parameters: unknown[] = [],
): BoundQuery {
  if (params.length === 0) return { sql, parameters };
  let next = 0;
  let out = '';
  const value = (param: unknown) => {
    out += bindValue(param, dialect, parameters);
  };
  const identifier = (param: unknown) => {
    out += dialect.quoteIdentifier(param as string);
  };
  let pos = 0;
  if (sql.startsWith('?')) {
    if (sql[1] === '?') {
      identifier(params[next++]);
      pos = 2;
    } else {
      value(params[next++]);
      pos = 1;
    }
  }
  while (pos < sql.length) {
    const index = sql.indexOf('?', pos + 1);
    if (index === -1) {
      out += sql.slice(pos);
      break;
    }
    if (sql[index - 1] === '\\') {
      out += `${sql.slice(pos, index - 1)}?`;
      pos = index + 1;
    } else if (sql[index + 1] === '?') {
      out += sql.slice(pos, index);
      identifier(params[next++]);
      pos = index + 2;
    } else {
      out += sql.slice(pos, index);
      value(params[next++]);
      pos = index + 1;
    }
  }
  return { sql: out, parameters };
}

// The SQL text standing for one value: placeholders (several for a list), or a raw fragment.
function bindValue(value: unknown, dialect: ParameterDialect, parameters: unknown[]): string {
  if (isRaw(value)) {
    return bindParameters(value.sql, value.params as unknown[], dialect, parameters).sql;
  }
  if (Utils.isPlainObject(value) || (value as { [JsonProperty]?: unknown } | null)?.[JsonProperty]) {
    return placeholderFor(JSON.stringify(value), dialect, parameters);
  }
  if (Array.isArray(value)) return value.map((item) => bindValue(item, dialect, parameters)).join(', ');
  return placeholderFor(driverValueOf(value, dialect), dialect, parameters);
}

function placeholderFor(value: unknown, dialect: ParameterDialect, parameters: unknown[]): string {
  parameters.push(value);
  return dialect.placeholder(parameters.length - 1);
}

function driverValueOf(value: unknown, dialect: ParameterDialect): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date || typeof value === 'boolean') return dialect.toDriverValue(value);
  if (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    Buffer.isBuffer(value)
  ) {
    return value;
  }
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return String(value);
}
