/**
 * Whether two query results hold the same rows. Order is not compared (ties under ORDER BY may
 * come back in either order); numbers that are not exact (DOUBLE results of avg or of dividing
 * decimals) may differ in the last bits, since parallel aggregation adds in any order.
 */
type Value = unknown;

const RELATIVE = 1e-9;

function closeEnough(a: Value, b: Value): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) && Number.isNaN(b)) return true;
    return Math.abs(a - b) <= RELATIVE * Math.max(1, Math.abs(a), Math.abs(b));
  }
  if (typeof a === 'bigint' || typeof b === 'bigint') return String(a) === String(b);
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A sort key that ignores the low bits of doubles, so near-equal rows sort alike. */
function sortKey(row: readonly Value[]): string {
  return row.map((v) => (typeof v === 'number' ? v.toPrecision(6) : typeof v === 'bigint' ? v.toString() : JSON.stringify(v))).join('\u0001');
}

/** Undefined when the results agree; otherwise a description of the first difference. */
export function compareRows(loch: readonly (readonly Value[])[], baseline: readonly (readonly Value[])[]): string | undefined {
  if (loch.length !== baseline.length) return `${loch.length} rows from loch, ${baseline.length} from the baseline`;
  const order = (rows: readonly (readonly Value[])[]) =>
    rows
      .map((row) => ({ row, key: sortKey(row) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((entry) => entry.row);
  const left = order(loch);
  const right = order(baseline);
  for (let i = 0; i < left.length; i += 1) {
    const a = left[i] as readonly Value[];
    const b = right[i] as readonly Value[];
    if (a.length !== b.length || a.some((v, j) => !closeEnough(v, b[j]))) {
      return `row ${i} differs: loch ${describe(a)} vs baseline ${describe(b)}`;
    }
  }
  return undefined;
}

function describe(row: readonly Value[]): string {
  return `[${row.map((v) => (typeof v === 'bigint' ? `${v}n` : JSON.stringify(v))).join(', ')}]`;
}
