import { isTrivia, tokenizePartial } from './lexer.js';
import { splitTokens } from './split.js';

/** One unit the shell runs: a SQL statement (without its ';') or a dot-command line. */
export interface ShellChunk {
  readonly kind: 'sql' | 'dot';
  /** SQL: the statement text, trimmed of surrounding whitespace/comments. Dot: the trimmed line. */
  readonly text: string;
}

export interface ShellSplit {
  /** Complete chunks, in input order. */
  readonly chunks: ShellChunk[];
  /**
   * Text still waiting for its ';' (or inside an open string/comment), leading whitespace
   * dropped; '' when nothing but whitespace and closed comments is pending.
   */
  readonly rest: string;
}

/**
 * Takes what can run from an interactive shell buffer. A line whose first non-blank character
 * is '.' where a statement would start is a dot-command (`.help`, `.mode csv`) and is complete
 * at its end of line or of buffer. SQL is complete up to the last ';' outside strings and
 * comments; a ';' inside an unterminated string or comment does not count. Never throws.
 */
export function splitCompleteStatements(buffer: string): ShellSplit {
  const chunks: ShellChunk[] = [];
  let pos = 0;
  while (pos < buffer.length) {
    pos = skipBlank(buffer, pos);
    if (buffer.charAt(pos) === '.') {
      const eol = lineEnd(buffer, pos);
      chunks.push({ kind: 'dot', text: buffer.slice(pos, eol).trim() });
      pos = eol;
      continue;
    }
    const next = takeSql(buffer, pos, chunks);
    if (next === undefined) return { chunks, rest: pendingText(buffer.slice(pos)) };
    pos = next;
  }
  return { chunks, rest: '' };
}

/**
 * True when the buffer is ready to run: it holds at least one ';' or dot-command, and nothing
 * but whitespace and closed comments follows the last one.
 */
export function isStatementComplete(buffer: string): boolean {
  const { chunks, rest } = splitCompleteStatements(buffer);
  if (rest !== '') return false;
  if (chunks.length > 0) return true;
  // A buffer of bare ';' runs nothing but is finished (the shell clears it).
  const { tokens, unterminated } = tokenizePartial(buffer);
  return unterminated === undefined && tokens.some((t) => t.kind === 'punct' && t.text === ';');
}

/**
 * Adds the SQL statements from `pos` up to the last ';' before a dot-command line (or the end)
 * and returns where to continue, or undefined when no ';' closes the text at `pos`.
 */
function takeSql(buffer: string, pos: number, chunks: ShellChunk[]): number | undefined {
  const { tokens } = tokenizePartial(buffer.slice(pos));
  let lastSemicolon = -1;
  let atStatementStart = true;
  for (const [i, token] of tokens.entries()) {
    if (atStatementStart && token.kind === 'punct' && token.text === '.' && startsLine(buffer, pos + token.start)) break;
    if (token.kind === 'punct' && token.text === ';') {
      lastSemicolon = i;
      atStatementStart = true;
    } else if (!isTrivia(token)) {
      atStatementStart = false;
    }
  }
  const semicolon = tokens[lastSemicolon];
  if (semicolon === undefined) return undefined;
  const text = buffer.slice(pos, pos + semicolon.end);
  for (const span of splitTokens(text, tokens.slice(0, lastSemicolon + 1))) chunks.push({ kind: 'sql', text: span.text });
  return pos + semicolon.end;
}

/** The pending text, or '' when it is only whitespace and closed comments. */
function pendingText(text: string): string {
  const { tokens, unterminated } = tokenizePartial(text);
  if (unterminated === undefined && tokens.every(isTrivia)) return '';
  return text;
}

function startsLine(buffer: string, at: number): boolean {
  const before = buffer.slice(0, at);
  const lineStart = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1;
  return before.slice(lineStart).trim() === '';
}

function skipBlank(buffer: string, pos: number): number {
  let i = pos;
  while (i < buffer.length && /\s/.test(buffer.charAt(i))) i++;
  return i;
}

function lineEnd(buffer: string, pos: number): number {
  const candidates = [buffer.indexOf('\n', pos), buffer.indexOf('\r', pos)].filter((i) => i >= 0);
  return candidates.length === 0 ? buffer.length : Math.min(...candidates);
}
