import { LochError } from '../../core/errors.js';
import type { DeltaSnapshot } from '../../formats/delta/snapshot.js';
import type { Action, AddFile, Cdc, DomainMetadata, Metadata, Protocol, RemoveFile } from '../../formats/delta/spec/actions.js';
import { canonicalRoot, fileIdentity } from '../../formats/delta/log/file-identity.js';
import { checkWritable } from '../../formats/delta/write/protocol-for.js';
import type { TableContext } from '../context.js';
import type { TableLocation } from '../location.js';
import type { OperationRecord } from './commit-info.js';
import { commitPrepared } from './commit-loop.js';
import type { CommitResult } from './commit-loop.js';
import { afterCommit } from './post-commit.js';

/**
 * One Delta transaction: what it read, the actions it stages, and the commit.
 *
 * A transaction starts from one snapshot (or none, to create a table). Operations stage files
 * and record what they read (for the conflict check); `commit()` writes the log entry once.
 * Nothing is visible to readers before the commit succeeds; files written for a transaction
 * that never commits are orphans that only VACUUM removes.
 */
export class DeltaTransaction {
  private metadata: Metadata | undefined;
  private protocol: Protocol | undefined;
  private metadataChanged = false;
  private protocolChanged = false;
  private readonly adds: AddFile[] = [];
  private readonly removes: RemoveFile[] = [];
  private readonly changeFiles: Cdc[] = [];
  private readonly other: Action[] = [];
  private readonly readFiles = new Set<string>();
  private readonly removedFiles = new Set<string>();
  private readonly appIds = new Set<string>();
  private readonly domains = new Set<string>();
  private readonly readPredicates: ((add: AddFile) => boolean)[] = [];
  private readsWholeTable = false;
  private readsData = false;
  private committed = false;
  operation: OperationRecord | undefined;

  constructor(
    readonly ctx: TableContext,
    readonly table: TableLocation,
    /** The snapshot the transaction reads; undefined when it creates the table. */
    readonly snapshot: DeltaSnapshot | undefined,
  ) {
    this.metadata = snapshot?.metadata;
    this.protocol = snapshot?.protocol;
    if (snapshot !== undefined) checkWritable(snapshot.protocol, { table: table.name, version: snapshot.version }, snapshot.schema);
  }

  get readVersion(): number {
    return this.snapshot?.version ?? -1;
  }

  /** Metadata in force after this transaction (the snapshot's unless changed). */
  get currentMetadata(): Metadata | undefined {
    return this.metadata;
  }
  get currentProtocol(): Protocol | undefined {
    return this.protocol;
  }
  get addedFiles(): readonly AddFile[] {
    return this.adds;
  }
  get removedFileActions(): readonly RemoveFile[] {
    return this.removes;
  }

  /**
   * The files live after what the transaction has staged so far: the snapshot's files it has
   * not removed, then the ones it added. A later operation of the same transaction (a second
   * overwrite or replaceWhere) works on these, as if the earlier ones had committed.
   */
  get liveFiles(): readonly AddFile[] {
    const root = canonicalRoot(this.table.store.url);
    const kept = (this.snapshot?.files ?? []).filter((f) => !this.removedFiles.has(fileIdentity(f.path, f.deletionVector, root)));
    return [...kept, ...this.adds];
  }

  setMetadata(metadata: Metadata): void {
    this.metadata = metadata;
    this.metadataChanged = true;
  }

  setProtocol(protocol: Protocol): void {
    const current = this.protocol;
    if (current !== undefined && protocolEquals(current, protocol)) return;
    this.protocol = protocol;
    this.protocolChanged = true;
  }

  addFiles(files: readonly AddFile[]): void {
    this.adds.push(...files);
  }

  /**
   * Stages removes of live files this transaction read (deletes, overwrites, rewrites); see
   * liveFiles. `dataChange: false` marks a rearrangement (OPTIMIZE) that changes no row.
   */
  removeFiles(files: readonly AddFile[], deletionTimestamp: number, options: { readonly dataChange?: boolean } = {}): void {
    for (const add of files) {
      // A file this transaction added is simply no longer added: the log never knew it.
      const staged = this.adds.indexOf(add);
      if (staged >= 0) {
        this.adds.splice(staged, 1);
        continue;
      }
      const id = fileIdentity(add.path, add.deletionVector, canonicalRoot(this.table.store.url));
      this.readFiles.add(id);
      this.removedFiles.add(id);
      this.removes.push({
        path: add.path,
        deletionTimestamp,
        dataChange: options.dataChange ?? true,
        extendedFileMetadata: true,
        partitionValues: add.partitionValues,
        size: add.size,
        ...(add.stats !== undefined ? { stats: add.stats } : {}),
        ...(add.tags !== undefined ? { tags: add.tags } : {}),
        ...(add.deletionVector !== undefined ? { deletionVector: add.deletionVector } : {}),
        ...(add.baseRowId !== undefined ? { baseRowId: add.baseRowId } : {}),
        ...(add.defaultRowCommitVersion !== undefined ? { defaultRowCommitVersion: add.defaultRowCommitVersion } : {}),
      });
    }
  }

