import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { DuckDbEngine } from './database.js';
import { DuckDbParquetJsonReader } from './parquet-json-reader.js';

let engine: DuckDbEngine;
let dir: string;
/** Only `url` is used: bytes are reached through the injected acquire. */
const store = { url: 'memory://test' } as ObjectStore;
const acquire = async (_store: ObjectStore, key: string) => ({ path: join(dir, key), release: () => undefined });

beforeAll(async () => {
  engine = await DuckDbEngine.create({ threads: 2 });
  dir = await mkdtemp(join(tmpdir(), 'loch-pjr-'));
  const session = await engine.session();
  await session.run(`COPY (
    SELECT * FROM (VALUES
      ({'path': 'a.parquet', 'partitionValues': MAP {'p': '1', 'q': NULL}, 'size': 10::BIGINT, 'dataChange': true}, NULL::STRUCT(version INT)),
      (NULL, {'version': 3}),
      ({'path': 'b''s.parquet', 'partitionValues': MAP {}::MAP(VARCHAR, VARCHAR), 'size': 9007199254740993::BIGINT, 'dataChange': false}, NULL))
    t("add", "metaData")) TO '${join(dir, 'checkpoint.parquet')}' (FORMAT parquet)`);
  const big = join(dir, 'big.parquet');
  await session.run(`COPY (SELECT range AS i FROM range(10000)) TO '${big}' (FORMAT parquet)`);
  await session.close();
  await writeFile(join(dir, 'broken.parquet'), 'this is not parquet at all, not even close');
});
afterAll(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

async function collect(reader: DuckDbParquetJsonReader, key: string, columns?: string[]) {
  const out: Record<string, unknown>[] = [];
  for await (const row of reader.readJsonRows(store, key, columns)) out.push(row);
  return out;
}

describe('DuckDbParquetJsonReader', () => {
  it('yields every row as DuckDB to_json gives it, without its null top-level columns', async () => {
    const reader = new DuckDbParquetJsonReader({ engine, acquire });
    expect(await collect(reader, 'checkpoint.parquet')).toEqual([
      { add: { path: 'a.parquet', partitionValues: { p: '1', q: null }, size: 10, dataChange: true } },
      { metaData: { version: 3 } },
      { add: { path: "b's.parquet", partitionValues: {}, size: 9007199254740992, dataChange: false } },
    ]);
  });

  it('reads only the requested columns that exist', async () => {
    const reader = new DuckDbParquetJsonReader({ engine, acquire });
    const rows = await collect(reader, 'checkpoint.parquet', ['metaData', 'remove']);
    expect(rows).toEqual([{}, { metaData: { version: 3 } }, {}]);
    expect(await collect(reader, 'checkpoint.parquet', ['remove'])).toEqual([{}, {}, {}]);
  });

  it('streams large files through a shared session', async () => {
    const session = await engine.session();
    const reader = new DuckDbParquetJsonReader({ session, acquire });
    let count = 0;
    let sum = 0;
    for await (const row of reader.readJsonRows(store, 'big.parquet')) {
      count += 1;
      sum += row['i'] as number;
    }
    expect([count, sum]).toEqual([10000, 49995000]);
    await session.close();
  });

  it('throws NOT_FOUND for a missing object and CORRUPT_DATA naming the key for bad bytes', async () => {
    const reader = new DuckDbParquetJsonReader({ engine, acquire });
    await expect(collect(reader, 'missing.parquet')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('missing.parquet') });
    const error = await collect(reader, 'broken.parquet').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LochError);
    expect(error).toMatchObject({ code: 'CORRUPT_DATA', message: expect.stringMatching(/^parquet json reader: broken\.parquet in memory:\/\/test/) });
    await expect(collect(reader, 'broken.parquet', ['add'])).rejects.toMatchObject({ code: 'CORRUPT_DATA' });
  });

  it('passes on failures of the injected acquire', async () => {
    const failing = new DuckDbParquetJsonReader({
      engine,
      acquire: async () => {
        throw new LochError('STORAGE_ERROR', 'storage test: down');
      },
    });
    await expect(collect(failing, 'x.parquet')).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
  });

  it('needs a session or an engine', () => {
    expect(() => new DuckDbParquetJsonReader({ acquire })).toThrow(/needs a session or an engine/);
  });
});
