/**
 * Engine-private rendering of Loch types, literals and expressions as DuckDB SQL. The names and
 * signatures match src/expr/to-sql.ts so that the engine can switch to the shared visitor.
 */
import { LochError } from '../../core/errors.js';
import { toHex } from '../../core/bytes.js';
import type { Expr, Literal } from '../../expr/nodes.js';
import type { DataType, PrimitiveName } from '../../expr/types.js';
import { quoteIdent, quoteString } from './sql-quote.js';

const PRIMITIVE_SQL: Readonly<Record<PrimitiveName, string>> = {
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
};

/** The DuckDB type of a Loch type; struct fields carry their logical names. */
export function dataTypeToDuckDb(type: DataType): string {
  switch (type.kind) {
    case 'primitive':
      return PRIMITIVE_SQL[type.name];
    case 'decimal':
      return `DECIMAL(${type.precision},${type.scale})`;
    case 'array':
      return `${dataTypeToDuckDb(type.element)}[]`;
    case 'map':
      return `MAP(${dataTypeToDuckDb(type.key)}, ${dataTypeToDuckDb(type.value)})`;
    case 'struct':
      return `STRUCT(${type.fields.map((f) => `${quoteIdent(f.name)} ${dataTypeToDuckDb(f.type)}`).join(', ')})`;
  }
}

function badLiteral(literal: Literal, why: string): LochError {
  return new LochError('INVALID_ARGUMENT', `sql literal: ${why}`, { context: { type: literal.type, value: String(literal.value) } });
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return Object.is(value, -0) ? '-0.0' : String(value);
}

function primitiveLiteral(literal: Literal, name: PrimitiveName): string {
  const value = literal.value;
  const sqlType = PRIMITIVE_SQL[name];
  switch (name) {
    case 'boolean':
      if (typeof value !== 'boolean') throw badLiteral(literal, 'boolean literal needs a boolean value');
      return value ? 'TRUE' : 'FALSE';
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      if ((typeof value !== 'number' || !Number.isInteger(value)) && typeof value !== 'bigint') {
        throw badLiteral(literal, `${name} literal needs an integer value`);
      }
      return `CAST(${value.toString()} AS ${sqlType})`;
    case 'float':
    case 'double':
      if (typeof value !== 'number') throw badLiteral(literal, `${name} literal needs a number value`);
      return `CAST('${numberText(value)}' AS ${sqlType})`;
    case 'string':
      if (typeof value !== 'string') throw badLiteral(literal, 'string literal needs a string value');
      return quoteString(value);
    case 'binary':
      if (!(value instanceof Uint8Array)) throw badLiteral(literal, 'binary literal needs a Uint8Array value');
      return `from_hex('${toHex(value)}')`;
    case 'date':
      if (typeof value !== 'string') throw badLiteral(literal, 'date literal needs a YYYY-MM-DD string');
      return `CAST(${quoteString(value)} AS DATE)`;
    case 'timestamp':
    case 'timestamp_ntz': {
      if (typeof value !== 'bigint' && (typeof value !== 'number' || !Number.isInteger(value))) {
        throw badLiteral(literal, `${name} literal needs microseconds since the epoch`);
      }
      const fn = name === 'timestamp' ? 'make_timestamptz' : 'make_timestamp';
      return `${fn}(CAST(${value.toString()} AS BIGINT))`;
    }
  }
}

/** A DuckDB SQL literal of exactly the literal's type; NULL is a typed NULL. */
export function literalToSql(literal: Literal): string {
  const type = literal.type;
  if (literal.value === null) return `CAST(NULL AS ${dataTypeToDuckDb(type)})`;
  switch (type.kind) {
    case 'primitive':
      return primitiveLiteral(literal, type.name);
    case 'decimal':
      if (typeof literal.value !== 'string' || !/^-?\d+(\.\d+)?$/.test(literal.value)) {
        throw badLiteral(literal, 'decimal literal needs a decimal string such as "-1.50"');
      }
      return `CAST(${quoteString(literal.value)} AS ${dataTypeToDuckDb(type)})`;
    default:
      throw badLiteral(literal, `only NULL literals are supported for ${type.kind} types`);
  }
}

const defaultColumnSql = (path: readonly string[]): string => path.map(quoteIdent).join('.');

function joined(operands: readonly Expr[], op: 'AND' | 'OR', columnSql: (path: readonly string[]) => string): string {
  if (operands.length === 0) return op === 'AND' ? 'TRUE' : 'FALSE';
  return `(${operands.map((o) => exprToSql(o, columnSql)).join(` ${op} `)})`;
}

/**
 * DuckDB SQL for an expression with SQL's three-valued logic. `columnSql` renders a column path
 * (default: quoted identifiers joined by '.').
 */
export function exprToSql(expr: Expr, columnSql: (path: readonly string[]) => string = defaultColumnSql): string {
  switch (expr.kind) {
    case 'column':
      return columnSql(expr.path);
    case 'literal':
      return literalToSql(expr);
    case 'comparison': {
      const op = expr.op === '!=' ? '<>' : expr.op;
      return `(${exprToSql(expr.left, columnSql)} ${op} ${exprToSql(expr.right, columnSql)})`;
    }
    case 'and':
      return joined(expr.operands, 'AND', columnSql);
    case 'or':
      return joined(expr.operands, 'OR', columnSql);
    case 'not':
      return `(NOT ${exprToSql(expr.operand, columnSql)})`;
    case 'is_null':
      return `(${exprToSql(expr.operand, columnSql)} IS NULL)`;
    case 'in':
      if (expr.values.length === 0) return 'FALSE';
      return `(${exprToSql(expr.operand, columnSql)} IN (${expr.values.map(literalToSql).join(', ')}))`;
  }
}
