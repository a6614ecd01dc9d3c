import { LochError } from '../core/errors.js';
import type { ScanFile, ScanSpec } from '../engine/scan-spec.js';
import type { Literal } from '../expr/nodes.js';
import { field, primitive } from '../expr/types.js';
import type { StructField } from '../expr/types.js';
import { readDeletionVector } from '../formats/delta/deletion-vectors/index.js';
import type { DeletionVectorDescriptor } from '../formats/delta/spec/actions.js';
import type { Action, AddFile, Cdc, RemoveFile } from '../formats/delta/spec/actions.js';
import { readCommitActions } from '../formats/delta/snapshot.js';
import type { TableContext } from './context.js';
import { partitionLiterals, pinDataFile, widenedColumns } from './delta-scan-planner.js';
import type { TableSnapshot } from './delta-table.js';
import { resolveLogPath } from './location.js';
import { mapLimit } from './parallel.js';

export const CHANGE_COLUMNS = ['_change_type', '_commit_version', '_commit_timestamp'] as const;

/** The change data feed of versions [start, end] as two engine scans plus pins to release. */
export interface PlannedChanges {
  /** Scan over `_change_data` files, whose `_change_type` column is stored in the file. */
  readonly cdcSpec: ScanSpec;
  /** Scan over add/remove files (and DV differences), with `_change_type` as a constant. */
  readonly derivedSpec: ScanSpec;
  release(): void;
}

interface Piece {
  readonly path: string;
  readonly partitionValues: Readonly<Record<string, string | null>>;
  readonly changeType?: 'insert' | 'delete';
  readonly deletionVector?: DeletionVectorDescriptor;
  /** For a replaced DV: the rows to keep are `only` minus `except`. */
  readonly diff?: { readonly only: DeletionVectorDescriptor | undefined; readonly except: DeletionVectorDescriptor | undefined };
  readonly version: number;
  readonly timestamp: number | null;
}

/**
 * Plans `table_changes` following PROTOCOL.md "Change Data Files": a commit with `cdc` actions
 * is read from those files; otherwise its data-changing adds are inserts and removes are
 * deletes, and a file whose deletion vector was replaced contributes the rows the new vector
 * hides (deletes) and the rows it shows again (inserts). Rows use the schema of `end`.
 */
export async function planChangeFeed(ctx: TableContext, end: TableSnapshot, startVersion: number): Promise<PlannedChanges> {
  if (startVersion > end.version) {
    throw new LochError('INVALID_ARGUMENT', `table_changes: table ${end.location.name}: start version ${startVersion} is after end version ${end.version}`);
  }
  const versions = Array.from({ length: end.version - startVersion + 1 }, (_, i) => startVersion + i);
  const commits = await mapLimit(versions, ctx.ioConcurrency, (v) => readCommitActions(end.location.store, end.location.name, v));
  const cdc: Piece[] = [];
  const derived: Piece[] = [];
  commits.forEach((commit, i) => collectPieces(commit.actions, versions[i] as number, commitTimestamp(commit.actions), cdc, derived));
  const releases: (() => void)[] = [];
  try {
    const cdcFiles = await mapLimit(cdc, ctx.ioConcurrency, (p) => toScanFile(ctx, end, p, releases));
    const derivedFiles = await mapLimit(derived, ctx.ioConcurrency, (p) => toScanFile(ctx, end, p, releases));
    const base = {
      partitionColumns: end.partitionColumns,
      resolveBy: end.delta.columnMapping === 'id' ? 'field_id' : 'name',
      mixedTypeColumns: widenedColumns(end.schema),
    } as const;
    const changeType: StructField = field('_change_type', primitive('string'));
    const versionColumns = [
      { name: '_commit_version', type: primitive('long') },
      { name: '_commit_timestamp', type: primitive('timestamp') },
    ];
    return {
      cdcSpec: { ...base, columns: [...end.schema.fields, changeType], files: cdcFiles, extraColumns: versionColumns },
      derivedSpec: {
        ...base,
        columns: end.schema.fields,
        files: derivedFiles,
        extraColumns: [{ name: '_change_type', type: primitive('string') }, ...versionColumns],
      },
      release: () => releases.forEach((r) => r()),
    };
  } catch (error) {
    releases.forEach((r) => r());
    throw error;
  }
}

