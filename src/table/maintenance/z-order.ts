import { LochError } from '../../core/errors.js';
import { quoteIdentifier, quoteString } from '../../expr/to-sql.js';

/**
 * Z-order (Morton order) over several columns, as DuckDB SQL generated here.
 *
 * Each column is first mapped to a rank-normalised integer of `bits` bits: the number of its
 * 2^bits - 1 quantile boundaries, taken from a sample of the rows, that are <= the value (so
 * ties share a rank and NULLs come first), much as Spark's range-partition ids do. Quantiles rather than raw values make every orderable type
 * usable (strings, dates, decimals) and spread skewed columns evenly; a sample keeps it to one
 * pass over the data, where exact ranks would need a sort per column. The integers' bits are then
 * interleaved, most significant first, so that rows close on the curve are close in every column.
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
 * The column's rank, 0..boundaries.length: how many boundaries are <= the value (NULL: 0), as a
 * binary search of nested CASEs with the boundaries inlined: about log2(n) comparisons a row.
 */
export function rankSql(column: ZColumn): string {
  const ref = quoteIdentifier(column.name);
  const bound = (i: number) => `CAST(${quoteString(column.boundaries[i] as string)} AS ${column.duckType})`;
  const search = (lo: number, hi: number): string => {
    if (lo === hi) return String(lo);
    const mid = Math.ceil((lo + hi) / 2);
    return `CASE WHEN ${ref} >= ${bound(mid - 1)} THEN ${search(mid, hi)} ELSE ${search(lo, mid - 1)} END`;
  };
  return search(0, column.boundaries.length);
}

/**
 * The Morton key of the columns `ranks` (SQL expressions of integers in [0, 2^bits)): bit b of
 * rank j lands at position b * k + (k - 1 - j), so the first column's bit leads each group.
 */
export function interleaveSql(ranks: readonly string[], bits: number): string {
  const k = ranks.length;
  if (k === 0) throw new LochError('INTERNAL', 'z-order: nothing to interleave');
  if (k * bits > 62) throw new LochError('INVALID_ARGUMENT', `z-order: ${k} columns of ${bits} bits do not fit a 62-bit key`);
  if (k === 1) return `CAST(${ranks[0]} AS BIGINT)`;
  const terms: string[] = [];
  for (let b = bits - 1; b >= 0; b--) {
    ranks.forEach((r, j) => {
      const position = b * k + (k - 1 - j);
      // Each term in parentheses: in DuckDB '+' binds tighter than '<<'.
      terms.push(`((((${r}) >> ${b}) & 1) << ${position})`);
    });
  }
  return `CAST(${terms.join(' + ')} AS BIGINT)`;
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
  // Ranks are computed once per row in their own projection; the key refers to them by name.
  const names = columns.map((_, i) => `__loch_zrank${i}`);
  const ranked = `SELECT ${kept}, ${columns.map((c, i) => `${rankSql(c)} AS ${names[i]}`).join(', ')} FROM ${relation} AS __loch_zsrc`;
  const keyed = `SELECT ${kept}, ${interleaveSql(names, bits)} AS ${Z_KEY} FROM (${ranked}) AS __loch_zranked`;
  return `SELECT ${kept}, ${Z_KEY}, ${Z_KEY} >> ${shift} AS ${Z_CELL} FROM (${keyed}) AS __loch_zkeyed ORDER BY ${Z_KEY}`;
}
