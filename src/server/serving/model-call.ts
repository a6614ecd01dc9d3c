/**
 * Calls an endpoint through the model gateway for an HTTP request and answers the result: chat
 * as a chat.completion JSON, streamed chat as OpenAI's server-sent events, embeddings as the
 * embeddings list (floats, or base64 little-endian float32 when the client asked, as the OpenAI
 * SDK does by default).
 *
 * The gateway governs (EXECUTE on the caller's catalog), limits, retries and logs; the route
 * passes the caller's governed catalog, the door (`http` or `openai`), the request id and a
 * signal that aborts when the client goes away, so a disconnected client stops its model call.
 */
import type { Context } from 'hono';
import type { ObjectName } from '../../catalog/catalog-types.js';
import { LochError, isLochError } from '../../core/errors.js';
import { aiRuntime } from '../../ai/ai-extension.js';
import type { CallSource, InvokeOptions, ModelGateway } from '../../ai/gateway/gateway-types.js';
import type { ChatChunk, EmbeddingResponse } from '../../ai/model-types.js';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import type { ModelCall } from './model-request.js';
import { openAiErrorBody, servingFailure } from './serving-failure.js';

/** The gateway of the server's Loch; NOT_IMPLEMENTED when it was opened without the ai extension. */
export function gatewayOf(deps: ApiDeps): ModelGateway {
  return aiRuntimeOf(deps).gateway;
}

/** The ai runtime of the server's Loch (NOT_IMPLEMENTED without the ai extension). */
export function aiRuntimeOf(deps: ApiDeps): ReturnType<typeof aiRuntime> {
  try {
    return aiRuntime(deps.loch);
  } catch (error) {
    throw new LochError('NOT_IMPLEMENTED', 'serving: this server runs without the ai extension, so model endpoints are not available', { cause: error });
  }
}

/** Runs `call` on `endpoint` as the request's caller and answers it. */
export async function callModel(c: Context<ServerEnv>, deps: ApiDeps, endpoint: ObjectName, call: ModelCall, source: CallSource): Promise<Response> {
  const gateway = gatewayOf(deps);
  const abort = new AbortController();
  const clientGone = (): void => abort.abort();
  const requestSignal = c.req.raw.signal;
  if (requestSignal.aborted) abort.abort();
  else requestSignal.addEventListener('abort', clientGone, { once: true });
  const options: InvokeOptions = { catalog: c.get('caller').catalog, source, signal: abort.signal, requestId: c.get('requestId') };
  const release = (): void => requestSignal.removeEventListener('abort', clientGone);
  let streaming = false;
  try {
    if (call.kind === 'embeddings') {
      const response = await gateway.embed(endpoint, call.request, options);
      return c.json(call.base64 ? base64Embeddings(response) : response);
    }
    if (!call.stream) return c.json(await gateway.chat(endpoint, call.request, options));
    const chunks = gateway.chatStream(endpoint, call.request, options)[Symbol.asyncIterator]();
    // The first chunk is awaited before answering, so refusals and failures before any output
    // keep their HTTP status instead of becoming an error event in a 200 stream.
    const first = await chunks.next();
    streaming = true;
    return eventStream(c, first, chunks, abort, release);
  } finally {
    // A stream keeps listening until it ends; every other answer is complete here.
    if (!streaming) release();
  }
}

/**
 * Server-sent events as OpenAI writes them: `data: <chunk JSON>\n\n` per chunk, then
 * `data: [DONE]\n\n`. A failure after the first chunk ends the stream with one
 * `data: {"error": {...}}` event and no [DONE] (the OpenAI SDK raises it as an APIError).
 * Chunks are pulled from the gateway only as the client reads (backpressure); a client that goes
 * away cancels the stream and aborts the model call.
 */
function eventStream(c: Context<ServerEnv>, first: IteratorResult<ChatChunk>, rest: AsyncIterator<ChatChunk>, abort: AbortController, done: () => void): Response {
  const encoder = new TextEncoder();
  const event = (data: unknown): Uint8Array => encoder.encode(`data: ${JSON.stringify(data)}\n\n`);
  const finish = (controller: ReadableStreamDefaultController<Uint8Array>, last: Uint8Array): void => {
    controller.enqueue(last);
    controller.close();
    done();
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (first.done === true) finish(controller, encoder.encode('data: [DONE]\n\n'));
      else controller.enqueue(event(first.value));
    },
    async pull(controller) {
      try {
        const next = await rest.next();
        if (next.done === true) finish(controller, encoder.encode('data: [DONE]\n\n'));
        else controller.enqueue(event(next.value));
      } catch (error) {
        if (abort.signal.aborted) return closeQuietly(controller, done);
        const failure = servingFailure(error);
        const message = isLochError(error) ? failure.message : 'server: internal error';
        finish(controller, event(openAiErrorBody(failure.status, failure.errorCode, message)));
      }
    },
    async cancel() {
      abort.abort();
      done();
      await rest.return?.();
    },
  });
  return c.body(body, 200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
}

/** Ends a stream the client abandoned (it may be cancelled already). */
function closeQuietly(controller: ReadableStreamDefaultController<Uint8Array>, done: () => void): void {
  done();
  try {
    controller.close();
  } catch {
    // Cancelled by the client: nothing is left to close.
  }
}

/** Embeddings as base64 of little-endian float32, OpenAI's `encoding_format: 'base64'`. */
function base64Embeddings(response: EmbeddingResponse): Record<string, unknown> {
  return {
    ...response,
    data: response.data.map((item) => {
      const bytes = Buffer.alloc(item.embedding.length * 4);
      item.embedding.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
      return { ...item, embedding: bytes.toString('base64') };
    }),
  };
}
