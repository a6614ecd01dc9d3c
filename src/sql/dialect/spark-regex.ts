/**
 * Spark string literals process backslash escapes, so Databricks users write the regex `\d` as
 * '\\d'. DuckDB literals keep backslashes, where '\\d' would mean "a backslash, then d". In a
 * regular-expression argument, a doubled backslash before a character that only makes sense
 * escaped in a regex (a class letter or a metacharacter) is therefore read the Spark way. A
 * doubled backslash before anything else (another backslash, a plain letter) is left alone, so a
 * DuckDB pattern matching a literal backslash ('\\') keeps its meaning.
 */
const REGEX_ESCAPABLE = new Set([...'dDsSwWbBAzZGQEpPhHvVRX', ...'.()[]{}*+?|^$/-#&~<>=!:\'"', 'n', 't', 'r', 'f', 'e', 'a', 'x', 'u', '0']);

export function sparkRegexLiteral(value: string): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    if (value.startsWith('\\\\', i)) {
      const run = countBackslashes(value, i);
      const next = value.charAt(i + run);
      out += run === 2 && REGEX_ESCAPABLE.has(next) ? '\\' : value.slice(i, i + run);
      i += run;
      continue;
    }
    out += value.charAt(i);
    i++;
  }
  return out;
}

function countBackslashes(value: string, from: number): number {
  let n = 0;
  while (value.charAt(from + n) === '\\') n++;
  return n;
}

/**
 * A java.util.regex replacement (`$1` is group 1, `\$` a dollar) as an RE2 rewrite string
 * (`\1`, with `\\` for a backslash). Other backslash escapes keep the escaped character, except
 * that a backslash before a digit or a backslash stays as written: that is already RE2's
 * spelling, so DuckDB-style replacements ('\1') keep working. `${name}` has no RE2 form and is
 * kept as text.
 */
export function javaReplacement(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value.charAt(i);
    const next = value.charAt(i + 1);
    if (ch === '$' && next >= '0' && next <= '9') {
      out += `\\${next}`;
      i++;
    } else if (ch === '\\' && next !== '' && !(next >= '0' && next <= '9') && next !== '\\') {
      out += next;
      i++;
    } else if (ch === '\\' && next === '\\') {
      out += '\\\\';
      i++;
    } else {
      out += ch;
    }
  }
  return out;
}

/**
 * The same translation at run time, for a replacement that is not a literal: only `$n` → `\n`
 * (SQL text of an expression over `expr`).
 */
export function javaReplacementSql(expr: string): string {
  return `regexp_replace(${expr}, '\\$(\\d)', '\\\\\\1', 'g')`;
}
