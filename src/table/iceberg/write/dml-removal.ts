import type { Session } from '../../../engine/index.js';
import { quoteIdentifier } from '../../../expr/to-sql.js';
import type { LiveEntry } from '../../../formats/iceberg/model.js';
import { writeDeletionVectorFile, writePositionDeleteFiles } from './dml-delete-files.js';
import type { IcebergRowStrategy } from './dml-mode.js';
import type { IcebergDmlTarget, IcebergTargetScan } from './dml-scan.js';
import { LAST_UPDATED_SEQ_COLUMN, ROW_ID_COLUMN } from './row-lineage.js';

const FILE = quoteIdentifier('__loch_file');
const ROW = quoteIdentifier('__loch_row');

/** What removing rows (and writing new ones) staged in the transaction. */
export interface IcebergRemovalOutcome {
  /** Data files removed (rewritten or emptied). */
  readonly removedDataFiles: number;
  /** Rows written: copied survivors plus new rows. */
  readonly writtenRows: number;
  /** Rows of rewritten files written again. */
  readonly copiedRows: number;
  /** Position delete files or deletion vectors added. */
  readonly addedDeleteFiles: number;
  /** Delete files removed with their data file or replaced by a new deletion vector. */
  readonly removedDeleteFiles: number;
}

/** A data file with rows to remove: its index in the scan, how many go and (v3) which. */
interface Touched {
  readonly index: number;
  readonly entry: LiveEntry;
  readonly count: number;
  readonly positions?: readonly number[];
}

/**
 * Stages the removal of the target rows listed in the TEMP table `rows` (columns __loch_file,
 * __loch_row of `scan`; pairs unique) and the writing of `newRowsSql` (rows with the table's
 * columns by name; `newRows` of them; when `scan.rowLineage`, also `_row_id`: the updated row's
 * id, NULL for an inserted row):
 * - copy-on-write: touched files are rewritten without those rows (one write with the new rows)
 *   and removed, with the deletion vectors and single-file position deletes that named them;
 * - merge-on-read: v2 writes position delete files, v3 one Puffin file of deletion vectors that
 *   include each file's earlier deletes (its old vector and file-scoped position deletes are
 *   removed). A file left without rows is removed instead, and files of an older partition
 *   spec are rewritten (the snapshot's added delete files carry the current spec).
 */
export async function removeIcebergRows(
  target: IcebergDmlTarget,
  session: Session,
  scan: IcebergTargetScan,
  rows: string,
  newRowsSql: string | undefined,
  newRows: number,
  strategy: IcebergRowStrategy,
): Promise<IcebergRemovalOutcome> {
  const { tx } = target;
  const v3 = (tx.base?.formatVersion ?? 2) >= 3;
  const touched = await touchedFiles(session, scan, rows, strategy === 'merge-on-read' && v3);
  const liveOf = (t: Touched) => t.entry.dataFile.recordCount - (scan.deleted[t.index]?.length ?? 0);
  const emptied = touched.filter((t) => t.count >= liveOf(t));
  const kept = touched.filter((t) => t.count < liveOf(t));
  const rewrite = strategy === 'copy-on-write' ? kept : kept.filter((t) => t.entry.specId !== tx.spec.specId);
  const marked = strategy === 'copy-on-write' ? [] : kept.filter((t) => t.entry.specId === tx.spec.specId);
  const written = await writeRowsAndSurvivors(target, session, scan, rows, newRowsSql, rewrite);
  const deletes = (await tx.liveEntries()).deletes;
  const addedDeletes = await writeDeletes(target, session, scan, rows, marked, v3);
  const gone = [...emptied, ...rewrite].map((t) => t.entry);
  // v3: the new vector holds every earlier delete of its file, so the old vector and file-scoped position deletes go.
  const staleDeletes = deletesOf(deletes, [...gone, ...(v3 ? marked.map((t) => t.entry) : [])]);
  tx.removeFiles([...gone, ...staleDeletes]);
  tx.addFiles(addedDeletes);
  return {
    removedDataFiles: gone.length,
    writtenRows: written,
    copiedRows: written - (newRowsSql === undefined ? 0 : newRows),
    addedDeleteFiles: addedDeletes.length,
    removedDeleteFiles: staleDeletes.length,
  };
}

