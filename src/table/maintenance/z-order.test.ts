import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '../../engine/index.js';
import type { Session } from '../../engine/index.js';
import { planCuts } from './z-order-cuts.js';
import { keyShareSql, quantilesSql, rankBits, spreadBits, zCellBits, zOrderFileCount, zOrderSelect } from './z-order.js';

/** Morton code computed the slow way, as the reference. */
function morton(values: readonly number[], bits: number): bigint {
  let out = 0n;
  for (let b = bits - 1; b >= 0; b--) {
    for (const v of values) out = (out << 1n) | BigInt((v >> b) & 1);
  }
  return out;
}

describe('z-order SQL', () => {
  // The engine's session is DuckDB as Loch runs it: the judge of the generated SQL.
  let engine: DuckDbEngine;
  let session: Session;
  const rows = async (sql: string) => (await session.query(sql)).all();
  beforeAll(async () => {
    engine = await DuckDbEngine.create();
    session = await engine.session();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('chooses bits a little finer than the cells need', () => {
    expect(rankBits(2, 256)).toBe(7);
    expect(zCellBits(2, 256)).toBe(12);
    expect(rankBits(1, 256)).toBe(10);
    expect(zCellBits(1, 256)).toBe(10);
    expect(rankBits(4, 1)).toBe(2);
    expect(() => keyShareSql({ name: 'v', duckType: 'INTEGER', boundaries: [] }, 10, 7, 0)).toThrow(/62-bit key/);
  });

  it('finds ranks by binary search: boundaries below the value, NULL first', async () => {
    const column = { name: 'v', duckType: 'INTEGER', boundaries: ['10', '20', '30', '40', '50'] };
    const out = await rows(`SELECT v, ${keyShareSql(column, 3, 1, 0)} FROM (VALUES (NULL), (5), (10), (19), (20), (45), (50), (99)) t(v) ORDER BY v NULLS FIRST`);
    expect(out.map((r) => Number(r[1]))).toEqual([0, 0, 0, 1, 1, 4, 4, 5]);
    const strings = { name: 's', duckType: 'VARCHAR', boundaries: ["b'c", 'd'] };
    const text = await rows(`SELECT ${keyShareSql(strings, 3, 1, 0)} FROM (VALUES ('a'), ('b''c'), ('c'), ('z')) t(s)`);
    expect(text.map((r) => Number(r[0]))).toEqual([0, 0, 1, 2]);
    expect(await rows(`SELECT ${keyShareSql({ name: 'v', duckType: 'INTEGER', boundaries: [] }, 3, 1, 0)} FROM (VALUES (1)) t(v)`)).toEqual([[0n]]);
  });

  it('samples quantile boundaries in value order, repeats kept', async () => {
    const [[list, none]] = (await rows(quantilesSql('(SELECT (range % 4)::INT AS v, NULL::INT AS n FROM range(1000))', ['v', 'n'], 3))) as [[string[], null]];
    expect(list).toEqual(['0', '0', '1', '1', '2', '2', '3']);
    expect(none).toBeNull();
  });

  it('spreads rank bits like a Morton code, first column leading', () => {
    const cases = [
      [3, 5],
      [0, 65535],
      [65535, 0],
      [12345, 54321],
    ];
    for (const [a, b] of cases) expect(spreadBits(a as number, 16, 2, 0) + spreadBits(b as number, 16, 2, 1)).toBe(morton([a as number, b as number], 16));
    const three = [5, 1, 7];
    expect(three.reduce((n, v, j) => n + spreadBits(v, 3, 3, j), 0n)).toBe(morton(three, 3));
  });

  it('looks the spread share up in SQL', async () => {
    const column = { name: 'v', duckType: 'INTEGER', boundaries: ['10', '20', '30'] };
    const out = await rows(`SELECT ${keyShareSql(column, 2, 2, 1)} FROM (VALUES (1), (15), (25), (35)) t(v)`);
    expect(out.map((r) => BigInt(r[0] as bigint))).toEqual([0n, 1n, 4n, 5n]);
  });

  it('rounds the file count to the nearest power of two', () => {
    expect(zOrderFileCount(10, 100)).toBe(1);
    expect(zOrderFileCount(300, 100)).toBe(4);
    expect(zOrderFileCount(500, 100)).toBe(4);
    expect(zOrderFileCount(600, 100)).toBe(8);
    expect(zOrderFileCount(1_000_000, 1000)).toBe(1024);
  });

  it('cuts a uniform grid into aligned boxes', async () => {
    const grid = `(SELECT a, b, 'r' || a || '-' || b AS s FROM range(64) t1(a), range(64) t2(b))`;
    const bits = rankBits(2, 16);
    const [[qa, qb]] = (await rows(quantilesSql(grid, ['a', 'b'], bits))) as [[string[], string[]]];
    const columns = [
      { name: 'a', duckType: 'BIGINT', boundaries: qa },
      { name: 'b', duckType: 'BIGINT', boundaries: qb },
    ];
    const staged = `SELECT * FROM (${zOrderSelect(grid, ['a', 'b', 's'], columns, bits, zCellBits(2, 16))})`;
    const histogram = await rows(`SELECT __loch_zcell, count(*) FROM (${staged}) GROUP BY 1 ORDER BY 1`);
    const ranges = planCuts(histogram.map(([cell, n]) => ({ cell: Number(cell), rows: Number(n) })), 4096 / 16);
    expect(ranges).toHaveLength(16);
    for (const range of ranges) {
      const [[minA, maxA, minB, maxB, n]] = (await rows(`SELECT min(a), max(a), min(b), max(b), count(*) FROM (${staged}) WHERE __loch_zcell BETWEEN ${range.first} AND ${range.last}`)) as [[number, number, number, number, number]];
      expect(Number(maxA) - Number(minA)).toBe(15);
      expect(Number(maxB) - Number(minB)).toBe(15);
      expect(Number(n)).toBe(256);
    }
  });
});
