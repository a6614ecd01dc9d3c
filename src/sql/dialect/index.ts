import { tokenize, type Token } from '../parse/lexer.js';
import { CALL_RULES } from './call-rules.js';
import { DATE_RULES } from './date-rules.js';
import { GENERATOR_RULES, lateralView } from './generator-rules.js';
import { COLLECTION_MACROS } from './macros-collections.js';
import { DATETIME_MACROS } from './macros-datetime.js';
import { STRING_MACROS } from './macros-strings.js';
import { Rewriter, type CallRule, type TokenRule } from './rewriter.js';
import { BASE_TOKEN_RULES } from './token-rules.js';

/**
 * Databricks (Spark SQL) functions where DuckDB 1.5 differs. Semantics were checked against the
 * Databricks SQL function reference (ANSI mode on, as on SQL warehouses) and DuckDB 1.5.6 run
 * directly. M = macro in DIALECT_MACROS, R = token rewrite in rewriteDialect, = = same in both,
 * ✗ = left to DuckDB (reason given). A macro named like a DuckDB built-in delegates DuckDB's own
 * overloads to system.main.<name>, so DuckDB spellings keep working.
 *
 * | Databricks                          | DuckDB 1.5                                  | Loch |
 * |-------------------------------------|---------------------------------------------|------|
 * | datediff(end, start) days           | datediff(part, start, end)                  | M 2-arg; DuckDB 3-arg kept |
 * | datediff/date_diff/timestampdiff(UNIT, s, e) | string part, counts boundaries     | R bare unit → timestampdiff M (whole units, java.time) |
 * | date_add(d, n) → DATE               | DATE+INT only; date_add(d, INTERVAL)        | R casts d to DATE, n to INT; INTERVAL args kept |
 * | date_add/dateadd/timestampadd(UNIT, n, ts) | —                                    | R+M → TIMESTAMPTZ |
 * | date_sub(d, n), dateadd(d, n)       | date_sub(part, s, e) (complete units)       | M 2-arg; DuckDB 3-arg kept |
 * | add_months, months_between          | —                                           | M (Spark's 31-day fraction, 8 digits) |
 * | date_format / to_date / to_timestamp / try_to_timestamp / unix_timestamp / from_unixtime with a Spark pattern | strftime/strptime % codes | R pattern literal → % codes (date-patterns.ts); M for no-pattern forms; non-literal or untranslatable patterns fail clearly |
 * | to_timestamp(string or number)      | to_timestamp(double) only                   | M dispatches on typeof |
 * | dayofweek 1=Sunday; weekday 0=Monday | dayofweek/weekday 0=Sunday                 | M |
 * | trunc(d, 'MM'), date_trunc('MM', t) | trunc is numeric; no 'mm'/'yyyy' units      | R |
 * | current_timestamp()                 | keyword only                                | R drops () |
 * | unix_seconds/millis/micros, timestamp_seconds/millis/micros, unix_date, date_from_unix_date, current_timezone | — | M |
 * | concat: NULL if any arg is NULL     | skips NULLs                                 | M (1–32 args); `||` = |
 * | concat_ws(sep, array…)              | stringifies arrays                          | ✗ (variadic; strings =) |
 * | regexp_extract(_all) default group 1 | default group 0                            | M: group 1 when the pattern has a group, else the whole match |
 * | regexp_replace replaces all, `$1`   | first match, `\1`                           | R 3-arg → 'g' + `$n`→`\n`; 4-arg DuckDB options kept |
 * | split(s, regex[, limit])            | split = literal string_split                | M regex; R a lone metachar ('.', '|') splits literally (Spark: regex, useless); string_split stays literal |
 * | '\\d' in a Spark regex literal = \d, r'…' raw | backslashes kept                  | R regex args only (spark-regex.ts); r'…' everywhere |
 * | s RLIKE/REGEXP p (find), rlike()    | `~` is a full match; no rlike               | R `~ '(?s:.*)(?:p)(?s:.*)'`; M functions |
 * | locate, substring_index, initcap, space, startswith, endswith | —                | M |
 * | substring/substr(s, 0, n): 0 reads as 1 | 0 is before the first char              | M |
 * | lpad/rpad(s, n) pad ' '             | 3-arg only                                  | M |
 * | instr, position(a IN b), lower, upper, trim, length, left, right, repeat, replace, reverse(str) | same | = |
 * | get_json_object: NULL on bad JSON   | json_extract_string errors                  | M |
 * | sha2(s, 256/0), sha, unbase64       | sha256, sha1, from_base64                   | M; sha2 224/384/512 fail clearly (no DuckDB hash) |
 * | md5, base64, uuid, hex, unhex       | same                                        | = |
 * | size/cardinality (NULL→NULL)        | len (lists) / cardinality (maps)            | M dispatches on typeof |
 * | element_at/try_element_at           | element_at is a map lookup returning a list | M `c[k]`; out of range gives NULL, not an error |
 * | array_position (0 if absent)        | NULL if absent                              | M |
 * | array_contains                      | same except NULL three-valued logic         | = (false where Spark gives NULL) |
 * | array_join, sort_array, arrays_overlap, slice, array_max/min/remove/compact, map_from_arrays, map_contains_key, str_to_map, array_size | — | M |
 * | array_sort, flatten, array_append, array_prepend, map_keys, map_values | same   | = |
 * | sequence(a, b[, step]) inclusive   | generate_series                             | M (BIGINT[]; DATE steps give TIMESTAMP[]) |
 * | array(…), struct(…), named_struct(…), map(k, v, …) | [..], {..}, MAP {..}         | R (map with 2 args only for a literal key) |
 * | explode/explode_outer/posexplode(_outer) in SELECT | unnest                       | R (+ AS col / pos); map explode only via LATERAL VIEW t AS k, v |
 * | LATERAL VIEW [OUTER] explode/posexplode | LATERAL join                           | R |
 * | transform, exists, forall, aggregate/reduce with lambdas | list_transform, list_reduce | R (transform's (x, i) index stays 1-based) |
 * | collect_list/collect_set skip NULLs, [] for no rows | list keeps NULLs             | M; R for OVER (…) |
 * | percentile_approx/approx_percentile, percentile, every | quantile_disc/_cont, bool_and | M |
 * | count_if, approx_count_distinct, first, last, stddev, variance, bool_and/or, max_by | same | = |
 * | array_agg skips NULLs               | keeps NULLs                                 | ✗ (DuckDB name) |
 * | nvl, nvl2, iff, isnotnull, nanvl, equal_null, zeroifnull, nullifzero | —         | M; isnull(x) R (ISNULL is a keyword) |
 * | if, ifnull, coalesce, nullif        | same                                        | = |
 * | log(x) = ln; log(b, x); NULL for ≤0 | log(x) = log10                              | M |
 * | a div b                             | `//` (truncates integers)                   | R (decimals/doubles: DuckDB `//` divides) |
 * | pmod, bround, rand, signum, positive, negative, shiftleft/right, try_divide, e | round_even, random, sign… | M (rand's seed ignored) |
 * | %/mod sign of dividend; round HALF_UP | same (doubles: 1.005 → 1.0 vs Spark 1.01) | = |
 * | format_string                       | printf                                      | R |
 * | x / 0: error (ANSI)                 | Infinity / NULL                             | ✗ (operator, every DuckDB query) |
 * | CAST(x AS STRING/INT/LONG/BINARY…)  | DuckDB aliases                              | = |
 * | CAST/TRY_CAST(x AS ARRAY<…>/MAP<…>/STRUCT<…>/TIMESTAMP_NTZ/BYTE/SHORT) | T[], MAP(K, V), STRUCT(a T) | R (DDL type reader; `::` casts ✗) |
 * | TIMESTAMP(x), INT(x), STRING(x)… cast functions | parse errors or missing      | R CAST (TIMESTAMP → TIMESTAMPTZ) |
 * | "text" as a string literal          | "text" is an identifier                     | ✗ (lexical; named_struct("a", …) accepted) |
 * | CAST(x AS TIMESTAMP) zoned          | naive TIMESTAMP                             | ✗ (would change every DuckDB cast) |
 */

