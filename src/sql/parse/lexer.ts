import { sqlSyntaxError } from './position.js';

/**
 * A lexer for DuckDB/PostgreSQL-flavoured SQL that keeps every character: concatenating the
 * `text` of all tokens gives back the input. It understands exactly what is needed to tell code
 * from strings and comments (so that rewriting never touches the inside of a literal), not the
 * full grammar.
 */
export type TokenKind =
  | 'word'
  | 'quoted_ident'
  | 'backtick_ident'
  | 'string'
  | 'number'
  | 'op'
  | 'punct'
  | 'param'
  | 'comment'
  | 'whitespace';

export interface Token {
  readonly kind: TokenKind;
  /** The raw source text, `sql.slice(start, end)`. */
  readonly text: string;
  /** For strings and quoted/backtick identifiers: the content with escapes resolved. */
  readonly value?: string;
  /** UTF-16 offsets into the input, [start, end). */
  readonly start: number;
  readonly end: number;
}

/** What `tokenizePartial` reports when the input stops inside a string, comment or identifier. */
export interface Unterminated {
  /** "string literal", "block comment", "quoted identifier" or "backtick identifier". */
  readonly construct: string;
  readonly start: number;
}

export interface PartialTokens {
  /** Every complete token before the unterminated construct (all tokens when there is none). */
  readonly tokens: Token[];
  readonly unterminated?: Unterminated;
}

/**
 * Splits `sql` into tokens covering it without gaps. Strings are '…' ('' escapes a quote),
 * E'…' (backslash escapes too) and $$…$$ / $tag$…$tag$; identifiers are "…" ("" escapes) and
 * `…` (`` escapes); comments are `-- …` (to the end of the line, newline excluded) and nested
 * block comments. Never fails except on an unterminated construct, which throws LochError
 * INVALID_ARGUMENT "sql: unterminated string literal starting at line L column C" (or block
 * comment / quoted identifier / backtick identifier).
 */
export function tokenize(sql: string): Token[] {
  const { tokens, unterminated } = tokenizePartial(sql);
  if (unterminated !== undefined) {
    throw sqlSyntaxError(sql, unterminated.start, `unterminated ${unterminated.construct} starting`, {
      construct: unterminated.construct,
    });
  }
  return tokens;
}

/** Like `tokenize`, but reports an unterminated construct as a value (for incomplete shell input). */
export function tokenizePartial(sql: string): PartialTokens {
  const tokens: Token[] = [];
  let pos = 0;
  try {
    while (pos < sql.length) {
      const token = scanToken(sql, pos);
      tokens.push(token);
      pos = token.end;
    }
  } catch (error) {
    if (error instanceof UnterminatedSignal) return { tokens, unterminated: { construct: error.construct, start: error.start } };
    throw error;
  }
  return { tokens };
}

/** Whitespace and comments: tokens that separate others but carry no meaning. */
export function isTrivia(token: Token): boolean {
  return token.kind === 'whitespace' || token.kind === 'comment';
}

/** Thrown inside the scanners only; `tokenizePartial` turns it into a value. */
class UnterminatedSignal {
  constructor(
    readonly construct: string,
    readonly start: number,
  ) {}
}

const PUNCT = '(),;.[]{}';
const OP_CHARS = '+-*/<>=~!@#%^&|';
// An operator may end in + or - only when it holds one of these (PostgreSQL's rule), so that
// `=>-1` is `=>` then `-1` and `a*-b` is `*` then `-`.
const OP_KEEPS_SIGN = '~!@#%^&|';

