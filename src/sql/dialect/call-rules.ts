import { sqlString } from '../sql-text.js';
import { castToSparkType } from './cast-types.js';
import type { ArgView, CallRule, CallView, Rewriter } from './rewriter.js';
import { javaReplacement, javaReplacementSql, sparkRegexLiteral } from './spark-regex.js';

/**
 * Call rules that macros cannot express: literal regex arguments, regexp_replace's replacement
 * syntax, constructors with Spark argument shapes, lambdas (macros cannot take them), renames.
 */

const args = (call: CallView) => call.args.map((a) => a.text);

/** A regex argument: a literal is read as Spark reads it ('\\d' is \d); r'…' stays as written. */
function regexArg(arg: ArgView): string {
  if (arg.stringValue === undefined) return arg.text;
  return sqlString(arg.raw ? arg.stringValue : sparkRegexLiteral(arg.stringValue));
}

/** `fn(s, pattern, …)`: the pattern (second argument) as Spark reads it. */
const regexSecond: CallRule = (call) => {
  const pattern = call.args[1];
  if (pattern?.stringValue === undefined) return undefined;
  const texts = args(call);
  texts[1] = regexArg(pattern);
  return `${call.name}(${texts.join(', ')})`;
};

/** Characters that alone are a regex meaning nothing useful as a separator ('.' matches every character). */
const LONE_METACHARS = new Set([...'.$|()[{^?*+\\']);

/**
 * split(s, sep): a separator that is one regex metacharacter ('.', '|', '\') splits on that
 * character. Spark would read it as a regex and return empty strings; nobody means that, and
 * DuckDB's split treated it literally.
 */
const split: CallRule = (call) => {
  const sep = call.args[1];
  if (sep?.stringValue === undefined) return undefined;
  const value = sep.raw ? sep.stringValue : sparkRegexLiteral(sep.stringValue);
  const texts = args(call);
  texts[1] = sqlString(LONE_METACHARS.has(value) ? `\\${value}` : value);
  return `split(${texts.join(', ')})`;
};

/**
 * regexp_replace(s, p, r): Spark replaces every match and writes groups as `$1`. DuckDB's
 * four-argument form (options) is DuckDB's own and stays as written.
 */
const regexpReplace: CallRule = (call) => {
  const [s, p, r] = call.args;
  if (call.args.length !== 3 || s === undefined || p === undefined || r === undefined) return undefined;
  const replacement = r.stringValue === undefined ? javaReplacementSql(r.text) : sqlString(javaReplacement(r.stringValue));
  return `regexp_replace(${s.text}, ${regexArg(p)}, ${replacement}, 'g')`;
};

/** Keywords after which an expression starts (so `map(` there is a call, not a column type). */
const EXPRESSION_WORDS = new Set([
  'select', 'where', 'and', 'or', 'not', 'on', 'when', 'then', 'else', 'case', 'by', 'having', 'in', 'is', 'like',
  'between', 'distinct', 'all', 'values', 'set', 'return', 'returning', 'qualify', 'limit', 'offset', 'exists', 'any',
]);

/**
 * True when `array(`, `struct(`, `map(`, `int(`… stand where a type does: after `::`, after AS,
 * or after a column name or other non-expression word (`m MAP(VARCHAR, INT)` in DDL).
 */
function inTypePosition(call: CallView): boolean {
  const before = call.before;
  if (before === undefined) return false;
  if (before.kind === 'op') return before.text === '::';
  if (before.kind === 'word') return !EXPRESSION_WORDS.has(before.text.toLowerCase());
  return before.kind === 'quoted_ident' || before.kind === 'backtick_ident';
}

/** array(1, 2) → list_value(1, 2); DuckDB's array(subquery) stays. */
const array: CallRule = (call) => {
  const first = call.args[0]?.tokens[0];
  if (inTypePosition(call) || (first?.kind === 'word' && ['select', 'with', 'values', 'from'].includes(first.text.toLowerCase()))) return undefined;
  return `list_value(${args(call).join(', ')})`;
};

/** struct(a, b AS x, 1) → {'a': a, 'x': b, 'col3': 1}: Spark names fields after columns, aliases, or colN. */
const struct: CallRule = (call, rw) => {
  if (call.args.length === 0 || inTypePosition(call)) return undefined;
  const fields = call.args.map((arg, i) => structField(rw, arg, i + 1));
  return `{${fields.join(', ')}}`;
};

function structField(rw: Rewriter, arg: ArgView, position: number): string {
  const tokens = arg.tokens;
  const last = tokens[tokens.length - 1];
  const asWord = tokens[tokens.length - 2];
  if (tokens.length >= 3 && asWord?.kind === 'word' && asWord.text.toLowerCase() === 'as' && last !== undefined && isName(last.kind)) {
    const expr = rw.text(arg.from, rw.tokens.indexOf(asWord)).trimEnd();
    return `${sqlString(nameOf(last.text, last.value, last.kind))}: ${expr}`;
  }
  const isColumn = tokens.every((t, i) => (i % 2 === 0 ? isName(t.kind) : t.kind === 'punct' && t.text === '.'));
  const name = isColumn && last !== undefined ? nameOf(last.text, last.value, last.kind) : `col${position}`;
  return `${sqlString(name)}: ${arg.text}`;
}

function isName(kind: string): boolean {
  return kind === 'word' || kind === 'quoted_ident' || kind === 'backtick_ident';
}

function nameOf(text: string, value: string | undefined, kind: string): string {
  return kind === 'word' ? text : (value ?? text);
}

