import type { Session } from '../../engine/index.js';
import { quoteIdentifier } from '../../expr/to-sql.js';
import type { StructField } from '../../expr/types.js';
import { encodeDvFile } from '../../formats/delta/deletion-vectors/index.js';
import type { EncodedDvFile } from '../../formats/delta/deletion-vectors/index.js';
import type { AddFile } from '../../formats/delta/spec/actions.js';
import { writeDataFiles } from '../write/data-files.js';
import type { WriteTarget } from '../write/data-files.js';
import type { DeltaTransaction } from '../write/transaction.js';
import { FILE_COL, ROW_COL, scanTarget } from './target-scan.js';
import type { TargetScan } from './target-scan.js';

/** How rows leave their files: marked in deletion vectors, or the files rewritten without them. */
export type RemovalStrategy = 'deletion_vectors' | 'copy_on_write';

export interface RemovalOutcome {
  readonly removedFiles: number;
  readonly removedBytes: number;
  readonly addedFiles: number;
  readonly addedBytes: number;
  /** Rows of touched files written again (copy-on-write only). */
  readonly copiedRows: number;
  /** Rows written from `newRowsSql`. */
  readonly newRows: number;
  readonly deletionVectorsAdded: number;
  readonly deletionVectorsRemoved: number;
}

/**
 * Stages the removal of the target rows listed in the TEMP table `rows` (columns __loch_file,
 * __loch_row of `scan`; pairs unique) and the writing of `newRowsSql` (rows with the target's
 * columns by logical name), in `tx`:
 * - deletion vectors: every touched file gets its old and new deleted positions in a new DV
 *   (all DVs of the operation in one DV file) and is re-added with it, its statistics marked
 *   not tight; a file left without live rows is removed; new rows go to new files;
 * - copy-on-write: the touched files are rewritten without those rows, together with the new
 *   rows, and removed.
 * Only positions of touched files travel to JavaScript (aggregated per file by DuckDB).
 */
export async function removeRows(tx: DeltaTransaction, session: Session, target: WriteTarget, scan: TargetScan, rows: string, newRowsSql: string | undefined, strategy: RemovalStrategy): Promise<RemovalOutcome> {
  if (strategy === 'copy_on_write') return rewriteFiles(tx, session, target, scan, rows, newRowsSql);
  // New rows first: a constraint they break then fails the statement before any DV file exists.
  const written = newRowsSql === undefined ? { adds: [], rows: 0, bytes: 0 } : await writeDataFiles(tx.ctx, tx.table, session, target, newRowsSql);
  const marked = await markDeleted(tx, session, scan, rows, target);
  tx.addFiles(written.adds);
  return { ...marked, addedFiles: written.adds.length, addedBytes: written.bytes, newRows: written.rows, copiedRows: 0 };
}

type Marked = Pick<RemovalOutcome, 'removedFiles' | 'removedBytes' | 'deletionVectorsAdded' | 'deletionVectorsRemoved'>;

async function markDeleted(tx: DeltaTransaction, session: Session, scan: TargetScan, rows: string, target: WriteTarget): Promise<Marked> {
  const result = await session.query(`SELECT ${FILE_COL}, list(${ROW_COL}::DOUBLE ORDER BY ${ROW_COL}) FROM ${quoteIdentifier(rows)} GROUP BY ${FILE_COL} ORDER BY ${FILE_COL}`);
  const touched: { add: AddFile; positions: number[] }[] = [];
  for (const row of await result.all()) {
    const index = Number(row[0]);
    const add = scan.files[index] as AddFile;
    touched.push({ add, positions: mergeSorted(scan.deleted[index], row[1] as number[]) });
  }
  if (touched.length === 0) return { removedFiles: 0, removedBytes: 0, deletionVectorsAdded: 0, deletionVectorsRemoved: 0 };
  const now = tx.ctx.clock.now();
  const emptied = touched.filter((t) => t.positions.length === recordCount(t.add));
  const kept = touched.filter((t) => t.positions.length !== recordCount(t.add));
  tx.removeFiles(
    touched.map((t) => t.add),
    now,
  );
  if (kept.length > 0) {
    const file = encodeDvFile(tx.ctx.ids.uuid(), kept.map((t) => ({ positions: t.positions })));
    await tx.table.store.put(file.path, file.bytes);
    tx.addFiles(kept.map((t, i) => ({ ...t.add, deletionVector: dvAction(file.descriptors[i]!), dataChange: true, ...(t.add.stats !== undefined ? { stats: looseStats(t.add.stats, target) } : {}) })));
  }
  return {
    removedFiles: emptied.length,
    removedBytes: emptied.reduce((n, t) => n + t.add.size, 0),
    deletionVectorsAdded: kept.length,
    deletionVectorsRemoved: touched.filter((t) => t.add.deletionVector !== undefined).length,
  };
}

