import type { RecordBatch } from 'apache-arrow';
import { LochError, isLochError } from '../core/errors.js';
import type { Session } from '../engine/index.js';
import type { Expr } from '../expr/nodes.js';
import { exprToSql } from '../expr/to-sql.js';
import { typeToString } from '../expr/types.js';
import type { StructType } from '../expr/types.js';
import { readHistory } from '../formats/delta/history.js';
import type { HistoryEntry } from '../formats/delta/history.js';
import { loadDeltaSnapshot } from '../formats/delta/snapshot.js';
import type { DeltaSnapshot } from '../formats/delta/snapshot.js';
import type { TableContext } from './context.js';
import { runDml, stageDelete, stageMerge, stageUpdate } from './dml/index.js';
import type { Assignment, Condition, DeleteMetrics, DmlOutcome, MergeMetrics, MergeRequest, UpdateMetrics } from './dml/index.js';
import { optimizeTable } from './maintenance/optimize.js';
import type { OptimizeMetrics, OptimizeOptions } from './maintenance/optimize.js';
import { restoreTable } from './maintenance/restore.js';
import type { RestoreMetrics } from './maintenance/restore.js';
import { vacuumTable } from './maintenance/vacuum.js';
import type { VacuumOptions, VacuumResult } from './maintenance/vacuum.js';
import { planDeltaScan } from './delta-scan-planner.js';
import type { PlannedScan, ScanRequest } from './delta-scan-planner.js';
import { locateTable } from './location.js';
import type { Alteration } from './write/alter-op.js';
import type { CommitResult } from './write/commit-loop.js';
import { convertToDelta } from './write/convert-op.js';
import type { ConvertOutcome, ConvertRequest } from './write/convert-op.js';
import { createTable } from './write/create-op.js';
import type { CreateOutcome, CreateTableRequest } from './write/create-op.js';
import { writeCheckpoint } from './write/post-commit.js';
import type { CheckpointOptions } from './write/post-commit.js';
import { alterOnce, beginTransaction, latestOrNothing, writeOnce } from './write/table-writer.js';
import type { TableTransaction, WriteOptions, WriteOutcome, WriteSource } from './write/table-writer.js';
import type { TableLocation } from './location.js';

export interface SnapshotSelector {
  readonly version?: number;
  /** An ISO 8601 instant ('2024-01-02T03:04:05Z'; no zone means UTC) or epoch milliseconds. */
  readonly timestamp?: string | number;
}

export interface ColumnInfo {
  readonly name: string;
  /** Delta's spelling: integer, decimal(10,2), struct<a:integer>, … */
  readonly type: string;
  readonly nullable: boolean;
}

/** A Delta table by location. Cheap to create; every snapshot re-reads the log. */
export class DeltaTable {
  private constructor(
    private readonly ctx: TableContext,
    readonly location: TableLocation,
  ) {}

  static open(ctx: TableContext, location: string): DeltaTable {
    return new DeltaTable(ctx, locateTable(location, ctx.storeOptions));
  }

  get name(): string {
    return this.location.name;
  }

  async snapshot(selector: SnapshotSelector = {}): Promise<TableSnapshot> {
    if (selector.version !== undefined && selector.timestamp !== undefined) {
      throw new LochError('INVALID_ARGUMENT', `table ${this.name}: give a version or a timestamp, not both`);
    }
    const timestamp = selector.timestamp === undefined ? undefined : parseTimestamp(this.name, selector.timestamp);
    const snapshot = await loadDeltaSnapshot(this.location.store, this.ctx.parquet, {
      table: this.name,
      ...(selector.version !== undefined ? { version: selector.version } : {}),
      ...(timestamp !== undefined ? { timestamp } : {}),
    });
    return new TableSnapshot(this.ctx, this.location, snapshot);
  }

  /** CREATE [OR REPLACE] TABLE [IF NOT EXISTS] [AS SELECT]. */
  async create(request: CreateTableRequest): Promise<CreateOutcome> {
    const existing = await latestOrNothing(this.ctx, this.location);
    try {
      return await createTable(this.ctx, this.location, existing, request);
    } catch (error) {
      // Another writer created the table between our look and our commit.
      if (request.mode === 'if_not_exists' && isLochError(error, 'ALREADY_EXISTS')) return { kind: 'exists', version: 0 };
      throw error;
    }
  }

  /** CONVERT TO DELTA: the parquet files at this location become version 0, in place. */
  async convert(request: ConvertRequest = {}, session?: Session): Promise<ConvertOutcome> {
    const existing = await latestOrNothing(this.ctx, this.location);
    const own = session ?? (await this.ctx.engine.session());
    try {
      return await convertToDelta(this.ctx, this.location, own, existing?.version, request);
    } finally {
      if (session === undefined) await own.close();
    }
  }

  /** Appends or overwrites rows in one commit (see WriteOptions). */
  write(source: WriteSource, options: WriteOptions = {}, session?: Session): Promise<WriteOutcome> {
    return writeOnce(this.ctx, this.location, source, options, session);
  }

  /** A transaction on the latest version for several operations in one commit. */
  begin(session?: Session): Promise<TableTransaction> {
    return beginTransaction(this.ctx, this.location, session);
  }

  /** One schema, property or constraint change, committed. */
  alter(change: Alteration, session?: Session): Promise<CommitResult> {
    return alterOnce(this.ctx, this.location, change, session);
  }

  /** Writes a checkpoint of the latest version now (normally every delta.checkpointInterval commits). */
  async checkpoint(options: CheckpointOptions = {}): Promise<{ version: number; parts: number; actions: number }> {
    const snapshot = await this.snapshot();
    const written = await writeCheckpoint(this.ctx, this.location, snapshot.version, options);
    return { version: snapshot.version, parts: written.parts, actions: written.actions };
  }

