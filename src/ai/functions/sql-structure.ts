import { LochError } from '../../core/errors.js';
import { isTrivia, tokenize } from '../../sql/parse/index.js';
import type { Token } from '../../sql/parse/index.js';

/** [start, end) offsets into a SQL text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

const OPENERS = new Set(['(', '[', '{']);
const CLOSERS = new Set([')', ']', '}']);

/**
 * The bracket structure of a SQL text at token level: which bracket encloses each meaningful
 * token and which parenthesised groups (or the whole text) hold a query (start with SELECT or
 * WITH). Enough to find the SELECT block a call belongs to without a full grammar.
 */
export class SqlStructure {
  /** Meaningful tokens (no whitespace or comments). */
  readonly tokens: readonly Token[];
  /** Index of the innermost open bracket around each token (-1: top level). */
  readonly parent: readonly number[];
  /** For an open bracket's index, the index of its closing bracket. */
  readonly match: ReadonlyMap<number, number>;
  /** The query group (index of its '(' or -1 for the whole text) each token belongs to; undefined outside any query. */
  readonly groupOf: readonly (number | undefined)[];
  private readonly byStart = new Map<number, number>();

  constructor(readonly sql: string) {
    this.tokens = tokenize(sql).filter((t) => !isTrivia(t));
    const parent: number[] = [];
    const match = new Map<number, number>();
    const stack: number[] = [];
    this.tokens.forEach((t, i) => {
      this.byStart.set(t.start, i);
      if (t.kind === 'punct' && CLOSERS.has(t.text)) {
        const open = stack.pop();
        if (open === undefined) throw unbalanced(t);
        match.set(open, i);
      }
      parent.push(stack[stack.length - 1] ?? -1);
      if (t.kind === 'punct' && OPENERS.has(t.text)) stack.push(i);
    });
    if (stack.length > 0) throw unbalanced(this.tokens[stack[stack.length - 1] as number] as Token);
    this.parent = parent;
    this.match = match;
    this.groupOf = this.tokens.map((_, i) => this.queryGroupAround(i));
  }

  /** The index of the token starting at `offset`. */
  indexAt(offset: number): number {
    const i = this.byStart.get(offset);
    if (i === undefined) throw new LochError('INTERNAL', `ai: no token starts at offset ${offset}`);
    return i;
  }

  /** True when the group opened at `open` (-1: the whole text) holds a query. */
  isQueryGroup(open: number): boolean {
    const first = this.tokens[open + 1];
    if (open >= 0 && !isPunctText(this.tokens[open], '(')) return false;
    return isKeyword(first, 'select') || isKeyword(first, 'with');
  }

  /** The query groups enclosing token i, innermost first. */
  enclosingGroups(i: number): number[] {
    const out: number[] = [];
    for (let p = this.groupOf[i]; p !== undefined; p = p === -1 ? undefined : this.groupOf[p]) out.push(p);
    return out;
  }

  /** The token range inside a group: [first, end). */
  inside(open: number): { first: number; end: number } {
    return open === -1 ? { first: 0, end: this.tokens.length } : { first: open + 1, end: this.match.get(open) as number };
  }

  /** The text span of tokens [from, to] (inclusive). */
  span(from: number, to: number): Span {
    return { start: (this.tokens[from] as Token).start, end: (this.tokens[to] as Token).end };
  }

  private queryGroupAround(i: number): number | undefined {
    for (let p = this.parent[i] as number; ; p = this.parent[p] as number) {
      if (this.isQueryGroup(p)) return p;
      if (p === -1) return undefined;
    }
  }
}

function unbalanced(t: Token): LochError {
  return new LochError('INVALID_ARGUMENT', `ai: unbalanced '${t.text}' at offset ${t.start} of the query`);
}

/** True for the unquoted word `word` (lower-case), case-insensitively. */
export function isKeyword(token: Token | undefined, word: string): boolean {
  return token?.kind === 'word' && token.text.toLowerCase() === word;
}

export function isPunctText(token: Token | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text;
}

/** An identifier token's value (quotes removed), or undefined for other tokens. */
export function identifierOf(token: Token | undefined): string | undefined {
  if (token?.kind === 'word') return token.text;
  if ((token?.kind === 'quoted_ident' || token?.kind === 'backtick_ident') && token.value !== undefined) return token.value;
  return undefined;
}
