import { LochError } from '../../../core/errors.js';
import type { Session } from '../../../engine/index.js';
import type { StructType } from '../../../expr/types.js';
import type { IcebergSchema, LiveEntry, PartitionField, PartitionSpec, TableMetadata } from '../../../formats/iceberg/model.js';
import { fromLochSchema } from '../../../formats/iceberg/spec/schema.js';
import { newTableMetadata } from '../../../formats/iceberg/spec/updates.js';
import type { TableUpdate } from '../../../formats/iceberg/spec/updates.js';
import { parseTransform, transformToString } from '../../../formats/iceberg/transforms/transform.js';
import type { TableContext } from '../../context.js';
import { locateTable } from '../../location.js';
import { describeSource } from '../../write/source.js';
import type { IcebergCommitOutcome, IcebergCreateOptions, PartitionTerm } from './contracts.js';
import { PathCommitter } from './path-committer.js';
import type { IcebergTarget, IcebergTransactionOptions, LochIcebergTransaction } from './transaction.js';
import { beginIcebergTransaction, createIcebergTransaction } from './transaction.js';

/** The table at a path, committed through its `metadata/v<N>.metadata.json` files. */
export function pathTarget(ctx: TableContext, location: string): IcebergTarget {
  const table = locateTable(location, ctx.storeOptions);
  return { ctx, table, committer: new PathCommitter(table) };
}

export type IcebergCreateResult =
  | { readonly kind: 'created' | 'replaced'; readonly rows: number; readonly outcome: IcebergCommitOutcome }
  | { readonly kind: 'exists' };

/**
 * CREATE [OR REPLACE] TABLE [AS SELECT] for Iceberg. A new table gets fresh field ids (Java's
 * order), partition field ids from 1000, format version from the `format-version` property
 * (default 2) and, with a query, one append snapshot. Replacing an existing table keeps its
 * history: a new schema (fresh ids above last-column-id) and spec become current, properties
 * are merged, and one snapshot removes every live file and adds the query's rows.
 * 'create' on an existing table is ALREADY_EXISTS; 'if_not_exists' returns 'exists';
 * 'replace' on a missing table is NOT_FOUND.
 */
export async function createIcebergTable(target: IcebergTarget, options: IcebergCreateOptions, txOptions: IcebergTransactionOptions = {}): Promise<IcebergCreateResult> {
  const existing = await target.committer.load();
  const name = target.table.name;
  if (existing !== undefined) {
    if (options.mode === 'if_not_exists') return { kind: 'exists' };
    if (options.mode === 'create') throw new LochError('ALREADY_EXISTS', `iceberg: table ${name} already exists`, { context: { table: name } });
    return replaceTable(target, options, txOptions);
  }
  if (options.mode === 'replace') throw new LochError('NOT_FOUND', `iceberg: table ${name} does not exist (REPLACE TABLE needs an existing table)`, { context: { table: name } });
  const struct = await tableStruct(options, name);
  const properties = tableProperties(options);
  let next = 1;
  const schema = fromLochSchema(struct, 0, () => next++);
  const spec = buildSpec(options.partitionBy ?? [], schema, 0, 1000, name);
  const metadata = newTableMetadata({
    location: target.table.store.url,
    schema,
    spec,
    properties,
    formatVersion: formatVersion(properties['format-version'], name),
    tableUuid: target.ctx.ids.uuid(),
    nowMs: target.ctx.clock.now(),
  });
  const tx = createIcebergTransaction(target, metadata, txOptions);
  const rows = options.asSelect === undefined ? 0 : await tx.writeRows(options.asSelect.session, options.asSelect.sql);
  return { kind: 'created', rows, outcome: await tx.commit(rows > 0 ? 'append' : undefined) };
}

