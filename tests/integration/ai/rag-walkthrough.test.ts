import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiRuntime, evaluate, Loch } from '../../../src/index.js';
import { startServer } from '../../../src/server/server.js';
import type { RunningServer } from '../../../src/server/server.js';
import { startFakeOpenAi } from '../../support/fake-openai.js';
import type { FakeModelServer } from '../../support/fake-openai.js';
import { fakeRagModel } from '../../support/fake-rag-model.js';
import { writePdf } from '../../support/pdf-fixture.js';

/**
 * Retrieval-augmented answers as a new user builds them, through the public doors only: files
 * uploaded to a volume over the Files API, SQL that parses and chunks them into a table with a
 * change data feed, a vector index over it with the offline local embedding model, an agent
 * whose tool is that index, and questions asked over the OpenAI-compatible route with each
 * user's token. The chat model is a deterministic fake (fake-rag-model.ts) that calls the tool and
 * answers with the retrieved sentence that best matches the question, so a right answer proves
 * the retrieval. Adding and deleting a document is followed by one REFRESH.
 */
let dir: string;
let fake: FakeModelServer;
let loch: Loch;
let server: RunningServer;
const tokens: Record<string, string> = {};
const DOCS = '/Volumes/main/default/docs';

const ATLAS = writePdf(
  [
    { lines: [{ text: 'Atlas of Loch', size: 22 }, { text: 'Geography', size: 15 }, { text: 'The capital of Loch is Lakeside.' }, { text: 'Lakeside sits on the northern shore.' }] },
    { lines: [{ text: 'Rivers', size: 15 }, { text: 'The longest river in Loch is the Silver Run.' }] },
  ],
  { title: 'Atlas of Loch' },
);
const HANDBOOK = '# Staff handbook\n\n## Holidays\n\nStaff get thirty days of holiday each year.\n\n## Parking\n\nVisitors park behind the boathouse.\n';
const FERRIES = '# Ferries\n\nThe morning ferry departs the harbour at seven o clock.\n';

async function upload(name: string, body: Uint8Array | string): Promise<void> {
  const response = await fetch(`${server.url}/api/2.0/fs/files${DOCS}/${name}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${tokens['admin']}`, 'content-type': 'application/octet-stream' },
    body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
  });
  expect(response.status, await response.text()).toBeLessThan(300);
}

interface Answer {
  readonly status: number;
  readonly content: string;
  readonly citations: { source?: unknown; id?: unknown; text?: unknown }[];
}

