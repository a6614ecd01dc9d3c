import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/core/clock.js';
import { Loch } from '../../src/index.js';
import { canonicalRows } from '../support/canonical.js';
import { tempDir } from '../support/delta-fixture.js';

/**
 * Volumes and files end to end through Loch.sql: read_files and DuckDB readers over /Volumes
 * paths (local managed volume and an external memory:// volume), LIST, and COPY INTO into a
 * catalog table with its exactly-once bookkeeping.
 */
let loch: Loch;
let root: string;
const V = '/Volumes/main/default/landing';
const R = '/Volumes/main/default/remote';
const PDF = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x34, 0x0a, 0x00, 0xe2, 0xe3, 0xcf, 0xd3, 0x0a, 0x25, 0x25, 0x45, 0x4f, 0x46, 0x0a]);

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const result = await loch.sql(sql);
  return canonicalRows(result.columns, await result.all());
}

async function failure(sql: string): Promise<{ code: string; message: string }> {
  const error = await rows(sql).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) throw new Error(`expected an error from: ${sql}`);
  return error as { code: string; message: string };
}

async function put(path: string, content: string | Uint8Array): Promise<void> {
  const file = await loch.catalog.resolveVolumePath(path);
  await file.store.put(file.key, typeof content === 'string' ? new TextEncoder().encode(content) : content);
}

beforeAll(async () => {
  root = await tempDir('loch-volumes-');
  loch = await Loch.open({ warehouse: join(root, 'warehouse'), metastore: 'memory:', clock: new FixedClock(Date.UTC(2024, 0, 1), 1000), threads: 2 });
  await loch.catalog.createVolume({ catalog: 'main', schema: 'default', name: 'landing' });
  await loch.catalog.createVolume({ catalog: 'main', schema: 'default', name: 'remote' }, { location: `memory://volumes-files-${randomUUID()}` });
  await put(`${V}/orders/2024-01.csv`, 'id,item\n1,apple\n2,pear\n');
  await put(`${V}/orders/2024-02.csv`, 'id,item\n3,fig\n');
  await put(`${V}/events/e.json`, '{"id": 1, "kind": "click"}\n{"id": 2, "kind": "view"}\n');
  await put(`${V}/docs/manual.pdf`, PDF);
  await put(`${V}/notes/readme.txt`, 'hello\nworld\n');
  await put(`${R}/metrics/m.parquet`, await parquetBytes());
});

afterAll(async () => {
  await loch.close();
  await rm(root, { recursive: true, force: true });
});

/** Parquet bytes written by DuckDB itself, through a local volume and read back via read_blob. */
async function parquetBytes(): Promise<Uint8Array> {
  const path = join(root, 'm.parquet');
  await rows(`COPY (SELECT 7::BIGINT AS id, 0.5::DOUBLE AS score) TO '${path}' (FORMAT parquet)`);
  const [row] = (await loch.sql(`SELECT content FROM read_blob('${path}')`).then((r) => r.all())) as Uint8Array[][];
  return row?.[0] as Uint8Array;
}

describe('reading volume files in queries', () => {
  it('read_files over CSV, JSON, parquet (remote volume) and text', async () => {
    expect(await rows(`SELECT * FROM read_files('${V}/orders/*.csv', format => 'csv', header => true) ORDER BY id`)).toEqual([
      { id: 1, item: 'apple' },
      { id: 2, item: 'pear' },
      { id: 3, item: 'fig' },
    ]);
    expect(await rows(`SELECT kind FROM read_files('${V}/events') WHERE id = 2`)).toEqual([{ kind: 'view' }]);
    expect(await rows(`SELECT id, score FROM read_files('${R}/metrics', format => 'parquet')`)).toEqual([{ id: 7, score: 0.5 }]);
    expect(await rows(`SELECT value FROM read_files('${V}/notes/readme.txt') ORDER BY value DESC`)).toEqual([{ value: 'world' }, { value: 'hello' }]);
  });

  it('read_files with binaryFile returns a PDF with its volume path and exact bytes', async () => {
    expect(await rows(`SELECT path, length, content FROM read_files('${V}/docs', format => 'binaryFile')`)).toEqual([
      { path: `${V}/docs/manual.pdf`, length: PDF.length, content: Buffer.from(PDF).toString('hex') },
    ]);
  });

  it('DuckDB readers accept /Volumes paths and globs', async () => {
    expect(await rows(`SELECT count(*) AS n FROM read_csv('${V}/orders/*.csv', header = true)`)).toEqual([{ n: 3 }]);
    expect(await rows(`SELECT o.item FROM read_csv_auto('${V}/orders/2024-02.csv') AS o`)).toEqual([{ item: 'fig' }]);
    expect(await rows(`SELECT id FROM read_parquet('${R}/metrics/*.parquet')`)).toEqual([{ id: 7 }]);
  });

  it('refuses escapes and missing volumes', async () => {
    expect((await failure(`SELECT * FROM read_files('${V}/../remote/metrics')`)).code).toBe('PATH_ESCAPE');
    expect((await failure(`SELECT * FROM read_csv('/Volumes/main/default/nowhere/x.csv')`)).code).toBe('NOT_FOUND');
  });
});

