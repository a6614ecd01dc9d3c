/**
 * StatementResponse, ResultManifest and ResultData as JSON (Databricks' field names).
 * - `manifest` appears once the statement SUCCEEDED (and stays after CLOSED). Totals
 *   (total_row_count, total_chunk_count, total_byte_count, truncated) are present when the end of
 *   the result is known: at once for results of one chunk, otherwise once the last chunk has been
 *   produced; `chunks` lists the chunks produced so far.
 * - `result` (chunk 0) appears while chunk 0 is held: `data_array` for INLINE, `external_links`
 *   for EXTERNAL_LINKS. Each chunk names its successor (`next_chunk_index`,
 *   `next_chunk_internal_link`) except the last.
 */
import type { ProducedChunk } from './chunk-cursor.js';
import { columnInfos } from './columns.js';
import type { Statement } from './statement.js';

/** Makes the URL of a one-download external link for a chunk; returns it with its expiry (epoch ms). */
export type LinkMaker = (statement: Statement, chunkIndex: number) => { url: string; expiresAt: number };

export const STATEMENTS_PATH = '/api/2.0/sql/statements';

export function statementResponse(statement: Statement, makeLink: LinkMaker): Record<string, unknown> {
  const out: Record<string, unknown> = { statement_id: statement.id, status: statusJson(statement) };
  if (statement.columns !== undefined && (statement.state === 'SUCCEEDED' || statement.state === 'CLOSED')) {
    out['manifest'] = manifestJson(statement);
  }
  const first = statement.retainedChunk(0);
  if (first !== undefined) {
    out['result'] = resultDataJson(statement, first, makeLink);
    if (statement.request.disposition === 'INLINE') statement.markDelivered(0);
  }
  return out;
}

function statusJson(statement: Statement): Record<string, unknown> {
  const failure = statement.failure;
  if (failure === undefined || statement.state !== 'FAILED') return { state: statement.state };
  return { state: statement.state, error: { error_code: failure.errorCode, message: failure.message }, sql_state: failure.sqlState };
}

function manifestJson(statement: Statement): Record<string, unknown> {
  const columns = columnInfos(statement.columns ?? []);
  const chunks = statement.chunkInfos;
  const total = statement.totalChunks;
  const external = statement.request.disposition === 'EXTERNAL_LINKS';
  return {
    format: statement.request.format,
    schema: { column_count: columns.length, columns },
    ...(total === undefined
      ? {}
      : {
          total_chunk_count: total,
          total_row_count: chunks.reduce((n, c) => n + c.row_count, 0),
          ...(external ? { total_byte_count: chunks.reduce((n, c) => n + (c.byte_count ?? 0), 0) } : {}),
          truncated: statement.truncated,
        }),
    chunks,
  };
}

/** ResultData of one chunk (the body of GET …/result/chunks/{n}, and `result` of a response). */
export function resultDataJson(statement: Statement, chunk: ProducedChunk, makeLink: LinkMaker): Record<string, unknown> {
  const position = {
    chunk_index: chunk.index,
    row_offset: chunk.rowOffset,
    row_count: chunk.rowCount,
    ...(chunk.byteCount === undefined ? {} : { byte_count: chunk.byteCount }),
  };
  const next = chunk.last ? {} : { next_chunk_index: chunk.index + 1, next_chunk_internal_link: `${STATEMENTS_PATH}/${statement.id}/result/chunks/${chunk.index + 1}` };
  if (chunk.inline !== undefined) return { ...position, ...next, data_array: chunk.inline };
  const link = makeLink(statement, chunk.index);
  const externalLink = { ...position, ...next, external_link: link.url, expiration: new Date(link.expiresAt).toISOString(), http_headers: {} };
  return { ...position, ...next, external_links: [externalLink] };
}
