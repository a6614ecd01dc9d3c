import { refuseVolumeLocation } from '../catalog/volume-paths.js';
import type { ObjectName, TablePlan } from '../catalog/catalog-types.js';
import { LochError, isLochError } from '../core/errors.js';
import type { Session } from '../engine/index.js';
import type { StructType } from '../expr/types.js';
import { DeltaTable } from '../table/delta-table.js';
import type { CreateMode } from '../table/write/create-op.js';
import { bindQuery } from './bind-query.js';
import { createsIceberg, executeIcebergCreate, icebergPathTarget } from './iceberg-write-executor.js';
import { catalogIcebergTarget, isIcebergTable, plannedIcebergTarget } from './iceberg-catalog-target.js';
import { listMetadataNames, loadMetadata } from '../table/iceberg/load-metadata.js';
import { locateTable } from '../table/location.js';
import type { BoundQuery } from './bind-query.js';
import type { ColumnDef, CreateTableStatement } from './parse/write-statements.js';
import { tableLocation } from './resolve-table.js';
import { formatName, resolveName } from './sql-env.js';
import type { SqlEnv } from './sql-env.js';
import { NO_ROWS, insertedRows, toField } from './write-target.js';
import type { WriteSummary } from './write-target.js';

/**
 * CREATE [OR REPLACE] TABLE / REPLACE TABLE [AS SELECT] on delta.`<path>` (the path is the
 * table) or on a name. A name that exists is left alone with IF NOT EXISTS, replaced in place
 * by OR REPLACE / REPLACE (its history continues), else ALREADY_EXISTS. A new name gets a
 * location from the catalog (managed, or the LOCATION given), the Delta table is created there
 * and then registered; a lost race to register is ALREADY_EXISTS (or a no-op with IF NOT EXISTS)
 * and its managed folder is removed. `LOCATION '<dir holding a Delta table>'` without columns
 * or query registers that table as external.
 */
export async function executeCreateTable(env: SqlEnv, session: Session, s: CreateTableStatement): Promise<WriteSummary> {
  if (createsIceberg(s)) return createIceberg(env, session, s);
  if (s.partitionTransforms !== undefined && s.partitionTransforms.some((t) => t.transform !== 'identity')) {
    throw new LochError('NOT_IMPLEMENTED', `sql: CREATE TABLE ${describeTarget(s)}: partition transforms need an Iceberg table (USING ICEBERG); Delta partitions by columns`);
  }
  if (s.using !== undefined && s.using.toLowerCase() !== 'delta') {
    throw new LochError('NOT_IMPLEMENTED', `sql: CREATE TABLE ${describeTarget(s)} USING ${s.using}: only USING DELTA is supported`);
  }
  if (s.target.kind === 'path') {
    if (s.target.format !== 'delta') throw new LochError('INVALID_ARGUMENT', `sql: CREATE TABLE needs a name or delta.\`<path>\`, not ${s.target.format}.\`${s.target.path}\``);
    if (s.location !== undefined) throw new LochError('INVALID_ARGUMENT', `sql: CREATE TABLE delta.\`${s.target.path}\`: the path is the location; drop the LOCATION clause`);
    refuseVolumeLocation(s.target.path, 'CREATE TABLE: table');
    return createDelta(env, session, s, s.target.path, createMode(s));
  }
  const name = resolveName(env.state, s.target.parts);
  const existing = await env.catalog.findTable(name);
  if (existing !== undefined) {
    if (s.ifNotExists) return { resultSql: NO_ROWS };
    if (!s.orReplace && !s.mustExist) throw alreadyExists(name);
    // REPLACE without USING keeps the table's format.
    if (isIcebergTable(existing)) {
      if (s.using !== undefined) throw new LochError('NOT_IMPLEMENTED', `sql: CREATE OR REPLACE TABLE ${formatName(name)} USING ${s.using}: ${formatName(name)} is an Iceberg table; Loch does not change a table's format in place (drop it first)`);
      return createIceberg(env, session, s);
    }
    const location = tableLocation(existing, s.mustExist ? 'REPLACE TABLE' : 'CREATE OR REPLACE TABLE');
    if (s.location !== undefined && s.location.replace(/\/+$/, '') !== location.replace(/\/+$/, '')) {
      throw new LochError('INVALID_ARGUMENT', `sql: CREATE OR REPLACE TABLE ${formatName(name)}: the table lives at ${location}; LOCATION cannot move it to ${s.location}`);
    }
    return createDelta(env, session, s, location, s.mustExist ? 'replace' : 'or_replace');
  }
  if (s.mustExist) throw new LochError('NOT_FOUND', `catalog: table ${formatName(name)} does not exist (TABLE_OR_VIEW_NOT_FOUND)`, { context: { name: formatName(name) } });
  return createNamed(env, session, s, name);
}