async function replaceTable(target: IcebergTarget, options: IcebergCreateOptions, txOptions: IcebergTransactionOptions): Promise<IcebergCreateResult> {
  const tx = await beginIcebergTransaction(target, txOptions);
  const base = tx.metadata;
  const struct = await tableStruct(options, target.table.name);
  let next = base.lastColumnId + 1;
  const schemaId = Math.max(...base.schemas.map((s) => s.schemaId)) + 1;
  const schema = fromLochSchema(struct, schemaId, () => next++);
  const specId = Math.max(...base.partitionSpecs.map((s) => s.specId)) + 1;
  const spec = buildSpec(options.partitionBy ?? [], schema, specId, base.lastPartitionId + 1, target.table.name);
  const properties = tableProperties(options);
  const version = properties['format-version'];
  const updates: TableUpdate[] = [
    ...(version !== undefined && formatVersion(version, target.table.name) > base.formatVersion ? [{ action: 'upgrade-format-version' as const, formatVersion: Number(version) }] : []),
    { action: 'add-schema', schema },
    { action: 'set-current-schema', schemaId: -1 },
    { action: 'add-spec', spec },
    { action: 'set-default-spec', specId: -1 },
    ...withoutReserved(properties),
  ];
  tx.addUpdates(updates);
  const live = await tx.liveEntries();
  tx.removeFiles([...live.data, ...live.deletes]);
  const rows = options.asSelect === undefined ? 0 : await tx.writeRows(options.asSelect.session, options.asSelect.sql);
  const changed = live.data.length + live.deletes.length > 0 || rows > 0;
  return { kind: 'replaced', rows, outcome: await tx.commit(changed ? (rows > 0 ? 'overwrite' : 'delete') : undefined) };
}

function withoutReserved(properties: Readonly<Record<string, string>>): TableUpdate[] {
  const kept = Object.fromEntries(Object.entries(properties).filter(([k]) => k !== 'format-version'));
  return Object.keys(kept).length === 0 ? [] : [{ action: 'set-properties', updates: kept }];
}

async function tableStruct(options: IcebergCreateOptions, name: string): Promise<StructType> {
  if (options.schema !== undefined) return options.schema;
  if (options.asSelect === undefined) throw new LochError('INVALID_ARGUMENT', `iceberg: CREATE TABLE ${name} needs columns or AS SELECT`);
  const source = await describeSource(options.asSelect.session, options.asSelect.sql, `the query creating ${name}`);
  return {
    kind: 'struct',
    fields: source.map((c) => ({ name: c.name, type: c.type === 'null' ? { kind: 'primitive', name: 'string' } : c.type, nullable: true, physicalName: c.name })),
  };
}

function tableProperties(options: IcebergCreateOptions): Record<string, string> {
  return { ...options.properties, ...(options.comment !== undefined ? { comment: options.comment } : {}) };
}

function formatVersion(text: string | undefined, name: string): 1 | 2 | 3 {
  if (text === undefined) return 2;
  if (text === '1' || text === '2' || text === '3') return Number(text) as 1 | 2 | 3;
  throw new LochError('INVALID_ARGUMENT', `iceberg: table ${name}: format-version must be 1, 2 or 3, got ${text}`);
}

const SUFFIX: Readonly<Record<string, string>> = { bucket: 'bucket', truncate: 'trunc', year: 'year', month: 'month', day: 'day', hour: 'hour', void: 'null' };

/** A partition spec from PARTITIONED BY terms; field names as Java's PartitionSpec.Builder gives them. */
export function buildSpec(terms: readonly PartitionTerm[], schema: IcebergSchema, specId: number, firstFieldId: number, table: string): PartitionSpec {
  const fields: PartitionField[] = terms.map((term, i) => partitionField(term, schema, firstFieldId + i, table));
  const names = new Set<string>();
  for (const f of fields) {
    if (names.has(f.name)) throw new LochError('INVALID_ARGUMENT', `iceberg: table ${table}: partition field ${f.name} is defined twice`);
    names.add(f.name);
  }
  return { specId, fields };
}

