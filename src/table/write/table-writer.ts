import { DataType, TimeUnit, makeVector, util } from 'apache-arrow';
import type { Data, RecordBatch } from 'apache-arrow';
import { LochError, isLochError } from '../../core/errors.js';
import { rowsRelation } from '../../engine/index.js';
import type { Session } from '../../engine/index.js';
import type { Expr } from '../../expr/nodes.js';
import { exprToSql } from '../../expr/to-sql.js';
import type { StructType } from '../../expr/types.js';
import { loadDeltaSnapshot } from '../../formats/delta/snapshot.js';
import type { DeltaSnapshot } from '../../formats/delta/snapshot.js';
import type { TableContext } from '../context.js';
import type { TableLocation } from '../location.js';
import { stageDelete, stageMerge, stageUpdate } from '../dml/index.js';
import type { DeleteMetrics, DeleteRequest, MergeMetrics, MergeRequest, UpdateMetrics, UpdateRequest } from '../dml/index.js';
import { stageAlteration } from './alter-op.js';
import type { Alteration } from './alter-op.js';
import type { CommitResult } from './commit-loop.js';
import { currentSchema } from './schema-change.js';
import { DeltaTransaction } from './transaction.js';
import { stageWrite } from './write-op.js';
import type { WriteMetrics, WriteMode } from './write-op.js';

/** Rows to write: a DuckDB query, JavaScript row objects, or Arrow record batches. */
export type WriteSource =
  | { readonly sql: string }
  | { readonly rows: Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>> }
  | { readonly arrow: Iterable<RecordBatch> | AsyncIterable<RecordBatch> };

export interface WriteOptions {
  /** append (default) | overwrite (replace every row). */
  readonly mode?: 'append' | 'overwrite';
  /** Overwrite only the rows matching this condition (SQL over the table's columns); new rows must match it. */
  readonly replaceWhere?: string | Expr | { readonly sql: string; readonly filter?: Expr };
  /** With mode 'overwrite': replace only the partitions the new rows fall in. */
  readonly partitionOverwriteMode?: 'static' | 'dynamic';
  /** INSERT OVERWRITE … PARTITION (p = v): column → SQL constant. */
  readonly staticPartitions?: Readonly<Record<string, string>>;
  /** Match source columns by name (default for rows and Arrow) or by position (default for SQL). */
  readonly byName?: boolean;
  /** INSERT INTO t (a, b): the columns the source gives, by position. */
  readonly columns?: readonly string[];
  /** Add columns the source has and the table lacks. */
  readonly mergeSchema?: boolean;
  readonly targetFileSize?: number;
  /** Idempotent writes: skipped when the table already has this application at this version. */
  readonly appTransaction?: { readonly appId: string; readonly version: number };
  readonly userMetadata?: string;
  /**
   * The source query reads this table (INSERT INTO t SELECT … FROM t): the write then depends on
   * every row, and a concurrent delete conflicts instead of being silently outrun.
   */
  readonly sourceReadsTable?: boolean;
}

/** A commit, or the reason nothing was committed (an idempotent write seen before). */
export type WriteOutcome = { readonly kind: 'committed'; readonly commit: CommitResult; readonly metrics: WriteMetrics } | { readonly kind: 'skipped'; readonly reason: string };

/**
 * A transaction on an existing table, for several operations in one commit:
 * `const tx = await table.begin(); await tx.write(…); await tx.alter(…); await tx.commit()`.
 */
export class TableTransaction {
  private metrics: WriteMetrics = { rows: 0, files: 0, bytes: 0, removedFiles: 0, removedBytes: 0, copiedRows: 0 };
  private modes: string[] = [];
  private skipped: string | undefined;

  constructor(
    readonly tx: DeltaTransaction,
    private readonly session: Session | undefined,
  ) {}

  get readVersion(): number {
    return this.tx.readVersion;
  }

  get schema(): StructType {
    return currentSchema(this.tx);
  }

