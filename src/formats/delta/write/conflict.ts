import { LochError } from '../../../core/errors.js';
import type { LogWhere } from '../errors-context.js';
import { whereContext } from '../errors-context.js';
import { canonicalPath, fileIdentity } from '../log/file-identity.js';
import type { Action, AddFile, RemoveFile } from '../spec/actions.js';

/**
 * Delta's logical conflict detection (the rules of Delta's ConflictChecker), pure: after losing
 * the put-if-absent race, a transaction checks the commits that won against what it read and
 * wrote. No conflict means the same actions may be committed at the next free version.
 */

/** What a transaction read and wrote, as far as conflicts are concerned. */
export interface TransactionFootprint {
  /** The snapshot version the transaction read. */
  readonly readVersion: number;
  readonly isolation: 'WriteSerializable' | 'Serializable';
  /** Only adds, read nothing (recorded in commitInfo.isBlindAppend for others' checks). */
  readonly isBlindAppend: boolean;
  /** The outcome depends on every row of the table (e.g. INSERT OVERWRITE without predicate). */
  readonly readWholeTable: boolean;
  /** True when an added file may hold rows the transaction read (partition/stats pruning). */
  readonly readPredicate?: (add: AddFile) => boolean;
  /** Identities (see file-identity.ts, fileIdentity) of the files the transaction read. */
  readonly readFiles: ReadonlySet<string>;
  /** Identities of the files the transaction removes. */
  readonly removedFiles: ReadonlySet<string>;
  readonly changesMetadata: boolean;
  readonly changesProtocol: boolean;
  /** `txn` application ids the transaction sets. */
  readonly appIds: ReadonlySet<string>;
  /** Metadata domains the transaction writes. */
  readonly domains: ReadonlySet<string>;
}

export type ConflictType =
  | 'ProtocolChanged'
  | 'MetadataChanged'
  | 'ConcurrentAppend'
  | 'ConcurrentDeleteRead'
  | 'ConcurrentDeleteDelete'
  | 'ConcurrentTransaction'
  | 'ConcurrentDomainMetadata';

export type ConflictCheck =
  | { readonly kind: 'ok' }
  | { readonly kind: 'conflict'; readonly type: ConflictType; readonly winningVersion: number; readonly message: string };

export type Conflict = Extract<ConflictCheck, { kind: 'conflict' }>;

export interface WinningCommit {
  readonly version: number;
  readonly actions: readonly Action[];
}

export interface ConflictOptions {
  /**
   * The table root the footprint's file identities were computed with (fileIdentity's `root`),
   * so that absolute paths inside the table compare equal to relative ones.
   */
  readonly root?: string;
}

const OK: ConflictCheck = { kind: 'ok' };

/**
 * Checks the winning commits (those after `footprint.readVersion`, in version order) against
 * the transaction; the first conflict found is returned. Per winning commit, in this order:
 * - a protocol action → ProtocolChanged; a metaData action → MetadataChanged;
 * - a domainMetadata for a domain the transaction writes → ConcurrentDomainMetadata;
 * - a txn for an appId the transaction sets → ConcurrentTransaction;
 * - an added file the transaction's read could have seen (readWholeTable, or readPredicate true)
 *   → ConcurrentAppend. Under WriteSerializable the adds of a winner whose commitInfo says
 *   isBlindAppend=true do not count unless the transaction changes metadata; under Serializable
 *   every add counts. A winner without commitInfo is not a blind append;
 * - a removed file the transaction also removes → ConcurrentDeleteDelete (checked before the
 *   next rule so that two deletes of one file are named as such);
 * - a removed file the transaction read, or any removal when it read the whole table →
 *   ConcurrentDeleteRead.
 * Files compare by identity (canonical path + deletion vector id), like log replay.
 * The message starts with "version N" and names the file, app id or domain; conflictError
 * turns it into an error.
 */
export function checkConflicts(footprint: TransactionFootprint, winning: readonly WinningCommit[], options: ConflictOptions = {}): ConflictCheck {
  const ordered = winning.filter((w) => w.version > footprint.readVersion).sort((a, b) => a.version - b.version);
  for (const commit of ordered) {
    const found = checkCommit(footprint, commit, options.root);
    if (found !== undefined) return found;
  }
  return OK;
}

interface WinnerSummary {
  readonly version: number;
  readonly protocol: boolean;
  readonly metadata: boolean;
  readonly isBlindAppend: boolean;
  readonly appIds: string[];
  readonly domains: string[];
  readonly adds: AddFile[];
  readonly removes: RemoveFile[];
}

