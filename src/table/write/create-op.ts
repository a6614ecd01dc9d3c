import { LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import type { StructField, StructType } from '../../expr/types.js';
import type { DeltaSnapshot } from '../../formats/delta/snapshot.js';
import type { Metadata } from '../../formats/delta/spec/actions.js';
import { icebergCompatVersion, parseTableProperties } from '../../formats/delta/write/properties.js';
import type { TableContext } from '../context.js';
import type { TableLocation } from '../location.js';
import { stageCreateClustering } from '../maintenance/clustering.js';
import { isUniformIceberg } from '../uniform/uniform-properties.js';
import type { CommitResult } from './commit-loop.js';
import { writeDataFiles } from './data-files.js';
import { applyMetadata } from './schema-change.js';
import { alignSource, describeSource } from './source.js';
import { DeltaTransaction } from './transaction.js';

export type CreateMode = 'create' | 'if_not_exists' | 'or_replace' | 'replace';

export interface CreateTableRequest {
  readonly mode: CreateMode;
  /** Columns; for CREATE … AS SELECT without a column list they come from the query. */
  readonly schema?: StructType;
  readonly partitionColumns?: readonly string[];
  /** CLUSTER BY (liquid clustering) columns; [] or absent: not clustered. Not with partitionColumns. */
  readonly clusterBy?: readonly string[];
  /** Table properties, including `delta.constraints.<name>` CHECK expressions. */
  readonly properties?: Readonly<Record<string, string>>;
  readonly description?: string;
  readonly name?: string;
  /** CREATE TABLE … AS SELECT: the query (lake references already bound in `session`). */
  readonly asSelect?: { readonly sql: string; readonly session: Session };
  readonly targetFileSize?: number;
}

export type CreateOutcome = { readonly kind: 'created'; readonly commit: CommitResult } | { readonly kind: 'exists'; readonly version: number };

/**
 * CREATE TABLE, CREATE TABLE IF NOT EXISTS, CREATE OR REPLACE TABLE, REPLACE TABLE, each
 * optionally AS SELECT. Replacing keeps the table's history (a new version with a new schema and
 * no old files), as Delta does; the protocol never goes down.
 */
export async function createTable(ctx: TableContext, table: TableLocation, existing: DeltaSnapshot | undefined, request: CreateTableRequest): Promise<CreateOutcome> {
  if (existing !== undefined && request.mode === 'if_not_exists') return { kind: 'exists', version: existing.version };
  if (existing !== undefined && request.mode === 'create') {
    throw new LochError('ALREADY_EXISTS', `delta: table ${table.name} already exists (version ${existing.version}); use CREATE OR REPLACE or IF NOT EXISTS`, { context: { table: table.name } });
  }
  if (existing === undefined && request.mode === 'replace') {
    throw new LochError('NOT_FOUND', `delta: cannot replace table ${table.name}: it does not exist`, { context: { table: table.name } });
  }
  const tx = new DeltaTransaction(ctx, table, existing);
  const source = request.asSelect === undefined ? undefined : await describeSource(request.asSelect.session, request.asSelect.sql, `the query creating ${table.name}`);
  const declared = request.schema ?? fromQuery(table.name, source ?? []);
  if (declared.fields.length === 0) throw new LochError('INVALID_ARGUMENT', `delta: table ${table.name} needs at least one column`);
  const now = ctx.clock.now();
  const metadata: Metadata = {
    id: existing?.metadata.id ?? ctx.ids.uuid(),
    ...(request.name !== undefined ? { name: request.name } : {}),
    ...(request.description !== undefined ? { description: request.description } : {}),
    format: { provider: 'parquet', options: {} },
    schemaString: '',
    partitionColumns: request.partitionColumns ?? [],
    createdTime: now,
    // User-given properties are checked strictly: a misspelt delta.* key is an error, as in Spark.
    configuration: { ...parseTableProperties(withDefaults(request.properties ?? {}, existing === undefined), table.name).normalized },
  };
  const schema = applyMetadata(tx, metadata, declared);
  stageCreateClustering(tx, request.clusterBy);
  let metrics: Record<string, string> = {};
  if (existing !== undefined) {
    tx.readWholeTable();
    tx.removeFiles(existing.files, now);
  }
  if (request.asSelect !== undefined && source !== undefined) {
    const aligned = alignSource(table.name, schema, request.asSelect.sql, source, { byName: false });
    const pending = tx.currentMetadata as Metadata;
    const written = await writeDataFiles(ctx, table, request.asSelect.session, { schema, partitionColumns: pending.partitionColumns, metadata: pending }, aligned, {
      ...(request.targetFileSize !== undefined ? { targetFileSize: request.targetFileSize } : {}),
    });
    tx.addFiles(written.adds);
    metrics = { numFiles: String(written.adds.length), numOutputRows: String(written.rows), numOutputBytes: String(written.bytes) };
  }
  tx.operation = {
    name: operationName(request),
    parameters: {
      isManaged: 'false',
      ...(request.description !== undefined ? { description: request.description } : {}),
      partitionBy: JSON.stringify(request.partitionColumns ?? []),
      ...(request.clusterBy !== undefined && request.clusterBy.length > 0 ? { clusterBy: JSON.stringify(request.clusterBy) } : {}),
      properties: JSON.stringify(request.properties ?? {}),
    },
    metrics,
  };
  return { kind: 'created', commit: await tx.commit() };
}

function operationName(request: CreateTableRequest): string {
  const base = request.mode === 'or_replace' ? 'CREATE OR REPLACE TABLE' : request.mode === 'replace' ? 'REPLACE TABLE' : 'CREATE TABLE';
  return request.asSelect === undefined ? base : `${base} AS SELECT`;
}

function fromQuery(table: string, columns: readonly { name: string; type: StructField['type'] | 'null' }[]): StructType {
  const seen = new Set<string>();
  const fields = columns.map((c) => {
    const lower = c.name.toLowerCase();
    if (seen.has(lower)) throw new LochError('INVALID_ARGUMENT', `delta: table ${table}: the query gives column ${c.name} twice; alias one of them`);
    seen.add(lower);
    if (c.type === 'null') throw new LochError('INVALID_ARGUMENT', `delta: table ${table}: column ${c.name} of the query is an untyped NULL; cast it (CAST(NULL AS STRING))`);
    return { name: c.name, type: c.type, nullable: true, physicalName: c.name } satisfies StructField;
  });
  return { kind: 'struct', fields };
}

/**
 * New tables get deletion vectors unless the request says otherwise or asks for UniForm Iceberg,
 * as on Databricks: DELETE, UPDATE and MERGE then mark rows instead of rewriting files. A replaced table keeps what it asks for.
 */
function withDefaults(properties: Readonly<Record<string, string>>, isNew: boolean): Record<string, string> {
  const given = Object.keys(properties).some((k) => k.toLowerCase() === 'delta.enabledeletionvectors');
  // UniForm Iceberg (IcebergCompatV2) forbids deletion vectors: such tables default to none.
  const value = isUniformIceberg(properties) || icebergCompatVersion(properties) === 2 ? 'false' : 'true';
  return isNew && !given ? { ...properties, 'delta.enableDeletionVectors': value } : { ...properties };
}
