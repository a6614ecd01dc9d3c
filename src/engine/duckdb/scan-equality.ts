/**
 * Equality deletes (ScanSpec.equalityDeletes). Each set's delete keys are read once into a TEMP
 * table of DISTINCT rows; data rows are anti-joined against it on `IS NOT DISTINCT FROM` (NULL
 * equals NULL) over every key column plus a per-file BOOLEAN saying whether the set applies to
 * the row's file. All conditions are equalities, so DuckDB runs a hash anti-join: a million data
 * rows against a hundred thousand keys cost one build and one probe.
 */
import { LochError } from '../../core/errors.js';
import type { Literal } from '../../expr/nodes.js';
import { quoteIdentifier, quoteString } from '../../expr/to-sql.js';
import type { DataType } from '../../expr/types.js';
import type { EqualityDeleteSet, ScanSpec } from '../scan-spec.js';
import type { ScanContext } from './scan-context.js';
import { physicalTypeSql } from './scan-columns.js';
import { schemaDefaultSql } from './scan-defaults.js';
import type { FileFlag } from './scan-tables.js';
import { tempTable } from './scan-tables.js';

/** A key column as both sides read it. */
export interface KeyColumn {
  readonly type: DataType;
  readonly default?: Literal;
}

const keyName = (fieldId: number): string => `k${fieldId}`;
const flagName = (set: number): string => `__loch_eq${set}`;

/** The sets that can delete anything: with delete files and data files to apply to. */
function activeSets(spec: ScanSpec): { set: EqualityDeleteSet; index: number }[] {
  return (spec.equalityDeletes ?? []).map((set, index) => ({ set, index })).filter(({ set }) => set.files.length > 0 && set.appliesTo.length > 0);
}

/** Throws INVALID_ARGUMENT for equality deletes a scan cannot apply. */
export function checkEqualityDeletes(spec: ScanSpec): void {
  const sets = spec.equalityDeletes ?? [];
  if (sets.length === 0) return;
  if (spec.resolveBy !== 'field_id') throw new LochError('INVALID_ARGUMENT', 'scan: equality deletes need resolveBy field_id');
  sets.forEach((set, i) => {
    if (set.columns.length === 0) throw new LochError('INVALID_ARGUMENT', `scan: equality delete set ${i} has no columns`);
    const ids = new Set(set.columns.map((c) => c.fieldId));
    if (ids.size !== set.columns.length) throw new LochError('INVALID_ARGUMENT', `scan: equality delete set ${i} lists a field id twice`);
    for (const f of set.appliesTo) {
      if (!Number.isInteger(f) || f < 0 || f >= spec.files.length) {
        throw new LochError('INVALID_ARGUMENT', `scan: equality delete set ${i} applies to file ${f}, but the scan has ${spec.files.length} files`);
      }
    }
  });
}

/** Every field id the data files must provide for equality deletes, with its type and default. */
export function equalityKeyColumns(spec: ScanSpec): Map<number, KeyColumn> {
  const keys = new Map<number, KeyColumn>();
  for (const { set } of activeSets(spec)) {
    for (const c of set.columns) {
      if (!keys.has(c.fieldId)) keys.set(c.fieldId, c.default === undefined ? { type: c.type } : { type: c.type, default: c.default });
    }
  }
  return keys;
}

/** The per-file BOOLEAN columns (in the files table) saying which set applies to which file. */
export function equalityFlags(spec: ScanSpec): FileFlag[] {
  return activeSets(spec).map(({ set, index }) => {
    const values = spec.files.map(() => false);
    for (const f of set.appliesTo) values[f] = true;
    return { name: flagName(index), values };
  });
}

/** A TEMP table per active set (recorded in `created` before it is filled); the set index → table name. */
export async function createEqualityTables(ctx: ScanContext, spec: ScanSpec, base: string, created: string[]): Promise<Map<number, string>> {
  const tables = new Map<number, string>();
  for (const { set, index } of activeSets(spec)) {
    const name = `${base}_eq${index}`;
    created.push(name);
    const entries = set.columns.map(
      (c) => `${c.fieldId}: {name: ${quoteString(keyName(c.fieldId))}, type: ${quoteString(physicalTypeSql(c.type))}, default_value: ${schemaDefaultSql(c.default)}}`,
    );
    const files = `[${set.files.map((f) => quoteString(f)).join(', ')}]`;
    const keys = set.columns.map((c) => quoteIdentifier(keyName(c.fieldId))).join(', ');
    const from = `read_parquet(${files}, hive_partitioning = false, binary_as_string = false, schema = MAP {${entries.join(', ')}})`;
    await ctx.run(`CREATE TEMP TABLE ${quoteIdentifier(name)} AS SELECT DISTINCT TRUE AS __applies, ${keys} FROM ${from}`);
    tables.set(index, name);
  }
  return tables;
}

/**
 * The ANTI JOINs of the inner scan query: `keys` gives the SQL of each key field id over the data
 * relation, `files` is the alias of the files table holding the flags.
 */
export function equalityJoinSql(spec: ScanSpec, tables: ReadonlyMap<number, string>, keys: ReadonlyMap<number, string>, files: string): string {
  let sql = '';
  for (const { set, index } of activeSets(spec)) {
    const table = tables.get(index);
    if (table === undefined) continue;
    const alias = `__e${index}`;
    const conditions = [`${alias}.__applies = ${files}.${quoteIdentifier(flagName(index))}`];
    for (const c of set.columns) {
      const data = keys.get(c.fieldId);
      if (data === undefined) throw new LochError('INTERNAL', `scan: equality key field ${c.fieldId} is not read from the data files`);
      conditions.push(`${alias}.${quoteIdentifier(keyName(c.fieldId))} IS NOT DISTINCT FROM ${data}`);
    }
    sql += ` ANTI JOIN ${tempTable(table)} AS ${alias} ON ${conditions.join(' AND ')}`;
  }
  return sql;
}
