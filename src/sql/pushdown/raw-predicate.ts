/**
 * A WHERE conjunct as DuckDB's parser gave it, reduced to what pruning can use: comparisons of
 * one column with constants. Converted to an Expr only once the table's schema is known.
 */
export type RawPredicate =
  | { readonly kind: 'cmp'; readonly op: '=' | '!=' | '<' | '<=' | '>' | '>='; readonly column: string; readonly constant: RawConstant }
  | { readonly kind: 'in'; readonly column: string; readonly constants: readonly RawConstant[] }
  | { readonly kind: 'is_null'; readonly column: string; readonly negated: boolean }
  | { readonly kind: 'or'; readonly operands: readonly RawPredicate[] }
  | { readonly kind: 'and'; readonly operands: readonly RawPredicate[] };

/** A parser constant: DuckDB type id, scale for decimals, and the JSON value (exactness checked). */
export interface RawConstant {
  readonly typeId: string;
  readonly scale?: number;
  readonly value: unknown;
  readonly isNull: boolean;
}
