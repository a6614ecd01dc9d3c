import { isTrivia, tokenize, type Token } from './lexer.js';

/** One statement of a script: `text` is `script.slice(start, end)`. */
export interface StatementSpan {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Splits a script on every ';' that is outside strings, quoted identifiers and comments.
 * Each span runs from the statement's first to its last meaningful token, so leading and
 * trailing whitespace and comments (and the ';') are not part of it; statements with nothing
 * but whitespace and comments are dropped. Unterminated text throws like `tokenize`.
 */
export function splitStatements(sql: string): StatementSpan[] {
  return splitTokens(sql, tokenize(sql));
}

/** `splitStatements` over tokens already produced from `sql`. */
export function splitTokens(sql: string, tokens: readonly Token[]): StatementSpan[] {
  const spans: StatementSpan[] = [];
  let first: Token | undefined;
  let last: Token | undefined;
  const flush = (): void => {
    if (first !== undefined && last !== undefined) {
      spans.push({ text: sql.slice(first.start, last.end), start: first.start, end: last.end });
    }
    first = undefined;
    last = undefined;
  };
  for (const token of tokens) {
    if (token.kind === 'punct' && token.text === ';') flush();
    else if (!isTrivia(token)) {
      first ??= token;
      last = token;
    }
  }
  flush();
  return spans;
}
