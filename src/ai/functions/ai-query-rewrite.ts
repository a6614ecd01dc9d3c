import type { Session } from '../../engine/index.js';
import type { BoundKind, QueryRewrite } from '../../sql/extension.js';
import type { SqlEnv } from '../../sql/sql-env.js';
import type { AiRuntime } from '../ai-runtime.js';

/** Evaluates the ai_* calls of a bound query (placeholder until H4 lands it). */
export async function rewriteAiQuery(_runtime: AiRuntime, _env: SqlEnv, _session: Session, _sql: string, _kind: BoundKind): Promise<QueryRewrite | undefined> {
  return undefined;
}