/** In-commit timestamp when the table has them, else the writer's commitInfo.timestamp. */
function commitTimestamp(actions: readonly Action[]): number | null {
  for (const a of actions) {
    if (a.kind === 'commitInfo') return a.commitInfo.inCommitTimestamp ?? a.commitInfo.timestamp ?? null;
  }
  return null;
}

function collectPieces(actions: readonly Action[], version: number, timestamp: number | null, cdc: Piece[], derived: Piece[]): void {
  const cdcActions = actions.flatMap((a) => (a.kind === 'cdc' ? [a.cdc] : []));
  if (cdcActions.length > 0) {
    for (const c of cdcActions) cdc.push(cdcPiece(c, version, timestamp));
    return;
  }
  const adds = actions.flatMap((a) => (a.kind === 'add' && a.add.dataChange ? [a.add] : []));
  const removes = actions.flatMap((a) => (a.kind === 'remove' && a.remove.dataChange ? [a.remove] : []));
  const removedByPath = new Map<string, RemoveFile>(removes.map((r) => [canonical(r.path), r]));
  const replaced = new Set<string>();
  for (const add of adds) {
    const previous = removedByPath.get(canonical(add.path));
    if (previous !== undefined) {
      replaced.add(canonical(add.path));
      derived.push(...dvDifference(add, previous, version, timestamp));
    } else {
      derived.push(filePiece(add, 'insert', version, timestamp));
    }
  }
  for (const remove of removes) {
    if (!replaced.has(canonical(remove.path))) derived.push(filePiece(remove, 'delete', version, timestamp));
  }
}

function canonical(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function cdcPiece(c: Cdc, version: number, timestamp: number | null): Piece {
  return { path: c.path, partitionValues: c.partitionValues, version, timestamp };
}

function filePiece(f: AddFile | RemoveFile, changeType: 'insert' | 'delete', version: number, timestamp: number | null): Piece {
  return {
    path: f.path,
    partitionValues: f.partitionValues ?? {},
    changeType,
    ...(f.deletionVector ? { deletionVector: f.deletionVector } : {}),
    version,
    timestamp,
  };
}

/** Rows newly hidden by the add's DV are deletes; rows the old DV hid and the new one does not are inserts. */
function dvDifference(add: AddFile, remove: RemoveFile, version: number, timestamp: number | null): Piece[] {
  const common = { path: add.path, partitionValues: add.partitionValues, version, timestamp };
  return [
    { ...common, changeType: 'delete', diff: { only: add.deletionVector, except: remove.deletionVector } },
    { ...common, changeType: 'insert', diff: { only: remove.deletionVector, except: add.deletionVector } },
  ];
}

async function toScanFile(ctx: TableContext, end: TableSnapshot, piece: Piece, releases: (() => void)[]): Promise<ScanFile> {
  const table = end.location;
  const readDv = async (d: DeletionVectorDescriptor | undefined): Promise<Float64Array> =>
    d === undefined
      ? new Float64Array(0)
      : (await readDeletionVector(d, { store: table.store, openAbsolute: (url) => resolveLogPath(table, url), table: table.name, file: piece.path })).positions;
  const fields = end.partitionColumns.map((name) => end.schema.fields.find((f) => f.name === name) as StructField);
  const literals = partitionLiterals(table, fields, piece.partitionValues, piece.path);
  const partitionValues: Record<string, Literal> = Object.fromEntries(literals);
  const extraColumns: Record<string, Literal> = {
    ...(piece.changeType !== undefined ? { _change_type: { kind: 'literal', type: primitive('string'), value: piece.changeType } } : {}),
    _commit_version: { kind: 'literal', type: primitive('long'), value: BigInt(piece.version) },
    _commit_timestamp: { kind: 'literal', type: primitive('timestamp'), value: piece.timestamp === null ? null : BigInt(piece.timestamp) * 1000n },
  };
  const pinned = await pinDataFile(ctx, table, piece.version, resolveLogPath(table, piece.path), piece.path);
  releases.push(pinned.release);
  const base = { localPath: pinned.path, partitionValues, extraColumns };
  if (piece.diff !== undefined) {
    const only = await readDv(piece.diff.only);
    const except = new Set(await readDv(piece.diff.except));
    return { ...base, keepOnlyRows: only.filter((p) => !except.has(p)) };
  }
  const deleted = await readDv(piece.deletionVector);
  return deleted.length > 0 ? { ...base, deletedRows: deleted } : base;
}
