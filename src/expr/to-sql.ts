import { LochError } from '../core/errors.js';
import { toHex } from '../core/bytes.js';
import type { Expr, Literal, LiteralValue } from './nodes.js';
import type { DataType, StructField } from './types.js';
import { typeToString } from './types.js';

/**
 * Renders expressions as DuckDB SQL. Every literal carries its exact type (CASTs, typed
 * constructors), so that DuckDB compares in the same type space the pruning visitor reasons in,
 * and no value depends on the session time zone.
 */

/** A double-quoted identifier with embedded quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A single-quoted string literal with embedded quotes doubled. */
export function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * The DuckDB type of a Loch type: timestamp (a UTC instant) is TIMESTAMPTZ, timestamp_ntz is
 * TIMESTAMP. DuckDB has no zoned nanosecond type, so timestamp_ns (a UTC instant) and
 * timestamp_ntz_ns are both TIMESTAMP_NS; for timestamp_ns the wall-clock value is the instant in
 * UTC. time is TIME, uuid UUID, fixed(L) BLOB, variant STRUCT(metadata BLOB, value BLOB) (the
 * unshredded Parquet layout), void INTEGER (always NULL). Struct fields are named by `fieldName` at every nesting level: the logical name by
 * default, `(f) => f.physicalName` for the type as data files hold it.
 */
export function dataTypeToDuckDb(t: DataType, fieldName: (field: StructField) => string = (f) => f.name): string {
  const sub = (x: DataType): string => dataTypeToDuckDb(x, fieldName);
  switch (t.kind) {
    case 'decimal':
      return `DECIMAL(${t.precision},${t.scale})`;
    case 'fixed':
      return 'BLOB';
    case 'struct':
      return `STRUCT(${t.fields.map((f) => `${quoteIdentifier(fieldName(f))} ${sub(f.type)}`).join(', ')})`;
    case 'array':
      return `${sub(t.element)}[]`;
    case 'map':
      return `MAP(${sub(t.key)}, ${sub(t.value)})`;
    case 'primitive':
      return PRIMITIVES[t.name];
  }
}

const PRIMITIVES = {
  boolean: 'BOOLEAN',
  byte: 'TINYINT',
  short: 'SMALLINT',
  integer: 'INTEGER',
  long: 'BIGINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  string: 'VARCHAR',
  binary: 'BLOB',
  date: 'DATE',
  timestamp: 'TIMESTAMPTZ',
  timestamp_ntz: 'TIMESTAMP',
  time: 'TIME',
  timestamp_ns: 'TIMESTAMP_NS',
  timestamp_ntz_ns: 'TIMESTAMP_NS',
  uuid: 'UUID',
  variant: 'STRUCT("metadata" BLOB, "value" BLOB)',
  void: 'INTEGER',
} as const;

const INTEGER_LIMITS = { byte: 2 ** 7, short: 2 ** 15, integer: 2 ** 31 } as const;

function invalid(l: Literal): LochError {
  const shown = l.value instanceof Uint8Array ? `${l.value.length} bytes` : typeof l.value === 'bigint' ? `${l.value}n` : JSON.stringify(l.value);
  return new LochError('INVALID_ARGUMENT', `expr sql: a literal of type ${typeToString(l.type)} cannot hold ${typeof l.value} ${shown}`);
}

/**
 * One literal as DuckDB SQL of exactly its type: NULL as CAST(NULL AS T); integers and floats as
 * CASTs; decimals as CAST('…' AS DECIMAL(p,s)); dates as DATE '…'; timestamps from their micros
 * with make_timestamptz / make_timestamp / make_timestamp_ns (exact, independent of the session
 * time zone); binary and fixed with from_hex; times as TIME '…'; uuids as CAST('…' AS UUID).
 * variant and void have only NULL. A value that does not fit its type throws INVALID_ARGUMENT.
 */
