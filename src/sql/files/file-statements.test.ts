import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { field, primitive } from '../../expr/types.js';
import { DeltaTable } from '../../table/delta-table.js';
import { openFilesHarness } from '../../../tests/support/files-harness.js';
import type { FilesHarness } from '../../../tests/support/files-harness.js';
import { executeFileStatement, parseFileStatement } from './file-statements.js';

let h: FilesHarness;
const V = '/Volumes/main/default/raw';
const R = '/Volumes/main/default/remote';

beforeAll(async () => {
  h = await openFilesHarness();
});

afterAll(async () => {
  await h.close();
});

/** Parses and runs a file statement; its result rows. */
async function run(sql: string): Promise<Record<string, unknown>[]> {
  const statement = parseFileStatement(sql);
  if (statement === undefined) throw new Error(`not a file statement: ${sql}`);
  const summary = await h.withSession((session) => executeFileStatement(h.env, session, statement));
  return h.rows(summary.resultSql);
}

async function failure(sql: string): Promise<LochError> {
  const error = await run(sql).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LochError);
  return error as LochError;
}

const counts = (rows: number, corrupt = 0) => [{ num_affected_rows: rows, num_inserted_rows: rows, num_skipped_corrupt_files: corrupt }];

async function newTable(name: string): Promise<{ path: string; table: DeltaTable; rows(): Promise<Record<string, unknown>[]>; version(): Promise<number> }> {
  const path = join(h.root, 'tables', name);
  const table = DeltaTable.open(h.env.ctx, path);
  await table.create({ mode: 'create', schema: { kind: 'struct', fields: [field('id', primitive('long')), field('name', primitive('string'))] } });
  return {
    path,
    table,
    rows: async () => {
      const rows: { id: number; name: unknown }[] = [];
      for await (const batch of (await table.snapshot()).scan()) {
        for (const row of batch.toArray() as { toJSON(): Record<string, unknown> }[]) rows.push({ id: Number(row.toJSON()['id']), name: row.toJSON()['name'] });
      }
      return rows.sort((a, b) => a.id - b.id || String(a.name).localeCompare(String(b.name)));
    },
    version: async () => (await table.snapshot()).version,
  };
}

describe('LIST', () => {
  beforeAll(async () => {
    await h.put(`${V}/list/a.csv`, 'abc');
    await h.put(`${V}/list/sub/x.csv`, 'x');
    await h.put(`${V}/list/sub/y.csv`, 'y');
    await h.put(`${V}/list/z.txt`, 'zz');
  });

  it('lists direct children with directories ending in /', async () => {
    const rows = await run(`LIST '${V}/list'`);
    expect(rows.map((r) => [r['path'], r['name'], r['size']])).toEqual([
      [`${V}/list/a.csv`, 'a.csv', 3],
      [`${V}/list/sub/`, 'sub/', 0],
      [`${V}/list/z.txt`, 'z.txt', 2],
    ]);
    expect(typeof rows[0]?.['modification_time']).toBe('number');
    expect(rows[0]?.['modification_time']).toBeGreaterThan(0);
  });

  it('honours LIMIT, lists a single file and the volume root', async () => {
    expect((await run(`LIST '${V}/list/' LIMIT 2`)).map((r) => r['name'])).toEqual(['a.csv', 'sub/']);
    expect((await run(`LIST 'dbfs:${V}/list/sub/y.csv'`)).map((r) => r['path'])).toEqual([`${V}/list/sub/y.csv`]);
    expect((await run(`LIST '${V}'`)).map((r) => r['name'])).toContain('list/');
    expect(await run(`LIST '${V}/list' LIMIT 0`)).toEqual([]);
  });

  it('lists local folders and memory:// URLs too', async () => {
    const file = await h.env.catalog.resolveVolumePath(`${V}/list/sub`);
    const local = file.store.localPath?.(file.key) as string;
    expect((await run(`LIST '${local}'`)).map((r) => r['path'])).toEqual([`${local}/x.csv`, `${local}/y.csv`]);
    const volume = await h.env.catalog.getVolume({ catalog: 'main', schema: 'default', name: 'remote' });
    await h.put(`${R}/l/q.csv`, 'q');
    expect((await run(`LIST '${volume.location}/l'`)).map((r) => r['path'])).toEqual([`${volume.location}/l/q.csv`]);
  });

  it('refuses missing paths, escapes and missing volumes', async () => {
    expect((await failure(`LIST '${V}/nothing-here'`)).code).toBe('NOT_FOUND');
    expect((await failure(`LIST '${V}/list/../../remote'`)).code).toBe('PATH_ESCAPE');
    expect((await failure(`LIST '/Volumes/main/default/ghost'`)).message).toMatch(/VOLUME_NOT_FOUND/);
    expect((await failure(`LIST '${V}/list/*.csv'`)).message).toMatch(/not a glob/);
  });
});

