import type { Token } from '../parse/lexer.js';
import { isPunctAt, isWordAt, meaningful, nextMeaningful, prevMeaningful, readCall, type CallSpan } from './call-scan.js';

/** One argument of a call as a rule sees it. */
export interface ArgView {
  /** Token indices [from, to) of the argument, trimmed of whitespace and comments. */
  readonly from: number;
  readonly to: number;
  /** The argument with the dialect rewrites applied inside it. */
  readonly text: string;
  /** Its meaningful tokens as written. */
  readonly tokens: readonly Token[];
  /** The value when the argument is exactly one string literal ('…', E'…', $$…$$ or r'…'). */
  readonly stringValue?: string;
  /** True for a Databricks raw literal r'…' (no escapes at all). */
  readonly raw: boolean;
  /** The lower-cased word when the argument is one bare word (a column or a keyword such as DAY). */
  readonly word?: string;
}

export interface CallView {
  readonly name: string;
  readonly args: readonly ArgView[];
  readonly span: CallSpan;
  /** The meaningful tokens just before the name and just after the closing parenthesis. */
  readonly before?: Token;
  readonly after?: Token;
}

/** A replacement for the tokens from a rule's start up to (excluding) `next`. */
export interface Replacement {
  readonly text: string;
  readonly next: number;
}

/** A rule for calls of one function: replacement text, or undefined to leave the call as written. */
export type CallRule = (call: CallView, rw: Rewriter) => string | Replacement | undefined;

/** A rule triggered by the token at `index` (an operator word, a raw-string prefix…). */
export type TokenRule = (rw: Rewriter, index: number, end: number) => Replacement | undefined;

/** Words after which `name(` is not a function call (a table, a macro being defined, a table function). */
const NOT_A_CALL_AFTER = new Set(['into', 'table', 'macro', 'function', 'view', 'type', 'index', 'from', 'join', 'update', 'with', 'recursive']);

/**
 * Rewrites a token list: every token is copied as written unless a rule replaces it. Results of
 * ranges are memoised, so a rule that looks at an argument's rewritten text and then declines
 * does not make nested calls cost more than once.
 */
export class Rewriter {
  private readonly memo = new Map<string, string>();
  private readonly calls = new Map<number, { span: CallSpan; result: Replacement | undefined } | undefined>();

  constructor(
    readonly tokens: readonly Token[],
    private readonly callRules: ReadonlyMap<string, CallRule>,
    private readonly tokenRules: readonly TokenRule[],
  ) {}

  /** The rewritten text of tokens [from, to). */
  text(from: number, to: number): string {
    const key = `${from}:${to}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    let out = '';
    let i = from;
    while (i < to) {
      const replaced = this.step(i, to);
      if (replaced === undefined) {
        out += (this.tokens[i] as Token).text;
        i++;
      } else {
        out += replaced.text;
        i = replaced.next;
      }
    }
    this.memo.set(key, out);
    return out;
  }

  /** The original text of tokens [from, to). */
  source(from: number, to: number): string {
    return this.tokens.slice(from, to).map((t) => t.text).join('');
  }

  private step(i: number, end: number): Replacement | undefined {
    for (const rule of this.tokenRules) {
      const replaced = rule(this, i, end);
      if (replaced !== undefined) return replaced;
    }
    const call = this.callAt(i);
    return call !== undefined && call.span.closeIndex < end ? call.result : undefined;
  }

  /**
   * The rule's outcome for the call named at `i`, computed once: ranges that contain the call
   * ask again, and re-running rules there would make nested calls cost quadratically more.
   */
  private callAt(i: number): { span: CallSpan; result: Replacement | undefined } | undefined {
    if (this.calls.has(i)) return this.calls.get(i);
    let outcome: { span: CallSpan; result: Replacement | undefined } | undefined;
    const token = this.tokens[i] as Token;
    const rule = token.kind === 'word' ? this.callRules.get(token.text.toLowerCase()) : undefined;
    const span = rule !== undefined && this.callPosition(i) ? readCall(this.tokens, i) : undefined;
    if (rule !== undefined && span !== undefined && !this.isCteName(span)) {
      const result = rule(this.view(span), this);
      outcome = { span, result: typeof result === 'string' ? { text: result, next: span.closeIndex + 1 } : result };
    }
    this.calls.set(i, outcome);
    return outcome;
  }

  private callPosition(i: number): boolean {
    const before = prevMeaningful(this.tokens, i);
    if (isPunctAt(this.tokens, before, '.')) return false;
    const prev = this.tokens[before];
    return !(prev?.kind === 'word' && NOT_A_CALL_AFTER.has(prev.text.toLowerCase()));
  }

  /**
   * `name(cols) AS [NOT] [MATERIALIZED] (SELECT …)` is a common table expression with a column
   * list, not a call (unlike `posexplode(x) AS (p, c)`).
   */
  private isCteName(span: CallSpan): boolean {
    let at = nextMeaningful(this.tokens, span.closeIndex + 1);
    if (!isWordAt(this.tokens, at, 'as')) return false;
    at = nextMeaningful(this.tokens, at + 1);
    if (isWordAt(this.tokens, at, 'not', 'materialized')) return true;
    if (!isPunctAt(this.tokens, at, '(')) return false;
    const first = nextMeaningful(this.tokens, at + 1);
    return isWordAt(this.tokens, first, 'select', 'with', 'values', 'from', 'table') || isPunctAt(this.tokens, first, '(');
  }

  private view(span: CallSpan): CallView {
    const args = span.args.map((a) => this.argView(a.from, a.to));
    const before = this.tokens[prevMeaningful(this.tokens, span.nameIndex)];
    const after = this.tokens[nextMeaningful(this.tokens, span.closeIndex + 1)];
    return { name: span.name, args, span, ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) };
  }

  argView(from: number, to: number): ArgView {
    const tokens = meaningful(this.tokens, from, to);
    const base = { from, to, text: this.text(from, to), tokens, raw: false };
    const [first, second] = tokens;
    if (tokens.length === 1 && first?.kind === 'string') return { ...base, stringValue: first.value ?? '' };
    if (tokens.length === 1 && first?.kind === 'word') return { ...base, word: first.text.toLowerCase() };
    if (tokens.length === 2 && first !== undefined && second !== undefined && isRawPrefix(first, second)) {
      return { ...base, stringValue: second.value ?? '', raw: true };
    }
    return base;
  }
}

/** `r'…'`: the word r (or R) directly followed by a plain quoted string. */
export function isRawPrefix(word: Token, next: Token): boolean {
  return word.kind === 'word' && (word.text === 'r' || word.text === 'R') && next.kind === 'string' && next.start === word.end && next.text.startsWith("'");
}
