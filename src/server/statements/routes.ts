/**
 * The SQL Statement Execution API at `/api/2.0/sql/statements` (Databricks' shape):
 *
 *   POST /                              ExecuteStatementRequest → StatementResponse
 *   GET  /{id}                          StatementResponse (chunk 0 as `result` while it is held)
 *   POST /{id}/cancel                   {} (running → CANCELED; succeeded → result released, CLOSED)
 *   GET  /{id}/result/chunks/{n}        ResultData of chunk n (chunks are produced in order)
 *   GET  /{id}/result/chunks/{n}/data?token=…
 *                                       the bytes of an external link (JSON_ARRAY, CSV or an
 *                                       Arrow IPC stream); the token authorises one download
 *                                       of that chunk (no Authorization header), like a
 *                                       presigned URL.
 *
 * Statements run as the caller (`caller.session`), so every privilege, row filter and mask
 * applies. SQL failures are 200 with status.state FAILED; request errors are HTTP errors
 * `{error_code, message}` through the server's one error table.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { LochError } from '../../core/errors.js';
import { authenticate } from '../http/auth.js';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import { databricksErrorBody } from '../http/error-shape.js';
import { readJsonObject } from '../http/json-body.js';
import { streamBody } from '../http/stream-body.js';
import { StatementRegistry } from './registry.js';
import { parseExecuteRequest } from './request.js';
import { STATEMENTS_PATH, resultDataJson, statementResponse } from './response.js';
import type { LinkMaker } from './response.js';
import type { Statement } from './statement.js';

/** How long a wait_timeout … CANCEL waits for the cancelled statement to stop before answering. */
const CANCEL_SETTLE_MS = 5_000;

export function statementApi(deps: ApiDeps, registry: StatementRegistry = new StatementRegistry(deps)): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  const auth = authenticate(deps, 'statements', databricksErrorBody);

  // Registered before the authenticated routes: an external link carries its own token.
  app.get('/:id/result/chunks/:n/data', async (c) => {
    const id = c.req.param('id');
    const n = chunkIndex(c.req.param('n'));
    const token = c.req.query('token') ?? '';
    const statement = registry.peek(id);
    if (statement === undefined || !registry.links.take(token, id, n)) {
      throw new LochError('PERMISSION_DENIED', 'statements: the link is invalid, already used or expired; ask for the chunk again');
    }
    const chunk = await statement.chunk(n);
    if (chunk.body === undefined) throw new LochError('INTERNAL', `statements: chunk ${n} of statement ${id} has no body`);
    const format = statement.request.format;
    const contentType = format === 'ARROW_STREAM' ? 'application/vnd.apache.arrow.stream' : format === 'CSV' ? 'text/csv; charset=utf-8' : 'application/json';
    return streamBody(c, chunk.body, contentType, {
      complete: () => statement.markDelivered(n),
      aborted: () => void statement.release(),
    });
  });

  app.post('/', auth, async (c) => {
    const request = parseExecuteRequest(await readJsonObject(c));
    const statement = registry.submit(c.get('caller'), request);
    if (request.waitTimeoutMs > 0 && !(await settles(statement.done, request.waitTimeoutMs)) && request.onWaitTimeout === 'CANCEL') {
      statement.cancel();
      await settles(statement.done, CANCEL_SETTLE_MS);
    }
    return c.json(statementResponse(statement, linkMaker(c, registry)));
  });

  app.get('/:id', auth, (c) => {
    const statement = registry.get(c.req.param('id'), c.get('caller').principal.name);
    return c.json(statementResponse(statement, linkMaker(c, registry)));
  });

  app.post('/:id/cancel', auth, (c) => {
    registry.get(c.req.param('id'), c.get('caller').principal.name).cancel();
    return c.json({});
  });

  app.get('/:id/result/chunks/:n', auth, async (c) => {
    const n = chunkIndex(c.req.param('n'));
    const statement = registry.get(c.req.param('id'), c.get('caller').principal.name);
    const chunk = await statement.chunk(n);
    const body = resultDataJson(statement, chunk, linkMaker(c, registry));
    if (chunk.inline === undefined) return c.json(body);
    return streamBody(c, Buffer.from(JSON.stringify(body)), 'application/json', {
      complete: () => statement.markDelivered(n),
      aborted: () => void statement.release(),
    });
  });
  return app;
}

function chunkIndex(text: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new LochError('INVALID_ARGUMENT', 'statements: chunk_index must be a non-negative integer');
  return Number(text);
}

function linkMaker(c: Context<ServerEnv>, registry: StatementRegistry): LinkMaker {
  const origin = new URL(c.req.url).origin;
  return (statement: Statement, n: number) => {
    const { token, expiresAt } = registry.links.issue(statement.id, n);
    return { url: `${origin}${STATEMENTS_PATH}/${statement.id}/result/chunks/${n}/data?token=${token}`, expiresAt };
  };
}

/** True when `promise` settles within `ms`. */
async function settles(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