describe('LIST', () => {
  it('lists a volume folder as Databricks does', async () => {
    expect(await rows(`LIST '${V}/'`)).toEqual(
      ['docs/', 'events/', 'notes/', 'orders/'].map((name) => ({ path: `${V}/${name}`, name, size: 0, modification_time: 0 })),
    );
    const files = await rows(`LIST '${V}/orders' LIMIT 1`);
    expect(files.map((f) => [f['path'], f['name'], f['size']])).toEqual([[`${V}/orders/2024-01.csv`, '2024-01.csv', 23]]);
  });
});

describe('COPY INTO a catalog table', () => {
  it('loads new files once, records them in the same commit and commits nothing when all are loaded', async () => {
    await rows('CREATE TABLE main.default.orders (id BIGINT, item STRING)');
    const copy = `COPY INTO main.default.orders FROM '${V}/orders' FILEFORMAT = CSV FORMAT_OPTIONS ('header' = 'true')`;
    expect(await rows(copy)).toEqual([{ num_affected_rows: 3, num_inserted_rows: 3, num_skipped_corrupt_files: 0 }]);
    const table = await loch.table('orders');
    const loaded = (await table.snapshot()).version;
    expect(await rows(copy)).toEqual([{ num_affected_rows: 0, num_inserted_rows: 0, num_skipped_corrupt_files: 0 }]);
    expect((await table.snapshot()).version).toBe(loaded);
    await put(`${V}/orders/2024-03.csv`, 'id,item\n4,kiwi\n');
    expect(await rows(copy)).toEqual([{ num_affected_rows: 1, num_inserted_rows: 1, num_skipped_corrupt_files: 0 }]);
    expect(await rows('SELECT id FROM orders ORDER BY id')).toEqual([1, 2, 3, 4].map((id) => ({ id })));
  });

  it('honours FILES, PATTERN and force', async () => {
    await rows('CREATE TABLE main.default.picked (id BIGINT, item STRING)');
    const base = `COPY INTO picked FROM '${V}/orders' FILEFORMAT = CSV FORMAT_OPTIONS ('header' = 'true')`;
    expect((await rows(`${base} FILES = ('2024-02.csv')`))[0]?.['num_inserted_rows']).toBe(1);
    expect((await rows(`${base} PATTERN = '2024-0[12].csv'`))[0]?.['num_inserted_rows']).toBe(2);
    expect((await rows(`${base} PATTERN = '2024-0[12].csv' COPY_OPTIONS ('force' = 'true')`))[0]?.['num_inserted_rows']).toBe(3);
    expect(await rows('SELECT count(*) AS n FROM picked')).toEqual([{ n: 6 }]);
  });

  it('fails on a corrupt file naming it, unless ignoreCorruptFiles; escapes write nothing', async () => {
    await rows('CREATE TABLE main.default.metrics (id BIGINT, score DOUBLE)');
    await put(`${R}/metrics/broken.parquet`, 'PAR1 garbage');
    const copy = `COPY INTO metrics FROM '${R}/metrics' FILEFORMAT = PARQUET`;
    const error = await failure(copy);
    expect(error.code).toBe('CORRUPT_DATA');
    expect(error.message).toContain(`${R}/metrics/broken.parquet`);
    expect((await failure(`COPY INTO metrics FROM '${R}/metrics' FILEFORMAT = PARQUET FILES = ('../x.parquet')`)).code).toBe('PATH_ESCAPE');
    expect(await rows('SELECT count(*) AS n FROM metrics')).toEqual([{ n: 0 }]);
    expect(await rows(`${copy} FORMAT_OPTIONS ('ignoreCorruptFiles' = 'true')`)).toEqual([{ num_affected_rows: 1, num_inserted_rows: 1, num_skipped_corrupt_files: 1 }]);
  });
});
