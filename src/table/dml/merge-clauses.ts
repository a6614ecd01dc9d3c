import { LochError } from '../../core/errors.js';
import { quoteIdentifier } from '../../expr/to-sql.js';
import type { StructType } from '../../expr/types.js';
import { assignedValues } from './assignments.js';
import type { Assignment } from './assignments.js';

export type MatchedAction = { readonly kind: 'update'; readonly assignments: readonly Assignment[] } | { readonly kind: 'update_all' } | { readonly kind: 'delete' };
export type NotMatchedAction = { readonly kind: 'insert'; readonly columns?: readonly string[]; readonly valuesSql: readonly string[] } | { readonly kind: 'insert_all' };

/** One WHEN clause; clauses are tried in order and the first whose condition holds acts. */
export type MergeClause =
  | { readonly when: 'matched'; readonly conditionSql?: string; readonly action: MatchedAction }
  | { readonly when: 'not_matched'; readonly conditionSql?: string; readonly action: NotMatchedAction }
  | { readonly when: 'not_matched_by_source'; readonly conditionSql?: string; readonly action: Exclude<MatchedAction, { kind: 'update_all' }> };

/** What a clause does to rows: removes a target row, writes a row, or both (update). */
export type ClauseEffect = 'update' | 'delete' | 'insert';

export function clauseEffect(clause: MergeClause): ClauseEffect {
  const kind = clause.action.kind;
  return kind === 'delete' ? 'delete' : kind === 'insert' || kind === 'insert_all' ? 'insert' : 'update';
}

export interface ClauseNames {
  readonly table: string;
  /** SQL names of the two sides, e.g. `"t"` and `"s"`. */
  readonly target: string;
  readonly source: string;
  /** Source column names, for UPDATE SET * / INSERT *. */
  readonly sourceColumns: readonly string[];
  /** Columns missing from the source read as NULL / keep their value (schema evolution on). */
  readonly lenient: boolean;
}

/** The new value of every target column for a clause that writes rows (undefined for DELETE). */
export function clauseValues(clause: MergeClause, schema: StructType, names: ClauseNames): Map<string, string> | undefined {
  const action = clause.action;
  const old = (c: string) => `${names.target}.${quoteIdentifier(c)}`;
  const fromSource = (c: string, otherwise: string): string => {
    if (names.sourceColumns.some((s) => s.toLowerCase() === c.toLowerCase())) return `${names.source}.${quoteIdentifier(c)}`;
    if (names.lenient) return otherwise;
    throw new LochError('INVALID_ARGUMENT', `delta merge: table ${names.table}: ${action.kind === 'insert_all' ? 'INSERT *' : 'UPDATE SET *'} needs source column ${c}, which the source lacks (add it, or use WITH SCHEMA EVOLUTION)`, {
      context: { table: names.table, column: c },
    });
  };
  switch (action.kind) {
    case 'delete':
      return undefined;
    case 'update':
      return assignedValues(names.table, schema, action.assignments, old);
    case 'update_all':
      return new Map(schema.fields.map((f) => [f.name, fromSource(f.name, old(f.name))]));
    case 'insert_all':
      return new Map(schema.fields.map((f) => [f.name, fromSource(f.name, 'NULL')]));
    case 'insert': {
      const columns = action.columns ?? schema.fields.map((f) => f.name);
      if (columns.length !== action.valuesSql.length) {
        throw new LochError('INVALID_ARGUMENT', `delta merge: table ${names.table}: INSERT lists ${columns.length} columns but ${action.valuesSql.length} values`);
      }
      const given = assignedValues(
        names.table,
        schema,
        columns.map((c, i) => ({ path: [c], valueSql: action.valuesSql[i] as string })),
        () => 'NULL',
      );
      return given;
    }
  }
}

/**
 * Checks Databricks' rules on clause order: of each kind, only the last clause may omit its
 * condition (a clause after an unconditional one of its kind could never act).
 */
export function checkClauses(table: string, clauses: readonly MergeClause[]): void {
  if (clauses.length === 0) throw new LochError('INVALID_ARGUMENT', `delta merge: table ${table}: MERGE needs at least one WHEN clause`);
  for (const kind of ['matched', 'not_matched', 'not_matched_by_source'] as const) {
    const mine = clauses.filter((c) => c.when === kind);
    const open = mine.findIndex((c) => c.conditionSql === undefined);
    if (open >= 0 && open < mine.length - 1) {
      throw new LochError('INVALID_ARGUMENT', `delta merge: table ${table}: only the last WHEN ${kind.replaceAll('_', ' ').toUpperCase()} clause may omit its condition`);
    }
  }
}