/** named_struct('a', 1, 'b', 2) → {'a': 1, 'b': 2} when every name is a literal. */
const namedStruct: CallRule = (call) => {
  if (call.args.length === 0 || call.args.length % 2 !== 0) return undefined;
  const fields: string[] = [];
  for (let i = 0; i < call.args.length; i += 2) {
    // Spark reads "a" as a string too (double quotes are identifiers only in DuckDB).
    const nameArg = call.args[i];
    const quoted = nameArg?.tokens.length === 1 && nameArg.tokens[0]?.kind === 'quoted_ident' ? nameArg.tokens[0].value : undefined;
    const name = nameArg?.stringValue ?? quoted;
    const value = call.args[i + 1];
    if (name === undefined || value === undefined) return undefined;
    fields.push(`${sqlString(name)}: ${value.text}`);
  }
  return `{${fields.join(', ')}}`;
};

/**
 * map(k1, v1, k2, v2…) → MAP {k1: v1, …}. DuckDB's map(keys, values) also has two arguments,
 * so two arguments are read the Spark way only when the key is a literal.
 */
const map: CallRule = (call) => {
  const n = call.args.length;
  if (n === 0 || n % 2 !== 0 || inTypePosition(call)) return undefined;
  const firstKind = call.args[0]?.tokens[0]?.kind;
  if (n === 2 && !(call.args[0]?.tokens.length === 1 && (firstKind === 'string' || firstKind === 'number'))) return undefined;
  const entries: string[] = [];
  for (let i = 0; i < n; i += 2) entries.push(`${call.args[i]?.text}: ${call.args[i + 1]?.text}`);
  return `MAP {${entries.join(', ')}}`;
};

/** True when an argument is a lambda (`x -> …`, `(x, i) -> …`): an arrow outside any brackets. */
function isLambda(arg: ArgView | undefined): boolean {
  if (arg === undefined) return false;
  let depth = 0;
  for (const t of arg.tokens) {
    if (t.kind === 'punct' && '([{'.includes(t.text)) depth++;
    else if (t.kind === 'punct' && ')]}'.includes(t.text)) depth--;
    else if (depth === 0 && t.kind === 'op' && t.text === '->') return true;
  }
  return false;
}

/** exists(arr, x -> p) / forall(arr, x -> p): empty arrays give false / true as in Spark. */
function quantified(empty: 'false' | 'true', aggregate: 'bool_or' | 'bool_and'): CallRule {
  return (call) => {
    const [a, f] = call.args;
    if (call.args.length !== 2 || a === undefined || !isLambda(f)) return undefined;
    return `CASE WHEN len(${a.text}) = 0 THEN ${empty} ELSE list_aggregate(list_transform(${a.text}, ${f?.text}), '${aggregate}') END`;
  };
}

/** aggregate(arr, start, (acc, x) -> …) → list_reduce(arr, lambda, start). */
const aggregate: CallRule = (call) => {
  const [a, start, merge] = call.args;
  if (call.args.length !== 3 || a === undefined || start === undefined || !isLambda(merge)) return undefined;
  return `list_reduce(${a.text}, ${merge?.text}, ${start.text})`;
};

/** A plain rename: same arguments, DuckDB's name. */
function rename(target: string): (call: CallView) => string {
  return (call) => `${target}(${args(call).join(', ')})`;
}

const listTransform = rename('list_transform');

/** Spark's cast functions `TIMESTAMP(x)`, `INT(x)`…: DuckDB parses most of them as type names. */
const CAST_FUNCTIONS: Readonly<Record<string, string>> = {
  timestamp: 'TIMESTAMPTZ', timestamp_ltz: 'TIMESTAMPTZ', timestamp_ntz: 'TIMESTAMP', string: 'VARCHAR', binary: 'BLOB',
  boolean: 'BOOLEAN', tinyint: 'TINYINT', smallint: 'SMALLINT', int: 'INTEGER', bigint: 'BIGINT', float: 'FLOAT',
  double: 'DOUBLE', decimal: 'DECIMAL(10, 0)',
};

function castFunction(type: string): CallRule {
  return (call) => (call.args.length === 1 && !inTypePosition(call) ? `CAST(${call.args[0]?.text} AS ${type})` : undefined);
}

/** isnull(x): ISNULL is a postfix operator keyword in DuckDB, so it cannot be a macro. */
const isnull: CallRule = (call) => (call.args.length === 1 ? `((${call.args[0]?.text}) IS NULL)` : undefined);

export const CALL_RULES: ReadonlyMap<string, CallRule> = new Map<string, CallRule>([
  ['regexp_extract', regexSecond],
  ['regexp_extract_all', regexSecond],
  ['regexp_like', regexSecond],
  ['rlike', regexSecond],
  ['regexp', regexSecond],
  ['split', split],
  ['regexp_replace', regexpReplace],
  ['array', array],
  ['struct', struct],
  ['named_struct', namedStruct],
  ['map', map],
  ['transform', (call) => (call.args.length === 2 && isLambda(call.args[1]) ? listTransform(call) : undefined)],
  ['exists', quantified('false', 'bool_or')],
  ['forall', quantified('true', 'bool_and')],
  ['aggregate', aggregate],
  ['reduce', aggregate],
  ['isnull', isnull],
  ['format_string', rename('printf')],
  ['cast', castToSparkType],
  ['try_cast', castToSparkType],
  ...Object.entries(CAST_FUNCTIONS).map(([name, type]): [string, CallRule] => [name, castFunction(type)]),
]);
