import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LochError } from '../../../src/index.js';
import type { ChatRequest } from '../../../src/ai/model-types.js';
import { defaultReply } from '../../support/fake-openai.js';
import type { FakeReply } from '../../support/fake-openai.js';
import { openAiHarness, promptOf } from './ai-functions-harness.js';
import type { AiHarness } from './ai-functions-harness.js';

/**
 * The ai_* SQL functions end to end: a real Loch, the real gateway and provider, a fake
 * OpenAI-compatible server on 127.0.0.1. The fake answers by the request's content so every
 * result can be checked: "fail:" → 400, "slow:<ms>:" → that delay, classification by keyword.
 */
function route(request: ChatRequest): FakeReply {
  const { user } = promptOf(request);
  if (user.startsWith('fail:')) return { fault: 'status', status: 400, message: `refused ${user}` };
  const slow = /^slow:(\d+):/.exec(user);
  if (slow !== null) return { fault: 'slow', ms: Number(slow[1]), reply: defaultReply(request) };
  const format = request.response_format;
  if (format?.type === 'json_schema' && format.json_schema.name === 'ai_classify') {
    return { content: JSON.stringify({ label: user.includes('cat') ? 'animal' : user.includes('car') ? 'vehicle' : 'nonsense' }) };
  }
  if (format?.type === 'json_schema' && format.json_schema.name === 'ai_extract') {
    return { content: JSON.stringify({ person: user.includes('Ann') ? 'Ann' : null, city: user.includes('Oslo') ? 'Oslo' : null }) };
  }
  return defaultReply(request);
}

let h: AiHarness;

beforeAll(async () => {
  h = await openAiHarness({ fake: { chat: (request) => route(request) }, limits: { maxConcurrency: 4 } });
  await h.loch.sql("CREATE TABLE main.default.docs AS SELECT id, CASE WHEN id % 3 = 0 THEN NULL ELSE 'doc ' || id END AS txt FROM range(12) r(id)");
}, 60_000);

afterAll(async () => {
  await h?.close();
});

/** Requests the fake received while `run` ran. */
async function requestsDuring<T>(run: () => Promise<T>): Promise<{ result: T; requests: ChatRequest[] }> {
  const before = h.fake.requests.length;
  const result = await run();
  return { result, requests: h.fake.requests.slice(before).map((r) => r.body as ChatRequest) };
}

async function failure(sql: string): Promise<LochError> {
  const error = await h.loch.sql(sql).then((r) => r.all()).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(LochError);
  return error as LochError;
}