function summarize(commit: WinningCommit): WinnerSummary {
  let protocol = false;
  let metadata = false;
  let isBlindAppend = false;
  const appIds: string[] = [];
  const domains: string[] = [];
  const adds: AddFile[] = [];
  const removes: RemoveFile[] = [];
  for (const action of commit.actions) {
    if (action.kind === 'protocol') protocol = true;
    else if (action.kind === 'metaData') metadata = true;
    // Parsed commits carry the typed field; freshly built ones may only have it in raw.
    else if (action.kind === 'commitInfo') isBlindAppend = (action.commitInfo.isBlindAppend ?? action.commitInfo.raw['isBlindAppend']) === true;
    else if (action.kind === 'txn') appIds.push(action.txn.appId);
    else if (action.kind === 'domainMetadata') domains.push(action.domainMetadata.domain);
    else if (action.kind === 'add') adds.push(action.add);
    else if (action.kind === 'remove') removes.push(action.remove);
  }
  return { version: commit.version, protocol, metadata, isBlindAppend, appIds, domains, adds, removes };
}

function conflict(type: ConflictType, winningVersion: number, detail: string): Conflict {
  return { kind: 'conflict', type, winningVersion, message: `version ${winningVersion} ${detail} (${type})` };
}

function checkCommit(footprint: TransactionFootprint, commit: WinningCommit, root: string | undefined): Conflict | undefined {
  const winner = summarize(commit);
  const v = winner.version;
  if (winner.protocol) {
    const also = footprint.changesProtocol ? ', which this transaction also changes' : '';
    return conflict('ProtocolChanged', v, `changed the table protocol${also}`);
  }
  if (winner.metadata) {
    const also = footprint.changesMetadata ? ', which this transaction also changes' : '';
    return conflict('MetadataChanged', v, `changed the table metadata (schema, partitioning or properties)${also}`);
  }
  const domain = winner.domains.find((d) => footprint.domains.has(d));
  if (domain !== undefined) return conflict('ConcurrentDomainMetadata', v, `changed metadata domain '${domain}', which this transaction also writes`);
  const appId = winner.appIds.find((id) => footprint.appIds.has(id));
  if (appId !== undefined) return conflict('ConcurrentTransaction', v, `committed application transaction '${appId}', which this transaction also sets`);
  return checkAppends(footprint, winner, root) ?? checkRemoves(footprint, winner, root);
}

function checkAppends(footprint: TransactionFootprint, winner: WinnerSummary, root: string | undefined): Conflict | undefined {
  const countsBlindAppends = footprint.isolation === 'Serializable' || footprint.changesMetadata;
  if (winner.isBlindAppend && !countsBlindAppends) return undefined;
  const predicate = footprint.readPredicate;
  if (!footprint.readWholeTable && predicate === undefined) return undefined;
  for (const add of winner.adds) {
    const path = canonicalPath(add.path, root);
    if (footprint.readWholeTable) return conflict('ConcurrentAppend', winner.version, `added file ${path} to the table, which this transaction read in full`);
    if (predicate?.(add) === true) return conflict('ConcurrentAppend', winner.version, `added file ${path}, which this transaction's read could have included`);
  }
  return undefined;
}

function checkRemoves(footprint: TransactionFootprint, winner: WinnerSummary, root: string | undefined): Conflict | undefined {
  const ids = winner.removes.map((remove) => ({ remove, id: fileIdentity(remove.path, remove.deletionVector, root) }));
  const both = ids.find(({ id }) => footprint.removedFiles.has(id));
  if (both !== undefined) {
    return conflict('ConcurrentDeleteDelete', winner.version, `removed file ${canonicalPath(both.remove.path, root)}, which this transaction also removes`);
  }
  const read = ids.find(({ id }) => footprint.readFiles.has(id));
  if (read !== undefined) {
    return conflict('ConcurrentDeleteRead', winner.version, `removed file ${canonicalPath(read.remove.path, root)} that this transaction read`);
  }
  const first = ids[0];
  if (footprint.readWholeTable && first !== undefined) {
    return conflict('ConcurrentDeleteRead', winner.version, `removed file ${canonicalPath(first.remove.path, root)} from the table, which this transaction read in full`);
  }
  return undefined;
}

/**
 * The CONFLICT error for a conflict found while committing at `where` (the version attempted):
 * "delta commit: table T: version W … (Type)", with context { table, version, winningVersion,
 * type }. Not retryable: the transaction must be re-planned against the new table state.
 */
export function conflictError(check: Conflict, where: LogWhere): LochError {
  return new LochError('CONFLICT', `delta commit: table ${where.table}: ${check.message}`, {
    context: whereContext(where, { winningVersion: check.winningVersion, type: check.type }),
    retryable: false,
  });
}
