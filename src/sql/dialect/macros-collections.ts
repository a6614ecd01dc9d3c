import { failure, macro } from './macro-sql.js';

/**
 * Databricks array, map, aggregate, null-handling and math functions as DuckDB macros. Lambda
 * parameters are named `__loch_e` so that they cannot capture a column of the caller's argument.
 */

/**
 * size of an array or a map (NULL for NULL, as with ANSI mode on). len() binds only for lists
 * and cardinality() only for maps, so each branch casts to a shape every type can TRY_CAST to
 * (VARCHAR elements keep the element count); typeof picks the branch at bind time.
 */
const size = "CAST(CASE WHEN typeof(x) LIKE 'MAP(%' THEN system.main.cardinality(TRY_CAST(x AS MAP(VARCHAR, VARCHAR))) ELSE len(TRY_CAST(x AS VARCHAR[])) END AS INTEGER)";

/** Spark's slice: 1-based start, negative from the end, an empty array when it starts before the array. */
const slice = `CASE WHEN start > 0 THEN list_slice(a, start, start + n - 1) WHEN start < 0 AND -start > len(a) THEN list_slice(a, 1, 0) WHEN start < 0 THEN list_slice(a, len(a) + start + 1, len(a) + start + n) ELSE ${failure('slice: the start index must not be 0 (INVALID_INDEX_OF_ZERO)')} END`;

/** Spark's arrays_overlap: NULL instead of false when no element is shared but NULLs are present. */
const hasNull = (a: string) => `len(list_filter(${a}, lambda __loch_e: __loch_e IS NULL)) > 0`;
const arraysOverlap = `CASE WHEN a IS NULL OR b IS NULL THEN NULL WHEN list_has_any(a, b) THEN true WHEN len(a) > 0 AND len(b) > 0 AND (${hasNull('a')} OR ${hasNull('b')}) THEN NULL ELSE false END`;

/** Spark's str_to_map: both delimiters are regular expressions; a key without a value maps to NULL. */
const strToMap = "map_from_entries(list_transform(regexp_split_to_array(t, pd), lambda __loch_e: {'key': split(__loch_e, kd, 2)[1], 'value': split(__loch_e, kd, 2)[2]}))";

export const COLLECTION_MACROS: readonly string[] = [
  macro('size', ['x', size]),
  macro('cardinality', ['x', size]),
  macro('array_size', ['a', 'CAST(len(a) AS INTEGER)']),
  macro('element_at', ['c, k', 'c[k]']),
  macro('try_element_at', ['c, k', 'c[k]']),
  macro('array_position', ['a, v', 'CASE WHEN a IS NULL OR v IS NULL THEN NULL ELSE CAST(coalesce(list_position(a, v), 0) AS BIGINT) END']),
  macro('array_join', ['a, sep', 'array_to_string(a, sep)'], ['a, sep, null_text', 'array_to_string(list_transform(a, lambda __loch_e: coalesce(CAST(__loch_e AS VARCHAR), null_text)), sep)']),
  macro('sort_array', ['a', "list_sort(a, 'ASC', 'NULLS FIRST')"], ['a, ascending', "CASE WHEN ascending THEN list_sort(a, 'ASC', 'NULLS FIRST') ELSE list_sort(a, 'DESC', 'NULLS LAST') END"]),
  macro('arrays_overlap', ['a, b', arraysOverlap]),
  macro('slice', ['a, start, n', slice]),
  macro('sequence', ['a, b', 'generate_series(a, b, CASE WHEN a <= b THEN 1 ELSE -1 END)'], ['a, b, step', 'generate_series(a, b, step)']),
  macro('array_max', ['a', 'list_max(a)']),
  macro('array_min', ['a', 'list_min(a)']),
  macro('array_remove', ['a, v', 'CASE WHEN v IS NULL THEN NULL ELSE list_filter(a, lambda __loch_e: __loch_e IS NULL OR __loch_e <> v) END']),
  macro('array_compact', ['a', 'list_filter(a, lambda __loch_e: __loch_e IS NOT NULL)']),
  macro('map_from_arrays', ['k, v', 'map(k, v)']),
  macro('map_contains_key', ['m, k', 'map_contains(m, k)']),
  macro('__loch_str_to_map', ['t, pd, kd', strToMap]),
  macro('str_to_map', ['t', "__loch_str_to_map(t, ',', ':')"], ['t, pd', "__loch_str_to_map(t, pd, ':')"], ['t, pd, kd', '__loch_str_to_map(t, pd, kd)']),
  macro('explode', ['a', 'unnest(a)']),
  macro('explode_outer', ['a', 'unnest(CASE WHEN len(a) > 0 THEN a ELSE [NULL] END)']),
  // Aggregates. Spark's collect_* skip NULLs and give [] for no rows; DuckDB's list keeps NULLs.
  macro('collect_list', ['x', 'coalesce(list(x) FILTER (WHERE x IS NOT NULL), [])']),
  macro('collect_set', ['x', 'coalesce(list(DISTINCT x) FILTER (WHERE x IS NOT NULL), [])']),
  macro('percentile_approx', ['x, p', 'quantile_disc(x, p)'], ['x, p, accuracy', 'quantile_disc(x, p)']),
  macro('approx_percentile', ['x, p', 'quantile_disc(x, p)'], ['x, p, accuracy', 'quantile_disc(x, p)']),
  macro('percentile', ['x, p', 'quantile_cont(x, p)']),
  macro('every', ['x', 'bool_and(x)']),
  // NULL handling and conditionals.
  macro('nvl', ['a, b', 'coalesce(a, b)']),
  macro('nvl2', ['a, b, c', 'CASE WHEN a IS NOT NULL THEN b ELSE c END']),
  macro('iff', ['c, a, b', 'CASE WHEN c THEN a ELSE b END']),
  macro('isnotnull', ['x', '(x IS NOT NULL)']),
  macro('nanvl', ['a, b', 'CASE WHEN isnan(a) THEN b ELSE a END']),
  macro('equal_null', ['a, b', '(a IS NOT DISTINCT FROM b)']),
  macro('zeroifnull', ['x', 'coalesce(x, 0)']),
  macro('nullifzero', ['x', 'nullif(x, 0)']),
  // Math. Databricks' one-argument log is the natural log (DuckDB's is base 10); both give NULL for x <= 0.
  macro('log', ['x', 'CASE WHEN x > 0 THEN ln(x) END'], ['b, x', 'CASE WHEN b > 0 AND x > 0 THEN system.main.log(b, x) END']),
  macro('pmod', ['a, n', 'CASE WHEN a % n < 0 THEN (a % n + n) % n ELSE a % n END']),
  macro('bround', ['x', 'round_even(x, 0)'], ['x, d', 'round_even(x, d)']),
  macro('rand', ['', 'random()'], ['seed', 'random()']),
  macro('positive', ['x', 'x']),
  macro('negative', ['x', '(-x)']),
  macro('signum', ['x', 'CAST(sign(x) AS DOUBLE)']),
  macro('shiftleft', ['a, n', '(a << n)']),
  macro('shiftright', ['a, n', '(a >> n)']),
  macro('try_divide', ['a, b', 'CASE WHEN b = 0 THEN NULL ELSE a / b END']),
  macro('e', ['', 'exp(1)']),
];
