import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch, LochError } from '../../src/index.js';
import { ICEBERG_CORPUS } from '../support/corpus.js';

/** Damaged and unusual Iceberg tables: every failure is a LochError naming the table and the problem. */
describe('Iceberg reader: bad input', () => {
  let dir: string;
  let loch: Loch;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loch-iceberg-bad-'));
    loch = await Loch.open({ warehouse: join(dir, 'wh') });
  });
  afterAll(async () => {
    await loch.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function copy(name: string): Promise<string> {
    const target = join(dir, `${name}-${Math.random().toString(36).slice(2)}`);
    await cp(join(ICEBERG_CORPUS, name), target, { recursive: true });
    return target;
  }

  async function failure(sql: string): Promise<LochError> {
    const error = await loch.sql(sql).then(
      (r) => r.all().then(() => undefined),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LochError);
    return error as LochError;
  }

  const q = (s: string): string => `'${s.replace(/'/g, "''")}'`;

  it('a directory without metadata is NOT_FOUND naming it', async () => {
    const error = await failure(`SELECT * FROM iceberg_scan(${q(join(dir, 'nothing-here'))})`);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('nothing-here');
  });

  it('metadata JSON that does not parse is CORRUPT_DATA naming the file', async () => {
    const table = await copy('trino_partition_null_values');
    const meta = (await readFile(join(ICEBERG_CORPUS, 'trino_partition_null_values.expected.json'), 'utf8')).match(/"metadata_file": "([^"]+)"/)?.[1] as string;
    await writeFile(join(table, meta), '{"format-version": 2, "location": ');
    const error = await failure(`SELECT * FROM iceberg_scan(${q(table)})`);
    expect(error.code).toBe('CORRUPT_DATA');
    expect(error.message).toContain(meta.split('/').pop() as string);
  });

  it('an unknown format version is UNSUPPORTED_FEATURE', async () => {
    const table = await copy('spark_bunnies_delete_add_column');
    const path = join(table, 'metadata', 'v5.metadata.json');
    await writeFile(path, (await readFile(path, 'utf8')).replace('"format-version" : 2', '"format-version" : 9').replace('"format-version": 2', '"format-version": 9'));
    const error = await failure(`SELECT * FROM iceberg_scan(${q(table)}, metadata_file => 'metadata/v5.metadata.json')`);
    expect(error.code).toBe('UNSUPPORTED_FEATURE');
    expect(error.message).toMatch(/format.version.*9|9.*format/i);
  });

  it('a truncated manifest is CORRUPT_DATA naming the manifest', async () => {
    const table = await copy('trino_partition_null_values');
    const { readdir } = await import('node:fs/promises');
    const manifests = (await readdir(join(table, 'metadata'))).filter((n) => n.endsWith('.avro') && !n.startsWith('snap-'));
    for (const m of manifests) {
      const bytes = await readFile(join(table, 'metadata', m));
      await writeFile(join(table, 'metadata', m), bytes.subarray(0, Math.floor(bytes.length / 2)));
    }
    const error = await failure(`SELECT * FROM iceberg_scan(${q(table)}, moved_from => ['s3a://warehouse/partitioning_with_null_value/'])`);
    expect(error.code).toBe('CORRUPT_DATA');
    expect(error.message).toMatch(/\.avro/);
  });

  it('a missing data file is DATA_FILE_MISSING', async () => {
    const table = await copy('trino_partition_null_values');
    await rm(join(table, 'data'), { recursive: true, force: true });
    const error = await failure(`SELECT * FROM iceberg_scan(${q(table)}, moved_from => ['s3a://warehouse/partitioning_with_null_value/'])`);
    expect(error.code).toBe('DATA_FILE_MISSING');
  });

  it('unknown snapshot ids, refs and early timestamps are VERSION_NOT_AVAILABLE naming them', async () => {
    const table = join(ICEBERG_CORPUS, 'spark_branch_and_tag');
    const id = await failure(`SELECT * FROM iceberg_scan(${q(table)}, snapshot_id => 12345)`);
    expect(id.code).toBe('VERSION_NOT_AVAILABLE');
    expect(id.message).toContain('12345');
    const ref = await failure(`SELECT * FROM iceberg_scan(${q(table)}, ref => 'no-such-branch')`);
    expect(ref.code).toBe('VERSION_NOT_AVAILABLE');
    expect(ref.message).toContain('no-such-branch');
    const early = await failure(`SELECT * FROM iceberg_scan(${q(table)}, timestamp => '2000-01-01T00:00:00Z')`);
    expect(early.code).toBe('VERSION_NOT_AVAILABLE');
  });

  it('malformed iceberg_scan calls are INVALID_ARGUMENT with a position', async () => {
    const cases = [
      `SELECT * FROM iceberg_scan()`,
      `SELECT * FROM iceberg_scan('/x', snapshot => 1)`,
      `SELECT * FROM iceberg_scan('/x', snapshot_id => 1, ref => 'b')`,
      `SELECT * FROM iceberg_scan('/x', snapshot_id => 'abc')`,
      `SELECT * FROM iceberg_scan('/x', allow_moved_paths => 3)`,
      'SELECT * FROM iceberg.`/x`.nonsense',
    ];
    for (const sql of cases) {
      const error = await failure(sql);
      expect(error.code, sql).toBe('INVALID_ARGUMENT');
      expect(error.message, sql).toMatch(/line \d+ column \d+/);
    }
  });

  it('time travel syntax on iceberg.`path` reads the snapshot, a ref, or the time', async () => {
    const table = join(ICEBERG_CORPUS, 'spark_branch_and_tag');
    const count = async (suffix: string): Promise<unknown> => (await (await loch.sql(`SELECT count(*) AS n FROM iceberg.\`${table}\` ${suffix}`)).all())[0]?.[0];
    expect(await count("VERSION AS OF 'EOW-01'")).toBe(10000n);
    expect(await count('VERSION AS OF 5231658854638766100')).toBe(10000n);
    expect(await count("TIMESTAMP AS OF '2024-04-24T09:46:32.417Z'")).toBe(0n);
  });

  it('metadata tables list snapshots, history, refs, manifests, files and partitions', async () => {
    const table = join(ICEBERG_CORPUS, 'spark_branch_and_tag');
    const rows = async (name: string) => (await loch.sql(`SELECT * FROM iceberg.\`${table}\`.${name}`)).all();
    expect((await rows('snapshots')).length).toBe(5);
    expect((await rows('refs')).map((r) => r[0]).sort()).toEqual(['EOW-01', 'main', 'test-branch']);
    expect((await rows('history')).length).toBeGreaterThan(0);
    expect((await rows('manifests')).length).toBeGreaterThan(0);
    const files = await loch.sql(`SELECT sum(record_count) FROM iceberg.\`${table}\`.files WHERE content = 0`);
    expect(Number((await files.all())[0]?.[0])).toBeGreaterThanOrEqual(10001);
    expect((await rows('partitions')).length).toBeGreaterThan(0);
  });
});
