import { isTrivia, type Token } from './lexer.js';
import { sqlSyntaxError } from './position.js';

/**
 * A read position over the meaningful tokens of one SQL text (whitespace and comments dropped),
 * with the small readers the lake-statement grammar needs. Errors point at the current token, or
 * at the end of the text when the tokens ran out.
 */
export class TokenCursor {
  private readonly tokens: readonly Token[];
  private index = 0;

  constructor(
    readonly sql: string,
    allTokens: readonly Token[],
  ) {
    this.tokens = allTokens.filter((t) => !isTrivia(t));
  }

  /** The token `ahead` places from the current one (negative looks back); undefined past either end. */
  peek(ahead = 0): Token | undefined {
    return this.tokens[this.index + ahead];
  }

  /** Returns the current token and moves past it. */
  next(): Token | undefined {
    const token = this.tokens[this.index];
    if (token !== undefined) this.index++;
    return token;
  }

  atEnd(): boolean {
    return this.index >= this.tokens.length;
  }

  /** How many meaningful tokens the text has. */
  get length(): number {
    return this.tokens.length;
  }

  /** Throws INVALID_ARGUMENT "sql: <message> at line L column C" for the current position. */
  fail(message: string, at: Token | undefined = this.peek()): never {
    throw sqlSyntaxError(this.sql, at?.start ?? this.sql.length, message, at === undefined ? {} : { found: at.text });
  }

  /** Reads a non-negative integer literal that fits a JS number exactly; `what` names it in errors. */
  readNonNegativeInteger(what: string): number {
    const token = this.peek();
    if (token?.kind === 'op' && token.text === '-' && this.peek(1)?.kind === 'number') {
      this.fail(`${what} expects a non-negative integer`);
    }
    if (token?.kind !== 'number' || !/^[0-9]+$/.test(token.text)) this.fail(`${what} expects an integer`);
    if (BigInt(token.text) > BigInt(Number.MAX_SAFE_INTEGER)) {
      this.fail(`${what} ${token.text} is too large (at most ${Number.MAX_SAFE_INTEGER})`);
    }
    this.next();
    return Number(token.text);
  }

  /** Reads a string literal ('…', E'…' or $$…$$) and returns its unescaped value. */
  readString(what: string): string {
    const token = this.peek();
    if (token?.kind !== 'string' || token.value === undefined) this.fail(`${what} expects a string literal`);
    this.next();
    return token.value;
  }

  /** Consumes the punctuation `ch` or fails with "<what> expects '<ch>'". */
  expectPunct(ch: string, what: string): Token {
    const token = this.peek();
    if (!isPunct(token, ch)) this.fail(`${what} expects '${ch}'`);
    this.next();
    return token;
  }
}

/** True when `token` is the unquoted word `word`, compared case-insensitively. */
export function isWord(token: Token | undefined, word: string): token is Token {
  return token?.kind === 'word' && token.text.toLowerCase() === word;
}

export function isPunct(token: Token | undefined, ch: string): token is Token {
  return token?.kind === 'punct' && token.text === ch;
}

/** True when the tokens from the cursor on are the given words in order (case-insensitive). */
export function wordsAhead(cursor: TokenCursor, ...words: string[]): boolean {
  return words.every((word, i) => isWord(cursor.peek(i), word));
}