  /** DELETE FROM t [WHERE condition]: one commit, or none when no row matches. */
  delete(condition?: DmlCondition, options: { alias?: string; session?: Session } = {}): Promise<DmlOutcome<DeleteMetrics>> {
    const request = { ...(condition !== undefined ? { condition: toCondition(condition) } : {}), ...(options.alias !== undefined ? { alias: options.alias } : {}) };
    return runDml(this.ctx, this.location, options.session, (tx, session) => stageDelete(tx, session, request));
  }

  /** UPDATE t SET … [WHERE condition]: `set` maps a column (a.b for nested fields) to a SQL value. */
  update(set: Readonly<Record<string, string>> | readonly Assignment[], condition?: DmlCondition, options: { alias?: string; session?: Session } = {}): Promise<DmlOutcome<UpdateMetrics>> {
    const assignments = Array.isArray(set) ? (set as readonly Assignment[]) : Object.entries(set).map(([column, valueSql]) => ({ path: column.split('.'), valueSql }));
    const request = { assignments, ...(condition !== undefined ? { condition: toCondition(condition) } : {}), ...(options.alias !== undefined ? { alias: options.alias } : {}) };
    return runDml(this.ctx, this.location, options.session, (tx, session) => stageUpdate(tx, session, request));
  }

  /** MERGE INTO: source rows matched against the table by `request.onSql`, clauses applied in order. */
  merge(request: MergeRequest, options: { session?: Session } = {}): Promise<DmlOutcome<MergeMetrics>> {
    return runDml(this.ctx, this.location, options.session, (tx, session) => stageMerge(tx, session, request));
  }

  /** Deletes files no version inside the retention window needs (see VacuumOptions). */
  vacuum(options: VacuumOptions = {}): Promise<VacuumResult> {
    return vacuumTable(this.ctx, this.location, options);
  }

  /** Makes an older version the latest again, in one new commit. */
  async restore(selector: SnapshotSelector): Promise<{ commit: CommitResult; metrics: RestoreMetrics }> {
    const timestamp = selector.timestamp === undefined ? undefined : parseTimestamp(this.name, selector.timestamp);
    return restoreTable(this.ctx, this.location, { ...(selector.version !== undefined ? { version: selector.version } : {}), ...(timestamp !== undefined ? { timestamp } : {}) });
  }

  /** Compacts small files (bin-packing), or Z-orders / clusters them; one commit, or none when nothing changes. */
  async optimize(options: OptimizeOptions = {}, session?: Session): Promise<{ version: number | undefined; metrics: OptimizeMetrics }> {
    const own = session ?? (await this.ctx.engine.session());
    try {
      return await optimizeTable(this.ctx, this.location, options, own);
    } finally {
      if (session === undefined) await own.close();
    }
  }

  /** Commit history, newest first. */
  history(limit?: number): Promise<HistoryEntry[]> {
    return readHistory(this.location.store, this.name, limit === undefined ? {} : { limit });
  }
}

/** One version of a table: its schema and live files, and scans over them. */
export class TableSnapshot {
  constructor(
    private readonly ctx: TableContext,
    readonly location: TableLocation,
    readonly delta: DeltaSnapshot,
  ) {}

  get version(): number {
    return this.delta.version;
  }
  /** Commit time of this version in epoch milliseconds. */
  get timestamp(): number {
    return this.delta.timestamp;
  }
  get schema(): StructType {
    return this.delta.schema;
  }
  get columns(): ColumnInfo[] {
    return this.delta.schema.fields.map((f) => ({ name: f.name, type: typeToString(f.type), nullable: f.nullable }));
  }
  get partitionColumns(): readonly string[] {
    return this.delta.partitionColumns;
  }
  get fileCount(): number {
    return this.delta.files.length;
  }
  get properties(): Readonly<Record<string, string>> {
    return this.delta.properties;
  }

  /** Plans a scan: pruned file list, deletion vectors, local copies. Release it when done. */
  plan(request: ScanRequest = {}): Promise<PlannedScan> {
    return planDeltaScan(this.ctx, this.location, this.delta, request);
  }

  /**
   * Streams the rows matching `filter` (pruned by partition values and statistics, then filtered
   * by DuckDB) as Arrow record batches, reading only `columns`.
   */
  async *scan(options: { filter?: Expr; columns?: readonly string[] } = {}): AsyncIterable<RecordBatch> {
    const planned = await this.plan({ ...options, applyFilter: true });
    const session = await this.ctx.engine.session();
    try {
      const registered = await session.registerScan(planned.spec);
      yield* session.arrow(`SELECT * FROM ${registered.sql}`);
    } finally {
      await session.close();
      planned.release();
    }
  }
}

/** A row condition: SQL over the table's columns, an expression (which also prunes files), or both. */
export type DmlCondition = string | Expr | { readonly sql: string; readonly filter?: Expr };

function toCondition(c: DmlCondition): Condition {
  if (typeof c === 'string') return { sql: c };
  if ('kind' in c) return { sql: exprToSql(c), filter: c };
  return c;
}

/** An ISO 8601 instant (no zone: UTC; a bare date: its midnight) or epoch milliseconds. */
export function parseTimestamp(table: string, value: string | number): number {
  if (typeof value === 'number') return value;
  const text = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`;
  const ms = Date.parse(/^\d{4}-\d\d-\d\d$/.test(value) ? `${value}T00:00:00Z` : text);
  if (Number.isNaN(ms)) throw new LochError('INVALID_ARGUMENT', `table ${table}: '${value}' is not a timestamp (expected ISO 8601, e.g. 2024-01-02T03:04:05Z)`);
  return ms;
}
