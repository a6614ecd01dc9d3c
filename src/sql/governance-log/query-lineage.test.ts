import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomIds } from '../../core/ids.js';
import { DuckDbEngine } from '../../engine/index.js';
import type { Session } from '../../engine/index.js';
import { outputLineage, referencedTables, rootQuery } from './query-lineage.js';
import type { LineageSource } from './query-lineage.js';

const TABLES: Record<string, readonly string[]> = {
  orders: ['id', 'customer_id', 'amount', 'region'],
  customers: ['id', 'name', 'tier'],
};

function resolve(parts: readonly string[]): LineageSource | undefined {
  const name = (parts.at(-1) ?? '').toLowerCase();
  const columns = TABLES[name];
  return columns === undefined ? undefined : { key: name, type: 'TABLE', name: { catalog: 'main', schema: 'default', name }, columns };
}

let engine: DuckDbEngine;
let session: Session;

beforeAll(async () => {
  engine = await DuckDbEngine.create({ ids: randomIds });
  session = await engine.session();
});

afterAll(async () => {
  await session.close();
  await engine.close();
});

async function lineage(sql: string): Promise<Record<string, string[]>> {
  const rows = await (await session.query('SELECT json_serialize_sql($1::VARCHAR)', { params: [sql] })).all();
  const root = rootQuery(JSON.parse(String(rows[0]?.[0])));
  if (root === undefined) throw new Error(`not a query: ${sql}`);
  const out: Record<string, string[]> = {};
  outputLineage(root, resolve).forEach((c, i) => {
    out[c.name === '' ? `#${i}` : c.name] = c.origins.map((o) => `${o.source.key}.${o.column}`).sort();
  });
  return out;
}

async function tables(sql: string): Promise<string[]> {
  const rows = await (await session.query('SELECT json_serialize_sql($1::VARCHAR)', { params: [sql] })).all();
  const root = rootQuery(JSON.parse(String(rows[0]?.[0])));
  return referencedTables(root ?? {}).map((p) => p.join('.'));
}

describe('column lineage from the parse tree', () => {
  it('follows direct references, aliases, expressions and aggregates', async () => {
    expect(await lineage('SELECT id, amount * 2 AS doubled, upper(region) r, count(*) AS n, sum(amount) total FROM orders GROUP BY ALL')).toEqual({
      id: ['orders.id'],
      doubled: ['orders.amount'],
      r: ['orders.region'],
      n: [],
      total: ['orders.amount'],
    });
  });

  it('resolves qualified names through join aliases and expands stars', async () => {
    expect(await lineage('SELECT o.id AS order_id, c.name, c.* EXCLUDE (tier), CASE WHEN c.tier = 1 THEN o.amount END AS vip FROM orders o JOIN customers AS c ON o.customer_id = c.id')).toEqual({
      order_id: ['orders.id'],
      name: ['customers.name'],
      id: ['customers.id'],
      vip: ['customers.tier', 'orders.amount'],
    });
  });

  it('goes through CTEs, subqueries, unions and scalar subqueries', async () => {
    const sql = `WITH big AS (SELECT id AS k, amount FROM orders WHERE amount > 10)
      SELECT s.k, s.v, (SELECT max(name) FROM customers) AS top FROM (
        SELECT k, amount AS v FROM big UNION ALL SELECT id, tier FROM customers
      ) AS s`;
    expect(await lineage(sql)).toEqual({ k: ['customers.id', 'orders.id'], v: ['customers.tier', 'orders.amount'], top: ['customers.name'] });
  });

  it('renames by CTE and table column aliases and keeps REPLACE expressions', async () => {
    expect(await lineage('WITH x(a, b) AS (SELECT id, amount FROM orders) SELECT * REPLACE (b + 1 AS b), t.q FROM x, customers AS t(q, r, s)')).toEqual({
      a: ['orders.id'],
      b: ['orders.amount'],
      q: ['customers.id'],
      r: ['customers.name'],
      s: ['customers.tier'],
    });
  });

  it('leaves out names it cannot resolve and correlates to the outer query', async () => {
    expect(await lineage('SELECT nope, (SELECT max(c.name) FROM customers c WHERE c.id = o.customer_id) AS cname, (SELECT o.region) AS reg FROM orders o')).toEqual({
      nope: [],
      cname: ['customers.name'],
      reg: ['orders.region'],
    });
  });

  it('lists the tables read anywhere, CTE names excluded', async () => {
    expect(await tables('WITH c AS (SELECT * FROM customers) SELECT * FROM c JOIN main.default.orders o ON true WHERE o.id IN (SELECT id FROM returns)')).toEqual([
      'customers',
      'main.default.orders',
      'returns',
    ]);
  });
});
