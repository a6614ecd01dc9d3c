import { LochError } from '../../core/errors.js';
import { quoteIdentifier, quoteString } from '../../expr/to-sql.js';

/**
 * Z-order (Morton order) over several columns, as DuckDB SQL generated here.
 *
 * Each column is first mapped to a rank-normalised integer of `bits` bits: the number of its
 * 2^bits - 1 quantile boundaries, taken from a sample of the rows, that are below the value (a
 * boundary is the value where the cumulative fraction reaches i / 2^bits, so it belongs to the
 * lower part; ties share a rank and NULLs come first), much as Spark's range-partition ids do. Quantiles rather than raw values make every orderable type
 * usable (strings, dates, decimals) and spread skewed columns evenly; a sample keeps it to one
 * pass over the data, where exact ranks would need a sort per column. The integers' bits are then
 * interleaved, most significant first, so that rows close on the curve are close in every column
 * (the interleaving is precomputed per rank: the SQL only looks ranks up and adds).
 */

/** Cells per output file the cut planner chooses among (2^4 = 16 on average). */
const CELL_BITS_PER_FILE = 4;
/** Cell ids stay small integers (the cut planner XORs them as 32-bit numbers). */
const MAX_CELL_BITS = 30;
/** 1024 quantiles per column, about Spark's 1000 range ids; the bucket lookup has 10 levels. */
const MAX_RANK_BITS = 10;
/** Rows sampled for the quantile boundaries. */
export const SAMPLE_ROWS = 100_000;

/** Bits of the key prefix that names a row's cell: enough to cut `files` files at aligned boundaries. */
export function zCellBits(columnCount: number, files: number): number {
  const wanted = Math.ceil(Math.log2(Math.max(1, files))) + CELL_BITS_PER_FILE;
  return Math.min(MAX_CELL_BITS, wanted, rankBits(columnCount, files) * columnCount);
}

/** Bits per column: a little finer than the cells need, at most MAX_RANK_BITS. */
export function rankBits(columnCount: number, files: number): number {
  if (!Number.isInteger(columnCount) || columnCount < 1) throw new LochError('INTERNAL', `z-order: need at least one column, got ${columnCount}`);
  const cells = Math.ceil(Math.log2(Math.max(1, files))) + CELL_BITS_PER_FILE;
  return Math.max(1, Math.min(MAX_RANK_BITS, Math.ceil(cells / columnCount) + 1));
}

/**
 * One Z-order column: its DuckDB type and its 2^bits - 1 quantile boundaries in ascending order
 * (repeats kept, so a value's rank is its quantile position), as VARCHAR text; [] when the
 * sample had no non-NULL value.
 */
export interface ZColumn {
  readonly name: string;
  readonly duckType: string;
  readonly boundaries: readonly string[];
}

/**
 * One row: per column, the quantile boundaries at fractions i / 2^bits (i = 1 … 2^bits - 1) of
 * a reservoir sample of `relation`, as VARCHAR lists (NULL for a column without values).
 */
export function quantilesSql(relation: string, columns: readonly string[], bits: number, sampleRows = SAMPLE_ROWS): string {
  const fractions = Array.from({ length: 2 ** bits - 1 }, (_, i) => String((i + 1) / 2 ** bits)).join(', ');
  const lists = columns.map((c) => `list_transform(quantile_disc(${quoteIdentifier(c)}, [${fractions}]), __v -> CAST(__v AS VARCHAR))`);
  const projected = columns.map(quoteIdentifier).join(', ');
  return `SELECT ${lists.join(', ')} FROM (SELECT ${projected} FROM ${relation} AS __loch_zq) USING SAMPLE reservoir(${sampleRows} ROWS) REPEATABLE (1)`;
}

/**
 * Rank `rank`'s bits spread to column `j`'s places in a Morton key of `k` columns: bit b lands
 * at position b * k + (k - 1 - j), so the first column's bit leads each group.
 */
export function spreadBits(rank: number, bits: number, k: number, j: number): bigint {
  let out = 0n;
  for (let b = 0; b < bits; b++) if ((rank >> b) & 1) out |= 1n << BigInt(b * k + (k - 1 - j));
  return out;
}

/**
 * Column `j`'s share of the Morton key of `k` columns: its rank (how many boundaries are below
 * the value; NULL: 0) with the bits already spread, so that the key is the plain sum of the
 * shares. A binary search of nested CASEs with the boundaries inlined: log2(n) comparisons a
 * row and no bit arithmetic at all.
 */
export function keyShareSql(column: ZColumn, bits: number, k: number, j: number): string {
  if (k * bits > 62) throw new LochError('INVALID_ARGUMENT', `z-order: ${k} columns of ${bits} bits do not fit a 62-bit key`);
  const ref = quoteIdentifier(column.name);
  const bound = (i: number) => `CAST(${quoteString(column.boundaries[i] as string)} AS ${column.duckType})`;
  const search = (lo: number, hi: number): string => {
    if (lo === hi) return `${spreadBits(lo, bits, k, j)}::BIGINT`;
    const mid = Math.ceil((lo + hi) / 2);
    return `CASE WHEN ${ref} > ${bound(mid - 1)} THEN ${search(mid, hi)} ELSE ${search(lo, mid - 1)} END`;
  };
  return search(0, Math.min(column.boundaries.length, 2 ** bits - 1));
}

/**
 * How many files a Z-ordered group of `bytes` is cut into for a target file size: the ratio
 * rounded to the nearest power of two (at least 1). Cuts of a power-of-two count fall on the
 * curve's cell boundaries when the ranks are uniform, so every file is one aligned box in the
 * ranked space: tight min/max in every column. Files land within about 0.7x–1.4x of the target.
 */
export function zOrderFileCount(bytes: number, targetFileSize: number): number {
  const ratio = bytes / targetFileSize;
  if (!(ratio > 1)) return 1;
  return 2 ** Math.round(Math.log2(ratio));
}

/** Names of the helper columns a Z-order rewrite adds (never written to files). */
export const Z_KEY = '__loch_zkey';
export const Z_CELL = '__loch_zcell';

/**
 * SELECT over `relation` (a subquery or table usable in FROM) adding the Morton key of `columns`
 * (Z_KEY) and its leading `cellBits` bits (Z_CELL), ordered by the key. `keep` are the columns
 * passed through.
 */
export function zOrderSelect(relation: string, keep: readonly string[], columns: readonly ZColumn[], bits: number, cellBits: number): string {
  const shift = bits * columns.length - cellBits;
  if (shift < 0) throw new LochError('INTERNAL', `z-order: ${cellBits} cell bits exceed a key of ${bits * columns.length} bits`);
  const kept = keep.map(quoteIdentifier).join(', ');
  const key = columns.map((c, j) => `(${keyShareSql(c, bits, columns.length, j)})`).join(' + ');
  const keyed = `SELECT ${kept}, ${key} AS ${Z_KEY} FROM ${relation} AS __loch_zsrc`;
  return `SELECT ${kept}, ${Z_KEY}, ${Z_KEY} >> ${shift} AS ${Z_CELL} FROM (${keyed}) AS __loch_zkeyed ORDER BY ${Z_KEY}`;
}