  /** Stages change data files (`cdc`): when a commit has any, change feed readers use only them. */
  addChangeFiles(files: readonly Cdc[]): void {
    this.changeFiles.push(...files);
  }

  /** Records that the operation's outcome depends on the rows of files matching `predicate`. */
  readWhere(predicate: (add: AddFile) => boolean): void {
    this.readsData = true;
    this.readPredicates.push(predicate);
  }

  /**
   * Records that the operation read these live files: a concurrent commit removing one of them
   * conflicts (ConcurrentDeleteRead), because what was read may no longer be there.
   */
  markRead(files: readonly AddFile[]): void {
    const root = canonicalRoot(this.table.store.url);
    for (const add of files) this.readFiles.add(fileIdentity(add.path, add.deletionVector, root));
  }

  /** Records that the operation depends on every row of the table (e.g. a full overwrite). */
  readWholeTable(): void {
    this.readsData = true;
    this.readsWholeTable = true;
  }

  /**
   * Records an application transaction (`txn`) for idempotent writes. Returns false, staging
   * nothing, when the table already has that application at this version or later: the caller
   * then skips the write.
   */
  setAppTransaction(appId: string, version: number): boolean {
    const known = this.snapshot?.txns.get(appId);
    if (known !== undefined && known.version >= version) return false;
    this.appIds.add(appId);
    this.other.push({ kind: 'txn', txn: { appId, version, lastUpdated: this.ctx.clock.now() } });
    return true;
  }

  setDomainMetadata(domain: DomainMetadata): void {
    this.domains.add(domain.domain);
    this.other.push({ kind: 'domainMetadata', domainMetadata: domain });
  }

  /** Commits once: conflict checks and retries happen inside; the result names the version. */
  async commit(): Promise<CommitResult> {
    if (this.committed) throw new LochError('INVALID_ARGUMENT', `delta commit: table ${this.table.name}: this transaction has already committed`);
    const { metadata, protocol, operation } = this;
    if (metadata === undefined || protocol === undefined) {
      throw new LochError('INTERNAL', `delta commit: table ${this.table.name}: a new table needs metadata and a protocol before its first commit`);
    }
    if (operation === undefined) throw new LochError('INTERNAL', `delta commit: table ${this.table.name}: no operation recorded`);
    const actions: Action[] = [
      ...(this.protocolChanged ? [{ kind: 'protocol', protocol } as const] : []),
      ...(this.metadataChanged ? [{ kind: 'metaData', metaData: metadata } as const] : []),
      ...this.other,
      ...this.removes.map((remove) => ({ kind: 'remove', remove }) as const),
      ...this.adds.map((add) => ({ kind: 'add', add }) as const),
      ...this.changeFiles.map((cdc) => ({ kind: 'cdc', cdc }) as const),
    ];
    this.committed = true;
    const result = await commitPrepared(this.ctx, this.table, {
      operation,
      actions,
      footprint: this.footprint(),
      ...(this.snapshot !== undefined ? { before: { protocol: this.snapshot.protocol, metadata: this.snapshot.metadata } } : {}),
      after: { protocol, metadata },
      readVersion: this.readVersion,
      ...(this.snapshot?.inCommitTimestamps ? { readTimestamp: this.snapshot.timestamp } : {}),
    });
    await afterCommit(this.ctx, this.table, result.version, metadata);
    return result;
  }

  private footprint() {
    const predicates = this.readPredicates;
    const isBlindAppend = !this.readsData && this.removes.length === 0 && !this.metadataChanged && !this.protocolChanged;
    return {
      isolation: 'WriteSerializable' as const,
      isBlindAppend,
      readWholeTable: this.readsWholeTable,
      ...(predicates.length > 0 ? { readPredicate: (add: AddFile) => predicates.some((p) => p(add)) } : {}),
      readFiles: this.readFiles,
      removedFiles: this.removedFiles,
      changesMetadata: this.metadataChanged,
      changesProtocol: this.protocolChanged,
      appIds: this.appIds,
      domains: this.domains,
    };
  }
}

function protocolEquals(a: Protocol, b: Protocol): boolean {
  const same = (x?: readonly string[], y?: readonly string[]) => JSON.stringify([...(x ?? [])].sort()) === JSON.stringify([...(y ?? [])].sort());
  return a.minReaderVersion === b.minReaderVersion && a.minWriterVersion === b.minWriterVersion && same(a.readerFeatures, b.readerFeatures) && same(a.writerFeatures, b.writerFeatures);
}