  /** Stages new rows (and the removal of replaced ones). */
  async write(source: WriteSource, options: WriteOptions = {}): Promise<WriteMetrics> {
    if (options.appTransaction !== undefined && !this.tx.setAppTransaction(options.appTransaction.appId, options.appTransaction.version)) {
      this.skipped = `application ${options.appTransaction.appId} already committed version ${options.appTransaction.version}`;
      return { rows: 0, files: 0, bytes: 0, removedFiles: 0, removedBytes: 0, copiedRows: 0 };
    }
    if (options.sourceReadsTable) this.tx.readWholeTable();
    const metrics = await this.withSource(source, options, (session, sourceSql) =>
      stageWrite(this.tx, session, {
        sourceSql,
        mode: writeMode(this.tx.table.name, options),
        alignment: {
          byName: options.byName ?? !('sql' in source),
          ...(options.columns !== undefined ? { columns: options.columns } : {}),
          ...(options.mergeSchema !== undefined ? { mergeSchema: options.mergeSchema } : {}),
        },
        ...(options.targetFileSize !== undefined ? { targetFileSize: options.targetFileSize } : {}),
      }),
    );
    this.modes.push(writeMode(this.tx.table.name, options).kind);
    this.metrics = addMetrics(this.metrics, metrics);
    const parameters: Record<string, string> = {
      mode: this.modes.every((m) => m === 'append') ? 'Append' : 'Overwrite',
      partitionBy: JSON.stringify(this.tx.snapshot?.partitionColumns ?? []),
    };
    const replace = options.replaceWhere;
    if (replace !== undefined) parameters['predicate'] = JSON.stringify([replaceCondition(replace).sql]);
    this.tx.operation = { name: 'WRITE', parameters, metrics: writeMetricsRecord(this.metrics), ...(options.userMetadata !== undefined ? { userMetadata: options.userMetadata } : {}) };
    return metrics;
  }

  /** Stages DELETE (see stageDelete); the rows go away at commit. */
  async delete(request: DeleteRequest = {}): Promise<DeleteMetrics> {
    return this.withSession((session) => stageDelete(this.tx, session, request));
  }

  /** Stages UPDATE (see stageUpdate). */
  async update(request: UpdateRequest): Promise<UpdateMetrics> {
    return this.withSession((session) => stageUpdate(this.tx, session, request));
  }

  /** Stages MERGE INTO (see stageMerge). */
  async merge(request: MergeRequest): Promise<MergeMetrics> {
    return this.withSession((session) => stageMerge(this.tx, session, request));
  }

  /** Stages a schema, property or constraint change. */
  async alter(change: Alteration): Promise<void> {
    await this.withSession((session) => stageAlteration(this.tx, session, change));
  }

  async commit(): Promise<WriteOutcome> {
    if (this.skipped !== undefined && this.tx.addedFiles.length === 0 && this.tx.removedFileActions.length === 0) return { kind: 'skipped', reason: this.skipped };
    if (this.tx.operation === undefined) return { kind: 'skipped', reason: 'nothing was staged' };
    return { kind: 'committed', commit: await this.tx.commit(), metrics: this.metrics };
  }

  private async withSource<T>(source: WriteSource, options: WriteOptions, run: (session: Session, sql: string) => Promise<T>): Promise<T> {
    if ('sql' in source) return this.withSession((session) => run(session, source.sql));
    const schema = this.schemaForRows(options);
    const rows = 'rows' in source ? source.rows : arrowRows(source.arrow);
    const relation = await rowsRelation(rows, schema, `delta write: table ${this.tx.table.name}`);
    try {
      return await this.withSession((session) => run(session, `SELECT * FROM ${relation.sql}`));
    } finally {
      await relation.dispose();
    }
  }

  private schemaForRows(options: WriteOptions): StructType {
    if (options.mergeSchema) throw new LochError('INVALID_ARGUMENT', `delta write: table ${this.tx.table.name}: mergeSchema needs a SQL or typed source; row objects carry no column types`);
    return this.schema;
  }

  private async withSession<T>(run: (session: Session) => Promise<T>): Promise<T> {
    if (this.session !== undefined) return run(this.session);
    const session = await this.tx.ctx.engine.session();
    try {
      return await run(session);
    } finally {
      await session.close();
    }
  }
}

/**
 * Arrow batches as row objects, exactly: Arrow JS's own getters give 64-bit timestamps as float
 * milliseconds (losing microseconds far from 1970) and decimals without their scale, so those
 * are read from the buffers: timestamps as bigint microseconds, decimals as text with their scale.
 */
async function* arrowRows(batches: Iterable<RecordBatch> | AsyncIterable<RecordBatch>): AsyncIterable<Record<string, unknown>> {
  for await (const batch of batches) {
    const columns = batch.schema.fields.map((f, i) => ({ name: f.name, data: batch.data.children[i] as Data }));
    for (let r = 0; r < batch.numRows; r++) {
      const row: Record<string, unknown> = {};
      for (const c of columns) row[c.name] = arrowValue(c.data, r);
      yield row;
    }
  }
}

const MICROS_PER_UNIT = [1_000_000n, 1_000n, 1n];