export function partitionField(term: PartitionTerm, schema: IcebergSchema, fieldId: number, table: string): PartitionField {
  const source = schema.fields.find((f) => f.name.toLowerCase() === term.column.toLowerCase());
  if (source === undefined) throw new LochError('INVALID_ARGUMENT', `iceberg: table ${table}: partition column ${term.column} is not a column (columns: ${schema.fields.map((f) => f.name).join(', ')})`);
  const transform = parseTransform(term.transform);
  if (transform.kind === 'unknown') throw new LochError('INVALID_ARGUMENT', `iceberg: table ${table}: unknown partition transform ${term.transform}`);
  const text = transformToString(transform);
  const kind = transform.kind;
  const name = kind === 'identity' ? source.name : `${source.name}_${SUFFIX[kind] ?? kind}`;
  return { sourceIds: [source.id], fieldId, name, transform: text };
}

/** INSERT INTO: appends the query's rows as one snapshot (no snapshot when there are none). */
export async function appendToIceberg(target: IcebergTarget, session: Session, sourceSql: string, options: WriteRowsOptions & IcebergTransactionOptions = {}): Promise<{ rows: number; outcome: IcebergCommitOutcome }> {
  const tx = await beginIcebergTransaction(target, options);
  const rows = await tx.writeRows(session, sourceSql, rowOptions(options));
  return { rows, outcome: await tx.commit(rows > 0 ? 'append' : undefined) };
}

export interface WriteRowsOptions {
  readonly byName?: boolean;
  readonly columns?: readonly string[];
}

function rowOptions(options: WriteRowsOptions): WriteRowsOptions {
  return { byName: options.byName ?? false, ...(options.columns === undefined ? {} : { columns: options.columns }) };
}

export type OverwriteMode = { readonly kind: 'all' } | { readonly kind: 'dynamic' };

/**
 * INSERT OVERWRITE: 'all' replaces every live file with the query's rows; 'dynamic' (Spark's
 * partitionOverwriteMode=dynamic, and `PARTITION (col)`) replaces only the partitions of the
 * current spec the new rows fall into (an unpartitioned table is replaced whole).
 */
export async function overwriteIceberg(target: IcebergTarget, session: Session, sourceSql: string, mode: OverwriteMode, options: WriteRowsOptions & IcebergTransactionOptions = {}): Promise<{ rows: number; outcome: IcebergCommitOutcome }> {
  const tx = await beginIcebergTransaction(target, options);
  const live = await tx.liveEntries();
  const before = tx.metadata;
  const rows = await tx.writeRows(session, sourceSql, rowOptions(options));
  const removed = mode.kind === 'all' || tx.spec.fields.length === 0 ? [...live.data, ...live.deletes] : touchedPartitions(tx, before, live);
  tx.removeFiles(removed);
  const changed = removed.length > 0 || rows > 0;
  return { rows, outcome: await tx.commit(changed ? 'overwrite' : undefined) };
}

function touchedPartitions(tx: LochIcebergTransaction, metadata: TableMetadata, live: { readonly data: readonly LiveEntry[]; readonly deletes: readonly LiveEntry[] }): LiveEntry[] {
  const specId = metadata.defaultSpecId;
  const keys = new Set(stagedPartitionKeys(tx));
  const hit = (e: LiveEntry) => e.specId === specId && keys.has(partitionKey(e.dataFile.partition));
  return [...live.data.filter(hit), ...live.deletes.filter(hit)];
}

function stagedPartitionKeys(tx: LochIcebergTransaction): string[] {
  return tx.stagedFiles.filter((f) => f.content === 'data').map((f) => partitionKey(f.partition));
}

/** A comparable spelling of a partition tuple. */
export function partitionKey(tuple: ReadonlyMap<number, unknown>): string {
  return [...tuple]
    .sort(([a], [b]) => a - b)
    .map(([id, v]) => `${id}=${v instanceof Uint8Array ? Buffer.from(v).toString('hex') : typeof v === 'bigint' ? `${v}n` : JSON.stringify(v)}`)
    .join('/');
}
