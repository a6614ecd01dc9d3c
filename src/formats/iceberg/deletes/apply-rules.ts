import { LochError } from '../../../core/errors.js';
import type { LiteralValue } from '../../../expr/nodes.js';
import type { LiveEntry, PartitionSpec, PartitionTuple } from '../model.js';

/**
 * Which delete files apply to which data files (Iceberg spec, "Scan Planning"), with D a data
 * file and X a delete file, seq = the inherited data sequence number:
 * - a deletion vector (position deletes in a Puffin file) applies iff D's path equals X's
 *   `referenced_data_file`, seq(D) <= seq(X) and the partitions (spec id + values) are equal;
 * - a position delete file applies iff its `referenced_data_file` is null or equals D's path,
 *   seq(D) <= seq(X), the partitions are equal and no deletion vector applies to D (a DV holds
 *   every position delete of its file, so it supersedes them);
 * - an equality delete file applies iff seq(D) < seq(X) (strictly) and the partitions are equal
 *   or X's spec is unpartitioned (then it is global).
 * Partition values compare as the spec says: floats by bit pattern with one canonical NaN
 * (so 0.0 and -0.0 differ), everything else by value; unknown transforms compare like any other.
 * A delete file that applies to nothing (dangling) is simply not assigned.
 */

/** The delete files that apply to one data file, each list ordered by sequence number. */
export interface AppliedDeletes {
  readonly deletionVector?: LiveEntry;
  readonly positionDeletes: LiveEntry[];
  readonly equalityDeletes: LiveEntry[];
}

export interface AssignDeletesOptions {
  /**
   * Maps a path as written in a manifest to the form two spellings of one file share (e.g.
   * metadata/paths.ts `PathRewriter.rewrite`); applied to data file paths and to
   * `referenced_data_file`. Default: paths compare as written.
   */
  readonly normalizePath?: (path: string) => string;
  /** The table's partition specs by id: decides whether an equality delete's spec is unpartitioned. */
  readonly specs: ReadonlyMap<number, PartitionSpec>;
}

/**
 * Assigns delete files to data files. `data` are live data entries, `deletes` live delete entries
 * of the same snapshot; entries with status 'deleted' are ignored. Returns one AppliedDeletes per
 * data entry (keyed by the entry object), empty lists when nothing applies.
 *
 * Runs in O((N + M) log M + output) for N data and M delete files: deletes are indexed by path
 * and by partition, and sorted by sequence number.
 *
 * Errors: INVALID_ARGUMENT for a data entry among the deletes or vice versa; PROTOCOL_VIOLATION
 * for a deletion vector without `referenced_data_file` or content offset/size, two deletion
 * vectors applying to one data file, or an equality delete whose spec id is not in `specs`.
 */
export function assignDeletes(
  data: readonly LiveEntry[],
  deletes: readonly LiveEntry[],
  options: AssignDeletesOptions,
): Map<LiveEntry, AppliedDeletes> {
  const normalize = options.normalizePath ?? ((p: string) => p);
  const index = buildIndex(deletes, normalize, options.specs);
  const result = new Map<LiveEntry, AppliedDeletes>();
  for (const d of data) {
    if (d.status === 'deleted') continue;
    if (d.dataFile.content !== 'data') {
      throw new LochError('INVALID_ARGUMENT', `iceberg deletes: ${d.dataFile.filePath} is a ${d.dataFile.content} file, not a data file`);
    }
    result.set(d, deletesFor(d, normalize(d.dataFile.filePath), index));
  }
  return result;
}

/** Delete entries sorted by ascending sequence number (stable: input order within one number). */
type BySeq = LiveEntry[];

interface DeleteIndex {
  readonly dvsByPath: Map<string, BySeq>;
  readonly posByPath: Map<string, BySeq>;
  readonly posByPartition: Map<string, BySeq>;
  readonly eqByPartition: Map<string, BySeq>;
  readonly eqGlobal: BySeq;
}

function buildIndex(deletes: readonly LiveEntry[], normalize: (p: string) => string, specs: ReadonlyMap<number, PartitionSpec>): DeleteIndex {
  const index: DeleteIndex = { dvsByPath: new Map(), posByPath: new Map(), posByPartition: new Map(), eqByPartition: new Map(), eqGlobal: [] };
  for (const x of deletes) {
    if (x.status === 'deleted') continue;
    const file = x.dataFile;
    if (file.content === 'data') {
      throw new LochError('INVALID_ARGUMENT', `iceberg deletes: ${file.filePath} is a data file, not a delete file`);
    }
    if (file.content === 'equality_deletes') {
      if (isUnpartitioned(specOf(x, specs))) index.eqGlobal.push(x);
      else push(index.eqByPartition, partitionKey(x.specId, file.partition), x);
    } else if (isDeletionVector(x)) {
      push(index.dvsByPath, normalize(requireDvFields(x)), x);
    } else if (file.referencedDataFile !== undefined) {
      push(index.posByPath, normalize(file.referencedDataFile), x);
    } else {
      push(index.posByPartition, partitionKey(x.specId, file.partition), x);
    }
  }
  for (const map of [index.dvsByPath, index.posByPath, index.posByPartition, index.eqByPartition]) {
    for (const list of map.values()) sortBySeq(list);
  }
  sortBySeq(index.eqGlobal);
  return index;
}

