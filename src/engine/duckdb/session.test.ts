import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLochError, LochError } from '../../core/errors.js';
import { DuckDbEngine } from './database.js';
import type { Session } from './session.js';

let engine: DuckDbEngine;
let session: Session;

beforeAll(async () => {
  engine = await DuckDbEngine.create({ threads: 2, memoryLimit: '512MB' });
  session = await engine.session();
});
afterAll(async () => engine.close());

describe('DuckDbEngine', () => {
  it('runs every session in UTC', async () => {
    const other = await engine.session();
    const rows = await (await other.query(`SELECT current_setting('TimeZone')`)).all();
    expect(rows).toEqual([['UTC']]);
    await other.close();
  });

  it('rejects bad options with INVALID_ARGUMENT', async () => {
    await expect(DuckDbEngine.create({ memoryLimit: 'lots' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('refuses new sessions once closed, and closes its sessions', async () => {
    const e = await DuckDbEngine.create({ threads: 1 });
    const s = await e.session();
    await e.close();
    await expect(e.session()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(s.run('SELECT 1')).rejects.toThrow(/session is closed/);
    await e.close();
  });
});

describe('Session', () => {
  it('sees a parquet file rewritten in place despite the footer cache', async () => {
    const path = join(tmpdir(), `loch-rewrite-${process.pid}.parquet`);
    try {
      await session.run(`COPY (SELECT 1 AS a) TO '${path}' (FORMAT parquet)`);
      expect(await (await session.query(`SELECT * FROM '${path}'`)).all()).toEqual([[1]]);
      await session.run(`COPY (SELECT 'x' AS b, range AS c FROM range(3)) TO '${path}' (FORMAT parquet)`);
      expect(await (await session.query(`SELECT count(*), min(b) FROM '${path}'`)).all()).toEqual([[3n, 'x']]);
    } finally {
      await rm(path, { force: true });
    }
  });

  it('describes columns with DuckDB type text', async () => {
    const result = await session.query(`SELECT 1::INTEGER AS a, 'x' AS b, {'k': 1.5::DECIMAL(3,1)} AS c`);
    expect(result.columns).toEqual([
      { name: 'a', type: 'INTEGER' },
      { name: 'b', type: 'VARCHAR' },
      { name: 'c', type: 'STRUCT("k" DECIMAL(3,1))' },
    ]);
    expect(await result.all()).toEqual([[1, 'x', { k: '1.5' }]]);
  });

  it('streams large results chunk by chunk', async () => {
    const result = await session.query('SELECT range AS i FROM range(10000)');
    const sizes: number[] = [];
    let sum = 0n;
    for await (const rows of result.batches()) {
      sizes.push(rows.length);
      for (const row of rows) sum += row[0] as bigint;
    }
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2048);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10000);
    expect(sum).toBe(49995000n);
  });

  it('lets a result be read only once', async () => {
    const result = await session.query('SELECT 1');
    await result.all();
    await expect(result.all()).rejects.toThrow(/only once/);
  });

  it('binds parameters, blobs included', async () => {
    const result = await session.query('SELECT $1::INTEGER + 1, $2, octet_length($3), $4 IS NULL', {
      params: [41, 'text', new Uint8Array([1, 2, 3]), null],
    });
    expect(await result.all()).toEqual([[42, 'text', 3n, true]]);
  });

  it('runs statements with run() and keeps state per session', async () => {
    await session.run('CREATE TEMP TABLE t_run AS SELECT 1 AS x');
    await session.run('INSERT INTO t_run VALUES ($1)', { params: [2] });
    expect(await (await session.query('SELECT sum(x) FROM t_run')).all()).toEqual([[3n]]);
    const other = await engine.session();
    await expect(other.query('SELECT * FROM t_run')).rejects.toMatchObject({ code: 'SQL_ERROR' });
    await other.close();
  });

  it('turns DuckDB errors into one-line SQL_ERRORs that keep the message', async () => {
    const error = await session.query('SELECT nope FROM range(1)').catch((e: unknown) => e);
    expect(isLochError(error, 'SQL_ERROR')).toBe(true);
    expect((error as LochError).message).toMatch(/^sql: Binder Error: Referenced column "nope" not found/);
    expect((error as LochError).message).not.toContain('\n');
    await expect(session.run('SELEC 1')).rejects.toThrow(/^sql: Parser Error/);
  });

  it('reports errors raised while streaming as SQL_ERROR', async () => {
    const read = async () => (await session.query(`SELECT CASE WHEN range < 5000 THEN range ELSE error('boom at ' || range) END FROM range(10000)`)).all();
    await expect(read()).rejects.toMatchObject({ code: 'SQL_ERROR', message: expect.stringMatching(/boom at/) });
  });

  it('refuses to continue a stream cut off by another statement instead of ending early', async () => {
    const result = await session.query('SELECT range FROM range(100000)');
    const iterator = result.batches()[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    await session.run('SELECT 1');
    await expect(iterator.next()).rejects.toThrow(/cut off/);
  });

  it('refuses a stream whose statement was overtaken before reading started', async () => {
    const result = await session.query('SELECT range FROM range(100000)');
    await session.query('SELECT 2');
    await expect(result.all()).rejects.toThrow(/cut off/);
  });

  it('lets separate sessions stream at the same time', async () => {
    const a = await engine.session();
    const b = await engine.session();
    const ra = (await a.query('SELECT range FROM range(5000)')).batches()[Symbol.asyncIterator]();
    const rb = (await b.query('SELECT range FROM range(5000)')).batches()[Symbol.asyncIterator]();
    let count = 0;
    for (;;) {
      const x = await ra.next();
      const y = await rb.next();
      if (x.done && y.done) break;
      count += (x.value?.length ?? 0) + (y.value?.length ?? 0);
    }
    expect(count).toBe(10000);
    await a.close();
    await b.close();
  });
});
