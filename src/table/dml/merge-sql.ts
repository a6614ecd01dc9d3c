import { LochError, isLochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import { dataTypeToDuckDb, quoteIdentifier } from '../../expr/to-sql.js';
import type { StructType } from '../../expr/types.js';
import { holds, withoutPlumbing } from './dml-target.js';
import { clauseValues } from './merge-clauses.js';
import type { ClauseNames, MergeClause } from './merge-clauses.js';
import { FILE_COL, ROW_COL } from './target-scan.js';

const CLAUSE = '"__loch_clause"';
const HAS_TARGET = '"__loch_has_target"';
const HAS_SOURCE = '"__loch_has_source"';

/**
 * The rows some clause acts on: target identity (NULL for inserts), `__loch_clause` (the index
 * of the first clause of the row's kind whose condition holds) and the new value of every target
 * column for clauses that write (NULL otherwise). The join keeps unmatched source rows only when
 * there are NOT MATCHED clauses, unmatched target rows only for NOT MATCHED BY SOURCE clauses.
 * Selected expressions reuse the `__loch_clause` alias (DuckDB resolves select-list aliases).
 */
export function mergeRowsSql(targetSql: string, sourceRelation: string, onSql: string, clauses: readonly MergeClause[], schema: StructType, names: ClauseNames): string {
  const insert = clauses.some((c) => c.when === 'not_matched');
  const bySource = clauses.some((c) => c.when === 'not_matched_by_source');
  const join = insert && bySource ? 'FULL OUTER JOIN' : insert ? 'RIGHT JOIN' : bySource ? 'LEFT JOIN' : 'JOIN';
  const pick = (when: MergeClause['when']) => {
    const arms = clauses.flatMap((c, i) => (c.when === when ? [`WHEN ${holds(c.conditionSql)} THEN ${i}`] : []));
    return arms.length === 0 ? 'NULL' : `CASE ${arms.join(' ')} END`;
  };
  const t = names.target;
  const s = names.source;
  const clause = `CASE WHEN ${t}.${HAS_TARGET} AND ${s}.${HAS_SOURCE} THEN ${pick('matched')} WHEN ${s}.${HAS_SOURCE} THEN ${pick('not_matched')} WHEN ${t}.${HAS_TARGET} THEN ${pick('not_matched_by_source')} END`;
  const values = clauses.map((c) => clauseValues(c, schema, names));
  const columns = schema.fields.map((f) => {
    // Each arm in the column's type: clauses may give values of different types (a NULL-typed source column, a literal).
    const arms = values.flatMap((v, i) => (v === undefined ? [] : [`WHEN ${i} THEN CAST(${v.get(f.name) ?? 'NULL'} AS ${dataTypeToDuckDb(f.type)})`]));
    return `${arms.length === 0 ? 'NULL' : `CASE ${CLAUSE} ${arms.join(' ')} END`} AS ${quoteIdentifier(f.name)}`;
  });
  const sourceSide = sourceRelation.replace(/ AS ("(?:[^"]|"")*")$/, '');
  const select = [`${t}.${FILE_COL} AS ${FILE_COL}`, `${t}.${ROW_COL} AS ${ROW_COL}`, `${clause} AS ${CLAUSE}`, ...columns].join(', ');
  const from = `(SELECT *, true AS ${HAS_TARGET} FROM ${targetSql}) AS ${t} ${join} (SELECT *, true AS ${HAS_SOURCE} FROM ${sourceSide}) AS ${s} ON ${onSql}`;
  return `SELECT * FROM (SELECT ${select} FROM ${from}) WHERE ${CLAUSE} IS NOT NULL`;
}

/**
 * Databricks resolves a WHEN NOT MATCHED [BY TARGET] clause against the source alone and a WHEN
 * NOT MATCHED BY SOURCE clause against the target alone: there is no row of the other side, so
 * naming one of its columns is an error (in the join it would silently read NULL). Binds each
 * such clause's condition and values over its one side (LIMIT 0: nothing is read); DuckDB's
 * binder names the offending reference, reported as INVALID_ARGUMENT naming the clause.
 */
export async function checkClauseScopes(session: Session, clauses: readonly MergeClause[], schema: StructType, names: ClauseNames, targetSql: string, sourceSql: string): Promise<void> {
  for (const [i, c] of clauses.entries()) {
    if (c.when === 'matched') continue;
    const values = clauseValues(c, schema, names);
    const items = [holds(c.conditionSql), ...(values === undefined ? [] : [...values.values()])];
    const bySource = c.when === 'not_matched_by_source';
    const from = bySource ? `${targetSql} AS ${names.target}` : `(${sourceSql}) AS ${names.source}`;
    try {
      await session.query(`SELECT ${items.join(', ')} FROM ${from} LIMIT 0`);
    } catch (error) {
      if (!isLochError(error, 'SQL_ERROR')) throw error;
      const clause = bySource ? 'NOT MATCHED BY SOURCE' : 'NOT MATCHED';
      throw new LochError(
        'INVALID_ARGUMENT',
        `delta merge: table ${names.table}: WHEN ${clause} clause ${i + 1} may use only ${bySource ? 'target' : 'source'} columns (there is no ${bySource ? 'source' : 'target'} row): ${withoutPlumbing(error.message)}`,
        { context: { table: names.table, clause: i + 1 }, cause: error },
      );
    }
  }
}

/**
 * Databricks' rule: a target row that several source rows match may not be updated or deleted
 * (which source row would win is undefined). A MERGE whose only matched clause is an
 * unconditional DELETE is exempt: deleting twice is deleting.
 */
export async function checkSingleMatch(session: Session, table: string, changes: string, clauses: readonly MergeClause[]): Promise<void> {
  const matched = clauses.flatMap((c, i) => (c.when === 'matched' ? [i] : []));
  if (matched.length === 0) return;
  const only = clauses.filter((c) => c.when === 'matched');
  if (only.length === 1 && only[0]?.action.kind === 'delete' && only[0].conditionSql === undefined) return;
  const sql = `SELECT ${FILE_COL}, ${ROW_COL}, count(*) AS n FROM ${quoteIdentifier(changes)} WHERE ${CLAUSE} IN (${matched.join(', ')}) GROUP BY ALL HAVING count(*) > 1 LIMIT 1`;
  const rows = await (await session.query(sql)).all();
  const row = rows[0];
  if (row === undefined) return;
  throw new LochError(
    'INVALID_ARGUMENT',
    `delta merge: table ${table}: ${String(row[2])} source rows matched the same target row and tried to update or delete it; a MERGE may change each target row at most once (DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE): make the source unique on the ON keys`,
    { context: { table, matches: Number(row[2]) } },
  );
}

/**
 * How many rows each clause acted on, by clause index: target rows counted once each (several
 * source rows may match one target row under an unconditional DELETE; Delta counts it as one
 * deleted row), inserted rows one per source row.
 */
export async function clauseCounts(session: Session, changes: string, clauses: readonly MergeClause[]): Promise<number[]> {
  const counts = clauses.map(() => 0);
  const perClause = `count(DISTINCT (${FILE_COL}, ${ROW_COL})) FILTER (WHERE ${FILE_COL} IS NOT NULL) + count(*) FILTER (WHERE ${FILE_COL} IS NULL)`;
  const rows = await (await session.query(`SELECT ${CLAUSE}, ${perClause} FROM ${quoteIdentifier(changes)} GROUP BY ALL`)).all();
  for (const row of rows) counts[Number(row[0])] = Number(row[1]);
  return counts;
}
