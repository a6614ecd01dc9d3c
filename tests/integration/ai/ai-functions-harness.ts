import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Loch } from '../../../src/index.js';
import type { EndpointLimits } from '../../../src/ai/endpoint-types.js';
import type { ChatMessage, ChatRequest } from '../../../src/ai/model-types.js';
import { startFakeOpenAi } from '../../support/fake-openai.js';
import type { FakeModelServer, FakeOpenAiOptions } from '../../support/fake-openai.js';

/** A Loch (ai extension on) with a fake OpenAI server and endpoints main.default.chat / main.default.embed on it. */
export interface AiHarness {
  readonly loch: Loch;
  readonly fake: FakeModelServer;
  /** Rows of a query as objects keyed by column name. */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly fake?: FakeOpenAiOptions;
  readonly limits?: Partial<EndpointLimits>;
  readonly threads?: number;
}

export async function openAiHarness(options: HarnessOptions = {}): Promise<AiHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'loch-ai-fn-'));
  const fake = await startFakeOpenAi(options.fake ?? {});
  const loch = await Loch.open({ warehouse: join(dir, 'warehouse'), threads: options.threads ?? 2 });
  const limits = { timeoutMs: 10_000, maxRetries: 0, backoffMs: 1, maxBackoffMs: 5, maxConcurrency: 4, ...options.limits };
  const base = { provider: 'openai', url: fake.url, limits };
  await loch.catalog.createModelEndpoint({ catalog: 'main', schema: 'default', name: 'chat' }, { ...base, task: 'chat', model: 'fake-model' });
  await loch.catalog.createModelEndpoint({ catalog: 'main', schema: 'default', name: 'embed' }, { ...base, task: 'embeddings', model: 'fake-embedding' });
  return {
    loch,
    fake,
    rows: async (sql) => {
      const result = await loch.sql(sql);
      const names = result.columns.map((c) => c.name);
      return (await result.all()).map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])));
    },
    close: async () => {
      await loch.close();
      await fake.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function textOf(message: ChatMessage | undefined): string {
  const content = message?.content;
  if (content === null || content === undefined) return '';
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}

/** The last user message and the system prompt of a request. */
export function promptOf(request: ChatRequest): { system: string; user: string } {
  const user = [...request.messages].reverse().find((m) => m.role === 'user');
  return { system: textOf(request.messages.find((m) => m.role === 'system')), user: textOf(user) };
}

/** A deterministic uniform [0, 1) from a seed and a text (FNV-1a, then a 32-bit mix). */
export function uniform(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}
