import { LochError } from '../../core/errors.js';
import type { RecordBatch } from 'apache-arrow';
import type { Expr } from '../../expr/nodes.js';
import { quoteIdentifier } from '../../expr/to-sql.js';
import type { StructType } from '../../expr/types.js';
import { schemaFor, selectSnapshot } from '../../formats/iceberg/metadata/snapshot-select.js';
import type { IcebergSchema, Snapshot } from '../../formats/iceberg/model.js';
import { toLochSchema } from '../../formats/iceberg/spec/schema.js';
import type { TableContext } from '../context.js';
import { parseTimestamp } from '../delta-table.js';
import { locateTable } from '../location.js';
import { loadMetadata } from './load-metadata.js';
import type { IcebergOpenOptions } from './load-metadata.js';
import { planIcebergScan } from './scan-planner.js';
import type { IcebergScanRequest, PlannedIcebergScan } from './scan-planner.js';
import type { IcebergFiles } from './snapshot-files.js';

export type { IcebergOpenOptions } from './load-metadata.js';

/** Which snapshot to read: at most one field; none = the current snapshot. */
export interface IcebergSnapshotSelector {
  readonly snapshotId?: bigint;
  /** A branch or tag. */
  readonly ref?: string;
  /** ISO 8601 text or epoch milliseconds: the snapshot current at that instant (snapshot log). */
  readonly timestamp?: string | number;
}

/** One Iceberg snapshot, read: what a query or the metadata tables need. */
export interface IcebergView {
  readonly files: IcebergFiles;
  readonly metadataFile: string;
  /** Undefined when the table has no snapshot yet (reads as empty). */
  readonly snapshot: Snapshot | undefined;
  /** The schema rows are read with: the snapshot's for time travel and tags, else the current one. */
  readonly schema: IcebergSchema;
  readonly lochSchema: StructType;
  plan(request?: IcebergScanRequest): Promise<PlannedIcebergScan>;
  /** The snapshot's rows (only `columns`, only rows matching `filter`) as Arrow record batches. */
  scan(options?: { readonly filter?: Expr; readonly columns?: readonly string[] }): AsyncIterable<RecordBatch>;
}

/**
 * Opens an Iceberg table by path (a directory holding `metadata/`) and reads one snapshot.
 * Time travel by snapshot id and timestamp uses that snapshot's schema, as Spark does; a tag
 * likewise; a branch reads with the table's current schema.
 */
export async function openIcebergView(ctx: TableContext, path: string, options: IcebergOpenOptions = {}, selector: IcebergSnapshotSelector = {}): Promise<IcebergView> {
  const table = locateTable(path, ctx.storeOptions);
  const loaded = await loadMetadata(table, options);
  const m = loaded.metadata;
  const where = `iceberg: table ${table.name}`;
  const by = {
    ...(selector.snapshotId !== undefined ? { snapshotId: selector.snapshotId } : {}),
    ...(selector.ref !== undefined ? { ref: selector.ref } : {}),
    ...(selector.timestamp !== undefined ? { timestampMs: parseTimestamp(table.name, selector.timestamp) } : {}),
  };
  const snapshot = selectSnapshot(m, by, where);
  if ((selector.snapshotId !== undefined || selector.ref !== undefined || selector.timestamp !== undefined) && snapshot === undefined) {
    throw new LochError('VERSION_NOT_AVAILABLE', `${where}: the table has no snapshot to travel to`);
  }
  const isBranch = selector.ref !== undefined && m.refs[selector.ref]?.type === 'branch';
  // The corpus' rule, and Spark's for refs: the current snapshot reads with the current schema
  // (a rename without a new snapshot shows), older ones and tags with their own.
  const isCurrent = snapshot !== undefined && snapshot.snapshotId === m.currentSnapshotId;
  const travelled = !isCurrent && (selector.snapshotId !== undefined || selector.timestamp !== undefined || (selector.ref !== undefined && !isBranch));
  const schema = schemaFor(m, snapshot, travelled);
  const files: IcebergFiles = { table, metadata: m, paths: loaded.paths };
  const lochSchema = toLochSchema(schema);
  return {
    files,
    metadataFile: loaded.metadataFile,
    snapshot,
    schema,
    lochSchema,
    plan: (request) => planIcebergScan(ctx, files, snapshot, schema, request),
    scan: (options = {}) => scanArrow(ctx, lochSchema, () => planIcebergScan(ctx, files, snapshot, schema, { ...options, applyFilter: true }), options.columns),
  };
}

async function* scanArrow(ctx: TableContext, schema: StructType, plan: () => Promise<PlannedIcebergScan>, columns: readonly string[] | undefined): AsyncIterable<RecordBatch> {
  for (const name of columns ?? []) {
    if (!schema.fields.some((f) => f.name === name)) throw new LochError('INVALID_ARGUMENT', `iceberg: no column '${name}' (columns: ${schema.fields.map((f) => f.name).join(', ')})`);
  }
  const planned = await plan();
  const session = await ctx.engine.session();
  try {
    const sqls: string[] = [];
    for (const spec of planned.specs) sqls.push((await session.registerScan(spec)).sql);
    const list = columns === undefined ? '*' : columns.map((c) => quoteIdentifier(c)).join(', ');
    yield* session.arrow(`SELECT ${list} FROM ${planned.compose(sqls)} AS __t`);
  } finally {
    await session.close();
    planned.release();
  }
}
