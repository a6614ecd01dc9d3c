import { LochError } from '../../core/errors.js';
import { loadDeltaSnapshot } from '../../formats/delta/snapshot.js';
import type { DeltaSnapshot } from '../../formats/delta/snapshot.js';
import type { IcebergSchema, LiveEntry, PartitionSpec, SnapshotOperation, TableMetadata } from '../../formats/iceberg/model.js';
import { newTableMetadata } from '../../formats/iceberg/spec/updates.js';
import type { TableRequirement } from '../../formats/iceberg/spec/updates.js';
import type { TableContext } from '../context.js';
import { NAME_MAPPING_PROPERTY } from '../iceberg/name-mapped.js';
import { PathCommitter } from '../iceberg/write/path-committer.js';
import type { IcebergTarget } from '../iceberg/write/transaction.js';
import { beginIcebergTransaction, createIcebergTransaction } from '../iceberg/write/transaction.js';
import type { LochIcebergTransaction } from '../iceberg/write/transaction.js';
import type { TableLocation } from '../location.js';
import { dataFileOf } from './data-file.js';
import type { DataFileContext } from './data-file.js';
import { operationOf, readDeltaChanges } from './delta-changes.js';
import { icebergSchemaOf, identitySpec, nameMappingJson, sameFields, sameSpec } from './iceberg-schema.js';
import { isUniformIceberg } from './uniform-properties.js';

/** Iceberg table properties recording which Delta version the metadata mirrors (delta-spark's names). */
export const DELTA_VERSION_PROPERTY = 'delta-version';
export const DELTA_TIMESTAMP_PROPERTY = 'delta-timestamp';

export type ConversionOutcome =
  | { readonly kind: 'converted'; readonly deltaVersion: number; readonly metadataFile: string; readonly operation?: SnapshotOperation; readonly full: boolean }
  | { readonly kind: 'up_to_date'; readonly deltaVersion: number }
  | { readonly kind: 'not_uniform' };

/**
 * UniForm Iceberg: writes Iceberg metadata (`<table>/metadata/v<N>.metadata.json` + the version
 * hint, format version 2) describing Delta version `version` (default the latest) of the table
 * through the same parquet files, in one Iceberg commit. Incremental from the Delta version the
 * current Iceberg metadata records (`delta-version`): the Delta commits in between are replayed
 * into one append / delete / overwrite / replace snapshot (or a metadata-only commit when no file
 * changed). A first conversion, a missing commit file, or changed partitioning convert the whole
 * table (an append of every live file, or an overwrite of the old Iceberg files). Schema changes
 * become a new current Iceberg schema. The commit asserts the Iceberg branch head it read, so two
 * converters racing never apply one Delta commit twice (the loser throws CONFLICT).
 */
export async function convertToIceberg(ctx: TableContext, table: TableLocation, options: { readonly version?: number } = {}): Promise<ConversionOutcome> {
  const snapshot = await loadDeltaSnapshot(table.store, ctx.parquet, { table: table.name, ...(options.version === undefined ? {} : { version: options.version }) });
  if (!isUniformIceberg(snapshot.properties)) return { kind: 'not_uniform' };
  const target: IcebergTarget = { ctx, table, committer: new PathCommitter(table) };
  const loaded = await target.committer.load();
  if (loaded === undefined) return createMirror(target, snapshot);
  const converted = convertedVersion(loaded.metadata);
  if (converted !== undefined && converted >= snapshot.version) return { kind: 'up_to_date', deltaVersion: converted };
  const tx = await beginIcebergTransaction(target, { maxAttempts: 3 });
  const schema = stageSchema(tx, snapshot);
  const spec = identitySpec(schema, snapshot.partitionColumns, tx.spec.specId, table.name);
  const sameLayout = sameSpec(spec, tx.spec);
  if (!sameLayout) tx.addUpdates([{ action: 'add-spec', spec: newSpec(tx.metadata, spec) }, { action: 'set-default-spec', specId: -1 }]);
  const context = fileContext(table, snapshot, tx.schema, tx.spec);
  const changes = converted === undefined || !sameLayout ? undefined : await readDeltaChanges(table.store, table.name, context.tableUrl, converted + 1, snapshot.version, snapshot.partitionColumns);
  const live = new Map((await tx.liveEntries()).data.map((e) => [e.dataFile.filePath, e] as const));
  const removed = changes === undefined || changes.partitioningChanged ? undefined : entriesFor(changes.removed, live);
  let operation: SnapshotOperation | undefined;
  if (changes === undefined || removed === undefined || changes.partitioningChanged) {
    tx.removeFiles([...live.values()]);
    tx.addFiles(snapshot.files.map((add) => dataFileOf(add, context)));
    operation = live.size === 0 ? (snapshot.files.length === 0 ? undefined : 'append') : 'overwrite';
  } else {
    tx.removeFiles(removed);
    tx.addFiles([...changes.added.values()].map((add) => dataFileOf(add, context)));
    operation = operationOf(changes);
  }
  tx.addUpdates([{ action: 'set-properties', updates: mirrorProperties(snapshot, tx.schema) }], headRequirement(tx));
  const outcome = await tx.commit(operation);
  if (outcome.kind === 'noop') throw new LochError('INTERNAL', `delta uniform: table ${table.name}: the conversion of version ${snapshot.version} committed nothing`);
  return { kind: 'converted', deltaVersion: snapshot.version, metadataFile: outcome.metadataFile, ...(operation === undefined ? {} : { operation }), full: changes === undefined || removed === undefined };
}