describe('ai_* functions over rows', () => {
  it('CREATE VIEW and CREATE FUNCTION over ai_* calls make no model call; reading the view does', async () => {
    const created = await requestsDuring(async () => {
      await h.loch.sql("CREATE VIEW main.default.summaries AS SELECT id, ai_summarize(txt, endpoint => 'chat') AS s FROM main.default.docs");
      await h.loch.sql("CREATE FUNCTION main.default.shout(x STRING) RETURNS STRING RETURN upper(ai_gen(x, endpoint => 'chat'))");
    });
    expect(created.requests).toEqual([]);
    const described = await h.rows('DESCRIBE main.default.summaries');
    expect(described.map((r) => [r['col_name'], r['data_type']])).toEqual([['id', 'bigint'], ['s', 'string']]);
    const read = await requestsDuring(() => h.rows('SELECT id, s FROM main.default.summaries ORDER BY id LIMIT 2'));
    expect(read.result.map((r) => Number(r['id']))).toEqual([0, 1]);
    expect(read.requests.length).toBeGreaterThan(0);
    const shouted = await h.rows("SELECT main.default.shout('hi') AS v");
    expect(shouted[0]?.['v']).toBe('ECHO: HI');
  });

  it('ai_gen keeps input order although replies finish out of order', async () => {
    const rows = await h.rows("SELECT id, ai_gen('slow:' || ((7 * id) % 5 * 4) || ': ask ' || id, endpoint => 'chat') AS g FROM range(24) r(id)");
    expect(rows.map((r) => Number(r['id']))).toEqual(Array.from({ length: 24 }, (_, i) => i));
    for (const r of rows) expect(r['g']).toBe(`echo: slow:${((7 * Number(r['id'])) % 5) * 4}: ask ${r['id']}`);
  });

  it('NULL arguments give NULL without a model call; temperature is 0 for task functions', async () => {
    const { result, requests } = await requestsDuring(() => h.rows("SELECT id, ai_gen(txt, endpoint => 'chat') AS g FROM docs"));
    expect(result.map((r) => [Number(r['id']), r['g']])).toEqual(Array.from({ length: 12 }, (_, i) => [i, i % 3 === 0 ? null : `echo: doc ${i}`]));
    expect(requests).toHaveLength(8);
    expect(requests.every((r) => r.temperature === 0)).toBe(true);
  });

  it('task functions send their prompts and shape their results', async () => {
    const { result, requests } = await requestsDuring(() => h.rows(`SELECT
        ai_classify(t, array('animal', 'vehicle'), endpoint => 'chat') AS c,
        ai_extract(t, array('person', 'city'), endpoint => 'chat') AS e,
        ai_summarize(t, 10, endpoint => 'chat') AS s,
        ai_translate(t, 'French', endpoint => 'chat') AS tr,
        ai_analyze_sentiment(t, endpoint => 'chat') AS se,
        ai_fix_grammar(t, endpoint => 'chat') AS fg,
        ai_mask(t, array('person'), endpoint => 'chat') AS m
      FROM (VALUES ('a cat met Ann in Oslo'), ('a car')) v(t)`));
    expect(result).toEqual([
      { c: 'animal', e: { person: 'Ann', city: 'Oslo' }, s: 'echo: a cat met Ann in Oslo', tr: 'echo: a cat met Ann in Oslo', se: 'positive', fg: 'echo: a cat met Ann in Oslo', m: 'echo: a cat met Ann in Oslo' },
      { c: 'vehicle', e: { person: null, city: null }, s: 'echo: a car', tr: 'echo: a car', se: 'positive', fg: 'echo: a car', m: 'echo: a car' },
    ]);
    const systems = requests.map((r) => promptOf(r).system);
    expect(systems.some((s) => s.includes('at most 10 words'))).toBe(true);
    expect(systems.some((s) => s.includes('into French'))).toBe(true);
    expect(systems.some((s) => s.includes('[MASKED]') && s.includes('"person"'))).toBe(true);
    const sentiment = requests.find((r) => r.response_format?.type === 'json_schema' && r.response_format.json_schema.name === 'ai_analyze_sentiment');
    expect(JSON.stringify(sentiment?.response_format)).toContain('"enum":["positive","negative","neutral","mixed"]');
  });

  it('ai_classify answers NULL for a label not in the list', async () => {
    expect(await h.rows("SELECT ai_classify('something', array('animal', 'vehicle'), endpoint => 'chat') AS c")).toEqual([{ c: null }]);
  });

  it('ai_query: text, typed JSON replies, response formats and model parameters', async () => {
    const { result, requests } = await requestsDuring(() => h.rows(`SELECT
        ai_query('chat', 'hello ' || id) AS plain,
        ai_query('main.default.chat', 'typed ' || id, returnType => 'STRUCT<n: INT, tags: ARRAY<STRING>>') AS typed,
        ai_query('chat', 'count ' || id, 'INT') AS n,
        ai_query('chat', 'fmt ' || id, responseFormat => '{"type": "object", "properties": {"ok": {"type": "boolean"}}}') AS fmt,
        ai_query('chat', 'ddl ' || id, responseFormat => 'STRUCT<name: STRING>', modelParameters => named_struct('temperature', 0.5, 'max_tokens', 20)) AS ddl
      FROM range(2) r(id)`));
    expect(result).toEqual([0, 1].map((id) => ({ plain: `echo: hello ${id}`, typed: { n: 1, tags: ['x'] }, n: 1, fmt: { ok: true }, ddl: { name: 'x' } })));
    const byUser = new Map(requests.map((r) => [promptOf(r).user, r]));
    expect(byUser.get('hello 0')?.response_format).toBeUndefined();
    expect(byUser.get('count 0')?.response_format).toMatchObject({ type: 'json_schema', json_schema: { schema: { properties: { result: { type: 'integer' } } } } });
    expect(byUser.get('ddl 1')).toMatchObject({ temperature: 0.5, max_tokens: 20 });
    const typed = await h.loch.sql("SELECT ai_query('chat', 'x', returnType => 'STRUCT<n: INT, tags: ARRAY<STRING>>') AS typed");
    expect(typed.columns).toEqual([{ name: 'typed', type: 'STRUCT("n" INTEGER, "tags" VARCHAR[])' }]);
    await typed.close();
  });

  it('ai_embed and ai_similarity use the embeddings endpoint, batching inputs', async () => {
    const before = h.fake.requests.length;
    const rows = await h.rows("SELECT id, ai_embed('embed', 'text ' || (id % 2)) AS v, ai_similarity('text ' || (id % 2), 'text 0', endpoint => 'embed') AS s FROM range(40) r(id)");
    const embeddings = h.fake.requests.slice(before).filter((r) => r.path.endsWith('/embeddings'));
    expect(embeddings.length).toBeLessThanOrEqual(6);
    expect(rows).toHaveLength(40);
    for (const r of rows) {
      expect((r['v'] as number[]).length).toBe(8);
      if (Number(r['id']) % 2 === 0) expect(r['s']).toBeCloseTo(1, 5);
      else expect(r['s'] as number).toBeLessThan(0.999);
    }
    expect(rows[2]?.['v']).toEqual(rows[0]?.['v']);
  });

  it('evaluates nested calls in rounds', async () => {
    const { result, requests } = await requestsDuring(() => h.rows("SELECT id, ai_summarize(ai_translate('t' || id, 'en', endpoint => 'chat'), endpoint => 'chat') AS s FROM range(3) r(id)"));
    expect(result).toEqual([0, 1, 2].map((id) => ({ id: BigInt(id), s: `echo: echo: t${id}` })));
    expect(requests).toHaveLength(6);
  });

  it('filters on an ai result in WHERE and groups by one', async () => {
    const rows = await h.rows("SELECT id FROM (VALUES (1, 'cat'), (2, 'car'), (3, 'cat food')) v(id, t) WHERE ai_classify(t, array('animal', 'vehicle'), endpoint => 'chat') = 'animal'");
    expect(rows.map((r) => r['id'])).toEqual([1, 3]);
    const groups = await h.rows("SELECT ai_classify(t, array('animal', 'vehicle'), endpoint => 'chat') AS label, count(*) AS n FROM (VALUES ('cat'), ('car'), ('cat food')) v(t) GROUP BY label ORDER BY label");
    expect(groups).toEqual([{ label: 'animal', n: 2n }, { label: 'vehicle', n: 1n }]);
    const { result: same, requests } = await requestsDuring(() => h.rows("SELECT ai_classify(t, array('animal', 'vehicle'), endpoint => 'chat') AS label, count(*) AS n FROM (VALUES ('cat'), ('car')) v(t) GROUP BY ai_classify(t, array('animal', 'vehicle'), endpoint => 'chat') ORDER BY 1"));
    expect(same).toEqual([{ label: 'animal', n: 1n }, { label: 'vehicle', n: 1n }]);
    expect(requests).toHaveLength(2);
  });

  it('pushes LIMIT down: only the rows asked for reach the model', async () => {
    const { result, requests } = await requestsDuring(() => h.rows("SELECT id, ai_gen('row ' || id, endpoint => 'chat') AS g FROM range(1000) r(id) WHERE id % 2 = 1 ORDER BY id DESC LIMIT 3 OFFSET 1"));
    expect(result).toEqual([997, 995, 993].map((id) => ({ id: BigInt(id), g: `echo: row ${id}` })));
    expect(requests.map((r) => promptOf(r).user).sort()).toEqual(['row 993', 'row 995', 'row 997']);
  });

  it('an empty input makes no calls and gives no rows', async () => {
    const { result, requests } = await requestsDuring(() => h.rows("SELECT id, ai_gen(txt, endpoint => 'chat') AS g FROM docs WHERE id < 0"));
    expect(result).toEqual([]);
    expect(requests).toHaveLength(0);
  });

  it('keeps SELECT * without the hidden columns', async () => {
    const result = await h.loch.sql("SELECT *, ai_gen(txt, endpoint => 'chat') FROM docs WHERE id < 2");
    expect(result.columns.map((c) => c.name)).toEqual(['id', 'txt', "ai_gen(txt, endpoint => 'chat')"]);
    expect(await result.all()).toEqual([[0n, null, null], [1n, 'doc 1', 'echo: doc 1']]);
  });

  it('CREATE TABLE AS and INSERT … SELECT store ai_query results', async () => {
    await h.loch.sql("CREATE TABLE main.default.answers AS SELECT id, ai_query('chat', 'q' || id) AS a FROM range(5) r(id)");
    await h.loch.sql("INSERT INTO main.default.answers SELECT id + 5, ai_query('chat', 'q' || (id + 5)) FROM range(3) r(id)");
    const rows = await h.rows('SELECT id, a FROM main.default.answers ORDER BY id');
    expect(rows).toEqual(Array.from({ length: 8 }, (_, i) => ({ id: BigInt(i), a: `echo: q${i}` })));
  });

  it('MERGE takes ai_* results from its source query', async () => {
    await h.loch.sql("CREATE TABLE main.default.merged AS SELECT id, 'old ' || id AS note FROM range(4) r(id)");
    await h.loch.sql("MERGE INTO main.default.merged t USING (SELECT id, ai_gen('new ' || id, endpoint => 'chat') AS g FROM range(2, 6) r(id)) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET note = s.g WHEN NOT MATCHED THEN INSERT (id, note) VALUES (s.id, s.g)");
    const rows = await h.rows('SELECT id, note FROM main.default.merged ORDER BY id');
    expect(rows).toEqual([0, 1, 2, 3, 4, 5].map((i) => ({ id: BigInt(i), note: i < 2 ? `old ${i}` : `echo: new ${i}` })));
  });

  it('failOnError => false gives errors as values per row', async () => {
    const rows = await h.rows("SELECT id, ai_query('chat', CASE WHEN id = 1 THEN 'fail:' ELSE 'ok:' END || id, failOnError => false) AS r FROM range(3) r(id)");
    expect(rows[0]).toEqual({ id: 0n, r: { result: 'echo: ok:0', errorMessage: null } });
    expect(rows[1]?.['r']).toMatchObject({ result: null });
    expect(String((rows[1]?.['r'] as { errorMessage: string }).errorMessage)).toContain('refused fail:1');
    expect(rows[2]).toEqual({ id: 2n, r: { result: 'echo: ok:2', errorMessage: null } });
  });

  it('a failing row fails CREATE TABLE AS, naming the function and row, and creates nothing', async () => {
    const error = await failure("CREATE TABLE main.default.broken AS SELECT id, ai_query('chat', CASE WHEN id = 6 THEN 'fail:' ELSE 'ok:' END || id) AS a FROM range(10) r(id)");
    expect(error.message).toMatch(/ai: ai_query failed on row 7 of 10: .*refused fail:6/);
    expect(await h.loch.catalog.findTable({ catalog: 'main', schema: 'default', name: 'broken' })).toBeUndefined();
  });
});

