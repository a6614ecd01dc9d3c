import { logError } from '../errors-context.js';
import type { Action, AddFile, CommitInfo, DomainMetadata, Metadata, Protocol, Txn } from '../spec/actions.js';
import { canonicalRoot, fileIdentity } from './file-identity.js';

/** One commit file, read and parsed. */
export interface CommitData {
  readonly version: number;
  readonly key: string;
  /** The commit file's modification time (ms). */
  readonly lastModified: number;
  readonly actions: readonly Action[];
}

/** The reconciled state of the log at one version (PROTOCOL.md "Action Reconciliation"). */
export interface LogState {
  readonly version: number;
  readonly protocol: Protocol;
  readonly metadata: Metadata;
  /** Live files by identity (canonical path + DV unique id), in the order they were added. */
  readonly files: ReadonlyMap<string, AddFile>;
  /** Latest transaction version per application id. */
  readonly txns: ReadonlyMap<string, Txn>;
  /** Live (not removed) metadata domains by name. */
  readonly domainMetadata: ReadonlyMap<string, DomainMetadata>;
  /** commitInfo of every replayed commit, by version (checkpoints carry none). */
  readonly commitInfos: ReadonlyMap<number, CommitInfo>;
  /** The inCommitTimestamp of the commit at `version`, when that commit was replayed and has one. */
  readonly latestInCommitTimestamp?: number;
}

export interface ReplayOptions {
  /** Display name for errors. */
  readonly table: string;
  /** The version the replay reconstructs (the last commit's, or the checkpoint's). */
  readonly version: number;
  /** The table root URL (ObjectStore.url): absolute paths under it match relative ones. */
  readonly rootUrl?: string;
}

class ReplayState {
  protocol: Protocol | undefined;
  metadata: Metadata | undefined;
  readonly files = new Map<string, AddFile>();
  readonly txns = new Map<string, Txn>();
  readonly domains = new Map<string, DomainMetadata>();
  readonly commitInfos = new Map<number, CommitInfo>();

  constructor(private readonly root: string | undefined) {}

  add(add: AddFile): void {
    this.files.set(fileIdentity(add.path, add.deletionVector, this.root), add);
  }

  /** Non-file actions; file actions and V2-checkpoint-only actions are handled elsewhere. */
  apply(action: Action, version: number | undefined): void {
    switch (action.kind) {
      case 'protocol':
        this.protocol = action.protocol;
        break;
      case 'metaData':
        this.metadata = action.metaData;
        break;
      case 'txn':
        this.txns.set(action.txn.appId, action.txn);
        break;
      case 'domainMetadata':
        if (action.domainMetadata.removed) this.domains.delete(action.domainMetadata.domain);
        else this.domains.set(action.domainMetadata.domain, action.domainMetadata);
        break;
      case 'commitInfo':
        if (version !== undefined) this.commitInfos.set(version, action.commitInfo);
        break;
      default:
        break;
    }
  }

  applyCommit(commit: CommitData): void {
    // Removes before adds: a commit that replaces a file's DV removes (path, old DV) and adds
    // (path, new DV); the order of lines in the file carries no meaning.
    for (const action of commit.actions) {
      if (action.kind === 'remove') this.files.delete(fileIdentity(action.remove.path, action.remove.deletionVector, this.root));
    }
    for (const action of commit.actions) {
      if (action.kind === 'add') this.add(action.add);
      else if (action.kind !== 'remove') this.apply(action, commit.version);
    }
  }
}

/**
 * Reconstructs the table state from a checkpoint's actions followed by the commits after it, in
 * version order. Rules: within a commit removes apply before adds; a logical file is identified
 * by its canonical path (URL-decoded, `file:` scheme dropped, made relative to the root) plus its
 * DV unique id; later protocol/metaData actions replace earlier ones; txns keep the latest per app;
 * removed domains disappear; tombstones are not kept (checkpoint removes are ignored).
 * A state without protocol or metadata throws PROTOCOL_VIOLATION
 * ("delta log: table T version V: no protocol action found").
 */
export function replay(checkpointActions: Iterable<Action>, commits: readonly CommitData[], opts: ReplayOptions): LogState {
  const state = new ReplayState(opts.rootUrl === undefined ? undefined : canonicalRoot(opts.rootUrl));
  for (const action of checkpointActions) {
    if (action.kind === 'add') state.add(action.add);
    else if (action.kind !== 'remove') state.apply(action, undefined);
  }
  for (const commit of commits) state.applyCommit(commit);
  const where = { table: opts.table, version: opts.version };
  if (state.protocol === undefined) throw logError('PROTOCOL_VIOLATION', 'delta log', where, 'no protocol action found');
  if (state.metadata === undefined) throw logError('PROTOCOL_VIOLATION', 'delta log', where, 'no metaData action found');
  const ict = state.commitInfos.get(opts.version)?.inCommitTimestamp;
  return {
    version: opts.version,
    protocol: state.protocol,
    metadata: state.metadata,
    files: state.files,
    txns: state.txns,
    domainMetadata: state.domains,
    commitInfos: state.commitInfos,
    ...(ict === undefined ? {} : { latestInCommitTimestamp: ict }),
  };
}