function arrowValue(data: Data, i: number): unknown {
  if (!data.getValid(i)) return null;
  const type = data.type;
  if (DataType.isTimestamp(type)) {
    const raw = BigInt((data.values as BigInt64Array)[i] as bigint);
    return type.unit === TimeUnit.NANOSECOND ? raw / 1000n : raw * (MICROS_PER_UNIT[type.unit] as bigint);
  }
  if (DataType.isStruct(type)) return Object.fromEntries(type.children.map((f, k) => [f.name, arrowValue(data.children[k] as Data, i)]));
  if (DataType.isList(type) || DataType.isMap(type)) {
    const offsets = data.valueOffsets;
    const child = data.children[0] as Data;
    const items: unknown[] = [];
    for (let j = Number(offsets[i]); j < Number(offsets[i + 1]); j++) items.push(arrowValue(child, j));
    if (!DataType.isMap(type)) return items;
    return new Map(items.map((e) => Object.values(e as Record<string, unknown>) as [unknown, unknown]));
  }
  const value: unknown = makeVector(data).get(i);
  // The unscaled integer as text (bigNumToBigInt goes through a float for negative 128-bit values).
  if (DataType.isDecimal(type)) return decimalText(BigInt(util.bigNumToString(value as Parameters<typeof util.bigNumToString>[0])), type.scale);
  if (DataType.isDate(type)) return new Date(value as number);
  return value;
}

function decimalText(unscaled: bigint, scale: number): string {
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return unscaled < 0n ? `-${text}` : text;
}

/**
 * The replace condition as SQL plus, when known, an expression to prune files with. SQL text
 * alone cannot be pruned with here (every file is rewritten); an expression tree can.
 */
function replaceCondition(r: NonNullable<WriteOptions['replaceWhere']>): { sql: string; filter?: Expr } {
  if (typeof r === 'string') return { sql: r };
  if ('kind' in r) return { sql: exprToSql(r), filter: r };
  return r;
}

function writeMode(table: string, options: WriteOptions): WriteMode {
  if (options.replaceWhere !== undefined) {
    const r = replaceCondition(options.replaceWhere);
    return { kind: 'replace_where', conditionSql: r.sql, ...(r.filter !== undefined ? { condition: r.filter } : {}) };
  }
  if (options.staticPartitions !== undefined) return { kind: 'static_partitions', values: options.staticPartitions };
  if (options.mode === 'overwrite') return options.partitionOverwriteMode === 'dynamic' ? { kind: 'dynamic_partitions' } : { kind: 'overwrite' };
  if (options.partitionOverwriteMode === 'dynamic') throw new LochError('INVALID_ARGUMENT', `delta write: table ${table}: partitionOverwriteMode needs mode 'overwrite'`);
  return { kind: 'append' };
}

function addMetrics(a: WriteMetrics, b: WriteMetrics): WriteMetrics {
  return {
    rows: a.rows + b.rows,
    files: a.files + b.files,
    bytes: a.bytes + b.bytes,
    removedFiles: a.removedFiles + b.removedFiles,
    removedBytes: a.removedBytes + b.removedBytes,
    copiedRows: a.copiedRows + b.copiedRows,
  };
}

/** Spark's WRITE metrics, as strings. */
function writeMetricsRecord(m: WriteMetrics): Record<string, string> {
  return {
    numFiles: String(m.files),
    numOutputRows: String(m.rows),
    numOutputBytes: String(m.bytes),
    ...(m.removedFiles > 0 ? { numRemovedFiles: String(m.removedFiles), numRemovedBytes: String(m.removedBytes) } : {}),
    ...(m.copiedRows > 0 ? { numCopiedRows: String(m.copiedRows) } : {}),
  };
}

/** Opens a transaction on the latest version (NOT_FOUND when there is no table). */
export async function beginTransaction(ctx: TableContext, table: TableLocation, session?: Session): Promise<TableTransaction> {
  const snapshot = await loadDeltaSnapshot(table.store, ctx.parquet, { table: table.name });
  return new TableTransaction(new DeltaTransaction(ctx, table, snapshot), session);
}

/** The latest snapshot, or undefined when there is no table at the location yet. */
export async function latestOrNothing(ctx: TableContext, table: TableLocation): Promise<DeltaSnapshot | undefined> {
  try {
    return await loadDeltaSnapshot(table.store, ctx.parquet, { table: table.name });
  } catch (error) {
    if (isLochError(error, 'NOT_FOUND')) return undefined;
    throw error;
  }
}

/** Runs one write in its own transaction (commit races are retried inside the commit loop). */
export async function writeOnce(ctx: TableContext, table: TableLocation, source: WriteSource, options: WriteOptions, session?: Session): Promise<WriteOutcome> {
  const tx = await beginTransaction(ctx, table, session);
  await tx.write(source, options);
  return tx.commit();
}

export async function alterOnce(ctx: TableContext, table: TableLocation, change: Alteration, session?: Session): Promise<CommitResult> {
  const tx = await beginTransaction(ctx, table, session);
  await tx.alter(change);
  const outcome = await tx.commit();
  if (outcome.kind !== 'committed') throw new LochError('INTERNAL', `delta: table ${table.name}: alteration committed nothing`);
  return outcome.commit;
}