async function createNamed(env: SqlEnv, session: Session, s: CreateTableStatement, name: ObjectName): Promise<WriteSummary> {
  const plan = await env.catalog.planTable(name, s.location);
  let summary: WriteSummary;
  try {
    summary = await createOrAdopt(env, session, s, plan);
  } catch (error) {
    await discard(env, plan);
    throw error;
  }
  const outcome = await env.catalog.registerTable(plan);
  if (outcome === 'created') return summary;
  await discard(env, plan);
  if (s.ifNotExists) return { resultSql: NO_ROWS };
  throw alreadyExists(name);
}

/** Creates the Delta table at the plan's location, or adopts the one an external LOCATION already holds. */
async function createOrAdopt(env: SqlEnv, session: Session, s: CreateTableStatement, plan: TablePlan): Promise<WriteSummary> {
  if (plan.tableType === 'EXTERNAL' && s.columns === undefined && s.asQuery === undefined) {
    try {
      await DeltaTable.open(env.ctx, plan.location).snapshot();
    } catch (cause) {
      if (!isLochError(cause, 'NOT_FOUND')) throw cause;
      throw new LochError('INVALID_ARGUMENT', `sql: CREATE TABLE ${formatName(plan.name)} LOCATION '${plan.location}': there is no Delta table there; give the columns or AS SELECT to create one`, { cause });
    }
    return { resultSql: NO_ROWS };
  }
  return createDelta(env, session, s, plan.location, 'create');
}

async function createDelta(env: SqlEnv, session: Session, s: CreateTableStatement, location: string, mode: CreateMode): Promise<WriteSummary> {
  const properties: Record<string, string> = { ...s.properties };
  for (const c of s.constraints) properties[`delta.constraints.${c.name.toLowerCase()}`] = c.checkSql;
  let bound: BoundQuery | undefined;
  try {
    if (s.asQuery !== undefined) bound = await bindQuery(env, session, s.asQuery);
    const outcome = await DeltaTable.open(env.ctx, location).create({
      mode,
      ...(s.columns !== undefined ? { schema: toSchema(s.columns) } : {}),
      partitionColumns: s.partitionedBy,
      ...(s.clusterBy !== undefined ? { clusterBy: s.clusterBy } : {}),
      properties,
      ...(s.comment !== undefined ? { description: s.comment } : {}),
      ...(bound !== undefined ? { asSelect: { sql: bound.sql, session } } : {}),
    });
    const rows = outcome.kind === 'created' ? Number(outcome.commit.metrics['numOutputRows'] ?? 0) : 0;
    return { resultSql: bound === undefined ? NO_ROWS : insertedRows(rows) };
  } finally {
    bound?.release();
  }
}

/** Removes what a failed create left in a managed location; an external location's data is the user's. */
async function discard(env: SqlEnv, plan: TablePlan): Promise<void> {
  if (plan.tableType === 'MANAGED') await env.catalog.discardPlan(plan).catch(() => {});
}

/**
 * Iceberg: iceberg.`<path>` tables commit through their metadata files; names are catalog
 * Iceberg tables. A new name gets a location from the catalog (managed, or the LOCATION given)
 * and is registered by its first metadata commit (so a failed create registers nothing, and its
 * managed folder is removed); an existing Iceberg name is replaced in place (history kept);
 * `LOCATION '<dir holding an Iceberg table>'` without columns or query registers that table.
 */
