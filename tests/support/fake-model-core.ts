import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatMessage, ChatRequest, FinishReason, ToolCall, Usage } from '../../src/ai/model-types.js';

/**
 * What the fake model servers (fake-openai.ts, fake-anthropic.ts) share: the FakeModelServer
 * handle, the reply/fault vocabulary, the default replies and the node:http scaffolding that
 * records requests and counts concurrency. Tests import from the two server files.
 */

/** One request as the fake received it. */
export interface RecordedRequest {
  readonly method: string;
  /** The URL path as sent, e.g. `/v1/chat/completions`. */
  readonly path: string;
  /** Header names lower-case; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body (undefined for GET or a body that is not JSON). */
  readonly body: unknown;
}

export interface FakeModelServer {
  /** Base URL to put in an endpoint: `http://127.0.0.1:<port>/v1` (OpenAI) or `http://127.0.0.1:<port>` (Anthropic). */
  readonly url: string;
  /** Requests in arrival order (empty when the server was started with `record: false`). */
  readonly requests: RecordedRequest[];
  /** Requests whose response has not finished (and whose socket is still open). */
  readonly inFlight: number;
  /** The largest `inFlight` seen since start or the last resetStats(). */
  readonly maxInFlight: number;
  /** Forgets recorded requests, restarts the request count `n` at 1 and sets maxInFlight to inFlight. */
  resetStats(): void;
  /** Stops listening and destroys every open connection (hung requests included). */
  close(): Promise<void>;
}

/** A successful answer: content and/or tool calls; finish_reason defaults to 'tool_calls' when there are calls, else 'stop'; usage to characters / 4. */
export interface FakeAnswer {
  readonly content?: string;
  readonly tool_calls?: readonly ToolCall[];
  readonly usage?: Usage;
  readonly finish_reason?: FinishReason;
}

export type FakeFault =
  /** Answer with this HTTP status and the provider's error body; `retryAfter` becomes the `retry-after` header. */
  | { readonly fault: 'status'; readonly status: number; readonly retryAfter?: string; readonly message?: string }
  /**
   * Destroy the socket. Non-streaming: before any response byte. Streaming: after `afterChunks`
   * SSE events have been flushed (default 2; 0 = before the response headers).
   */
  | { readonly fault: 'drop'; readonly afterChunks?: number }
  /** Never answer (the request stays in flight until the client gives up or the server closes). */
  | { readonly fault: 'hang' }
  /** Wait `ms` before answering with `reply` (default: the default reply). */
  | { readonly fault: 'slow'; readonly ms: number; readonly reply?: FakeReply };

export type FakeReply = FakeAnswer | FakeFault;

/** Facts about the request a `chat` callback answers. */
export interface FakeRequestInfo {
  /** 1-based count of chat requests since start (or since resetStats()). */
  readonly n: number;
  /** The raw JSON body as the client sent it (the Anthropic fake's `chat` gets a translated view: see there). */
  readonly body: unknown;
}

