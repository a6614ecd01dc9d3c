import { LochError, isLochError } from '../../../core/errors.js';
import type { Session } from '../../../engine/index.js';
import type { StructType } from '../../../expr/types.js';
import type { DataFile, IcebergSchema, LiveEntry, PartitionSpec, Snapshot, SnapshotOperation, TableMetadata } from '../../../formats/iceberg/model.js';
import { toLochSchema } from '../../../formats/iceberg/spec/schema.js';
import { applyUpdates, checkRequirements } from '../../../formats/iceberg/spec/updates.js';
import type { TableRequirement, TableUpdate } from '../../../formats/iceberg/spec/updates.js';
import type { TableContext } from '../../context.js';
import type { TableLocation } from '../../location.js';
import { resolveLogPath } from '../../location.js';
import { alignSource, describeSource } from '../../write/source.js';
import { snapshotEntries } from '../snapshot-files.js';
import type { IcebergCommitOutcome, IcebergCommitter, IcebergTransaction, IcebergWriteRowsOptions } from './contracts.js';
import { writeIcebergFiles } from './data-writer.js';
import { checkRebase } from './rebase-check.js';
import { carriesRowLineage, withLineageFields } from './row-lineage.js';
import { planAndWriteSnapshot, tableFiles } from './snapshot-writer.js';
import { seededRandom } from './snapshot-id.js';

/** The table a transaction writes: where its files go and how its pointer moves. */
export interface IcebergTarget {
  readonly ctx: TableContext;
  readonly table: TableLocation;
  readonly committer: IcebergCommitter;
}

export interface IcebergTransactionOptions {
  /** Commit attempts before a race is given up as CONFLICT (default 50). */
  readonly maxAttempts?: number;
  /** Seed of the retry jitter (default fixed), so interleavings replay in tests. */
  readonly retrySeed?: number;
  /** Extra snapshot summary entries. */
  readonly summaryExtra?: Readonly<Record<string, string>>;
}

type Loaded = { readonly metadata: TableMetadata; readonly metadataFile: string };

const DEFAULT_ATTEMPTS = 50;
const ENGINE_SUMMARY = { 'engine-name': 'loch' } as const;

/** Starts a transaction on an existing table (NOT_FOUND when it has no metadata). */
export async function beginIcebergTransaction(target: IcebergTarget, options: IcebergTransactionOptions = {}): Promise<LochIcebergTransaction> {
  const loaded = await target.committer.load();
  if (loaded === undefined) throw new LochError('NOT_FOUND', `iceberg: table ${target.table.name} does not exist`, { context: { table: target.table.name } });
  return new LochIcebergTransaction(target, loaded, undefined, options);
}

/** A transaction that creates the table with `metadata` (its first commit asserts the table does not exist). */
export function createIcebergTransaction(target: IcebergTarget, metadata: TableMetadata, options: IcebergTransactionOptions = {}): LochIcebergTransaction {
  return new LochIcebergTransaction(target, undefined, metadata, options);
}

/**
 * IcebergTransaction (contracts.ts) over one IcebergCommitter. Staged updates are applied to a
 * working copy at once (so `schema`/`spec` show them to later writes) and replayed on the table
 * as found at each commit attempt; a lost race re-reads the table, re-checks the staged change
 * (rebase-check.ts) and retries with seeded jitter.
 */
export class LochIcebergTransaction implements IcebergTransaction {
  private current: Loaded | undefined;
  private working: TableMetadata;
  private readonly updates: TableUpdate[] = [];
  private readonly requirements: TableRequirement[] = [];
  private readonly added: DataFile[] = [];
  private readonly removed: LiveEntry[] = [];
  private readonly readSchemaId: number;
  private readonly readSpecId: number;
  private live: Promise<{ data: readonly LiveEntry[]; deletes: readonly LiveEntry[] }> | undefined;
  private readonly random: () => number;

  constructor(
    private readonly target: IcebergTarget,
    loaded: Loaded | undefined,
    private readonly created: TableMetadata | undefined,
    private readonly options: IcebergTransactionOptions,
  ) {
    this.current = loaded;
    const start = created ?? loaded?.metadata;
    if (start === undefined) throw new LochError('INTERNAL', 'iceberg transaction: neither an existing table nor new metadata');
    this.working = start;
    this.readSchemaId = start.currentSchemaId;
    this.readSpecId = start.defaultSpecId;
    this.random = seededRandom(options.retrySeed ?? 1);
  }

