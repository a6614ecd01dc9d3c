import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { openFilesHarness } from '../../../tests/support/files-harness.js';
import type { FilesHarness } from '../../../tests/support/files-harness.js';
import { rewriteFileCall } from './file-functions.js';

let h: FilesHarness;
const V = '/Volumes/main/default/raw';
const R = '/Volumes/main/default/remote';

beforeAll(async () => {
  h = await openFilesHarness();
  await h.put(`${V}/csv/a.csv`, 'id,name\n1,ann\n2,bob\n');
  await h.put(`${V}/csv/b.csv`, 'id,name\n3,cy\n');
  await h.put(`${V}/csv/notes.txt`, 'not csv');
  await h.put(`${V}/json/e.json`, '{"id": 1, "tags": ["x"], "who": {"n": "a"}}\n{"id": 2, "tags": [], "who": {"n": "b"}}\n');
  await h.put(`${V}/pq/2024/p1.parquet`, await h.parquet('SELECT 1 AS k, 10.5::DOUBLE AS v'));
  await h.put(`${V}/pq/2025/p2.parquet`, await h.parquet('SELECT 2 AS k, 20.5::DOUBLE AS v'));
  await h.put(`${V}/pq/_SUCCESS`, '');
  await h.put(`${V}/pq/.hidden.parquet`, 'junk');
  await h.put(`${V}/text/log.txt`, 'first line\nsecond line\n');
  await h.put(`${V}/docs/report.pdf`, PDF);
  await h.put(`${R}/in/r1.csv`, 'id,name\n7,rem\n');
  await h.put(`${R}/in/r2.csv`, 'id,name\n8,ote\n');
});

afterAll(async () => {
  await h.close();
});

const PDF = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37, 0x0a, 0x00, 0xff, 0xfe, 0x80, 0x0a, 0x25, 0x25, 0x45, 0x4f, 0x46]);

/** Rewrites a call as the binder would and runs `SELECT <columns> FROM <call> ORDER BY …`. */
async function select(call: string, columns = '*', orderBy = '1'): Promise<Record<string, unknown>[]> {
  const name = call.slice(0, call.indexOf('('));
  const rewrite = await rewriteFileCall(h.env, { name, text: call });
  if (rewrite === undefined) throw new Error(`${call} was not rewritten`);
  try {
    return await h.rows(`SELECT ${columns} FROM ${rewrite.sql} ORDER BY ${orderBy}`);
  } finally {
    rewrite.release();
  }
}

async function failure(call: string): Promise<LochError> {
  const error = await rewriteFileCall(h.env, { name: call.slice(0, call.indexOf('(')), text: call }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LochError);
  return error as LochError;
}