export interface FakeOpenAiOptions {
  /** When set, any other bearer key gets 401 `{error:{message,type:'invalid_request_error',code:'invalid_api_key'}}`. */
  readonly apiKey?: string;
  /** Fixed delay before each answer (ms). */
  readonly latencyMs?: number;
  /** Delay between SSE events of a streamed answer (ms; default 0), to test timeouts between events. */
  readonly streamDelayMs?: number;
  /**
   * Per chat request: a reply or a fault. Default reply (also `defaultReply(request)`): content =
   * "echo: " + the last user message's text; with `response_format` json_schema a JSON object valid
   * for the schema (strings "x" or the first enum value, numbers 1, booleans true, arrays of one
   * item); with tools (and tool_choice not 'none') and a last message from the user a call of the
   * first tool (or the one tool_choice names) with arguments generated the same way; after a tool
   * message the text "tool said: <content>". Usage counts are about characters / 4.
   */
  readonly chat?: (request: ChatRequest, info: FakeRequestInfo) => FakeReply | Promise<FakeReply>;
  /** Embeddings per input text; default: 8-dim (or `dimensions`) deterministic unit vectors from a hash of the text. */
  readonly embed?: (inputs: string[]) => number[][];
  /** Per embeddings request: a fault to inject instead of answering, or undefined to answer. */
  readonly embedFault?: (inputs: string[], info: { readonly n: number }) => FakeFault | undefined | Promise<FakeFault | undefined>;
  /** Model ids listed by GET /v1/models (default ['fake-model']). */
  readonly models?: readonly string[];
  /** Keep a record of every request (default true; turn off for very large batches). */
  readonly record?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Default replies (shared with the Anthropic fake)

/** A value valid for a JSON schema: the first enum/const value, "x", 1, true, one-item arrays, every property. */
export function sampleForSchema(schema: unknown, root: unknown = schema, depth = 0): unknown {
  if (typeof schema !== 'object' || schema === null || depth > 12) return null;
  const s = schema as Record<string, unknown>;
  if (typeof s['$ref'] === 'string') return sampleForSchema(resolveRef(root, s['$ref']), root, depth + 1);
  if ('const' in s) return s['const'];
  if (Array.isArray(s['enum']) && s['enum'].length > 0) return s['enum'][0];
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const options = s[key];
    if (Array.isArray(options) && options.length > 0) return sampleForSchema(options.find((o) => !isNullSchema(o)) ?? options[0], root, depth + 1);
  }
  const declared = Array.isArray(s['type']) ? (s['type'].find((t) => t !== 'null') ?? 'null') : s['type'];
  const type = declared ?? (s['properties'] !== undefined ? 'object' : s['items'] !== undefined ? 'array' : 'string');
  switch (type) {
    case 'object': {
      const properties = (s['properties'] ?? {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(properties).map(([name, sub]) => [name, sampleForSchema(sub, root, depth + 1)]));
    }
    case 'array': {
      const count = typeof s['minItems'] === 'number' && s['minItems'] > 1 ? s['minItems'] : 1;
      return Array.from({ length: count }, () => sampleForSchema(s['items'] ?? {}, root, depth + 1));
    }
    case 'number':
    case 'integer':
      return typeof s['minimum'] === 'number' && s['minimum'] > 1 ? s['minimum'] : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'x';
  }
}

function isNullSchema(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && (schema as Record<string, unknown>)['type'] === 'null';
}

function resolveRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return {};
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  return node ?? {};
}

/** The text of a message's content (parts joined). */
export function messageText(message: ChatMessage | undefined): string {
  const content = message?.content;
  if (content === null || content === undefined) return '';
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}

/** Roughly characters / 4, at least 1 — the fakes' token count. */
export function tokensOf(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** The default reply to a chat request (see FakeOpenAiOptions.chat). `idPrefix` shapes generated tool-call ids. */
export function defaultReply(request: ChatRequest, idPrefix = 'call_'): FakeAnswer {
  const last = request.messages[request.messages.length - 1];
  if (last?.role === 'tool') return { content: `tool said: ${messageText(last)}`, finish_reason: 'stop' };
  const tools = request.tools ?? [];
  if (tools.length > 0 && request.tool_choice !== 'none' && last?.role === 'user') {
    const choice = request.tool_choice;
    const named = typeof choice === 'object' ? tools.find((t) => t.function.name === choice.function.name) : undefined;
    const tool = named ?? tools[0]!;
    const args = JSON.stringify(sampleForSchema(tool.function.parameters ?? { type: 'object' }));
    const id = idPrefix + createHash('sha256').update(args + request.messages.length).digest('hex').slice(0, 12);
    return { content: undefined, tool_calls: [{ id, type: 'function', function: { name: tool.function.name, arguments: args } }], finish_reason: 'tool_calls' };
  }
  const format = request.response_format;
  if (format?.type === 'json_schema') return { content: JSON.stringify(sampleForSchema(format.json_schema.schema)), finish_reason: 'stop' };
  const echo = `echo: ${messageText([...request.messages].reverse().find((m) => m.role === 'user'))}`;
  if (format?.type === 'json_object') return { content: JSON.stringify({ text: echo }), finish_reason: 'stop' };
  return { content: echo, finish_reason: 'stop' };
}

/** Usage of an answer to a request: the reply's own, or characters / 4. */
export function usageOf(request: ChatRequest, answer: FakeAnswer): Usage {
  if (answer.usage !== undefined) return answer.usage;
  const prompt = tokensOf(request.messages.map(messageText).join(''));
  const completion = tokensOf((answer.content ?? '') + (answer.tool_calls ?? []).map((c) => c.function.name + c.function.arguments).join(''));
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** A deterministic unit vector of `dims` numbers from a hash of the text. */
export function fakeEmbedding(text: string, dims = 8): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < dims; block++) {
    const digest = createHash('sha256').update(`${block}:${text}`).digest();
    for (let i = 0; i + 1 < digest.length && values.length < dims; i += 2) values.push(digest.readUInt16BE(i) / 32768 - 1);
  }
  const norm = Math.hypot(...values) || 1;
  return values.map((v) => v / norm);
}

