import type { Session } from '../../engine/index.js';
import { LochError } from '../../core/errors.js';
import { dataTypeToDuckDb, quoteIdentifier } from '../../expr/to-sql.js';
import type { AddFile } from '../../formats/delta/spec/actions.js';
import type { DeltaSnapshot } from '../../formats/delta/snapshot.js';
import { planDeltaScan } from '../delta-scan-planner.js';
import { writeDataFiles } from '../write/data-files.js';
import type { WriteTarget } from '../write/data-files.js';
import type { DeltaTransaction } from '../write/transaction.js';
import { deletedRows, physicalRecords } from './optimize-bins.js';
import { planCuts } from './z-order-cuts.js';
import { Z_CELL, Z_KEY, quantilesSql, rankBits, zCellBits, zOrderFileCount, zOrderSelect } from './z-order.js';
import type { ZColumn } from './z-order.js';

/**
 * The data work of OPTIMIZE: files are read through the normal scan path (deletion vectors
 * applied, so deleted rows vanish; column mapping and partition values resolved) and written
 * again by DuckDB. Rows never come into JavaScript.
 */
export interface RewriteInput {
  readonly tx: DeltaTransaction;
  readonly session: Session;
  readonly snapshot: DeltaSnapshot;
  readonly targetFileSize: number;
}

function writeTarget(snapshot: DeltaSnapshot): WriteTarget {
  return { schema: snapshot.schema, partitionColumns: snapshot.partitionColumns, metadata: snapshot.metadata };
}

function columnList(snapshot: DeltaSnapshot): string[] {
  return snapshot.schema.fields.map((f) => f.name);
}

/** Runs `fn` with a relation over exactly `files` of the snapshot. */
async function withScan<T>(input: RewriteInput, files: readonly AddFile[], fn: (relation: string) => Promise<T>): Promise<T> {
  const { tx, session, snapshot } = input;
  const planned = await planDeltaScan(tx.ctx, tx.table, { ...snapshot, files }, {});
  try {
    const registered = await session.registerScan(planned.spec);
    try {
      return await fn(registered.sql);
    } finally {
      await registered.dispose();
    }
  } finally {
    planned.release();
  }
}

/** Bytes of the rows still live in `files` (deleted rows taken out in proportion). */
export function liveBytes(files: readonly AddFile[]): number {
  return files.reduce((sum, f) => {
    const records = physicalRecords(f);
    const deleted = deletedRows(f);
    const live = records !== undefined && records > 0 ? Math.max(0, 1 - deleted / records) : 1;
    return sum + f.size * live;
  }, 0);
}

/** A cap on the written file size that no output of `bytes` input reaches: one file per write. */
function oneFileCap(bytes: number, target: number): number {
  return Math.max(target, Math.ceil(bytes * 2), 1);
}

/**
 * Rewrites each bin into one file. Round i writes the i-th bin of every partition in one write:
 * a partitioned write gives one file per partition, so each bin still becomes one file.
 */
export async function rewriteBins(input: RewriteInput, binsByPartition: readonly (readonly (readonly AddFile[])[])[]): Promise<AddFile[]> {
  const rounds = Math.max(0, ...binsByPartition.map((bins) => bins.length));
  const columns = columnList(input.snapshot).map(quoteIdentifier).join(', ');
  const adds: AddFile[] = [];
  for (let round = 0; round < rounds; round++) {
    const files = binsByPartition.flatMap((bins) => bins[round] ?? []);
    const bytes = Math.max(...binsByPartition.map((bins) => (bins[round] ?? []).reduce((n, f) => n + f.size, 0)));
    const written = await withScan(input, files, (relation) =>
      writeDataFiles(input.tx.ctx, input.tx.table, input.session, writeTarget(input.snapshot), `SELECT ${columns} FROM ${relation} AS __loch_bin`, {
        targetFileSize: oneFileCap(bytes, input.targetFileSize),
      }),
    );
    adds.push(...written.adds);
  }
  return adds;
}

/**
 * Rewrites `files` (all of one partition) ordered along the Z-order curve of `columns`, cut
 * into about zOrderFileCount files at aligned cell boundaries (see planCuts), each sorted by the
 * curve inside. One pass samples quantile boundaries; a second stages the keyed rows, sorted,
 * in a DuckDB temp table (which spills to disk when large); each output file is then one write
 * of its run of cells.
 */
export async function rewriteZOrdered(input: RewriteInput, files: readonly AddFile[], columns: readonly string[]): Promise<AddFile[]> {
  const { tx, session, snapshot } = input;
  const names = columnList(snapshot);
  const bytes = liveBytes(files);
  const count = zOrderFileCount(bytes, input.targetFileSize);
  const bits = rankBits(columns.length, count);
  const staged = `__loch_zorder_${tx.ctx.ids.uuid().replaceAll('-', '')}`;
  return withScan(input, files, async (relation) => {
    const zColumns = await sampleBoundaries(session, snapshot, relation, columns, bits);
    await session.run(`CREATE TEMP TABLE ${staged} AS ${zOrderSelect(relation, names, zColumns, bits, zCellBits(columns.length, count))}`);
    try {
      const histogram = await (await session.query(`SELECT ${Z_CELL}, count(*) FROM ${staged} GROUP BY ${Z_CELL} ORDER BY ${Z_CELL}`)).all();
      const cells = histogram.map((row) => ({ cell: Number(row[0]), rows: Number(row[1]) }));
      const totalRows = cells.reduce((n, c) => n + c.rows, 0);
      const select = names.map(quoteIdentifier).join(', ');
      const adds: AddFile[] = [];
      for (const range of planCuts(cells, totalRows / count)) {
        const sql = `SELECT ${select} FROM ${staged} WHERE ${Z_CELL} BETWEEN ${range.first} AND ${range.last} ORDER BY ${Z_KEY}`;
        const cap = oneFileCap((bytes * range.rows) / Math.max(1, totalRows), input.targetFileSize);
        const written = await writeDataFiles(tx.ctx, tx.table, session, writeTarget(snapshot), sql, { targetFileSize: cap });
        adds.push(...written.adds);
      }
      return adds;
    } finally {
      await session.run(`DROP TABLE IF EXISTS ${staged}`);
    }
  });
}

/** Quantile boundaries of each Z-order column, from a sample of the rows being rewritten. */
async function sampleBoundaries(session: Session, snapshot: DeltaSnapshot, relation: string, columns: readonly string[], bits: number): Promise<ZColumn[]> {
  const [row] = await (await session.query(quantilesSql(relation, columns, bits))).all();
  return columns.map((name, i) => {
    const field = snapshot.schema.fields.find((f) => f.name === name);
    if (field === undefined) throw new LochError('INTERNAL', `delta optimize: Z-order column ${name} is not in the schema`);
    const list = row?.[i];
    const boundaries = Array.isArray(list) ? list.map(String) : [];
    return { name, duckType: dataTypeToDuckDb(field.type), boundaries };
  });
}