describe('COPY INTO', () => {
  it('loads each file exactly once; a second run commits nothing', async () => {
    await h.put(`${V}/once/a.csv`, 'id,name\n1,ann\n2,bob\n');
    await h.put(`${V}/once/b.csv`, 'id,name\n3,cy\n');
    const t = await newTable('once');
    const copy = `COPY INTO delta.\`${t.path}\` FROM '${V}/once' FILEFORMAT = CSV FORMAT_OPTIONS ('header' = 'true')`;
    expect(await run(copy)).toEqual(counts(3));
    expect(await t.version()).toBe(1);
    // The files are recorded in the very commit that adds their rows.
    const commit = (await readFile(join(t.path, '_delta_log', '00000000000000000001.json'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, { appId?: string; version?: number }>);
    expect(commit.filter((a) => a['txn'] !== undefined).map((a) => [a['txn']?.appId?.slice(0, 10), a['txn']?.version])).toEqual([
      ['copy_into:', 1],
      ['copy_into:', 1],
    ]);
    expect(commit.some((a) => a['add'] !== undefined)).toBe(true);
    expect(await run(copy)).toEqual(counts(0));
    expect(await t.version()).toBe(1);
    await h.put(`${V}/once/c.csv`, 'id,name\n4,dee\n');
    expect(await run(copy)).toEqual(counts(1));
    expect(await t.rows()).toEqual([
      { id: 1, name: 'ann' },
      { id: 2, name: 'bob' },
      { id: 3, name: 'cy' },
      { id: 4, name: 'dee' },
    ]);
    const history = await t.table.history();
    expect(history[0]?.operation).toBe('COPY INTO');
  });

  it('loads a file once when two COPY INTO race on it', async () => {
    await h.put(`${V}/race/a.csv`, 'id,name\n1,ann\n2,bob\n');
    const t = await newTable('race');
    const copy = `COPY INTO delta.\`${t.path}\` FROM '${V}/race' FILEFORMAT = CSV FORMAT_OPTIONS ('header' = 'true')`;
    const results = await Promise.all([run(copy), run(copy), run(copy)]);
    expect(results.map((r) => r[0]?.['num_inserted_rows']).sort()).toEqual([0, 0, 2]);
    expect((await t.rows()).map((r) => r.id)).toEqual([1, 2]);
  });

  it('skips a loaded file even when it changed since, unless force is set', async () => {
    await h.put(`${V}/force/a.csv`, 'id,name\n1,ann\n');
    const t = await newTable('force');
    const copy = `COPY INTO delta.\`${t.path}\` FROM '${V}/force' FILEFORMAT = CSV FORMAT_OPTIONS ('header' = 'true')`;
    expect(await run(copy)).toEqual(counts(1));
    await h.put(`${V}/force/a.csv`, 'id,name\n1,ann\n5,eve\n');
    expect(await run(copy)).toEqual(counts(0));
    expect(await run(`${copy} COPY_OPTIONS ('force' = 'true')`)).toEqual(counts(2));
    expect((await t.rows()).map((r) => r.id)).toEqual([1, 1, 5]);
  });

  it('narrows the source with FILES and PATTERN', async () => {
    await h.put(`${R}/sel/2024/a.json`, '{"id": 1, "name": "a"}\n');
    await h.put(`${R}/sel/2024/b.json`, '{"id": 2, "name": "b"}\n');
    await h.put(`${R}/sel/2025/c.json`, '{"id": 3, "name": "c"}\n');
    const t = await newTable('select');
    const base = `COPY INTO delta.\`${t.path}\` FROM '${R}/sel' FILEFORMAT = JSON`;
    expect(await run(`${base} FILES = ('2024/b.json')`)).toEqual(counts(1));
    expect(await run(`${base} PATTERN = '2024/*.json'`)).toEqual(counts(1));
    expect(await run(`${base} PATTERN = '*/*.json'`)).toEqual(counts(1));
    expect((await t.rows()).map((r) => r.id)).toEqual([1, 2, 3]);
    expect(h.cache.stats().pinned).toBe(0);
  });

  it('loads through a SELECT over the files, by position for headerless CSV', async () => {
    await h.put(`${V}/sel/x.csv`, '10,ten\n11,eleven\n');
    const t = await newTable('projected');
    expect(await run(`COPY INTO delta.\`${t.path}\` FROM (SELECT _c0::BIGINT AS id, upper(_c1) AS name FROM '${V}/sel') FILEFORMAT = CSV`)).toEqual(counts(2));
    await h.put(`${V}/sel2/y.csv`, '12,twelve\n');
    expect(await run(`COPY INTO delta.\`${t.path}\` BY POSITION FROM '${V}/sel2' FILEFORMAT = CSV`)).toEqual(counts(1));
    expect(await t.rows()).toEqual([
      { id: 10, name: 'TEN' },
      { id: 11, name: 'ELEVEN' },
      { id: 12, name: 'twelve' },
    ]);
  });

  it('fails naming a corrupt file, or skips it with ignoreCorruptFiles (retried next run)', async () => {
    await h.put(`${V}/bad/good.parquet`, await h.parquet("SELECT 1::BIGINT AS id, 'ok' AS name"));
    await h.put(`${V}/bad/broken.parquet`, 'PAR1 this is not parquet');
    const t = await newTable('corrupt');
    const copy = `COPY INTO delta.\`${t.path}\` FROM '${V}/bad' FILEFORMAT = PARQUET`;
    const error = await failure(copy);
    expect(error.code).toBe('CORRUPT_DATA');
    expect(error.message).toContain(`${V}/bad/broken.parquet`);
    expect(await t.version()).toBe(0);
    const ignoring = `${copy} FORMAT_OPTIONS ('ignoreCorruptFiles' = 'true')`;
    expect(await run(ignoring)).toEqual(counts(1, 1));
    expect(await run(ignoring)).toEqual(counts(0, 1));
    await h.put(`${V}/bad/broken.parquet`, await h.parquet("SELECT 2::BIGINT AS id, 'fixed' AS name"));
    expect(await run(ignoring)).toEqual(counts(1, 0));
    expect((await t.rows()).map((r) => r.name)).toEqual(['ok', 'fixed']);
  });

  it('refuses escapes and missing sources, writing nothing', async () => {
    await h.put(`${V}/esc/a.csv`, 'id,name\n1,a\n');
    const t = await newTable('escape');
    const base = `COPY INTO delta.\`${t.path}\``;
    expect((await failure(`${base} FROM '${V}/esc' FILEFORMAT = CSV FILES = ('../once/a.csv')`)).code).toBe('PATH_ESCAPE');
    expect((await failure(`${base} FROM '${V}/esc' FILEFORMAT = CSV PATTERN = '../*/*.csv'`)).code).toBe('PATH_ESCAPE');
    expect((await failure(`${base} FROM '${V}/../remote' FILEFORMAT = CSV`)).code).toBe('PATH_ESCAPE');
    expect((await failure(`${base} FROM '/Volumes/main/default/ghost' FILEFORMAT = CSV`)).code).toBe('NOT_FOUND');
    expect((await failure(`${base} FROM '${V}/esc' FILEFORMAT = CSV FILES = ('missing.csv')`)).code).toBe('NOT_FOUND');
    expect((await failure(`${base} FROM '${V}/esc' FILEFORMAT = CSV COPY_OPTIONS ('speed' = 'fast')`)).message).toMatch(/copy option speed/);
    expect(await t.version()).toBe(0);
    expect(await run(`${base} FROM '${V}/empty-dir' FILEFORMAT = CSV`)).toEqual(counts(0));
  });
});