export function literalToSql(l: Literal): string {
  const { type, value } = l;
  if (value === null) return `CAST(NULL AS ${dataTypeToDuckDb(type)})`;
  if (type.kind === 'decimal') {
    if (typeof value !== 'string' || !/^-?\d+(\.\d+)?$/.test(value)) throw invalid(l);
    return `CAST(${quoteString(value)} AS ${dataTypeToDuckDb(type)})`;
  }
  if (type.kind === 'fixed') {
    if (!(value instanceof Uint8Array) || value.length !== type.length) throw invalid(l);
    return `from_hex(${quoteString(toHex(value))})`;
  }
  if (type.kind !== 'primitive') throw invalid(l);
  switch (type.name) {
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid(l);
      return value ? 'TRUE' : 'FALSE';
    case 'byte':
    case 'short':
    case 'integer': {
      const limit = INTEGER_LIMITS[type.name];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < -limit || value >= limit) throw invalid(l);
      return `CAST(${value} AS ${PRIMITIVES[type.name]})`;
    }
    case 'long':
      if (typeof value !== 'bigint' && !(typeof value === 'number' && Number.isSafeInteger(value))) throw invalid(l);
      return `CAST(${value.toString()} AS BIGINT)`;
    case 'float':
    case 'double':
      if (typeof value !== 'number') throw invalid(l);
      return `CAST(${quoteString(floatText(value))} AS ${PRIMITIVES[type.name]})`;
    case 'string':
      if (typeof value !== 'string') throw invalid(l);
      return quoteString(value);
    case 'binary':
      if (!(value instanceof Uint8Array)) throw invalid(l);
      return `from_hex(${quoteString(toHex(value))})`;
    case 'date':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw invalid(l);
      return `DATE ${quoteString(value)}`;
    case 'timestamp':
    case 'timestamp_ntz':
      return timestampSql(l, value, type.name === 'timestamp' ? 'make_timestamptz' : 'make_timestamp');
    case 'timestamp_ns':
    case 'timestamp_ntz_ns':
      return timestampSql(l, value, 'make_timestamp_ns');
    case 'time':
      return timeSql(l, value);
    case 'uuid':
      if (typeof value !== 'string' || !UUID_TEXT.test(value)) throw invalid(l);
      return `CAST(${quoteString(value.toLowerCase())} AS UUID)`;
    case 'variant':
    case 'void':
      // These types have no literal values other than NULL (handled above).
      throw invalid(l);
  }
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MICROS_PER_DAY = 86_400_000_000n;

/** TIME 'HH:MM:SS.ffffff' from microseconds since midnight (24:00:00 included, as DuckDB allows). */
function timeSql(l: Literal, value: LiteralValue): string {
  if (typeof value !== 'bigint' && !(typeof value === 'number' && Number.isSafeInteger(value))) throw invalid(l);
  const micros = BigInt(value);
  if (micros < 0n || micros > MICROS_PER_DAY) throw invalid(l);
  const two = (n: bigint): string => n.toString().padStart(2, '0');
  const seconds = micros / 1_000_000n;
  const text = `${two(seconds / 3600n)}:${two((seconds / 60n) % 60n)}:${two(seconds % 60n)}.${(micros % 1_000_000n).toString().padStart(6, '0')}`;
  return `TIME ${quoteString(text)}`;
}

function timestampSql(l: Literal, value: LiteralValue, fn: string): string {
  if (typeof value !== 'bigint' && !(typeof value === 'number' && Number.isSafeInteger(value))) throw invalid(l);
  return `${fn}(CAST(${value.toString()} AS BIGINT))`;
}

function floatText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return Object.is(value, -0) ? '-0.0' : String(value);
}

/**
 * The default column rendering: the top-level column quoted (qualified by `relation`, an alias
 * already valid as SQL, when given), struct fields via struct_extract. A dotted path such as
 * `"s"."x"` is avoided on purpose: DuckDB may bind it as table s, column x.
 */
export function defaultColumnSql(path: readonly string[], relation?: string): string {
  const [head, ...rest] = path;
  if (head === undefined) throw new LochError('INVALID_ARGUMENT', 'expr sql: a column reference needs a non-empty path');
  const top = relation === undefined ? quoteIdentifier(head) : `${relation}.${quoteIdentifier(head)}`;
  return rest.reduce((sql, name) => `struct_extract(${sql}, ${quoteString(name)})`, top);
}

const OPERATORS = { '=': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' } as const;

/**
 * Renders an expression as a DuckDB boolean/scalar expression, fully parenthesised. Columns go
 * through `columnSql` (default: quoted names, struct fields by struct_extract). An empty AND is
 * TRUE, an empty OR and an empty IN list are FALSE.
 */
export function exprToSql(e: Expr, columnSql: (path: readonly string[]) => string = (path) => defaultColumnSql(path)): string {
  const sub = (x: Expr): string => exprToSql(x, columnSql);
  switch (e.kind) {
    case 'column':
      return columnSql(e.path);
    case 'literal':
      return literalToSql(e);
    case 'comparison':
      return `(${sub(e.left)} ${OPERATORS[e.op]} ${sub(e.right)})`;
    case 'and':
      return e.operands.length === 0 ? 'TRUE' : `(${e.operands.map(sub).join(' AND ')})`;
    case 'or':
      return e.operands.length === 0 ? 'FALSE' : `(${e.operands.map(sub).join(' OR ')})`;
    case 'not':
      return `(NOT ${sub(e.operand)})`;
    case 'is_null':
      return `(${sub(e.operand)} IS NULL)`;
    case 'in':
      return e.values.length === 0 ? 'FALSE' : `(${sub(e.operand)} IN (${e.values.map(sub).join(', ')}))`;
  }
}