function deletesFor(d: LiveEntry, path: string, index: DeleteIndex): AppliedDeletes {
  const key = partitionKey(d.specId, d.dataFile.partition);
  const samePartition = (x: LiveEntry): boolean => x.specId === d.specId && partitionKey(x.specId, x.dataFile.partition) === key;
  const equalityDeletes = mergeBySeq(fromSeq(index.eqByPartition.get(key), d.sequenceNumber + 1), fromSeq(index.eqGlobal, d.sequenceNumber + 1));
  const dvs = fromSeq(index.dvsByPath.get(path), d.sequenceNumber).filter(samePartition);
  if (dvs.length > 1) {
    throw new LochError(
      'PROTOCOL_VIOLATION',
      `iceberg deletes: data file ${d.dataFile.filePath} has ${dvs.length} deletion vectors (${dvs.map((x) => x.dataFile.filePath).join(', ')}); at most one may apply`,
    );
  }
  if (dvs.length === 1) return { deletionVector: dvs[0]!, positionDeletes: [], equalityDeletes };
  const byPath = fromSeq(index.posByPath.get(path), d.sequenceNumber).filter(samePartition);
  const positionDeletes = mergeBySeq(byPath, fromSeq(index.posByPartition.get(key), d.sequenceNumber));
  return { positionDeletes, equalityDeletes };
}

function isDeletionVector(x: LiveEntry): boolean {
  return x.dataFile.content === 'position_deletes' && x.dataFile.fileFormat.toLowerCase() === 'puffin';
}

/** A DV's referenced data file; a DV missing it or its blob location breaks the spec. */
function requireDvFields(x: LiveEntry): string {
  const f = x.dataFile;
  const missing = [
    f.referencedDataFile === undefined ? 'referenced_data_file' : undefined,
    f.contentOffset === undefined ? 'content_offset' : undefined,
    f.contentSizeInBytes === undefined ? 'content_size_in_bytes' : undefined,
  ].filter((m) => m !== undefined);
  if (missing.length > 0 || f.referencedDataFile === undefined) {
    throw new LochError('PROTOCOL_VIOLATION', `iceberg deletes: deletion vector in ${f.filePath} has no ${missing.join(', ')}`, {
      context: { file: f.filePath, missing },
    });
  }
  return f.referencedDataFile;
}

function specOf(x: LiveEntry, specs: ReadonlyMap<number, PartitionSpec>): PartitionSpec {
  const spec = specs.get(x.specId);
  if (spec === undefined) {
    throw new LochError('PROTOCOL_VIOLATION', `iceberg deletes: equality delete file ${x.dataFile.filePath} uses partition spec ${x.specId}, which the table does not define`, {
      context: { file: x.dataFile.filePath, specId: x.specId, known: [...specs.keys()] },
    });
  }
  return spec;
}

/** Unpartitioned as Java judges it: no fields, or only `void` ones. */
export function isUnpartitioned(spec: PartitionSpec): boolean {
  return spec.fields.every((f) => f.transform.trim().toLowerCase() === 'void');
}

function push(map: Map<string, BySeq>, key: string, x: LiveEntry): void {
  const list = map.get(key);
  if (list) list.push(x);
  else map.set(key, [x]);
}

function sortBySeq(list: BySeq): void {
  list.sort((a, b) => a.sequenceNumber - b.sequenceNumber);
}

/** The entries of a sorted list whose sequence number is >= `min` (a suffix, found by bisection). */
function fromSeq(list: BySeq | undefined, min: number): LiveEntry[] {
  if (!list) return [];
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.sequenceNumber < min) lo = mid + 1;
    else hi = mid;
  }
  return list.slice(lo);
}

function mergeBySeq(a: LiveEntry[], b: LiveEntry[]): LiveEntry[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: LiveEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.sequenceNumber <= b[j]!.sequenceNumber)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

/**
 * A string that two partitions share iff they are equal under the spec's rules: the spec id and
 * the values ordered by partition field id, each tagged with its JS type.
 */
export function partitionKey(specId: number, tuple: PartitionTuple): string {
  const ids = [...tuple.keys()].sort((a, b) => a - b);
  return `${specId}|${JSON.stringify(ids.map((id) => [id, valueKey(tuple.get(id) ?? null)]))}`;
}

function valueKey(value: LiteralValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    // Bit-pattern equality with a canonical NaN: only -0 and NaN need care beyond String().
    if (Number.isNaN(value)) return 'n:NaN';
    return Object.is(value, -0) ? 'n:-0' : `n:${String(value)}`;
  }
  if (typeof value === 'bigint') return `l:${value.toString()}`;
  if (typeof value === 'string') return `s:${value}`;
  let hex = '';
  for (const byte of value) hex += byte.toString(16).padStart(2, '0');
  return `x:${hex}`;
}