describe('read_files', () => {
  it('reads CSV with a header over a glob, inferring the format and the types', async () => {
    expect(await select(`read_files('${V}/csv/*.csv', header => true)`)).toEqual([
      { id: 1, name: 'ann' },
      { id: 2, name: 'bob' },
      { id: 3, name: 'cy' },
    ]);
  });

  it("names headerless CSV columns _c0, _c1 (Databricks' default header => false)", async () => {
    expect(await select(`read_files('${V}/csv/a.csv', format => 'csv')`)).toEqual([
      { _c0: '1', _c1: 'ann' },
      { _c0: '2', _c1: 'bob' },
      { _c0: 'id', _c1: 'name' },
    ]);
  });

  it('applies schema and schemaHints', async () => {
    expect(await select(`read_files('${V}/csv/a.csv', format => 'csv', header => 'true', schema => 'num SMALLINT, who STRING')`, 'num, who, typeof(num) AS t')).toEqual([
      { num: 1, who: 'ann', t: 'SMALLINT' },
      { num: 2, who: 'bob', t: 'SMALLINT' },
    ]);
    expect(await select(`read_files('${V}/csv/b.csv', header => true, schemaHints => 'id DOUBLE')`, 'typeof(id) AS t')).toEqual([{ t: 'DOUBLE' }]);
    expect(await select(`read_files('${V}/csv/b.csv', header => true, inferColumnTypes => false)`, 'typeof(id) AS t')).toEqual([{ t: 'VARCHAR' }]);
  });

  it('reads JSON Lines with nested values', async () => {
    expect(await select(`read_files('${V}/json', format => 'json')`)).toEqual([
      { id: 1, tags: ['x'], who: { n: 'a' } },
      { id: 2, tags: [], who: { n: 'b' } },
    ]);
  });

  it('reads a parquet directory recursively, skipping hidden files', async () => {
    expect(await select(`read_files('${V}/pq', format => 'parquet')`)).toEqual([
      { k: 1, v: 10.5 },
      { k: 2, v: 20.5 },
    ]);
    expect(await select(`read_files('${V}/pq/{2025,2026}/*', format => 'parquet')`)).toEqual([{ k: 2, v: 20.5 }]);
    expect(await select(`read_files('${V}/pq/*', format => 'parquet', pathGlobFilter => 'p1*')`)).toEqual([{ k: 1, v: 10.5 }]);
  });

  it('reads text as one row per line, or per file with wholeText', async () => {
    expect(await select(`read_files('${V}/text/log.txt')`)).toEqual([{ value: 'first line' }, { value: 'second line' }]);
    expect(await select(`read_files('${V}/text', format => 'text', wholeText => true)`)).toEqual([{ value: 'first line\nsecond line\n' }]);
  });

  it('reads a PDF as binaryFile with the volume path, length, time and exact bytes', async () => {
    const rows = await select(`read_files('${V}/docs/*.pdf', format => 'binaryFile')`, 'path, length, hex(content) AS hex, typeof(modificationTime) AS t, modificationTime IS NOT NULL AS timed');
    expect(rows).toEqual([{ path: `${V}/docs/report.pdf`, length: PDF.length, hex: Buffer.from(PDF).toString('hex').toUpperCase(), t: 'TIMESTAMP WITH TIME ZONE', timed: true }]);
  });

  it('reads a remote (memory://) volume through the file cache and releases the pins', async () => {
    const rewrite = await rewriteFileCall(h.env, { name: 'read_files', text: `read_files('dbfs:${R}/in/', header => true)` });
    expect(h.cache.stats().pinned).toBe(2);
    expect(await h.rows(`SELECT * FROM ${rewrite?.sql} ORDER BY id`)).toEqual([
      { id: 7, name: 'rem' },
      { id: 8, name: 'ote' },
    ]);
    rewrite?.release();
    rewrite?.release();
    expect(h.cache.stats().pinned).toBe(0);
  });

  it('sees a replaced remote file, not a stale cached copy', async () => {
    await h.put(`${R}/swap/s.csv`, 'id\n1\n');
    expect(await select(`read_files('${R}/swap/s.csv', header => true)`)).toEqual([{ id: 1 }]);
    await h.put(`${R}/swap/s.csv`, 'id\n22\n');
    expect(await select(`read_files('${R}/swap/s.csv', header => true)`)).toEqual([{ id: 22 }]);
  });

  it('refuses escapes, missing volumes, empty matches, mixed formats and bad options', async () => {
    expect((await failure(`read_files('${V}/../remote/in/r1.csv')`)).code).toBe('PATH_ESCAPE');
    expect((await failure(`read_files('/Volumes/main/default/nope/x.csv')`)).code).toBe('NOT_FOUND');
    expect((await failure(`read_files('${V}/csv/*.parquet')`)).message).toMatch(/no files at .*match the pattern/);
    expect((await failure(`read_files('${V}/csv')`)).message).toMatch(/different formats \(csv, text\)/);
    expect((await failure(`read_files('${V}/csv/a.csv', colour => 'red')`)).message).toMatch(/option colour is not supported/);
    expect((await failure(`read_files('${V}/csv/a.csv', header => 'maybe')`)).message).toMatch(/expects true or false/);
    expect((await failure(`read_files('${V}/csv/a.csv', 'csv')`)).message).toMatch(/options must be named/);
    expect((await failure(`read_files('${V}/csv/a.csv', format => 'avro')`)).code).toBe('NOT_IMPLEMENTED');
    expect((await failure(`read_files('https://example.com/x.csv')`)).message).toMatch(/unsupported location/);
  });
});

describe('DuckDB readers over /Volumes paths', () => {
  it('rewrites only the path of a local volume, keeping the glob and the other arguments', async () => {
    const text = `read_csv('${V}/csv/*.csv', header = true, columns = {'id': 'INT', 'name': 'VARCHAR'})`;
    const rewrite = await rewriteFileCall(h.env, { name: 'read_csv', text });
    const file = await h.env.catalog.resolveVolumePath(`${V}/csv/*.csv`);
    expect(rewrite?.sql).toBe(`read_csv('${file.store.localPath?.(file.key)}', header = true, columns = {'id': 'INT', 'name': 'VARCHAR'})`);
    expect(await h.rows(`SELECT sum(id) AS s FROM ${rewrite?.sql}`)).toEqual([{ s: 6 }]);
  });

  it('rewrites /Volumes items of a path list and leaves the others', async () => {
    const rows = await select(`read_parquet(['${V}/pq/2024/p1.parquet', '${R}/none*.parquet', '${V}/pq/2025/*.parquet'])`).catch((e: unknown) => e);
    expect((rows as LochError).code).toBe('NOT_FOUND');
    expect(await select(`read_parquet(['${V}/pq/2024/p1.parquet', '${V}/pq/2025/*.parquet'], filename = false)`)).toEqual([
      { k: 1, v: 10.5 },
      { k: 2, v: 20.5 },
    ]);
  });

  it('materialises a remote glob as a list of cached copies', async () => {
    expect(await select(`read_csv_auto('${R}/in/r*.csv')`, 'name')).toEqual([{ name: 'ote' }, { name: 'rem' }]);
    expect(await select(`read_text('${R}/in/r1.csv')`, 'content')).toEqual([{ content: 'id,name\n7,rem\n' }]);
    expect(h.cache.stats().pinned).toBe(0);
  });

  it('leaves calls without volume paths alone and refuses escapes', async () => {
    expect(await rewriteFileCall(h.env, { name: 'read_csv', text: "read_csv('/tmp/x.csv')" })).toBeUndefined();
    expect(await rewriteFileCall(h.env, { name: 'read_csv', text: 'read_csv(getvariable($$p$$))' })).toBeUndefined();
    expect(await rewriteFileCall(h.env, { name: 'range', text: 'range(3)' })).toBeUndefined();
    expect((await failure(`read_csv('${V}/csv/../../remote/in/r1.csv')`)).code).toBe('PATH_ESCAPE');
    expect((await failure(`read_blob('${V}')`)).message).toMatch(/is a volume, not a file/);
  });
});
