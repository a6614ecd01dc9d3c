import type { ObjectName } from '../../catalog/catalog-types.js';
import { isLochError, LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import { quoteIdentifier } from '../../expr/to-sql.js';
import { parseObjectName } from '../../sql/bind/object-name.js';
import type { BoundKind, QueryRewrite } from '../../sql/extension.js';
import { formatName, resolveName } from '../../sql/sql-env.js';
import type { SqlEnv } from '../../sql/sql-env.js';
import type { AiRuntime } from '../ai-runtime.js';
import { CallContext } from '../functions/call-context.js';
import { GovernedSql } from '../governed-sql.js';
import { createResultTable, SCORE_COLUMN } from './search-sql/result-table.js';
import { searchArguments } from './search-sql/search-arguments.js';
import { findVectorSearchCalls } from './search-sql/search-calls.js';
import type { VectorQuery, VectorSearchResult } from './vector-types.js';

/** Table numbers are unique in the process, so temporary names never clash on a session. */
let tables = 0;

/**
 * Replaces each `vector_search(index => …, …)` table function call in a bound query by a
 * temporary table of its results (searched as the session's principal); undefined when the text
 * has none. Arguments must be constants (literals, parameters, expressions of them): they are
 * evaluated on the session. Each call becomes one `runtime.vectors.search` with the caller's
 * governed catalog, so the service's governance (SELECT on the source, row filters, masks, the
 * caller's EXECUTE on the embedding endpoint) applies; results are the requested source columns
 * then `search_score` DOUBLE, in the service's order. For `describe` (views, function bodies)
 * nothing is searched: the table is empty with the columns a search would give, read from the
 * source as the caller with LIMIT 0. The temporary tables live as long as the session (each
 * statement gets its own). An interrupt of the session aborts the searches (CANCELLED).
 * A searching statement is one trace (root CHAIN span `vector_search`, source sql) under which
 * the service hangs its RETRIEVER spans.
 */
export async function rewriteVectorSearch(runtime: AiRuntime, env: SqlEnv, session: Session, sql: string, kind: BoundKind): Promise<QueryRewrite | undefined> {
  const calls = findVectorSearchCalls(sql);
  if (calls.length === 0) return undefined;
  if (calls.some((c) => c.nested)) throw new LochError('INVALID_ARGUMENT', 'vector search: vector_search arguments must be constants; a vector_search call cannot be inside another', { context: { function: 'vector_search' } });
  const controller = new AbortController();
  const detach = session.attach({ abort: () => controller.abort(), progress: () => undefined });
  const requestId = runtime.host.ctx.ids.uuid();
  const ctx = new CallContext(runtime, env, session, sql, controller.signal, requestId);
  const root = kind === 'describe' ? undefined : runtime.tracer.startTrace('vector_search', 'CHAIN', { principal: env.catalog.principal, source: 'sql', requestId, inputs: { sql } });
  let text = sql;
  let failure: unknown;
  try {
    // Last call first, so the spans of the earlier ones still point into `text`.
    for (const call of [...calls].reverse()) {
      const args = await searchArguments(call, (span, what) => ctx.constant(span, what));
      const name = indexName(env, args.index);
      const result = kind === 'describe'
        ? await describeResult(runtime, env, name, args.query)
        : await runtime.vectors.search(env.catalog, name, args.query, { signal: controller.signal, requestId, ...(root === undefined ? {} : { trace: root.context }) });
      const table = `__loch_vector_search_${++tables}`;
      await createResultTable(session, result, table);
      text = `${text.slice(0, call.span.start)}${quoteIdentifier(table)}${text.slice(call.span.end)}`;
    }
  } catch (error) {
    failure = controller.signal.aborted && !isLochError(error, 'CANCELLED') ? new LochError('CANCELLED', 'vector search: the statement was cancelled while vector_search ran', { cause: error }) : error;
    throw failure;
  } finally {
    detach();
    root?.end(failure === undefined ? { ok: true } : { ok: false, error: failure instanceof Error ? failure.message : String(failure) });
  }
  return { sql: text, release: () => {} };
}

/** The index a vector_search names, resolved against the session's current catalog and schema. */
function indexName(env: SqlEnv, text: string): ObjectName {
  let parts: string[];
  try {
    parts = parseObjectName(text);
  } catch {
    throw new LochError('INVALID_ARGUMENT', `vector search: vector_search index ${JSON.stringify(text)} is not an index name (expected name, schema.name or catalog.schema.name)`, { context: { function: 'vector_search' } });
  }
  return resolveName(env.state, parts);
}

/**
 * The columns a search would give, without searching: the index's source read as the caller
 * with LIMIT 0 (so a caller who may not read it fails here as in a search), plus search_score.
 */
async function describeResult(runtime: AiRuntime, env: SqlEnv, name: ObjectName, query: VectorQuery): Promise<VectorSearchResult> {
  const info = await runtime.vectors.describe(env.catalog, name);
  const list = query.columns === undefined ? '*' : query.columns.map(quoteIdentifier).join(', ');
  const read = await new GovernedSql(runtime.host, env.catalog).rows(`SELECT ${list} FROM ${formatName(info.source)} LIMIT 0`);
  return { columns: [...read.columns.filter((c) => c.name !== SCORE_COLUMN), { name: SCORE_COLUMN, type: 'DOUBLE' }], rows: [] };
}
