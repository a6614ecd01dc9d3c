import { LochError } from '../../core/errors.js';

/**
 * Hadoop-style globs, as Databricks accepts them in read_files and COPY INTO … PATTERN:
 * `*` and `?` match within one path segment, `[abc]`, `[a-z]`, `[^a]` / `[!a]` match one
 * character, `{ab,cd}` matches either alternative (alternatives nest and may hold '/'), and
 * `\x` matches x literally. `**` matches any number of characters including '/' (DuckDB's
 * recursive glob; harmless for Hadoop patterns, which never contain it).
 */

const GLOB_CHARS = /[*?[{]/;

/** True when `text` holds a glob metacharacter (`*`, `?`, `[`, `{`). */
export function hasGlob(text: string): boolean {
  return GLOB_CHARS.test(text);
}

/**
 * Splits a glob over keys into the literal directory it starts in ('' or ending with '/') and
 * the rest: "a/b/*.csv" → { base: "a/b/", rest: "*.csv" }. A pattern without glob characters
 * is all base up to its last '/'.
 */
export function splitGlob(pattern: string): { base: string; rest: string } {
  const first = pattern.search(GLOB_CHARS);
  const literal = first < 0 ? pattern : pattern.slice(0, first);
  const cut = literal.lastIndexOf('/') + 1;
  return { base: pattern.slice(0, cut), rest: pattern.slice(cut) };
}

/**
 * Compiles a glob into a RegExp that matches a whole string. An unclosed `[` or `{` is
 * INVALID_ARGUMENT naming the pattern.
 */
export function globRegExp(glob: string): RegExp {
  let out = '';
  let depth = 0;
  let i = 0;
  while (i < glob.length) {
    const ch = glob.charAt(i);
    if (ch === '*') {
      const double = glob.charAt(i + 1) === '*';
      out += double ? '.*' : '[^/]*';
      i += double ? 2 : 1;
    } else if (ch === '?') {
      out += '[^/]';
      i += 1;
    } else if (ch === '[') {
      const cls = readClass(glob, i);
      out += cls.regex;
      i = cls.end;
    } else if (ch === '{') {
      depth += 1;
      out += '(?:';
      i += 1;
    } else if (ch === '}' && depth > 0) {
      depth -= 1;
      out += ')';
      i += 1;
    } else if (ch === ',' && depth > 0) {
      out += '|';
      i += 1;
    } else {
      const literal = ch === '\\' && i + 1 < glob.length ? codePointAt(glob, i + 1) : codePointAt(glob, i);
      out += escapeLiteral(literal);
      i += (ch === '\\' && i + 1 < glob.length ? 1 : 0) + literal.length;
    }
  }
  if (depth > 0) throw badGlob(glob, "an unclosed '{'");
  return new RegExp(`^${out}$`, 'u');
}

/** `[…]` starting at `start`: a character class that never matches '/'. */
function readClass(glob: string, start: number): { regex: string; end: number } {
  let i = start + 1;
  let negated = false;
  if (glob.charAt(i) === '^' || glob.charAt(i) === '!') {
    negated = true;
    i += 1;
  }
  let body = '';
  let first = true;
  while (i < glob.length && (first || glob.charAt(i) !== ']')) {
    first = false;
    let ch = codePointAt(glob, i);
    if (ch === '\\' && i + 1 < glob.length) {
      i += 1;
      ch = codePointAt(glob, i);
    }
    i += ch.length;
    if (glob.charAt(i) === '-' && i + 1 < glob.length && glob.charAt(i + 1) !== ']') {
      const to = codePointAt(glob, i + 1);
      body += `${escapeInClass(ch)}-${escapeInClass(to)}`;
      i += 1 + to.length;
    } else {
      body += escapeInClass(ch);
    }
  }
  if (i >= glob.length) throw badGlob(glob, "an unclosed '['");
  return { regex: negated ? `[^/${body}]` : `(?![/])[${body}]`, end: i + 1 };
}

function codePointAt(text: string, i: number): string {
  return String.fromCodePoint(text.codePointAt(i) ?? 0);
}

function escapeLiteral(ch: string): string {
  return /[\^$\\.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

function escapeInClass(ch: string): string {
  return /[\\\]\[^\-]/.test(ch) ? `\\${ch}` : ch;
}

function badGlob(glob: string, what: string): LochError {
  return new LochError('INVALID_ARGUMENT', `files: glob pattern ${glob} has ${what}`, { context: { pattern: glob } });
}
