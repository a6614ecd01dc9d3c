import { isTrivia, replaceSpans, tokenize } from '../parse/index.js';
import type { SpanReplacement, Token } from '../parse/index.js';
import type { SessionState } from '../sql-env.js';
import { sqlString } from '../sql-text.js';

/**
 * Databricks' session functions answer from the Loch session, not from DuckDB (whose catalog is
 * `memory` and whose user is `duckdb`): current_catalog(), current_schema() (and its synonym
 * current_database()), current_user(), user() and session_user() become string literals.
 * Only calls with parentheses are rewritten: a bare `current_user` may be a column name.
 */
export function bindSessionFunctions(sql: string, state: SessionState, principal: string): string {
  if (!/current_|user\s*\(/i.test(sql)) return sql;
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
    current_user: principal,
    user: principal,
    session_user: principal,
  };
  const spans: SpanReplacement[] = [];
  for (let i = 0; i + 2 < tokens.length; i++) {
    const name = tokens[i] as Token;
    const value = name.kind === 'word' ? values[name.text.toLowerCase()] : undefined;
    if (value === undefined || tokens[i - 1]?.text === '.') continue;
    if (tokens[i + 1]?.text !== '(' || tokens[i + 2]?.text !== ')') continue;
    spans.push({ start: name.start, end: (tokens[i + 2] as Token).end, text: sqlString(value) });
  }
  return spans.length === 0 ? sql : replaceSpans(sql, spans);
}
