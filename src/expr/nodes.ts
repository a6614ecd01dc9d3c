import type { DataType } from './types.js';

/**
 * Expressions are immutable tagged trees. One tree serves two visitors: `toSql` renders it for
 * DuckDB, `prune` decides from partition values and file statistics whether a file can hold a
 * matching row. Construct nodes with the helpers below; never mutate them.
 */
export type Expr = ColumnRef | Literal | Comparison | And | Or | Not | IsNull | InList;

/** A column by its logical path: ['a'] or ['s', 'inner'] for a struct field. */
export interface ColumnRef {
  readonly kind: 'column';
  readonly path: readonly string[];
}

/**
 * A typed constant. Values by type: boolean → boolean; byte/short/integer/float/double → number
 * (NaN and ±Infinity allowed for float/double); long → bigint; decimal → string with exactly
 * `scale` fraction digits ("-1.50"); string → string; binary → Uint8Array; date → "YYYY-MM-DD";
 * timestamp → microseconds since the epoch, UTC, as bigint; timestamp_ntz → microseconds since
 * the epoch of the wall-clock value, as bigint; timestamp_ns / timestamp_ntz_ns → nanoseconds
 * likewise, as bigint; time → microseconds since midnight, as bigint; uuid → lower-case canonical
 * text ("f79c3e09-677c-4bbd-a479-3f349cb785e7"); fixed → Uint8Array; variant and void have no
 * literal values. `null` for SQL NULL of any type.
 */
export interface Literal {
  readonly kind: 'literal';
  readonly type: DataType;
  readonly value: LiteralValue;
}

export type LiteralValue = null | boolean | number | bigint | string | Uint8Array;

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export interface Comparison {
  readonly kind: 'comparison';
  readonly op: ComparisonOp;
  readonly left: Expr;
  readonly right: Expr;
}

export interface And {
  readonly kind: 'and';
  readonly operands: readonly Expr[];
}

export interface Or {
  readonly kind: 'or';
  readonly operands: readonly Expr[];
}

export interface Not {
  readonly kind: 'not';
  readonly operand: Expr;
}

export interface IsNull {
  readonly kind: 'is_null';
  readonly operand: Expr;
}

export interface InList {
  readonly kind: 'in';
  readonly operand: Expr;
  readonly values: readonly Literal[];
}

export const col = (...path: string[]): ColumnRef => Object.freeze({ kind: 'column', path: Object.freeze([...path]) });
export const lit = (type: DataType, value: LiteralValue): Literal => Object.freeze({ kind: 'literal', type, value });
export const cmp = (op: ComparisonOp, left: Expr, right: Expr): Comparison => Object.freeze({ kind: 'comparison', op, left, right });
export const eq = (left: Expr, right: Expr): Comparison => cmp('=', left, right);
export const and = (...operands: Expr[]): And => Object.freeze({ kind: 'and', operands: Object.freeze(operands) });
export const or = (...operands: Expr[]): Or => Object.freeze({ kind: 'or', operands: Object.freeze(operands) });
export const not = (operand: Expr): Not => Object.freeze({ kind: 'not', operand });
export const isNull = (operand: Expr): IsNull => Object.freeze({ kind: 'is_null', operand });
export const inList = (operand: Expr, values: Literal[]): InList => Object.freeze({ kind: 'in', operand, values: Object.freeze(values) });
