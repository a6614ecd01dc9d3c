import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAiHarness } from './ai-functions-harness.js';
import type { AiHarness } from './ai-functions-harness.js';

/**
 * Input order through the staging of ai_* calls: rows are numbered with row_number() OVER ()
 * while DuckDB scans a multi-file table with several threads, joined back with the results and
 * ordered by that number. 100 000 rows, few model calls (NULL arguments make none), so the
 * check is about the staging, not the model.
 */
const ROWS = 100_000;
const FILES = 4;

let h: AiHarness;

beforeAll(async () => {
  h = await openAiHarness({ threads: 4, limits: { maxConcurrency: 8 } });
  const per = ROWS / FILES;
  await h.loch.sql(`CREATE TABLE main.default.big AS SELECT id, 'text ' || id AS txt FROM range(0, ${per}) r(id)`);
  for (let f = 1; f < FILES; f++) await h.loch.sql(`INSERT INTO main.default.big SELECT id, 'text ' || id FROM range(${f * per}, ${(f + 1) * per}) r(id)`);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

async function ids(sql: string): Promise<{ ids: number[]; values: unknown[] }> {
  const result = await h.loch.sql(sql);
  const out = { ids: [] as number[], values: [] as unknown[] };
  for await (const rows of result.batches()) {
    for (const row of rows) {
      out.ids.push(Number(row[0]));
      out.values.push(row[1]);
    }
  }
  return out;
}

describe('order of rows through ai_* staging', () => {
  it(`keeps the scan order of ${ROWS} rows read by several threads`, async () => {
    const plain = await ids('SELECT id, txt FROM main.default.big');
    expect(plain.ids).toHaveLength(ROWS);
    const before = h.fake.requests.length;
    const staged = await ids("SELECT id, ai_gen(CASE WHEN id % 997 = 0 THEN txt END, endpoint => 'chat') AS g FROM main.default.big");
    expect(staged.ids).toEqual(plain.ids);
    staged.ids.forEach((id, i) => {
      if (id % 997 === 0) expect(staged.values[i]).toBe(`echo: text ${id}`);
      else expect(staged.values[i]).toBeNull();
    });
    expect(h.fake.requests.length - before).toBe(Math.ceil(ROWS / 997));
  }, 120_000);

  it('keeps the order through two rounds of nested calls with a filter', async () => {
    const staged = await ids("SELECT id, ai_summarize(ai_translate(CASE WHEN id % 4999 = 0 THEN txt END, 'en', endpoint => 'chat'), endpoint => 'chat') AS s FROM main.default.big WHERE id % 2 = 0");
    const plain = await ids('SELECT id, txt FROM main.default.big WHERE id % 2 = 0');
    expect(staged.ids).toEqual(plain.ids);
    staged.ids.forEach((id, i) => expect(staged.values[i]).toBe(id % 4999 === 0 ? `echo: echo: text ${id}` : null));
  }, 120_000);
});
