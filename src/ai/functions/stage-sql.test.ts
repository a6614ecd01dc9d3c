import { describe, expect, it } from 'vitest';
import { findAiCalls } from './ai-calls.js';
import { chooseBlock } from './block-choice.js';
import { rewrittenSql, stageNames, stagingSql } from './stage-sql.js';

const AGGREGATES = new Set(['count', 'sum', 'string_agg']);

/** One round over `sql`, each call's first argument staged. */
function round(sql: string, n = 1) {
  const choice = chooseBlock(sql, findAiCalls(sql), AGGREGATES);
  const names = stageNames(n, choice.calls.map(() => 1));
  const args = choice.calls.map((c) => [sql.slice((c.call.positional[0] as { start: number }).start, (c.call.positional[0] as { end: number }).end)]);
  return { choice, staging: stagingSql(choice, names, args), rewritten: rewrittenSql(choice, names) };
}

const JOINED = (n: number, alias: string) =>
  `(SELECT i.* EXCLUDE (__loch_arg_${n}_1), o.* EXCLUDE (__loch_rid_${n}) FROM __loch_ai_in_${n} AS i LEFT JOIN __loch_ai_out_${n} AS o USING (__loch_rid_${n})) AS "${alias}"`;

describe('staging and rewriting one SELECT block', () => {
  it('moves WHERE, ORDER BY, LIMIT and OFFSET into the staging when the calls are only in the items', () => {
    const r = round('SELECT id, ai_gen(t) AS g FROM src AS s WHERE id > 1 ORDER BY id DESC LIMIT 2 OFFSET 1');
    expect(r.staging).toBe('CREATE TEMP TABLE __loch_ai_in_1 AS SELECT row_number() OVER () AS __loch_rid_1, * FROM (SELECT *, t AS __loch_arg_1_1 FROM src AS s WHERE id > 1 ORDER BY id DESC LIMIT 2 OFFSET 1) AS __loch_stage');
    expect(r.rewritten).toBe(`SELECT id, "s".__loch_ai_1_1 AS g FROM ${JOINED(1, 's')}  ORDER BY "s".__loch_rid_1`);
  });

  it('keeps ORDER BY in the block when it names an item alias or a position, and LIMIT with it', () => {
    for (const order of ['g', '1']) {
      const r = round(`SELECT ai_gen(t) AS g FROM src ORDER BY ${order} LIMIT 2`);
      expect(r.choice.pushdown).toBe(false);
      expect(r.staging).not.toContain('LIMIT');
      expect(r.rewritten).toBe(`SELECT "src".__loch_ai_1_1 AS g FROM ${JOINED(1, 'src')} ORDER BY ${order} LIMIT 2`);
    }
  });

  it('evaluates WHERE calls first and orders by input before LIMIT', () => {
    const r = round("SELECT ai_gen(t) AS g FROM src WHERE ai_classify(t, ['a']) = 'a' LIMIT 3");
    expect(r.choice.calls.map((c) => c.call.name)).toEqual(['ai_classify']);
    expect(r.rewritten).toBe(`SELECT ai_gen(t) AS g FROM ${JOINED(1, 'src')} WHERE "src".__loch_ai_1_1 = 'a' ORDER BY "src".__loch_rid_1 LIMIT 3`);
    const next = round(r.rewritten, 2);
    expect(next.choice.pushdown).toBe(true);
    expect(next.staging).toContain(`WHERE "src".__loch_ai_1_1 = 'a' ORDER BY "src".__loch_rid_1 LIMIT 3) AS __loch_stage`);
  });

  it('gives GROUP BY and the items one column for the same call, without ORDER BY', () => {
    const r = round("SELECT ai_classify(t, ['a']) AS l, count(*) FROM src GROUP BY ai_classify(t, ['a'])");
    expect(r.choice.calls).toHaveLength(1);
    expect(r.rewritten).toBe(`SELECT "src".__loch_ai_1_1 AS l, count(*) FROM ${JOINED(1, 'src')} GROUP BY "src".__loch_ai_1_1`);
  });

  it('hides staging columns from * items and names unaliased items after their text', () => {
    const r = round('SELECT *, t.* EXCLUDE (x), ai_gen(t) FROM (SELECT 1) t');
    expect(r.rewritten).toBe(`SELECT * EXCLUDE (__loch_rid_1, __loch_ai_1_1), t.* EXCLUDE (x, __loch_rid_1, __loch_ai_1_1), "t".__loch_ai_1_1 AS "ai_gen(t)" FROM ${JOINED(1, 't')} ORDER BY "t".__loch_rid_1`);
  });

  it('stages a block without FROM and carries the CTEs it can see', () => {
    expect(round("SELECT ai_gen('x')").rewritten).toBe(`SELECT "__loch_ai_src".__loch_ai_1_1 AS "ai_gen('x')" FROM ${JOINED(1, '__loch_ai_src')} ORDER BY "__loch_ai_src".__loch_rid_1`);
    const r = round('WITH c AS (SELECT 1 AS t) SELECT * FROM (SELECT ai_gen(t) FROM c) s');
    expect(r.staging).toContain('FROM (WITH c AS (SELECT 1 AS t) SELECT *, t AS __loch_arg_1_1 FROM c) AS __loch_stage');
  });

  it('refuses joins and aggregates in the arguments of a grouped block', () => {
    expect(() => round('SELECT ai_gen(a.t) FROM a, b')).toThrow(/single table in FROM/);
    expect(() => round("SELECT ai_gen(string_agg(t, ' ')) FROM a")).toThrow(/cannot hold an aggregate/);
    expect(round('SELECT ai_gen(t), sum(x) OVER () FROM a').choice.aggregated).toBe(false);
  });
});