async function createIceberg(env: SqlEnv, session: Session, s: CreateTableStatement): Promise<WriteSummary> {
  if (s.target.kind === 'path') {
    if (s.target.format !== 'iceberg') throw new LochError('INVALID_ARGUMENT', `sql: CREATE TABLE ${describeTarget(s)} USING ICEBERG needs a name or iceberg.\`<path>\``);
    if (s.location !== undefined) throw new LochError('INVALID_ARGUMENT', `sql: CREATE TABLE iceberg.\`${s.target.path}\`: the path is the location; drop the LOCATION clause`);
    refuseVolumeLocation(s.target.path, 'CREATE TABLE: table');
    return executeIcebergCreate(env, session, s, icebergPathTarget(env, s.target.path), createMode(s));
  }
  const name = resolveName(env.state, s.target.parts);
  const existing = await env.catalog.findTable(name);
  if (existing !== undefined) {
    if (s.ifNotExists) return { resultSql: NO_ROWS };
    if (!s.orReplace && !s.mustExist) throw alreadyExists(name);
    const location = tableLocation(existing, s.mustExist ? 'REPLACE TABLE' : 'CREATE OR REPLACE TABLE');
    if (!isIcebergTable(existing)) {
      throw new LochError('NOT_IMPLEMENTED', `sql: CREATE OR REPLACE TABLE ${formatName(name)} USING ICEBERG: ${formatName(name)} is a Delta table; Loch does not change a table's format in place (drop it first)`, { context: { name: formatName(name) } });
    }
    if (s.location !== undefined && s.location.replace(/\/+$/, '') !== location.replace(/\/+$/, '')) {
      throw new LochError('INVALID_ARGUMENT', `sql: CREATE OR REPLACE TABLE ${formatName(name)}: the table lives at ${location}; LOCATION cannot move it to ${s.location}`);
    }
    return executeIcebergCreate(env, session, s, catalogIcebergTarget(env, existing), s.mustExist ? 'replace' : 'or_replace');
  }
  if (s.mustExist) throw new LochError('NOT_FOUND', `catalog: table ${formatName(name)} does not exist (TABLE_OR_VIEW_NOT_FOUND)`, { context: { name: formatName(name) } });
  const plan = await env.catalog.planTable(name, s.location);
  try {
    if (plan.tableType === 'EXTERNAL' && s.columns === undefined && s.asQuery === undefined) return await adoptIceberg(env, plan);
    await refuseExistingIceberg(env, plan);
    return await executeIcebergCreate(env, session, s, plannedIcebergTarget(env, plan), 'create');
  } catch (error) {
    await discard(env, plan);
    // The first commit registers the name: ALREADY_EXISTS here is a name taken meanwhile.
    if (isLochError(error, 'ALREADY_EXISTS')) {
      if (s.ifNotExists) return { resultSql: NO_ROWS };
      throw alreadyExists(name);
    }
    throw error;
  }
}

/** Registers the Iceberg table an external LOCATION already holds, at its newest metadata file. */
async function adoptIceberg(env: SqlEnv, plan: TablePlan): Promise<WriteSummary> {
  const table = locateTable(plan.location, env.ctx.storeOptions);
  let file: string;
  try {
    file = (await loadMetadata(table)).metadataFile;
  } catch (cause) {
    if (!isLochError(cause, 'NOT_FOUND')) throw cause;
    throw new LochError('INVALID_ARGUMENT', `sql: CREATE TABLE ${formatName(plan.name)} USING ICEBERG LOCATION '${plan.location}': there is no Iceberg table there; give the columns or AS SELECT to create one`, { cause });
  }
  const absolute = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(file) ? file : `${table.store.url.replace(/\/+$/, '')}/${file}`;
  if ((await env.catalog.registerTable(plan, { format: 'ICEBERG', metadataLocation: absolute })) === 'exists') throw alreadyExists(plan.name);
  return { resultSql: NO_ROWS };
}

/** Creating a second table over an external location's Iceberg table would fork its history. */
async function refuseExistingIceberg(env: SqlEnv, plan: TablePlan): Promise<void> {
  if (plan.tableType !== 'EXTERNAL') return;
  const names = await listMetadataNames(locateTable(plan.location, env.ctx.storeOptions).store);
  if (names.some((n) => n.endsWith('.metadata.json'))) {
    throw new LochError('INVALID_ARGUMENT', `sql: CREATE TABLE ${formatName(plan.name)} LOCATION '${plan.location}': the location already holds an Iceberg table; omit the columns to register it`);
  }
}

function createMode(s: CreateTableStatement): CreateMode {
  return s.mustExist ? 'replace' : s.orReplace ? 'or_replace' : s.ifNotExists ? 'if_not_exists' : 'create';
}

function toSchema(columns: readonly ColumnDef[]): StructType {
  return { kind: 'struct', fields: columns.map(toField) };
}

function alreadyExists(name: ObjectName): LochError {
  const full = formatName(name);
  return new LochError('ALREADY_EXISTS', `catalog: table ${full} already exists (TABLE_OR_VIEW_ALREADY_EXISTS)`, { context: { name: full } });
}

function describeTarget(s: CreateTableStatement): string {
  return s.target.kind === 'path' ? `${s.target.format}.\`${s.target.path}\`` : s.target.parts.join('.');
}