async function createMirror(target: IcebergTarget, snapshot: DeltaSnapshot): Promise<ConversionOutcome> {
  const { ctx, table } = target;
  const schema = icebergSchemaOf(snapshot.schema, 0, table.name);
  const spec = identitySpec(schema, snapshot.partitionColumns, 0, table.name);
  const metadata = newTableMetadata({
    location: table.store.url.replace(/\/+$/, ''),
    schema,
    spec,
    properties: { 'format-version': '2', ...mirrorProperties(snapshot, schema) },
    formatVersion: 2,
    tableUuid: ctx.ids.uuid(),
    nowMs: ctx.clock.now(),
  });
  const tx = createIcebergTransaction(target, metadata, { maxAttempts: 1 });
  const context = fileContext(table, snapshot, schema, spec);
  tx.addFiles(snapshot.files.map((add) => dataFileOf(add, context)));
  const operation = snapshot.files.length === 0 ? undefined : 'append';
  const outcome = await tx.commit(operation);
  if (outcome.kind === 'noop') throw new LochError('INTERNAL', `delta uniform: table ${table.name}: creating the Iceberg metadata committed nothing`);
  return { kind: 'converted', deltaVersion: snapshot.version, metadataFile: outcome.metadataFile, ...(operation === undefined ? {} : { operation }), full: true };
}

/** The Delta version the metadata mirrors; undefined when it records none (not written by a converter). */
export function convertedVersion(metadata: TableMetadata): number | undefined {
  const text = metadata.properties[DELTA_VERSION_PROPERTY];
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

function mirrorProperties(snapshot: DeltaSnapshot, schema: IcebergSchema): Record<string, string> {
  return {
    [DELTA_VERSION_PROPERTY]: String(snapshot.version),
    [DELTA_TIMESTAMP_PROPERTY]: String(snapshot.timestamp),
    [NAME_MAPPING_PROPERTY]: nameMappingJson(schema, snapshot.schema),
  };
}

/** Makes the Delta schema the current Iceberg schema (reusing an identical earlier one); returns it. */
function stageSchema(tx: LochIcebergTransaction, snapshot: DeltaSnapshot): IcebergSchema {
  const wanted = icebergSchemaOf(snapshot.schema, tx.schema.schemaId, tx.metadata.location);
  if (sameFields(wanted, tx.schema)) return tx.schema;
  const earlier = tx.metadata.schemas.find((s) => sameFields(s, wanted));
  if (earlier !== undefined) {
    tx.addUpdates([{ action: 'set-current-schema', schemaId: earlier.schemaId }]);
  } else {
    const schemaId = Math.max(...tx.metadata.schemas.map((s) => s.schemaId)) + 1;
    tx.addUpdates([{ action: 'add-schema', schema: { ...wanted, schemaId } }, { action: 'set-current-schema', schemaId: -1 }]);
  }
  return tx.schema;
}

/** A new spec id and fresh partition field ids (Iceberg never reuses them for another field). */
function newSpec(metadata: TableMetadata, spec: PartitionSpec): PartitionSpec {
  const specId = Math.max(...metadata.partitionSpecs.map((s) => s.specId)) + 1;
  return { specId, fields: spec.fields.map((f, i) => ({ ...f, fieldId: metadata.lastPartitionId + 1 + i })) };
}

function fileContext(table: TableLocation, snapshot: DeltaSnapshot, schema: IcebergSchema, spec: PartitionSpec): DataFileContext {
  return {
    table: table.name,
    tableUrl: table.store.url.replace(/\/+$/, ''),
    deltaSchema: snapshot.schema,
    partitionColumns: snapshot.partitionColumns,
    schema,
    spec,
  };
}

/** The live Iceberg entries of the removed Delta files; undefined when one is not live (state drifted). */
function entriesFor(paths: ReadonlySet<string>, live: ReadonlyMap<string, LiveEntry>): LiveEntry[] | undefined {
  const out: LiveEntry[] = [];
  for (const path of paths) {
    const entry = live.get(path);
    if (entry === undefined) return undefined;
    out.push(entry);
  }
  return out;
}

/** The conversion read the branch head: a concurrent conversion that moved it wins. */
function headRequirement(tx: LochIcebergTransaction): TableRequirement[] {
  return [{ type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: tx.snapshot?.snapshotId ?? null }];
}