describe('ai_* functions: refusals', () => {
  it('refuses ai calls in UPDATE … SET and conditions', async () => {
    const error = await failure("UPDATE main.default.docs SET txt = ai_gen(txt, endpoint => 'chat') WHERE id = 1");
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('ai: ai_gen cannot be used in UPDATE … SET or a condition');
  });

  it('refuses a join in FROM and aggregates inside the arguments of a grouped block', async () => {
    const join = await failure("SELECT ai_gen(a.txt, endpoint => 'chat') FROM docs a JOIN docs b USING (id)");
    expect(join.message).toContain('need a single table in FROM; put the join in a subquery or CTE');
    const agg = await failure("SELECT ai_summarize(string_agg(txt, ' '), endpoint => 'chat') FROM docs");
    expect(agg.message).toContain('cannot hold an aggregate');
  });

  it('asks for an endpoint when none is named or set', async () => {
    const error = await failure("SELECT ai_gen('x')");
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('SET loch.ai.endpoint');
  });

  it('refuses the wrong endpoint task, unknown arguments and non-constant labels', async () => {
    expect((await failure("SELECT ai_embed('chat', 'x')")).message).toContain('needs an embeddings endpoint; main.default.chat is a chat endpoint');
    expect((await failure("SELECT ai_gen('x', temperature => 1, endpoint => 'chat')")).message).toContain('has no argument named temperature');
    expect((await failure("SELECT ai_classify(txt, array(txt), endpoint => 'chat') FROM docs")).message).toContain('must be a constant');
    expect((await failure("SELECT ai_query('nope', 'x')")).code).toBe('NOT_FOUND');
  });
});
