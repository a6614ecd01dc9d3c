import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LochError } from '../../../src/index.js';
import type { ChatRequest } from '../../../src/ai/model-types.js';
import { defaultReply } from '../../support/fake-openai.js';
import type { FakeReply } from '../../support/fake-openai.js';
import { openAiHarness, promptOf } from './ai-functions-harness.js';
import type { AiHarness } from './ai-functions-harness.js';

/** Cancel, progress, session settings and governance of the ai_* functions (real Loch, real gateway, fake server). */
function route(request: ChatRequest): FakeReply {
  return promptOf(request).user.startsWith('hang') ? { fault: 'hang' } : defaultReply(request);
}

let h: AiHarness;

beforeAll(async () => {
  h = await openAiHarness({ fake: { chat: (request) => route(request) }, limits: { maxConcurrency: 4, timeoutMs: 30_000 } });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('ai_* functions: cancel and progress', () => {
  it('a session interrupt cancels the calls; the CTAS commits nothing; progress moved meanwhile', async () => {
    const session = h.loch.session();
    const run = session.sql("CREATE TABLE main.default.stopped AS SELECT id, ai_gen(CASE WHEN id < 10 THEN 'ok ' ELSE 'hang ' END || id, endpoint => 'chat') AS g FROM range(100) r(id)");
    const settled = run.then(() => undefined, (e: unknown) => e);
    await until(() => h.loch.progress() === 10 && h.fake.inFlight === 4, 'ten rows done and four calls hanging');
    session.interrupt();
    const error = await settled;
    expect(error).toBeInstanceOf(LochError);
    expect((error as LochError).code).toBe('CANCELLED');
    expect(await h.loch.catalog.findTable({ catalog: 'main', schema: 'default', name: 'stopped' })).toBeUndefined();
    await until(() => h.fake.inFlight === 0, 'the hanging calls to be dropped');
    expect(h.loch.progress()).toBeUndefined();
  });
});

describe('ai_* functions: settings and governance', () => {
  it('task functions use SET loch.ai.endpoint; ai_similarity uses loch.ai.embedding_endpoint', async () => {
    const session = h.loch.session();
    await session.sql("SET loch.ai.endpoint = 'chat'");
    await session.sql("SET loch.ai.embedding_endpoint = 'main.default.embed'");
    const rows = await (await session.sql("SELECT ai_gen('hi') AS g, ai_similarity('a', 'a') AS s")).all();
    expect(rows).toEqual([['echo: hi', 1]]);
    const other = await h.loch.session().sql("SELECT ai_gen('hi')").then(() => undefined, (e: unknown) => e);
    expect((other as LochError).message).toContain('SET loch.ai.endpoint');
  });

  it('a principal without EXECUTE on the endpoint cannot call it; with EXECUTE it can', async () => {
    await h.loch.identity.createUser('bob');
    const bob = await h.loch.identity.resolve('bob');
    if (bob === undefined) throw new Error('bob was not created');
    const session = h.loch.session({ principal: bob });
    const denied = await session.sql("SELECT ai_query('main.default.chat', 'hi')").then(() => undefined, (e: unknown) => e);
    expect(denied).toBeInstanceOf(LochError);
    expect(['PERMISSION_DENIED', 'NOT_FOUND']).toContain((denied as LochError).code);
    await h.loch.sql('GRANT USE CATALOG ON CATALOG main TO bob');
    await h.loch.sql('GRANT USE SCHEMA ON SCHEMA main.default TO bob');
    await h.loch.sql('GRANT EXECUTE ON MODEL ENDPOINT main.default.chat TO bob');
    expect(await (await session.sql("SELECT ai_query('main.default.chat', 'hi')")).all()).toEqual([['echo: hi']]);
  });
});
