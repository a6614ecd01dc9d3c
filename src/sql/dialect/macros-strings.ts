import { failure, macro, type Overload } from './macro-sql.js';

/**
 * Databricks string, regular-expression, JSON and hash functions as DuckDB macros. Regular
 * expressions stay RE2 (DuckDB's engine): Java-only syntax such as lookarounds fails in DuckDB.
 */

/** concat is variadic in both; macros are not, so Loch defines arities 1 to this many. */
export const CONCAT_MAX_ARGS = 32;

/** Spark's concat is NULL when any argument is; DuckDB's skips NULLs. */
function concatOverload(arity: number): Overload {
  const params = Array.from({ length: arity }, (_, i) => `a${i + 1}`);
  const anyNull = params.map((p) => `${p} IS NULL`).join(' OR ');
  return [params.join(', '), `CASE WHEN ${anyNull} THEN NULL ELSE system.main.concat(${params.join(', ')}) END`];
}

/**
 * True when a regular expression has a capturing group: an unescaped `(` not followed by `?`,
 * or a named group `(?P<n>` / `(?<n>`. Escapes are removed first; a `(` inside a character
 * class still counts (a rare false positive that makes the result the group, as in Spark).
 */
const HAS_GROUP = String.raw`regexp_matches(system.main.regexp_replace(p, '\\.', '', 'g'), '\((?:[^?]|\?P?<[^=!])')`;

/** Spark's default group is 1; DuckDB's 0. A pattern without groups keeps DuckDB's whole match. */
function defaultGroup(fn: string): Overload {
  return ['s, p', `CASE WHEN ${HAS_GROUP} THEN system.main.${fn}(s, p, 1) ELSE system.main.${fn}(s, p, 0) END`];
}

/**
 * split with a positive limit: the first limit-1 pieces, then everything after the limit-1th
 * separator. The separators are the pattern's matches, so the rest starts after the lengths of
 * those pieces and separators.
 */
const SPLIT_LIMIT = [
  'parts, seps, s, n',
  `CASE WHEN len(parts) <= n THEN parts ELSE list_concat(parts[1:n - 1], [system.main.substring(s, CAST(1 + coalesce(list_sum(list_transform(parts[1:n - 1], lambda __loch_e: length(__loch_e))), 0) + coalesce(list_sum(list_transform(seps[1:n - 1], lambda __loch_e: length(__loch_e))), 0) AS BIGINT))]) END`,
] as const;

const initcap = "array_to_string(list_transform(string_split(lower(s), ' '), lambda w: upper(w[1]) || w[2:]), ' ')";

/** Spark's locate: 1-based from pos; 0 when absent, when pos < 1 or when pos is NULL. */
const locateFrom = `CASE WHEN pos IS NULL OR pos < 1 THEN 0 WHEN s IS NULL OR sub IS NULL THEN NULL WHEN strpos(system.main.substring(s, pos), sub) = 0 THEN 0 ELSE CAST(strpos(system.main.substring(s, pos), sub) + pos - 1 AS INTEGER) END`;

/** Spark's substring_index: before the count-th delimiter, or after the count-th from the end. */
const substringIndex = `CASE WHEN n = 0 OR delim = '' THEN '' WHEN n > 0 THEN array_to_string(list_slice(string_split(s, delim), 1, n), delim) ELSE array_to_string(list_slice(string_split(s, delim), n, -1), delim) END`;

/** Spark reads position 0 as 1; DuckDB starts before the first character. */
const fromOne = 'CASE WHEN p = 0 THEN 1 ELSE p END';
const substringOverloads = (fn: string): Overload[] => [
  ['s, p', `system.main.${fn}(s, ${fromOne})`],
  ['s, p, l', `system.main.${fn}(s, ${fromOne}, l)`],
];

const sha2 = `CASE WHEN n IN (0, 256) THEN sha256(s) WHEN n IN (224, 384, 512) THEN ${failure('sha2: Loch supports the bit lengths 0 and 256 only')} ELSE NULL END`;

export const STRING_MACROS: readonly string[] = [
  macro('concat', ...Array.from({ length: CONCAT_MAX_ARGS }, (_, i) => concatOverload(i + 1))),
  macro('regexp_extract', defaultGroup('regexp_extract'), ['s, p, g', 'system.main.regexp_extract(s, p, g)'], ['s, p, g, o', 'system.main.regexp_extract(s, p, g, o)']),
  macro('regexp_extract_all', defaultGroup('regexp_extract_all'), ['s, p, g', 'system.main.regexp_extract_all(s, p, g)'], ['s, p, g, o', 'system.main.regexp_extract_all(s, p, g, o)']),
  macro('__loch_split_limit', SPLIT_LIMIT),
  macro('split', ['s, p', 'regexp_split_to_array(s, p)'], ['s, p, n', 'CASE WHEN n <= 0 THEN regexp_split_to_array(s, p) ELSE __loch_split_limit(regexp_split_to_array(s, p), regexp_extract_all(s, p, 0), s, n) END']),
  macro('rlike', ['s, p', 'regexp_matches(s, p)']),
  macro('regexp_like', ['s, p', 'regexp_matches(s, p)']),
  macro('regexp', ['s, p', 'regexp_matches(s, p)']),
  macro('locate', ['sub, s', 'CAST(strpos(s, sub) AS INTEGER)'], ['sub, s, pos', locateFrom]),
  macro('substring', ...substringOverloads('substring')),
  macro('substr', ...substringOverloads('substr')),
  macro('substring_index', ['s, delim, n', substringIndex]),
  macro('initcap', ['s', initcap]),
  macro('lpad', ['s, n', "system.main.lpad(s, n, ' ')"], ['s, n, pad', 'system.main.lpad(s, n, pad)']),
  macro('rpad', ['s, n', "system.main.rpad(s, n, ' ')"], ['s, n, pad', 'system.main.rpad(s, n, pad)']),
  macro('space', ['n', "repeat(' ', greatest(CAST(n AS INTEGER), 0))"]),
  macro('startswith', ['s, prefix', 'starts_with(s, prefix)']),
  macro('endswith', ['s, suffix', 'ends_with(s, suffix)']),
  macro('get_json_object', ['j, path', 'CASE WHEN json_valid(j) THEN json_extract_string(j, path) END']),
  macro('sha2', ['s, n', sha2]),
  macro('sha', ['s', 'sha1(s)']),
  macro('unbase64', ['s', 'from_base64(s)']),
];