/** Splits text into about `parts` pieces (at least one character each). */
export function pieces(text: string, parts = 4): string[] {
  if (text.length === 0) return [];
  const size = Math.max(1, Math.ceil(text.length / parts));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export function isFault(reply: FakeReply): reply is FakeFault {
  return 'fault' in reply;
}

// ---------------------------------------------------------------------------------------------
// The HTTP scaffolding (shared with the Anthropic fake)

/** One exchange handed to a fake's route handler. */
export interface FakeExchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly path: string;
  readonly body: unknown;
  /** True when the body was sent but is not JSON. */
  readonly badJson: boolean;
}

export interface FakeCore {
  readonly port: number;
  /** Waits `ms` (resolves false at once when the server closes or the client went away). */
  sleep(ms: number, res: ServerResponse): Promise<boolean>;
  /** Writes and waits until the bytes reach the socket (false when the client went away). */
  write(res: ServerResponse, text: string): Promise<boolean>;
  nextCount(kind: string): number;
  server: Omit<FakeModelServer, 'url'>;
}

/** Starts a node:http server on 127.0.0.1:0 that records requests, counts concurrency and hands each exchange to `handle`. */
export async function startFakeCore(record: boolean, handle: (exchange: FakeExchange, core: FakeCore) => Promise<void>): Promise<FakeCore> {
  const requests: RecordedRequest[] = [];
  const counts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let maxInFlight = 0;
  let closed = false;
  const gone = (res: ServerResponse) => closed || res.destroyed || res.writableEnded;
  const core: FakeCore = {
    port: 0,
    sleep: (ms, res) =>
      new Promise((resolve) => {
        if (ms <= 0) return resolve(!gone(res));
        const onClose = (): void => {
          clearTimeout(timer);
          timers.delete(timer);
          resolve(false);
        };
        const timer = setTimeout(() => {
          timers.delete(timer);
          res.off('close', onClose);
          resolve(!gone(res));
        }, ms);
        timers.add(timer);
        res.once('close', onClose);
      }),
    write: (res, text) => new Promise((resolve) => (gone(res) ? resolve(false) : res.write(text, (error) => resolve(!error)))),
    nextCount: (kind) => {
      const n = (counts.get(kind) ?? 0) + 1;
      counts.set(kind, n);
      return n;
    },
    server: {
      requests,
      get inFlight() { return inFlight; },
      get maxInFlight() { return maxInFlight; },
      resetStats() {
        requests.length = 0;
        counts.clear();
        maxInFlight = inFlight;
      },
      close: () =>
        new Promise<void>((resolve) => {
          closed = true;
          for (const timer of timers) clearTimeout(timer);
          timers.clear();
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    },
  };
  const server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let done = false;
    res.once('close', () => {
      if (!done) inFlight--;
      done = true;
    });
    res.on('error', () => undefined);
    void readBody(req).then(async (raw) => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      let body: unknown;
      let badJson = false;
      if (raw.length > 0) {
        try { body = JSON.parse(raw); } catch { badJson = true; }
      }
      if (record) requests.push({ method: req.method ?? 'GET', path, headers: headersOf(req), body });
      await handle({ req, res, path, body, badJson }, core);
    }).catch(() => res.destroy());
  });
  // undici keeps a connection for the hinted timeout minus one second: a short hint means a new connection per request.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { ...core, port: (server.address() as AddressInfo).port };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** Sends a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
