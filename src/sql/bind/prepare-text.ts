import { findLakeRefs, isTrivia, replaceSpans, tokenize } from '../parse/index.js';
import type { LakeRef, SpanReplacement, Token } from '../parse/index.js';
import { isWord, TokenCursor } from '../parse/token-cursor.js';

/** Placeholder table names standing for lake references until they are bound to scans. */
export const PLACEHOLDER_PREFIX = '__loch_ref_';

/** The references of one statement (and of the views it reads), in placeholder order. */
export class RefRegistry {
  readonly refs: LakeRef[] = [];
  /** Loans taken while expanding (files of remote volumes pinned in the cache), ended with the query. */
  readonly releases: (() => void)[] = [];

  /** Records a reference; returns its placeholder name. */
  add(ref: LakeRef): string {
    this.refs.push(ref);
    return `${PLACEHOLDER_PREFIX}${this.refs.length - 1}`;
  }
}

/** `VERSION AS OF n` / `TIMESTAMP AS OF 's'` written after a table name. */
export interface NameTimeTravel {
  /** The version when it is a safe integer (Delta versions always are). */
  readonly version?: number;
  /** An integer too large for `version`, as written (Iceberg snapshot ids exceed 2^53). */
  readonly versionText?: string;
  /** `VERSION AS OF '<name>'`: an Iceberg branch or tag. */
  readonly ref?: string;
  readonly timestamp?: string;
}

export interface PreparedText {
  /** The text DuckDB's parser can read: lake refs as placeholders, backticks as double quotes, name time travel removed. */
  readonly text: string;
  /** Time travel clauses by the offset in `text` where the table name before them ends. */
  readonly travels: ReadonlyMap<number, NameTimeTravel>;
}

/**
 * Makes Spark-flavoured query text readable by DuckDB's parser without changing its meaning:
 * every lake reference (delta.`p`, delta_scan, table_changes) becomes a placeholder table
 * registered in `registry`; backtick identifiers become double-quoted ones (DuckDB gives
 * backticks no meaning); `<name> VERSION AS OF n` / `TIMESTAMP AS OF 's'` clauses, which DuckDB
 * rejects, are cut out and returned by position so the binder applies them to the name.
 * Malformed lake references and unterminated text throw INVALID_ARGUMENT (see findLakeRefs).
 */
export function prepareText(sql: string, registry: RefRegistry): PreparedText {
  const tokens = tokenize(sql);
  const lakeRefs = findLakeRefs(sql);
  const inRef = (t: Token) => lakeRefs.some((r) => t.start >= r.start && t.end <= r.end);
  const replacements: SpanReplacement[] = lakeRefs.map((ref) => ({ start: ref.start, end: ref.end, text: registry.add(ref) }));
  for (const t of tokens) {
    if (t.kind === 'backtick_ident' && !inRef(t)) replacements.push({ start: t.start, end: t.end, text: `"${(t.value ?? '').replaceAll('"', '""')}"` });
  }
  const meaningful = tokens.filter((t) => !isTrivia(t) && !inRef(t));
  replacements.push(...quoteReservedQualifiers(meaningful));
  const clauses = findNameTimeTravel(sql, meaningful);
  for (const c of clauses) replacements.push({ start: c.start, end: c.end, text: '' });
  const travels = new Map<number, NameTimeTravel>();
  for (const c of clauses) travels.set(shifted(replacements, c.start), c.travel);
  return { text: replaceSpans(sql, replacements), travels };
}

/**
 * `default` is a reserved word to DuckDB's parser, but Databricks' default schema is named so:
 * as a qualifier (`default.t`, `main.default.t`) it is quoted.
 */
function quoteReservedQualifiers(meaningful: readonly Token[]): SpanReplacement[] {
  return meaningful
    .filter((t, i) => isWord(t, 'default') && meaningful[i + 1]?.kind === 'punct' && meaningful[i + 1]?.text === '.')
    .map((t) => ({ start: t.start, end: t.end, text: `"${t.text}"` }));
}

/** Where offset `at` of the original text lands after the replacements ending at or before it. */
function shifted(replacements: readonly SpanReplacement[], at: number): number {
  let delta = 0;
  for (const r of replacements) if (r.end <= at && r.start < at) delta += r.text.length - (r.end - r.start);
  return at + delta;
}

interface Clause {
  readonly start: number;
  readonly end: number;
  readonly travel: NameTimeTravel;
}

/** VERSION AS OF <integer> (any size: Iceberg snapshot ids are 63-bit) or '<branch or tag>'. */
function readVersion(cursor: TokenCursor, travel: { version?: number; versionText?: string; ref?: string }): void {
  const token = cursor.peek();
  if (token?.kind === 'string') {
    travel.ref = cursor.readString('VERSION AS OF');
    return;
  }
  if (token?.kind === 'number' && /^[0-9]+$/.test(token.text) && BigInt(token.text) > BigInt(Number.MAX_SAFE_INTEGER)) {
    travel.versionText = token.text;
    cursor.next();
    return;
  }
  travel.version = cursor.readNonNegativeInteger('VERSION AS OF');
}

/** Clauses directly after an identifier; [start, end) runs from the identifier's end to the clause's. */
function findNameTimeTravel(sql: string, meaningful: Token[]): Clause[] {
  const clauses: Clause[] = [];
  for (let i = 1; i < meaningful.length; i++) {
    const before = meaningful[i - 1] as Token;
    if (before.kind !== 'word' && before.kind !== 'quoted_ident' && before.kind !== 'backtick_ident') continue;
    const which = meaningful[i];
    if (!(isWord(which, 'version') || isWord(which, 'timestamp')) || !isWord(meaningful[i + 1], 'as') || !isWord(meaningful[i + 2], 'of')) continue;
    const cursor = new TokenCursor(sql, meaningful.slice(i + 3));
    const travel: { version?: number; versionText?: string; ref?: string; timestamp?: string } = {};
    if (isWord(which, 'version')) readVersion(cursor, travel);
    else {
      if ((isWord(cursor.peek(), 'timestamp') || isWord(cursor.peek(), 'date')) && cursor.peek(1)?.kind === 'string') cursor.next();
      travel.timestamp = cursor.readString('TIMESTAMP AS OF');
    }
    const last = cursor.peek(-1) as Token;
    if (isWord(cursor.peek(), 'version') || isWord(cursor.peek(), 'timestamp')) {
      if (isWord(cursor.peek(1), 'as')) cursor.fail('a table reference takes one version or timestamp, not two');
    }
    clauses.push({ start: before.end, end: last.end, travel });
    i += 3;
  }
  return clauses;
}