async function rewriteFiles(tx: DeltaTransaction, session: Session, target: WriteTarget, scan: TargetScan, rows: string, newRowsSql: string | undefined): Promise<RemovalOutcome> {
  const indexes = (await (await session.query(`SELECT DISTINCT ${FILE_COL} FROM ${quoteIdentifier(rows)} ORDER BY 1`)).all()).map((r) => Number(r[0]));
  const touched = indexes.map((i) => scan.files[i] as AddFile);
  const columns = target.schema.fields.map((f) => quoteIdentifier(f.name)).join(', ');
  const parts: string[] = newRowsSql === undefined ? [] : [`SELECT ${columns} FROM (${newRowsSql})`];
  let copiedRows = 0;
  const rescan = touched.length > 0 ? await scanTarget(tx, session, target.schema, touched) : undefined;
  try {
    if (rescan !== undefined) {
      // The touched files again, in a scan of their own: old index → new index.
      const map = `(SELECT * FROM (VALUES ${indexes.map((old, i) => `(${old}, ${i})`).join(', ')}) AS m(old_index, new_index))`;
      const gone = `(SELECT m.new_index AS f, r.${ROW_COL} AS p FROM ${quoteIdentifier(rows)} AS r JOIN ${map} AS m ON r.${FILE_COL} = m.old_index)`;
      const survivors = `SELECT ${columns} FROM ${rescan.sql} AS s ANTI JOIN ${gone} AS g ON s.${FILE_COL} = g.f AND s.${ROW_COL} = g.p`;
      copiedRows = await survivorCount(session, touched, rows, survivors);
      parts.push(survivors);
    }
    const written = parts.length === 0 ? { adds: [], rows: 0, bytes: 0 } : await writeDataFiles(tx.ctx, tx.table, session, target, parts.join(' UNION ALL '));
    tx.removeFiles(touched, tx.ctx.clock.now());
    tx.addFiles(written.adds);
    return {
      removedFiles: touched.length,
      removedBytes: touched.reduce((n, f) => n + f.size, 0),
      addedFiles: written.adds.length,
      addedBytes: written.bytes,
      copiedRows,
      newRows: written.rows - copiedRows,
      deletionVectorsAdded: 0,
      deletionVectorsRemoved: touched.filter((f) => f.deletionVector !== undefined).length,
    };
  } finally {
    await rescan?.release();
  }
}

/**
 * Rows of the touched files that stay: their live rows (statistics minus deletion vectors) less
 * the removed ones, so the rewrite is not scanned twice; counted only when a file lacks numRecords.
 */
async function survivorCount(session: Session, touched: readonly AddFile[], rows: string, survivors: string): Promise<number> {
  const live = touched.map((f) => (recordCount(f) < 0 ? undefined : recordCount(f) - (f.deletionVector?.cardinality ?? 0)));
  const count = async (sql: string) => Number((await (await session.query(`SELECT count(*) FROM ${sql}`)).all())[0]?.[0] ?? 0);
  if (live.some((n) => n === undefined)) return count(`(${survivors})`);
  return (live as number[]).reduce((a, b) => a + b, 0) - (await count(quoteIdentifier(rows)));
}

/** Union of two ascending position lists. */
function mergeSorted(old: ArrayLike<number> | undefined, added: readonly number[]): number[] {
  if (old === undefined || old.length === 0) return [...added];
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < old.length || j < added.length) {
    const a = i < old.length ? old[i]! : Infinity;
    const b = j < added.length ? added[j]! : Infinity;
    const next = Math.min(a, b);
    if (out[out.length - 1] !== next) out.push(next);
    if (a === next) i++;
    if (b === next) j++;
  }
  return out;
}

/** numRecords from the statistics (physical rows, deleted ones included), or -1 when unknown. */
export function recordCount(add: AddFile): number {
  if (add.stats === undefined) return -1;
  try {
    const n = (JSON.parse(add.stats) as { numRecords?: unknown }).numRecords;
    return typeof n === 'number' ? n : -1;
  } catch {
    return -1;
  }
}

/**
 * With rows hidden by a DV, min/max still bound the live rows but are no longer tight. Bounds of
 * columns the table no longer has (dropped under column mapping) are left out: the re-added
 * file's statistics must name only today's data columns.
 */
function looseStats(stats: string, target: WriteTarget): string {
  try {
    const parsed = JSON.parse(stats) as Record<string, unknown>;
    const partitions = new Set(target.partitionColumns.map((c) => c.toLowerCase()));
    const data = target.schema.fields.filter((f) => !partitions.has(f.name.toLowerCase()));
    const out: Record<string, unknown> = { ...parsed, tightBounds: false };
    for (const section of ['minValues', 'maxValues', 'nullCount']) {
      if (isObject(parsed[section])) out[section] = knownOnly(parsed[section], data);
    }
    return JSON.stringify(out);
  } catch {
    return stats;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The members of a stats object keyed by the physical name of one of `fields`, recursively for structs. */
function knownOnly(values: Record<string, unknown>, fields: readonly StructField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const field = fields.find((f) => f.physicalName === key);
    if (field === undefined) continue;
    out[key] = field.type.kind === 'struct' && isObject(value) ? knownOnly(value, field.type.fields) : value;
  }
  return out;
}

function dvAction(d: EncodedDvFile['descriptors'][number]): NonNullable<AddFile['deletionVector']> {
  return { storageType: 'u', pathOrInlineDv: d.pathOrInlineDv, offset: d.offset ?? 1, sizeInBytes: d.sizeInBytes, cardinality: d.cardinality };
}