async function ask(user: string, question: string): Promise<Answer> {
  const response = await fetch(`${server.url}/serving-endpoints/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens[user]}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'main.default.doc_agent', messages: [{ role: 'user', content: question }] }),
  });
  const json = (await response.json()) as any;
  return { status: response.status, content: String(json.choices?.[0]?.message?.content ?? json.error?.message ?? ''), citations: json.loch?.citations ?? [] };
}

async function rows(sql: string): Promise<unknown[][]> {
  return (await loch.sql(sql)).all();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-rag-'));
  fake = await startFakeOpenAi({ chat: (request) => fakeRagModel(request) });
  loch = await Loch.open({ warehouse: join(dir, 'lakehouse'), metastore: 'memory:', secretKey: randomBytes(32), threads: 2, principal: 'admin' });
  tokens['admin'] = (await loch.identity.createToken('admin')).token;
  for (const user of ['ana', 'bob']) {
    await loch.identity.createUser(user);
    tokens[user] = (await loch.identity.createToken(user)).token;
  }
  await loch.sql(`CREATE MODEL ENDPOINT main.default.chat PROVIDER 'openai' OPTIONS (url '${fake.url}', model 'fake-model', max_retries 0);
    CREATE MODEL ENDPOINT main.default.local_embed PROVIDER 'local' OPTIONS (model 'hash-384');
    CREATE VOLUME main.default.docs`);
  server = await startServer({ loch, port: 0, pgPort: null, log: () => {} });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await loch?.close();
  await fake?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('RAG walkthrough: volume → chunks → vector index → agent', () => {
  it('parses and chunks uploaded PDFs and Markdown into a table', async () => {
    await upload('atlas.pdf', ATLAS);
    await upload('handbook.md', HANDBOOK);
    await loch.sql(`CREATE TABLE main.default.doc_chunks TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true') AS
      SELECT path || '#' || c.chunk_index AS chunk_id, path, c.section AS section, c.page AS page, c.text AS text
      FROM (SELECT path, unnest(ai_chunk_document(ai_parse_document(content), max_tokens => 48)) AS c
            FROM read_files('${DOCS}/', format => 'binaryFile'))`);
    const chunks = await rows('SELECT path, section, page, text FROM main.default.doc_chunks ORDER BY chunk_id');
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    const capital = chunks.find((r) => String(r[3]).includes('capital of Loch is Lakeside'));
    expect(capital?.[0]).toMatch(/atlas\.pdf$/);
    // Page ids are 0-based, as Databricks' ai_parse_document numbers them.
    expect(capital?.[2]).toBe(0);
    expect(chunks.find((r) => String(r[3]).includes('Silver Run'))?.[2]).toBe(1);
    expect(chunks.some((r) => String(r[0]).endsWith('handbook.md') && String(r[1]).includes('Holidays'))).toBe(true);
  });

  it('indexes the chunks and serves an agent that answers with citations', async () => {
    await loch.sql(`CREATE VECTOR INDEX main.default.doc_index ON main.default.doc_chunks (text)
        USING ENDPOINT 'main.default.local_embed' WITH (primary_key => 'chunk_id');
      CREATE AGENT main.default.doc_agent WITH (endpoint => 'main.default.chat',
        instructions => 'Answer only from the documents and cite them.', tools => array('vector_search:main.default.doc_index'));
      GRANT USE CATALOG ON CATALOG main TO \`account users\`;
      GRANT USE SCHEMA ON SCHEMA main.default TO \`account users\`;
      GRANT EXECUTE ON MODEL ENDPOINT main.default.doc_agent TO \`account users\`;
      GRANT EXECUTE ON MODEL ENDPOINT main.default.chat TO \`account users\`;
      GRANT EXECUTE ON MODEL ENDPOINT main.default.local_embed TO \`account users\`;
      GRANT SELECT ON TABLE main.default.doc_chunks TO ana`);
    const capital = await ask('ana', 'What is the capital of Loch?');
    expect(capital.status).toBe(200);
    expect(capital.content).toContain('The capital of Loch is Lakeside.');
    expect(JSON.stringify(capital.citations)).toMatch(/atlas\.pdf/);
    const holidays = await ask('ana', 'How many days of holiday do staff get?');
    expect(holidays.content).toContain('thirty days of holiday');
    expect(JSON.stringify(holidays.citations)).toMatch(/handbook\.md/);
  });

  it('follows an added and a deleted document within one sync', async () => {
    expect((await ask('ana', 'When does the morning ferry depart the harbour?')).content).not.toContain('seven');
    await upload('ferries.md', FERRIES);
    await loch.sql(`INSERT INTO main.default.doc_chunks
      SELECT path || '#' || c.chunk_index, path, c.section, c.page, c.text
      FROM (SELECT path, unnest(ai_chunk_document(ai_parse_document(content), max_tokens => 48)) AS c
            FROM read_files('${DOCS}/ferries.md', format => 'binaryFile'))`);
    await loch.sql("DELETE FROM main.default.doc_chunks WHERE path LIKE '%atlas.pdf'");
    const [summary] = await rows('REFRESH VECTOR INDEX main.default.doc_index');
    expect(summary).toBeDefined();
    const ferry = await ask('ana', 'When does the morning ferry depart the harbour?');
    expect(ferry.content).toContain('seven o clock');
    expect(JSON.stringify(ferry.citations)).toMatch(/ferries\.md/);
    const capital = await ask('ana', 'What is the capital of Loch?');
    expect(capital.content).not.toContain('Lakeside');
    expect(JSON.stringify(capital.citations)).not.toMatch(/atlas\.pdf/);
  });

  it('gives a user without SELECT on the chunks nothing, and traces record who asked', async () => {
    const bob = await ask('bob', 'How many days of holiday do staff get?');
    expect(bob.status).toBe(200);
    expect(bob.content).not.toContain('thirty');
    expect(bob.citations).toEqual([]);
    await aiRuntime(loch).tracer.flush();
    const traced = await rows(`SELECT element_at(trace_metadata, 'mlflow.trace.user') AS who, count(*) FROM system.ai.traces
      WHERE element_at(trace_metadata, 'mlflow.trace.user') IN ('ana', 'bob') GROUP BY ALL ORDER BY who`);
    expect(traced.map((r) => r[0])).toEqual(['ana', 'bob']);
  });

  it('evaluates the agent over a question table as a user, each answer a trace', async () => {
    await loch.sql(`CREATE TABLE main.default.questions AS SELECT * FROM (VALUES
        ('When does the morning ferry depart the harbour?', 'seven o clock'),
        ('How many days of holiday do staff get?', 'thirty days'),
        ('Where do visitors park?', 'behind the boathouse')) AS t(request, expected_response);
      GRANT SELECT ON TABLE main.default.questions TO ana;
      GRANT CREATE TABLE ON SCHEMA main.default TO ana`); // the results tables are written as ana
    const run = await evaluate(loch, { agent: 'main.default.doc_agent', table: 'main.default.questions', output: 'main.default.eval_run', scorers: ['contains_expected', 'latency'], principal: 'ana', seed: 7 });
    expect(run.rows.map((r) => [r.error, r.scores.contains_expected?.value])).toEqual([[null, 1], [null, 1], [null, 1]]);
    expect(run.rows.every((r) => typeof r.traceId === 'string' && r.traceId.startsWith('tr-'))).toBe(true);
    expect(await rows("SELECT scorer, mean FROM main.default.eval_run_summary WHERE scorer = 'contains_expected'")).toEqual([['contains_expected', 1]]);
  });
});
