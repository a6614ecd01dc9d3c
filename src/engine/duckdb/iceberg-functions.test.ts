import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from './database.js';
import type { Session } from './session.js';

let engine: DuckDbEngine;
let session: Session;

beforeAll(async () => {
  engine = await DuckDbEngine.create({ threads: 2, memoryLimit: '512MB' });
  session = await engine.session();
});
afterAll(async () => engine.close());

const INT_MAX = 2147483647;
const bucket = (hash: number, n: number) => (hash & INT_MAX) % n;

// The hash vectors of the Iceberg spec, Appendix B.
const VECTORS: readonly [sql: string, hash: number][] = [
  ['34::INTEGER', 2017239379],
  ['34::BIGINT', 2017239379],
  ['14.20::DECIMAL(9,2)', -500754589],
  [`DATE '2017-11-16'`, -653330422],
  [`TIME '22:31:08'`, -662762989],
  [`TIMESTAMP '2017-11-16 22:31:08'`, -2047944441],
  [`TIMESTAMPTZ '2017-11-16 14:31:08-08:00'`, -2047944441],
  [`TIMESTAMP_NS '2017-11-16 22:31:08.000001001'`, -1207196810],
  [`'iceberg'`, 1210000089],
  [`UUID 'f79c3e09-677c-4bbd-a479-3f349cb785e7'`, 1488055340],
  [`'\\x00\\x01\\x02\\x03'::BLOB`, -188683207],
];

async function one(sql: string): Promise<unknown> {
  const rows = await (await session.query(sql)).all();
  return rows[0]?.[0];
}

describe('loch_iceberg_bucket', () => {
  it.each(VECTORS)('buckets %s as the spec vectors say', async (value, hash) => {
    for (const n of [16, 1000, INT_MAX]) expect(await one(`SELECT loch_iceberg_bucket(${value}, ${n})`)).toBe(bucket(hash, n));
  });

  it('gives NULL for a NULL value and works over many rows in any session', async () => {
    expect(await one('SELECT loch_iceberg_bucket(NULL::INTEGER, 16)')).toBeNull();
    const other = await engine.session();
    const rows = await (await other.query('SELECT count(*), sum(b) FROM (SELECT loch_iceberg_bucket(i, 4) AS b FROM range(10000) t(i))')).all();
    expect(Number(rows[0]?.[0])).toBe(10000);
    expect(Number(rows[0]?.[1])).toBeGreaterThan(10000);
    await other.close();
  });

  it('fails the query for a bad bucket count or an unsupported type', async () => {
    await expect(one('SELECT loch_iceberg_bucket(1, 0)')).rejects.toThrow(/positive integer/);
    await expect(one('SELECT loch_iceberg_bucket(1.5::DOUBLE, 4)')).rejects.toThrow(/cannot bucket/);
  });
});
