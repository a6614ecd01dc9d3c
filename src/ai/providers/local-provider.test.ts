import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Loch } from '../../index.js';
import { hashEmbedding, localProvider, modelDimensions } from './local-provider.js';
import type { ProviderTarget } from './provider.js';

const target = (model: string): ProviderTarget => ({ url: 'loch:local', model, timeoutMs: 1000 });
const cosine = (a: readonly number[], b: readonly number[]): number => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);

describe('local provider', () => {
  it('embeds with the model dimensions, L2-normalised, and counts word tokens', async () => {
    const response = await localProvider().embed(target('hash-64'), { input: ['Hello world, hello!', 'other text'] });
    expect(response.data).toHaveLength(2);
    expect(response.data[1]?.index).toBe(1);
    const first = response.data[0]!.embedding;
    expect(first).toHaveLength(64);
    expect(cosine(first, first)).toBeCloseTo(1, 5);
    expect(response.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
    expect(response.model).toBe('hash-64');
    const defaults = await localProvider().embed(target('hash'), { input: 'x' });
    expect(defaults.data[0]?.embedding).toHaveLength(384);
    const custom = await localProvider().embed(target('hash'), { input: 'x', dimensions: 32 });
    expect(custom.data[0]?.embedding).toHaveLength(32);
  });

  it('is deterministic and pinned across processes', () => {
    const a = hashEmbedding('Vector search over Delta tables', 16);
    expect(hashEmbedding('Vector search over Delta tables', 16)).toEqual(a);
    // A pinned value guards against accidental changes to hashing (vectors stored in indexes depend on it).
    expect(a.map((x) => Math.round(x * 1000))).toEqual([-80, 80, 80, -80, 80, 80, -239, 798, -319, -160, -160, 0, 0, -319, -80, -80]);
  });

  it('places lexically similar texts closer than unrelated ones', () => {
    const dims = 384;
    const query = hashEmbedding('how do I build a vector index', dims);
    const near = hashEmbedding('building vector indexes step by step', dims);
    const far = hashEmbedding('the recipe needs tomatoes and basil', dims);
    expect(cosine(query, near)).toBeGreaterThan(cosine(query, far) + 0.1);
    expect(cosine(query, hashEmbedding('build a vector index', dims))).toBeGreaterThan(0.6);
    expect(hashEmbedding('', dims).every((x) => x === 0)).toBe(true);
  });

  it('rejects unknown models, bad dimensions and chat', async () => {
    expect(() => modelDimensions('bert')).toThrow(/unknown model 'bert'/);
    expect(() => modelDimensions('hash-8')).toThrow(/8 dimensions is out of range/);
    await expect(localProvider().embed(target('hash-5000'), { input: 'x' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(localProvider().chat(target('hash'), { messages: [] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect((async () => {
      for await (const _ of localProvider().chatStream(target('hash'), { messages: [] })) break;
    })()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const aborted = new AbortController();
    aborted.abort();
    await expect(localProvider().embed(target('hash'), { input: 'x' }, aborted.signal)).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('local endpoints in SQL', () => {
  it('CREATE MODEL ENDPOINT … PROVIDER local needs no url and embeds through ai_embed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loch-local-embed-'));
    const loch = await Loch.open({ warehouse: join(dir, 'warehouse'), threads: 1 });
    try {
      await loch.sql("CREATE MODEL ENDPOINT main.default.hashed PROVIDER 'local' OPTIONS (model 'hash-32')");
      await loch.sql("CREATE MODEL ENDPOINT main.default.plain PROVIDER local");
      const described = await (await loch.sql('DESCRIBE MODEL ENDPOINT main.default.plain')).all();
      expect(described.map((r) => [r[0], r[1]])).toEqual(expect.arrayContaining([['model', 'hash'], ['task', 'embeddings']]));
      const rows = await (await loch.sql("SELECT ai_embed('main.default.hashed', 'vector search') AS a, ai_embed('main.default.plain', 'x') AS b")).all();
      const [a, b] = rows[0] as [number[], number[]];
      expect(a).toHaveLength(32);
      expect(a.map((x) => Math.round(x * 1e4))).toEqual(hashEmbedding('vector search', 32).map((x) => Math.round(x * 1e4)));
      expect(b).toHaveLength(384);
    } finally {
      await loch.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
