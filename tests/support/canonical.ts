/**
 * The canonical JSON form of ../shared/testdata (see its README): what an engine value looks like
 * in an expected file. Longs beyond 2^53 are strings, binary is lowercase hex, non-finite doubles
 * are strings, maps are arrays of {key, value}; rows compare as multisets of JSON text.
 */
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function canonicalValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value > MAX_SAFE || value < -MAX_SAFE ? value.toString() : Number(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Infinity) return 'Infinity';
    if (value === -Infinity) return '-Infinity';
    return value;
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = canonicalValue(v);
    return out;
  }
  return value;
}

export function canonicalRows(columns: readonly { name: string }[], rows: readonly (readonly unknown[])[]): Record<string, unknown>[] {
  return rows.map((row) => {
    const object: Record<string, unknown> = {};
    columns.forEach((c, i) => (object[c.name] = canonicalValue(row[i])));
    return object;
  });
}

/** Sorted JSON texts: two row lists are equal as multisets iff these arrays are equal. */
export function sortedJson(rows: readonly unknown[]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}
