/**
 * Spark/Databricks datetime patterns (the java.time.DateTimeFormatter letters Spark 3 accepts,
 * see Spark's "Datetime Patterns for Formatting and Parsing") translated to DuckDB's
 * strftime/strptime specifiers.
 *
 * Loch sessions always run in UTC, so zone letters have a fixed output when formatting
 * (`Z` → +0000, `X` → Z, `z` → UTC …); when parsing they become `%z`, which reads the offset
 * written in the text.
 */
export type PatternMode = 'format' | 'parse';

/**
 * Translates `pattern` for strftime (`format`) or strptime (`parse`). Quoted text ('…', with ''
 * for a quote) and characters that are not letters are kept literally (`%` doubled). Returns
 * undefined when the pattern uses something without a DuckDB equivalent (quarters, eras,
 * week-based fields, optional sections `[…]`, odd widths such as `SS` when formatting, unknown
 * letters): the caller then leaves the call for DuckDB to reject instead of guessing.
 */
export function sparkPatternToStrftime(pattern: string, mode: PatternMode): string | undefined {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern.charAt(i);
    if (ch === "'") {
      const quoted = readQuoted(pattern, i);
      if (quoted === undefined) return undefined;
      out += escapePercent(quoted.text);
      i = quoted.end;
      continue;
    }
    if (isLetter(ch)) {
      let end = i + 1;
      while (pattern.charAt(end) === ch) end++;
      const spec = letterRun(ch, end - i, mode);
      if (spec === undefined) return undefined;
      out += spec;
      i = end;
      continue;
    }
    if (ch === '[' || ch === ']' || ch === '{' || ch === '}' || ch === '#') return undefined;
    out += escapePercent(ch);
    i++;
  }
  return out;
}

/** The text of a quoted section starting at `start` (a quote), and where it ends. */
function readQuoted(pattern: string, start: number): { text: string; end: number } | undefined {
  if (pattern.charAt(start + 1) === "'") return { text: "'", end: start + 2 };
  let text = '';
  let i = start + 1;
  while (i < pattern.length) {
    const ch = pattern.charAt(i);
    if (ch === "'") {
      if (pattern.charAt(i + 1) !== "'") return { text, end: i + 1 };
      text += "'";
      i += 2;
    } else {
      text += ch;
      i++;
    }
  }
  return undefined;
}

function escapePercent(text: string): string {
  return text.replaceAll('%', '%%');
}

function isLetter(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/** One run of the same pattern letter, e.g. `yyyy` is ('y', 4). */
function letterRun(letter: string, count: number, mode: PatternMode): string | undefined {
  const numeric = NUMERIC[letter];
  if (numeric !== undefined) return numericField(numeric, count, mode);
  switch (letter) {
    case 'y':
      return count === 2 ? '%y' : count <= 4 ? '%Y' : undefined;
    case 'M':
    case 'L':
      return count === 3 ? '%b' : count === 4 ? '%B' : count <= 2 ? numericField('m', count, mode) : undefined;
    case 'D':
      return count === 1 ? (mode === 'format' ? '%-j' : '%j') : count === 3 ? '%j' : undefined;
    case 'S':
      return fraction(count, mode);
    case 'a':
      return count === 1 ? '%p' : undefined;
    case 'E':
      return count <= 3 ? '%a' : count === 4 ? '%A' : undefined;
    default:
      return zone(letter, count, mode);
  }
}

/** Letters whose width rule is Spark's "Number": one letter = no padding, two = two digits. */
const NUMERIC: Readonly<Record<string, string>> = { d: 'd', H: 'H', h: 'I', m: 'M', s: 'S' };

function numericField(spec: string, count: number, mode: PatternMode): string | undefined {
  if (count > 2) return undefined;
  // strptime reads one or two digits either way; only strftime needs the unpadded flag.
  return count === 1 && mode === 'format' ? `%-${spec}` : `%${spec}`;
}

/**
 * Fractions of a second. strftime has exactly milliseconds (%g), microseconds (%f) and
 * nanoseconds (%n); strptime's %f reads one to six digits as a fraction, as Spark reads up to
 * as many digits as there are S letters.
 */
function fraction(count: number, mode: PatternMode): string | undefined {
  if (mode === 'parse') return count <= 6 ? '%f' : count <= 9 ? '%n' : undefined;
  return count === 3 ? '%g' : count === 6 ? '%f' : count === 9 ? '%n' : undefined;
}

/** Zone letters: fixed UTC text when formatting, an offset reader when parsing. */
function zone(letter: string, count: number, mode: PatternMode): string | undefined {
  if (mode === 'parse') return (letter === 'X' || letter === 'x' || letter === 'Z') && count <= 3 ? '%z' : undefined;
  switch (letter) {
    case 'z':
      return count <= 3 ? 'UTC' : undefined;
    case 'V':
      return count === 2 ? 'UTC' : undefined;
    case 'O':
      return count === 1 || count === 4 ? 'GMT' : undefined;
    case 'X':
      return count <= 5 ? 'Z' : undefined;
    case 'x':
      return ['+00', '+0000', '+00:00', '+0000', '+00:00'][count - 1];
    case 'Z':
      return count <= 3 ? '+0000' : count === 4 ? 'GMT' : count === 5 ? 'Z' : undefined;
    default:
      return undefined;
  }
}
