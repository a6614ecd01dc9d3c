import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ServerEnv } from './context.js';
import { errorResponse } from './error-shape.js';

/** Beyond this many bytes an oversized body is not read to its end: the connection is dropped instead. */
const DISCARD_CAP = 64 * 1024 * 1024;

/**
 * Request bodies larger than `maxBytes` are refused with 413 in the shape of the path's API.
 * A body announced too large by Content-Length is read and discarded first (up to 64 MiB), so
 * the client has sent everything and reads the 413 instead of failing on a connection closed
 * under it; the connection is not kept alive afterwards. Chunked bodies are counted while the
 * handler reads them (hono's bodyLimit).
 */
export function limitBodies(maxBytes: number): MiddlewareHandler<ServerEnv> {
  const streaming = bodyLimit({ maxSize: maxBytes, onError: (c) => tooLarge(c, maxBytes) });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = Number(c.req.header('content-length') ?? NaN);
    if (!(length > maxBytes)) return streaming(c, next);
    if (length <= DISCARD_CAP) await discard(c.req.raw.body);
    return tooLarge(c, maxBytes);
  };
}

function tooLarge(c: Parameters<MiddlewareHandler>[0], maxBytes: number): Response {
  c.header('connection', 'close');
  return errorResponse(c, 413, 'RESOURCE_EXHAUSTED', `http: the request body is larger than ${maxBytes} bytes`);
}

async function discard(body: ReadableStream<Uint8Array> | null): Promise<void> {
  if (body === null) return;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done } = await reader.read();
      if (done) return;
    }
  } catch {
    // The client went away: nothing left to read.
  } finally {
    reader.releaseLock();
  }
}