function scanToken(sql: string, pos: number): Token {
  const ch = sql.charAt(pos);
  if (isSpace(ch)) return scanWhile(sql, pos, 'whitespace', isSpace);
  if (sql.startsWith('--', pos)) return scanLineComment(sql, pos);
  if (sql.startsWith('/*', pos)) return scanBlockComment(sql, pos);
  if (ch === "'") return scanQuoted(sql, pos, 'string', "'", 'string literal');
  if (ch === '"') return scanQuoted(sql, pos, 'quoted_ident', '"', 'quoted identifier');
  if (ch === '`') return scanQuoted(sql, pos, 'backtick_ident', '`', 'backtick identifier');
  if ((ch === 'e' || ch === 'E') && sql.charAt(pos + 1) === "'") return scanEString(sql, pos);
  if (ch === '$') return scanDollar(sql, pos);
  if (isDigit(ch) || (ch === '.' && isDigit(sql.charAt(pos + 1)))) return scanNumber(sql, pos);
  if (isIdentStart(ch)) return scanWhile(sql, pos + 1, 'word', isIdentPart, pos);
  if (ch === '?') return make(sql, 'param', pos, pos + 1);
  if (ch === ':') {
    const next = sql.charAt(pos + 1);
    return next === ':' || next === '=' ? make(sql, 'op', pos, pos + 2) : make(sql, 'punct', pos, pos + 1);
  }
  if (PUNCT.includes(ch)) return make(sql, 'punct', pos, pos + 1);
  if (OP_CHARS.includes(ch)) return scanOperator(sql, pos);
  // Anything else (a stray backslash, a lone surrogate…) is passed through as a one-char operator.
  return make(sql, 'op', pos, pos + Math.max(1, String.fromCodePoint(sql.codePointAt(pos) ?? 0).length));
}

function make(sql: string, kind: TokenKind, start: number, end: number, value?: string): Token {
  const text = sql.slice(start, end);
  return value === undefined ? { kind, text, start, end } : { kind, text, value, start, end };
}

function scanWhile(sql: string, from: number, kind: TokenKind, accept: (ch: string) => boolean, start = from): Token {
  let i = from;
  while (i < sql.length && accept(sql.charAt(i))) i++;
  return make(sql, kind, start, i);
}

function scanLineComment(sql: string, pos: number): Token {
  let i = pos + 2;
  while (i < sql.length && sql.charAt(i) !== '\n' && sql.charAt(i) !== '\r') i++;
  return make(sql, 'comment', pos, i);
}

/** Block comments nest, as in PostgreSQL and DuckDB: `/* a /* b *\/ c *\/` is one comment. */
function scanBlockComment(sql: string, pos: number): Token {
  let depth = 1;
  let i = pos + 2;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return make(sql, 'comment', pos, i);
    } else {
      i++;
    }
  }
  throw new UnterminatedSignal('block comment', pos);
}

/** '…', "…" and `…`, where a doubled delimiter stands for itself. */
function scanQuoted(sql: string, pos: number, kind: TokenKind, quote: string, construct: string): Token {
  let value = '';
  let i = pos + 1;
  for (;;) {
    const close = sql.indexOf(quote, i);
    if (close < 0) throw new UnterminatedSignal(construct, pos);
    value += sql.slice(i, close);
    if (sql.charAt(close + 1) !== quote) return make(sql, kind, pos, close + 1, value);
    value += quote;
    i = close + 2;
  }
}

