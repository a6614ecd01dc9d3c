import type { Context } from 'hono';
import { stream } from 'hono/streaming';

/** Slice size of streamed bodies: small enough that a client going away is noticed mid-body. */
const SLICE = 64 * 1024;

export interface StreamCallbacks {
  /** Every byte was handed to the connection. */
  readonly complete?: () => void;
  /** The client went away before the end (the connection closed mid-body). */
  readonly aborted?: () => void;
}

/**
 * Sends `body` in slices with backpressure, so that a client that disconnects mid-download is
 * noticed (`aborted`) and whatever the body came from can be released at once, instead of when
 * an idle timer fires.
 */
export function streamBody(c: Context, body: Uint8Array, contentType: string, callbacks: StreamCallbacks = {}): Response {
  c.header('content-type', contentType);
  c.header('content-length', String(body.byteLength));
  let aborted = false;
  return stream(c, async (s) => {
    s.onAbort(() => {
      if (aborted) return;
      aborted = true;
      callbacks.aborted?.();
    });
    for (let offset = 0; offset < body.byteLength && !s.aborted; offset += SLICE) {
      await s.write(body.subarray(offset, Math.min(body.byteLength, offset + SLICE)));
    }
    if (!s.aborted && !aborted) callbacks.complete?.();
  });
}