  get base(): TableMetadata | undefined {
    return this.current?.metadata;
  }
  /** The metadata as this transaction would leave it (staged updates applied, no new snapshot yet). */
  get metadata(): TableMetadata {
    return this.working;
  }
  get snapshot(): Snapshot | undefined {
    const id = this.working.currentSnapshotId;
    return id === undefined ? undefined : this.working.snapshots.find((s) => s.snapshotId === id);
  }
  get schema(): IcebergSchema {
    const schema = this.working.schemas.find((s) => s.schemaId === this.working.currentSchemaId);
    if (schema === undefined) throw new LochError('CORRUPT_DATA', `iceberg: table ${this.target.table.name}: current schema ${this.working.currentSchemaId} is missing`);
    return schema;
  }
  get spec(): PartitionSpec {
    const spec = this.working.partitionSpecs.find((s) => s.specId === this.working.defaultSpecId);
    if (spec === undefined) throw new LochError('CORRUPT_DATA', `iceberg: table ${this.target.table.name}: default spec ${this.working.defaultSpecId} is missing`);
    return spec;
  }
  get lochSchema(): StructType {
    return toLochSchema(this.schema);
  }

  liveEntries(): Promise<{ readonly data: readonly LiveEntry[]; readonly deletes: readonly LiveEntry[] }> {
    const snapshot = this.snapshot;
    if (snapshot === undefined) return Promise.resolve({ data: [], deletes: [] });
    this.live ??= snapshotEntries(this.target.ctx, tableFiles(this.target.table, this.working), snapshot).then((e) => ({ data: e.data, deletes: e.deletes }));
    return this.live;
  }

  async writeRows(session: Session, sourceSql: string, options: IcebergWriteRowsOptions = {}): Promise<number> {
    const { ctx, table } = this.target;
    const lineage = options.rowLineage === true;
    if (lineage && !carriesRowLineage(this.working, this.lochSchema)) {
      throw new LochError('INVALID_ARGUMENT', `iceberg write: table ${table.name}: row lineage columns are written only to format-version 3 tables`);
    }
    const source = await describeSource(session, sourceSql, `the query writing ${table.name}`);
    const shape = lineage ? withLineageFields(this.lochSchema) : this.lochSchema;
    const aligned = alignSource(table.name, shape, sourceSql, source, { byName: options.byName ?? false, ...(options.columns === undefined ? {} : { columns: options.columns }) });
    const result = await writeIcebergFiles(ctx, table, session, this.working, this.schema, this.spec, aligned, { rowLineage: lineage });
    this.addFiles(result.files);
    return result.rows;
  }

  addFiles(files: readonly DataFile[]): void {
    this.added.push(...files);
  }

  removeFiles(entries: readonly LiveEntry[]): void {
    this.removed.push(...entries);
  }

  addUpdates(updates: readonly TableUpdate[], requirements: readonly TableRequirement[] = []): void {
    this.working = applyUpdates(this.working, updates, this.target.ctx.clock.now());
    this.updates.push(...updates);
    this.requirements.push(...requirements);
  }

  /** Files staged as added so far. */
  get stagedFiles(): readonly DataFile[] {
    return this.added;
  }

  /** True when something is staged. */
  get hasChanges(): boolean {
    return this.added.length > 0 || this.removed.length > 0 || this.updates.length > 0 || this.created !== undefined;
  }