/** E'…': backslash escapes (\n, \t, \x41, \101, \u00e9, \U0001F600, \' …) as well as ''. */
function scanEString(sql: string, pos: number): Token {
  let value = '';
  let i = pos + 2;
  while (i < sql.length) {
    const ch = sql.charAt(i);
    if (ch === '\\') {
      const [decoded, length] = decodeBackslash(sql, i + 1);
      value += decoded;
      i += 1 + length;
    } else if (ch === "'") {
      if (sql.charAt(i + 1) !== "'") return make(sql, 'string', pos, i + 1, value);
      value += "'";
      i += 2;
    } else {
      value += ch;
      i++;
    }
  }
  throw new UnterminatedSignal('string literal', pos);
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Decodes the escape after a backslash at `at`; returns the text and how many chars it used. */
function decodeBackslash(sql: string, at: number): [string, number] {
  const ch = sql.charAt(at);
  if (ch === '') return ['', 0];
  const simple = SIMPLE_ESCAPES[ch];
  if (simple !== undefined) return [simple, 1];
  const numeric =
    ch === 'x' ? matchCode(sql, at + 1, /^[0-9a-fA-F]{1,2}/, 16)
    : ch === 'u' ? matchCode(sql, at + 1, /^[0-9a-fA-F]{4}/, 16)
    : ch === 'U' ? matchCode(sql, at + 1, /^[0-9a-fA-F]{8}/, 16)
    : undefined;
  if (numeric !== undefined) return [numeric[0], numeric[1] + 1];
  const octal = matchCode(sql, at, /^[0-7]{1,3}/, 8);
  if (octal !== undefined) return octal;
  // Any other escaped character (\\, \', \") stands for itself; keep whole code points.
  const literal = String.fromCodePoint(sql.codePointAt(at) ?? 0);
  return [literal, literal.length];
}

function matchCode(sql: string, at: number, pattern: RegExp, radix: number): [string, number] | undefined {
  const digits = pattern.exec(sql.slice(at, at + 8))?.[0];
  if (digits === undefined) return undefined;
  const code = parseInt(digits, radix);
  if (code > 0x10ffff) return undefined;
  return [String.fromCodePoint(code), digits.length];
}

/** $1 and $name are parameters; $$…$$ and $tag$…$tag$ are strings; a lone $ is punctuation. */
function scanDollar(sql: string, pos: number): Token {
  const next = sql.charAt(pos + 1);
  if (isDigit(next)) return scanWhile(sql, pos + 1, 'param', isDigit, pos);
  let i = pos + 1;
  if (isIdentStart(next)) {
    i++;
    while (i < sql.length && isTagPart(sql.charAt(i))) i++;
  }
  if (sql.charAt(i) !== '$') {
    return i > pos + 1 ? make(sql, 'param', pos, i) : make(sql, 'punct', pos, pos + 1);
  }
  const delimiter = sql.slice(pos, i + 1);
  const close = sql.indexOf(delimiter, i + 1);
  if (close < 0) throw new UnterminatedSignal('string literal', pos);
  return make(sql, 'string', pos, close + delimiter.length, sql.slice(i + 1, close));
}

const RADIX_NUMBER = /0(?:[xX][0-9a-fA-F][0-9a-fA-F_]*|[bB][01][01_]*)/y;

/** 42, 1_000, 3.14, .5, 1e-9, 0xFF, 0b101. A sign is a separate operator token. */
function scanNumber(sql: string, pos: number): Token {
  RADIX_NUMBER.lastIndex = pos;
  const radix = RADIX_NUMBER.exec(sql);
  if (radix !== null) return make(sql, 'number', pos, pos + radix[0].length);
  let i = skipDigits(sql, pos);
  if (sql.charAt(i) === '.' && sql.charAt(i + 1) !== '.') i = skipDigits(sql, i + 1);
  const e = sql.charAt(i);
  if (e === 'e' || e === 'E') {
    const sign = sql.charAt(i + 1) === '+' || sql.charAt(i + 1) === '-' ? 1 : 0;
    if (isDigit(sql.charAt(i + 1 + sign))) i = skipDigits(sql, i + 1 + sign);
  }
  return make(sql, 'number', pos, i);
}

function skipDigits(sql: string, from: number): number {
  let i = from;
  while (isDigit(sql.charAt(i)) || (sql.charAt(i) === '_' && isDigit(sql.charAt(i - 1)) && isDigit(sql.charAt(i + 1)))) i++;
  return i;
}

function scanOperator(sql: string, pos: number): Token {
  let end = pos + 1;
  while (end < sql.length && OP_CHARS.includes(sql.charAt(end)) && !sql.startsWith('--', end) && !sql.startsWith('/*', end)) end++;
  const keepsSign = [...sql.slice(pos, end)].some((c) => OP_KEEPS_SIGN.includes(c));
  while (!keepsSign && end - pos > 1 && (sql.charAt(end - 1) === '+' || sql.charAt(end - 1) === '-')) end--;
  return make(sql, 'op', pos, end);
}

function isSpace(ch: string): boolean {
  return ch !== '' && /\s/.test(ch);
}

function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

/** Non-ASCII characters count as letters, as in PostgreSQL, so unicode names stay one word. */
function isIdentStart(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '_' || (ch.charCodeAt(0) >= 0x80 && !isSpace(ch));
}

function isTagPart(ch: string): boolean {
  return isIdentStart(ch) || isDigit(ch);
}

function isIdentPart(ch: string): boolean {
  return isTagPart(ch) || ch === '$';
}
