import { LochError } from '../core/errors.js';
import { isTrivia, tokenizePartial } from '../sql/parse/index.js';
import type { Token } from '../sql/parse/index.js';

/**
 * The parts of a dotted name as written on a command line or after USE: `t`, `s.t`, `c.s.t`,
 * parts plain, "double-quoted" or `backticked` (quotes are how a part holds a '.'). Case is kept
 * (the catalog lower-cases). Returns undefined for anything else.
 */
export function parseDottedName(text: string): string[] | undefined {
  const { tokens, unterminated } = tokenizePartial(text);
  if (unterminated !== undefined) return undefined;
  const parts = readDottedName(tokens.filter((t) => !isTrivia(t)), 0);
  if (parts === undefined || parts.next !== tokens.filter((t) => !isTrivia(t)).length) return undefined;
  return parts.parts;
}

/** The dotted name starting at `tokens[at]` (trivia removed) and the index after it. */
export function readDottedName(tokens: readonly Token[], at: number): { parts: string[]; next: number } | undefined {
  const parts: string[] = [];
  let i = at;
  for (;;) {
    const token = tokens[i];
    const part = token === undefined ? undefined : namePart(token);
    if (part === undefined) return undefined;
    parts.push(part);
    i += 1;
    const dot = tokens[i];
    if (dot === undefined || dot.kind !== 'punct' || dot.text !== '.') return { parts, next: i };
    i += 1;
  }
}

function namePart(token: Token): string | undefined {
  if (token.kind === 'word') return token.text;
  if (token.kind === 'quoted_ident' || token.kind === 'backtick_ident') return token.value ?? '';
  return undefined;
}

/** A 1–3 part table name, defaults filled in (the CLI's fresh session starts at main.default). */
export function tableNameParts(text: string, defaults: { catalog: string; schema: string }): { catalog: string; schema: string; name: string } {
  const parts = parseDottedName(text)?.map((p) => p.toLowerCase());
  if (parts === undefined || parts.length === 0 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new LochError('INVALID_ARGUMENT', `cli: '${text}' is not a table name (table, schema.table or catalog.schema.table; quote parts with \`…\`)`);
  }
  const [a, b, c] = parts as [string, string?, string?];
  if (c !== undefined && b !== undefined) return { catalog: a, schema: b, name: c };
  if (b !== undefined) return { catalog: defaults.catalog, schema: a, name: b };
  return { catalog: defaults.catalog, schema: defaults.schema, name: a };
}

/** A name part as the user would type it: bare when it is a plain identifier, else in backticks. */
export function displayPart(part: string): string {
  return /^[\p{Ll}_][\p{Ll}\p{N}_]*$/u.test(part) ? part : `\`${part.replaceAll('`', '``')}\``;
}

/**
 * A name for SQL text: every part in backticks (Databricks' quoting, which Loch's statement
 * parsers and its query rewriting both accept), so quotes, dots and keywords in names are safe.
 */
export function sqlName(parts: readonly string[]): string {
  return parts.map((p) => `\`${p.replaceAll('`', '``')}\``).join('.');
}