/** SQL that defines the Databricks functions as macros; run it once per DuckDB database. */
export const DIALECT_MACROS: string = [...DATETIME_MACROS, ...STRING_MACROS, ...COLLECTION_MACROS].join(';\n') + ';\n';

const CALLS: ReadonlyMap<string, CallRule> = new Map([...DATE_RULES, ...CALL_RULES, ...GENERATOR_RULES]);
const TOKEN_RULES: readonly TokenRule[] = [lateralView, ...BASE_TOKEN_RULES];
/** Words that trigger a token rule (a call rule triggers on its name). */
const TRIGGERS = new Set(['r', 'current_timestamp', 'div', 'rlike', 'regexp', 'lateral']);

/**
 * Rewrites the Databricks spellings DuckDB would misread or reject (see the table above) and
 * returns everything else exactly as written; strings, comments and quoted identifiers are never
 * touched. Text that does not lex comes back unchanged, for DuckDB to report.
 */
export function rewriteDialect(sql: string): string {
  let tokens: Token[];
  try {
    tokens = tokenize(sql);
  } catch {
    return sql;
  }
  const relevant = tokens.some((t) => t.kind === 'word' && (CALLS.has(t.text.toLowerCase()) || TRIGGERS.has(t.text.toLowerCase())));
  if (!relevant || nestingDepth(tokens) > MAX_DEPTH) return sql;
  try {
    return new Rewriter(tokens, CALLS, TOKEN_RULES).text(0, tokens.length);
  } catch (error) {
    // Nesting deeper than the stack allows (DuckDB rejects such depths itself): leave it to DuckDB.
    if (error instanceof RangeError) return sql;
    throw error;
  }
}

/** Deeper nesting is left to DuckDB as written (its own expression depth limit is 1000). */
const MAX_DEPTH = 250;

function nestingDepth(tokens: readonly Token[]): number {
  let depth = 0;
  let max = 0;
  for (const t of tokens) {
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[' || t.text === '{') max = Math.max(max, ++depth);
    else if (t.text === ')' || t.text === ']' || t.text === '}') depth--;
  }
  return max;
}

export { sparkPatternToStrftime, type PatternMode } from './date-patterns.js';
