import { LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import { quoteIdentifier } from '../../expr/to-sql.js';
import type { DataType, StructField } from '../../expr/types.js';
import type { Metadata } from '../../formats/delta/spec/actions.js';
import { columnMappingMode } from '../../formats/delta/spec/protocol.js';
import { parseTableProperties } from '../../formats/delta/write/properties.js';
import { planDeltaScan } from '../delta-scan-planner.js';
import { stageClustering } from '../maintenance/clustering.js';
import { purgeDeletionVectors } from '../uniform/purge-deletion-vectors.js';
import { enablingDefaults, isUniformIceberg } from '../uniform/uniform-properties.js';
import { stageAlterColumn, stageDropColumns, stageNullability, stageRenameColumn } from './alter-columns.js';
import { applyMetadata, currentSchema, evolveSchema, requireMetadata } from './schema-change.js';
import type { DeltaTransaction } from './transaction.js';

const CONSTRAINT_PREFIX = 'delta.constraints.';

/** Every alteration is one metadata change in `tx`; the caller commits. */
export type Alteration =
  | { readonly kind: 'add_constraint'; readonly name: string; readonly checkSql: string }
  | { readonly kind: 'drop_constraint'; readonly name: string; readonly ifExists: boolean }
  | { readonly kind: 'set_properties'; readonly properties: Readonly<Record<string, string>> }
  | { readonly kind: 'unset_properties'; readonly keys: readonly string[]; readonly ifExists: boolean }
  | { readonly kind: 'add_columns'; readonly columns: readonly StructField[] }
  | { readonly kind: 'set_nullability'; readonly column: string; readonly nullable: boolean }
  /** RENAME COLUMN: `path` names a top-level column or a nested field (a.b.c); needs column mapping. */
  | { readonly kind: 'rename_column'; readonly path: readonly string[]; readonly newName: string }
  /** DROP COLUMN[S]: needs column mapping; data files are not touched. */
  | { readonly kind: 'drop_columns'; readonly paths: readonly (readonly string[])[]; readonly ifExists: boolean }
  /** ALTER|CHANGE COLUMN … COMMENT / TYPE (type widening; needs delta.enableTypeWidening). */
  | { readonly kind: 'alter_column'; readonly path: readonly string[]; readonly comment?: string; readonly type?: DataType }
  /** CLUSTER BY (a, b); [] is CLUSTER BY NONE. */
  | { readonly kind: 'cluster_by'; readonly columns: readonly string[] }
  /** COMMENT ON TABLE: the table's metaData.description; null removes it. */
  | { readonly kind: 'set_comment'; readonly comment: string | null };

/** Stages an alteration and names the operation (Spark's names: ADD CONSTRAINT, SET TBLPROPERTIES…). */
export async function stageAlteration(tx: DeltaTransaction, session: Session, change: Alteration): Promise<void> {
  const metadata = requireMetadata(tx);
  const config = { ...metadata.configuration };
  switch (change.kind) {
    case 'add_constraint': {
      const key = findKey(config, `${CONSTRAINT_PREFIX}${change.name}`);
      if (key !== undefined) throw new LochError('ALREADY_EXISTS', `delta: table ${tx.table.name} already has a constraint ${change.name} (${config[key]})`);
      await checkExistingRows(tx, session, change.name, change.checkSql);
      withConfig(tx, metadata, { ...config, [`${CONSTRAINT_PREFIX}${change.name.toLowerCase()}`]: change.checkSql });
      tx.operation = { name: 'ADD CONSTRAINT', parameters: { name: change.name, expr: change.checkSql }, metrics: {} };
      return;
    }
    case 'drop_constraint': {
      const key = findKey(config, `${CONSTRAINT_PREFIX}${change.name}`);
      if (key === undefined && !change.ifExists) throw new LochError('NOT_FOUND', `delta: table ${tx.table.name} has no constraint ${change.name}`);
      if (key !== undefined) delete config[key];
      withConfig(tx, metadata, config);
      tx.operation = { name: 'DROP CONSTRAINT', parameters: { name: change.name }, metrics: {} };
      return;
    }
    case 'set_properties': {
      for (const k of Object.keys(change.properties)) {
        if (k.toLowerCase().startsWith(CONSTRAINT_PREFIX)) throw new LochError('INVALID_ARGUMENT', `delta: table ${tx.table.name}: use ALTER TABLE ADD CONSTRAINT instead of setting ${k}`);
      }
      const checked = enablingDefaults(config, parseTableProperties({ ...change.properties }, tx.table.name).normalized);
      checkMappingModeChange(tx, metadata, { ...config, ...checked });
      withConfig(tx, metadata, { ...config, ...checked });
      // Turning UniForm Iceberg on purges deletion vectors (IcebergCompatV2 allows none).
      if (!isUniformIceberg(config) && isUniformIceberg({ ...config, ...checked })) await purgeDeletionVectors(tx, session, requireMetadata(tx));
      tx.operation = { name: 'SET TBLPROPERTIES', parameters: { properties: JSON.stringify(change.properties) }, metrics: {} };
      return;
    }
    case 'unset_properties': {
      for (const k of change.keys) {
        const key = findKey(config, k);
        if (key === undefined && !change.ifExists) throw new LochError('NOT_FOUND', `delta: table ${tx.table.name} has no property ${k}`);
        if (key !== undefined) delete config[key];
      }
      checkMappingModeChange(tx, metadata, config);
      withConfig(tx, metadata, config);
      tx.operation = { name: 'UNSET TBLPROPERTIES', parameters: { properties: JSON.stringify(change.keys), ifExists: String(change.ifExists) }, metrics: {} };
      return;
    }
    case 'add_columns': {
      evolveSchema(tx, change.columns);
      tx.operation = { name: 'ADD COLUMNS', parameters: { columns: JSON.stringify(change.columns.map((c) => ({ column: c.name }))) }, metrics: {} };
      return;
    }
    case 'set_nullability': {
      const field = stageNullability(tx, change.column, change.nullable);
      if (!change.nullable) await checkExistingRows(tx, session, `NOT NULL ${field.name}`, `${quoteIdentifier(field.name)} IS NOT NULL`);
      return;
    }
    case 'rename_column':
      stageRenameColumn(tx, change.path, change.newName);
      return;
    case 'drop_columns':
      stageDropColumns(tx, change.paths, change.ifExists);
      return;
    case 'alter_column':
      if (change.comment === undefined && change.type === undefined) throw new LochError('INVALID_ARGUMENT', `delta: table ${tx.table.name}: ALTER COLUMN needs a COMMENT or a TYPE`);
      stageAlterColumn(tx, change.path, { ...(change.comment !== undefined ? { comment: change.comment } : {}), ...(change.type !== undefined ? { type: change.type } : {}) });
      return;
    case 'cluster_by':
      await stageClustering(tx, change.columns);
      return;
    case 'set_comment': {
      const { description: _old, ...rest } = metadata;
      tx.setMetadata(change.comment === null ? rest : { ...rest, description: change.comment });
      // Delta records COMMENT ON TABLE as a property change named `comment`.
      tx.operation = { name: 'SET TBLPROPERTIES', parameters: { properties: JSON.stringify({ comment: change.comment ?? '' }) }, metrics: {} };
      return;
    }
  }
}

/**
 * Column mapping can be turned on for an existing table ('none' → 'name', physical names being
 * the current names), never switched between modes or off, as on Databricks: files written under
 * one mapping cannot be read under another without a rewrite.
 */
function checkMappingModeChange(tx: DeltaTransaction, metadata: Metadata, next: Readonly<Record<string, string>>): void {
  const from = columnMappingMode(metadata, tx.currentProtocol);
  const key = findKey(next, 'delta.columnMapping.mode');
  const to = key === undefined ? 'none' : (next[key] as string).trim().toLowerCase();
  if (from === to || (from === 'none' && to === 'name')) return;
  const why =
    from === 'none'
      ? `an existing table can only switch to 'name' (its files name columns by their current names)`
      : `files are written with column mapping '${from}'; turning it off or changing the mode would need every data file rewritten, which Loch does not do`;
  throw new LochError('INVALID_ARGUMENT', `delta: table ${tx.table.name}: cannot change delta.columnMapping.mode from '${from}' to '${to}': ${why}`, {
    context: { table: tx.table.name, property: 'delta.columnMapping.mode', from, to },
  });
}

function withConfig(tx: DeltaTransaction, metadata: Metadata, configuration: Record<string, string>): void {
  applyMetadata(tx, { ...metadata, configuration }, currentSchema(tx));
}

function findKey(config: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.keys(config).find((k) => k.toLowerCase() === key.toLowerCase());
}

/** A new constraint must hold for the rows already there, or adding it fails naming one of them. */
async function checkExistingRows(tx: DeltaTransaction, session: Session, name: string, checkSql: string): Promise<void> {
  const snapshot = tx.snapshot;
  if (snapshot === undefined || snapshot.files.length === 0) return;
  const planned = await planDeltaScan(tx.ctx, tx.table, snapshot, {});
  try {
    const registered = await session.registerScan(planned.spec);
    let rows;
    try {
      rows = await (await session.query(`SELECT to_json(t)::VARCHAR AS row FROM ${registered.sql} AS t WHERE NOT coalesce((${checkSql}), false) LIMIT 1`)).all();
    } catch (cause) {
      throw new LochError('INVALID_ARGUMENT', `delta: table ${tx.table.name}: constraint ${name} (${checkSql}) is not a valid condition on the table: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    const offending = rows[0]?.[0];
    if (offending !== undefined) {
      throw new LochError('CONSTRAINT_VIOLATION', `delta: table ${tx.table.name}: cannot add constraint ${name} (${checkSql}): existing row ${String(offending).slice(0, 500)} violates it`, {
        context: { table: tx.table.name, constraint: name },
      });
    }
  } finally {
    planned.release();
  }
  tx.readWholeTable();
}