/** v3: one deletion vector per marked file holding its old and new positions; v2: position delete files of the new ones. */
async function writeDeletes(target: IcebergDmlTarget, session: Session, scan: IcebergTargetScan, rows: string, marked: readonly Touched[], v3: boolean) {
  if (marked.length === 0) return [];
  if (!v3) return writePositionDeleteFiles(target, session, scan.entries, rows, marked.map((t) => t.index));
  return writeDeletionVectorFile(
    target,
    marked.map((t) => ({ entry: t.entry, positions: mergeSorted(scan.deleted[t.index], t.positions ?? []) })),
  );
}

/** Touched files with their removed-row counts (and, when asked, the positions), by scan index. */
async function touchedFiles(session: Session, scan: IcebergTargetScan, rows: string, withPositions: boolean): Promise<Touched[]> {
  const positions = withPositions ? `, list(${ROW}::DOUBLE ORDER BY ${ROW})` : '';
  const result = await session.query(`SELECT ${FILE}, count(*)${positions} FROM ${quoteIdentifier(rows)} GROUP BY ${FILE} ORDER BY ${FILE}`);
  return (await result.all()).map((row) => {
    const index = Number(row[0]);
    return {
      index,
      entry: scan.entries[index] as LiveEntry,
      count: Number(row[1]),
      ...(withPositions ? { positions: (row[2] as number[]).map(Number) } : {}),
    };
  });
}

/**
 * One write of the new rows and the survivors of the files to rewrite; returns the rows written.
 * v3 (`scan.rowLineage`): survivors keep their stored `_row_id` and last-updated sequence number;
 * new rows keep the `_row_id` their source gives (an updated row's, NULL for an inserted one) and
 * store no sequence number, so they read as changed in the new snapshot.
 */
async function writeRowsAndSurvivors(target: IcebergDmlTarget, session: Session, scan: IcebergTargetScan, rows: string, newRowsSql: string | undefined, rewrite: readonly Touched[]): Promise<number> {
  const names = target.tx.lochSchema.fields.map((f) => quoteIdentifier(f.name));
  const columns = names.join(', ');
  const lineage = scan.rowLineage;
  const newLineage = lineage ? `, ${quoteIdentifier(ROW_ID_COLUMN)}, NULL::BIGINT AS ${quoteIdentifier(LAST_UPDATED_SEQ_COLUMN)}` : '';
  const kept = lineage ? `, s.${quoteIdentifier(ROW_ID_COLUMN)}, s.${quoteIdentifier(LAST_UPDATED_SEQ_COLUMN)}` : '';
  const parts = newRowsSql === undefined ? [] : [`SELECT ${columns}${newLineage} FROM (${newRowsSql})`];
  const subset = rewrite.length === 0 ? undefined : await scan.subset(rewrite.map((t) => t.index));
  try {
    if (subset !== undefined) {
      const map = `(VALUES ${rewrite.map((t, i) => `(${t.index}, ${i})`).join(', ')}) AS m(old_index, new_index)`;
      const gone = `(SELECT m.new_index AS f, r.${ROW} AS p FROM ${quoteIdentifier(rows)} AS r JOIN ${map} ON r.${FILE} = m.old_index)`;
      const survivors = names.map((c) => `s.${c}`).join(', ');
      parts.push(`SELECT ${survivors}${kept} FROM ${subset.sql} AS s ANTI JOIN ${gone} AS g ON s.${FILE} = g.f AND s.${ROW} = g.p`);
    }
    if (parts.length === 0) return 0;
    return await target.tx.writeRows(session, parts.join(' UNION ALL '), { byName: true, rowLineage: lineage });
  } finally {
    await subset?.release();
  }
}

/**
 * Live delete files scoped to one of `data`: deletion vectors and position delete files whose
 * referenced_data_file is one of them (Java's "file-scoped" deletes). Files covering several
 * data files stay: they no longer match a removed file, which is harmless.
 */
function deletesOf(deletes: readonly LiveEntry[], data: readonly LiveEntry[]): LiveEntry[] {
  if (data.length === 0) return [];
  const paths = new Set(data.map((e) => e.dataFile.filePath));
  return deletes.filter((d) => d.dataFile.content === 'position_deletes' && d.dataFile.referencedDataFile !== undefined && paths.has(d.dataFile.referencedDataFile));
}

/** Union of two ascending position lists. */
export function mergeSorted(old: ArrayLike<number> | undefined, added: readonly number[]): number[] {
  if (old === undefined || old.length === 0) return [...added];
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < old.length || j < added.length) {
    const a = i < old.length ? (old[i] as number) : Infinity;
    const b = j < added.length ? (added[j] as number) : Infinity;
    const next = Math.min(a, b);
    if (out[out.length - 1] !== next) out.push(next);
    if (a === next) i++;
    if (b === next) j++;
  }
  return out;
}
