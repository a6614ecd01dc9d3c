import { isTrivia, replaceSpans, tokenize } from '../parse/index.js';
import type { SpanReplacement, Token } from '../parse/index.js';
import type { SessionState } from '../sql-env.js';
import { sqlString } from '../sql-text.js';

/** Who runs a statement, as the session functions see it. */
export interface SessionIdentity {
  readonly name: string;
  /** Every group the principal belongs to, directly or through nested groups. */
  readonly groups: readonly string[];
}

/** Group tests: `is_account_group_member('g')` (Unity Catalog) and `is_member('g')` (workspace groups; Loch has one kind). */
const GROUP_TESTS: ReadonlySet<string> = new Set(['is_account_group_member', 'is_member']);

/**
 * Databricks' session functions answer from the Loch session, not from DuckDB (whose catalog is
 * `memory` and whose user is `duckdb`): current_catalog(), current_schema() (and its synonym
 * current_database()), current_user(), user() and session_user() become string literals, and
 * is_account_group_member(g) / is_member(g) become TRUE or FALSE for a literal group name (an
 * expression argument becomes a membership test against the principal's groups). Membership is
 * real membership only: an admin is a member of `admins` only if it was added to that group.
 * Group names compare exactly, as the identity store keeps them.
 * Only calls with parentheses are rewritten: a bare `current_user` may be a column name.
 */
export function bindSessionFunctions(sql: string, state: SessionState, identity: SessionIdentity): string {
  if (!/current_|user\s*\(|is_(account_group_)?member/i.test(sql)) return sql;
  let tokens: Token[];
  try {
    tokens = tokenize(sql).filter((t) => !isTrivia(t));
  } catch {
    return sql;
  }
  const values: Record<string, string> = {
    current_catalog: state.catalog,
    current_schema: state.schema,
    current_database: state.schema,
    current_user: identity.name,
    user: identity.name,
    session_user: identity.name,
  };
  const spans: SpanReplacement[] = [];
  for (let i = 0; i + 2 < tokens.length; i++) {
    const name = tokens[i] as Token;
    if (name.kind !== 'word' || tokens[i - 1]?.text === '.' || tokens[i + 1]?.text !== '(') continue;
    const word = name.text.toLowerCase();
    if (GROUP_TESTS.has(word)) {
      const span = groupTest(sql, tokens, i, identity.groups);
      if (span !== undefined) {
        spans.push(span.replacement);
        i = span.last;
      }
      continue;
    }
    const value = Object.hasOwn(values, word) ? values[word] : undefined;
    if (value === undefined || tokens[i + 2]?.text !== ')') continue;
    spans.push({ start: name.start, end: (tokens[i + 2] as Token).end, text: sqlString(value) });
  }
  return spans.length === 0 ? sql : replaceSpans(sql, spans);
}

/**
 * `is_member(<arg>)` at tokens[i]: a string literal folds to TRUE/FALSE; any other single argument
 * becomes `list_contains([groups], CAST(arg AS VARCHAR))`. Undefined when the call is unbalanced
 * or has more than one argument (DuckDB reports it).
 */
function groupTest(sql: string, tokens: readonly Token[], i: number, groups: readonly string[]): { replacement: SpanReplacement; last: number } | undefined {
  let depth = 0;
  let comma = false;
  for (let k = i + 1; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    else if (t.text === ',' && depth === 1) comma = true;
    if (depth > 0) continue;
    if (comma || k === i + 2) return undefined;
    const start = (tokens[i] as Token).start;
    const only = k === i + 3 ? tokens[i + 2] : undefined;
    if (only?.kind === 'string' && only.value !== undefined) {
      return { replacement: { start, end: t.end, text: groups.includes(only.value) ? 'TRUE' : 'FALSE' }, last: k };
    }
    const arg = sql.slice((tokens[i + 2] as Token).start, (tokens[k - 1] as Token).end);
    const list = groups.length === 0 ? '[]::VARCHAR[]' : `[${groups.map(sqlString).join(', ')}]`;
    return { replacement: { start, end: t.end, text: `list_contains(${list}, CAST((${arg}) AS VARCHAR))` }, last: k };
  }
  return undefined;
}
