import { LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import { dataTypeToDuckDb, literalToSql, quoteIdentifier } from '../../expr/to-sql.js';
import type { StructField } from '../../expr/types.js';
import type { AddFile } from '../../formats/delta/spec/actions.js';
import type { DeltaSnapshot } from '../../formats/delta/snapshot.js';
import { partitionLiterals } from '../delta-scan-planner.js';
import type { TableLocation } from '../location.js';

/**
 * OPTIMIZE … WHERE: the condition may reference partition columns only (as on Databricks), and
 * it is evaluated exactly, in DuckDB, on one row of typed partition values per partition.
 */

/** The key grouping a file with the other files of its partition: its raw partition values in column order. */
export function partitionKey(snapshot: DeltaSnapshot, add: AddFile): string {
  return JSON.stringify(
    snapshot.partitionColumns.map((name) => {
      const field = snapshot.schema.fields.find((f) => f.name === name);
      const physical = field?.physicalName ?? name;
      return (physical in add.partitionValues ? add.partitionValues[physical] : add.partitionValues[name]) ?? null;
    }),
  );
}

function partitionFields(snapshot: DeltaSnapshot): StructField[] {
  return snapshot.partitionColumns.flatMap((name) => snapshot.schema.fields.filter((f) => f.name === name));
}

/** A one-row-less relation with `fields` as typed columns (a dummy column when there are none). */
function emptyRelation(fields: readonly StructField[]): string {
  const columns = fields.map((f) => `CAST(NULL AS ${dataTypeToDuckDb(f.type)}) AS ${quoteIdentifier(f.name)}`);
  return `(SELECT ${columns.length > 0 ? columns.join(', ') : 'NULL AS __loch_none'} WHERE false)`;
}

async function binds(session: Session, relation: string, whereSql: string): Promise<unknown> {
  try {
    await (await session.query(`SELECT 1 FROM ${relation} AS __loch_t WHERE (${whereSql}) LIMIT 0`)).all();
    return undefined;
  } catch (error) {
    return error ?? new Error('unknown error');
  }
}

/** Fails unless `whereSql` binds over the partition columns alone. */
async function checkPartitionOnly(session: Session, table: TableLocation, snapshot: DeltaSnapshot, whereSql: string): Promise<void> {
  const fields = partitionFields(snapshot);
  const failed = await binds(session, emptyRelation(fields), whereSql);
  if (failed === undefined) return;
  const partitions = fields.length > 0 ? `the partition columns (${fields.map((f) => f.name).join(', ')})` : 'partition columns, and the table has none';
  if ((await binds(session, emptyRelation(snapshot.schema.fields), whereSql)) === undefined) {
    const column = /Referenced column "([^"]+)"/.exec(String((failed as Error).message))?.[1];
    throw new LochError(
      'INVALID_ARGUMENT',
      `delta optimize: table ${table.name}: OPTIMIZE WHERE may reference only ${partitions}; '${whereSql}' references ${column !== undefined ? `data column ${column}` : 'a data column'}`,
      { context: { table: table.name, ...(column !== undefined ? { column } : {}) } },
    );
  }
  throw new LochError('INVALID_ARGUMENT', `delta optimize: table ${table.name}: OPTIMIZE WHERE '${whereSql}' is not a valid condition: ${(failed as Error).message}`, {
    cause: failed,
    context: { table: table.name },
  });
}

/**
 * The keys (see partitionKey) of the partitions whose values satisfy `whereSql` (NULL counts as
 * false). Throws INVALID_ARGUMENT when the condition references data columns or does not bind.
 */
export async function partitionsMatching(session: Session, table: TableLocation, snapshot: DeltaSnapshot, whereSql: string): Promise<Set<string>> {
  await checkPartitionOnly(session, table, snapshot, whereSql);
  const fields = partitionFields(snapshot);
  const byKey = new Map<string, AddFile>();
  for (const add of snapshot.files) {
    const key = partitionKey(snapshot, add);
    if (!byKey.has(key)) byKey.set(key, add);
  }
  const keys = [...byKey.keys()];
  if (keys.length === 0) return new Set();
  const rows = keys.map((key, i) => {
    const add = byKey.get(key) as AddFile;
    const literals = partitionLiterals(table, fields, add.partitionValues, add.path);
    const values = fields.map((f) => literalToSql(literals.get(f.name) ?? { kind: 'literal', type: f.type, value: null }));
    return `(${[String(i), ...values].join(', ')})`;
  });
  const names = ['__loch_i', ...fields.map((f) => quoteIdentifier(f.name))].join(', ');
  const sql = `SELECT __loch_i FROM (VALUES ${rows.join(', ')}) AS __loch_p(${names}) WHERE coalesce((${whereSql}), false)`;
  let matched: unknown[][];
  try {
    matched = await (await session.query(sql)).all();
  } catch (error) {
    throw new LochError('INVALID_ARGUMENT', `delta optimize: table ${table.name}: OPTIMIZE WHERE '${whereSql}' failed on the partition values: ${(error as Error).message}`, { cause: error });
  }
  return new Set(matched.map((row) => keys[Number(row[0])] as string));
}
