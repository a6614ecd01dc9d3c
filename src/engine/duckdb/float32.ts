/**
 * The shortest decimal number that reads back as the same float32. DuckDB hands FLOAT values to
 * JavaScript widened to double (1.1f arrives as 1.100000023841858); users expect 1.1.
 */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  // Nine significant digits always suffice for float32; the first precision that round-trips is
  // the shortest, and toPrecision gives the closest decimal of that length.
  for (let precision = 1; precision < 9; precision += 1) {
    const candidate = Number(value.toPrecision(precision));
    if (Math.fround(candidate) === value) return candidate;
  }
  return Number(value.toPrecision(9));
}