  async commit(operation?: SnapshotOperation): Promise<IcebergCommitOutcome> {
    const filesChanged = this.added.length > 0 || this.removed.length > 0;
    if (!filesChanged && this.updates.length === 0 && this.created === undefined && operation === undefined) return { kind: 'noop' };
    const maxAttempts = this.options.maxAttempts ?? DEFAULT_ATTEMPTS;
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.attempt(attempt, operation ?? defaultOperation(this.added, this.removed), filesChanged || operation !== undefined);
      if (outcome !== undefined) return outcome;
      if (this.created !== undefined) {
        throw new LochError('ALREADY_EXISTS', `iceberg: table ${this.target.table.name} already exists (created concurrently)`, { context: { table: this.target.table.name } });
      }
      if (attempt >= maxAttempts) {
        throw new LochError('CONFLICT', `iceberg commit: table ${this.target.table.name}: lost the commit race ${attempt} times; giving up`, { retryable: true, context: { table: this.target.table.name } });
      }
      await this.rebase(operation ?? defaultOperation(this.added, this.removed), filesChanged);
      await new Promise((resolve) => setTimeout(resolve, Math.floor(this.random() * Math.min(64, 2 ** attempt))));
    }
  }

  /** One commit attempt; undefined when the race was lost. */
  private async attempt(attempt: number, operation: SnapshotOperation, withSnapshot: boolean): Promise<IcebergCommitOutcome | undefined> {
    const { ctx, table, committer } = this.target;
    const start = this.created ?? (this.current as Loaded).metadata;
    const now = ctx.clock.now();
    const staged = applyUpdates(start, this.updates, now);
    const all = [...this.updates];
    let snapshot: Snapshot | undefined;
    let written: readonly string[] = [];
    if (withSnapshot) {
      const plan = await planAndWriteSnapshot(ctx, table, staged, {
        operation,
        added: this.added,
        removed: this.removed,
        attempt,
        nowMs: now,
        summaryExtra: { ...ENGINE_SUMMARY, ...this.options.summaryExtra },
      });
      all.push(...plan.updates);
      snapshot = plan.snapshot;
      written = plan.written;
    }
    const previous = this.current === undefined ? undefined : absoluteMetadataFile(start.location, this.current.metadataFile);
    const next = applyUpdates(start, all, now, previous === undefined ? {} : { previousMetadataFile: previous });
    const result = await committer.commit(this.current?.metadataFile, next);
    if (result.outcome === 'conflict') {
      await deleteQuietly(table, written);
      return undefined;
    }
    this.current = { metadata: next, metadataFile: result.metadataFile };
    if (snapshot === undefined) return { kind: 'metadata', metadataFile: result.metadataFile };
    return { kind: 'committed', snapshot, metadataFile: result.metadataFile, rows: { added: rowsOf(this.added, 'data'), deleted: rowsOf(this.removed.map((e) => e.dataFile), 'data') } };
  }

  /** Re-reads the table after a lost race and checks the staged change still applies to it. */
  private async rebase(operation: SnapshotOperation, filesChanged: boolean): Promise<void> {
    const { ctx, committer, table } = this.target;
    const loaded = await committer.load();
    if (loaded === undefined) throw new LochError('CONFLICT', `iceberg commit: table ${table.name} was dropped by a concurrent writer`, { context: { table: table.name } });
    const failure = checkRequirements(loaded.metadata, this.requirements);
    if (failure !== undefined) throw new LochError('CONFLICT', `iceberg commit: table ${table.name}: a concurrent commit changed the table: ${failure}`, { context: { table: table.name } });
    if (filesChanged) {
      await checkRebase(ctx, table, {
        before: this.working,
        after: loaded.metadata,
        readSchemaId: this.readSchemaId,
        readSpecId: this.readSpecId,
        operation,
        added: this.added,
        removed: this.removed,
      });
    }
    this.current = loaded;
    this.working = applyUpdates(loaded.metadata, this.updates, ctx.clock.now());
    this.live = undefined;
  }
}

function defaultOperation(added: readonly DataFile[], removed: readonly LiveEntry[]): SnapshotOperation {
  if (removed.length === 0) return added.every((f) => f.content === 'data') ? 'append' : 'delete';
  if (added.length === 0) return 'delete';
  return 'overwrite';
}

function rowsOf(files: readonly DataFile[], content: DataFile['content']): number {
  return files.filter((f) => f.content === content).reduce((n, f) => n + f.recordCount, 0);
}

/** Metadata-log entries name files absolutely, as Java writes them. */
export function absoluteMetadataFile(location: string, file: string): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(file) || file.startsWith('/')) return file;
  return `${location.replace(/\/+$/, '')}/${file}`;
}

async function deleteQuietly(table: TableLocation, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    try {
      const ref = resolveLogPath(table, path);
      await ref.store.delete(ref.key);
    } catch (error) {
      if (!isLochError(error)) throw error;
    }
  }
}
