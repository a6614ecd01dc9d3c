/**
 * Deterministic pseudo-randomness in DuckDB SQL: every value is a function of a row's key and a
 * per-column salt through DuckDB's `hash`, so the generated data never depends on row order,
 * thread count or run. Each helper returns an SQL expression over the key expression `k`.
 */

const quote = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** An integer uniformly drawn from [lo, hi] (BIGINT). */
export function randInt(k: string, salt: number, lo: number, hi: number): string {
  return `(${lo} + CAST(hash(${k}, ${salt}) % ${hi - lo + 1} AS BIGINT))`;
}

/** One element of `values`, uniformly. */
export function pick(k: string, salt: number, values: readonly string[]): string {
  return `([${values.map(quote).join(', ')}])[1 + CAST(hash(${k}, ${salt}) % ${values.length} AS BIGINT)]`;
}

/** DECIMAL(15,2) from an integer count of cents (exact: no floating point on the way). */
export function money(cents: string): string {
  return `CAST(CAST(${cents} AS DECIMAL(18,0)) * 0.01 AS DECIMAL(15,2))`;
}

/**
 * Between `min` and `max` words of `vocabulary` separated by spaces; word i uses salt + i, the
 * count uses salt. concat_ws skips the NULLs of the words beyond the count.
 */
export function words(k: string, salt: number, min: number, max: number, vocabulary: readonly string[]): string {
  const count = randInt(k, salt, min, max);
  const parts: string[] = [];
  for (let i = 1; i <= max; i += 1) {
    const word = pick(k, salt + i, vocabulary);
    parts.push(i <= min ? word : `CASE WHEN ${count} >= ${i} THEN ${word} END`);
  }
  return `concat_ws(' ', ${parts.join(', ')})`;
}

/** A random-looking alphanumeric string of `min`..`max` characters (addresses). */
export function scramble(k: string, salt: number, min: number, max: number): string {
  const text = `md5(CAST(${k} AS VARCHAR) || '/${salt}a') || md5(CAST(${k} AS VARCHAR) || '/${salt}b')`;
  return `left(${text}, CAST(${randInt(k, salt, min, max)} AS INTEGER))`;
}

/** 'prefix' followed by `n` zero-padded to 9 digits (Supplier#000000001). */
export function numbered(prefix: string, n: string): string {
  return `${quote(prefix)} || lpad(CAST(${n} AS VARCHAR), 9, '0')`;
}

/** A phone number whose country code is nation key + 10: 'CC-ddd-ddd-dddd'. */
export function phone(k: string, salt: number, nationKey: string): string {
  const part = (i: number, lo: number, hi: number) => `CAST(${randInt(k, salt + i, lo, hi)} AS VARCHAR)`;
  return `CAST(${nationKey} + 10 AS VARCHAR) || '-' || ${part(0, 100, 999)} || '-' || ${part(1, 100, 999)} || '-' || ${part(2, 1000, 9999)}`;
}

export { quote };
