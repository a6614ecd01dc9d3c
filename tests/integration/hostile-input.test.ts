import { appendFile, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch, LochError } from '../../src/index.js';
import { copyCorpusTable } from '../support/corpus.js';
import { tempDir } from '../support/delta-fixture.js';

const LOG = '_delta_log';
const v = (n: number) => `${String(n).padStart(20, '0')}.json`;

/** Damaged tables give one clear error naming the table, the version and the problem. */
describe('hostile input', () => {
  let loch: Loch;
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
    loch = await Loch.open({ warehouse: join(dir, 'warehouse') });
  });
  afterAll(async () => {
    await loch?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const failure = async (sql: string): Promise<LochError> => {
    const error = await loch.sql(sql).then(
      (r) => r.all().then(() => undefined),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LochError);
    return error as LochError;
  };

  it('a truncated commit file', async () => {
    const table = await copyCorpusTable('deltars-simple_table', join(dir, 'truncated'));
    const path = join(table, LOG, v(4));
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.slice(0, Math.floor(text.length / 2)));
    const e = await failure(`SELECT * FROM delta.\`${table}\``);
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toContain(table);
    expect(e.message).toMatch(/version 4/);
    // Older versions do not depend on the damaged commit and stay readable.
    const rows = await (await loch.sql(`SELECT count(*) FROM delta.\`${table}\` VERSION AS OF 3`)).all();
    expect(Number(rows[0]?.[0])).toBe(5);
  });

  it('garbled commit JSON', async () => {
    const table = await copyCorpusTable('dat-basic_append', join(dir, 'garbled'));
    await appendFile(join(table, LOG, v(1)), '{"add": {"path": 42, "partitionValues": {}}}\n');
    const e = await failure(`SELECT * FROM delta_scan('${table}')`);
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toMatch(/version 1/);
  });

  it('a multi-part checkpoint with a missing part', async () => {
    const table = await copyCorpusTable('golden-multi-part-checkpoint', join(dir, 'missing-part'));
    await unlink(join(table, LOG, '00000000000000000001.checkpoint.0000000002.0000000002.parquet'));
    // The reader falls back to replaying the JSON commits, which are all still there.
    const rows = await (await loch.sql(`SELECT count(*) FROM delta.\`${table}\``)).all();
    expect(Number(rows[0]?.[0])).toBe(31);
    // Without them, nothing can reconstruct version 1: a clear error, not a partial table.
    await unlink(join(table, LOG, v(0)));
    const e = await failure(`SELECT count(*) FROM delta.\`${table}\``);
    expect(['VERSION_NOT_AVAILABLE', 'PROTOCOL_VIOLATION', 'CORRUPT_DATA']).toContain(e.code);
    expect(e.message).toContain(table);
  });

  it('a data file path that escapes the table root', async () => {
    const table = await copyCorpusTable('dat-basic_append', join(dir, 'escape'));
    await appendFile(
      join(table, LOG, v(1)),
      `${JSON.stringify({ add: { path: '../../../../etc/passwd', partitionValues: {}, size: 1, modificationTime: 0, dataChange: true } })}\n`,
    );
    const e = await failure(`SELECT * FROM delta.\`${table}\``);
    expect(e.code).toBe('PATH_ESCAPE');
    expect(e.message).toContain('../../../../etc/passwd');
  });

  it('a deletion vector whose checksum is wrong', async () => {
    const table = await copyCorpusTable('deltars-table-with-dv-small', join(dir, 'dv-checksum'));
    const dv = join(table, 'deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin');
    const bytes = await readFile(dv);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    await writeFile(dv, bytes);
    const e = await failure(`SELECT * FROM delta.\`${table}\``);
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toMatch(/checksum/);
    // Version 0 has no deletion vector and is still readable.
    const rows = await (await loch.sql(`SELECT count(*) FROM delta.\`${table}\` VERSION AS OF 0`)).all();
    expect(Number(rows[0]?.[0])).toBe(10);
  });

  it('a deletion vector whose size is wrong', async () => {
    const table = await copyCorpusTable('deltars-table-with-dv-small', join(dir, 'dv-size'));
    const path = join(table, LOG, v(1));
    await writeFile(path, (await readFile(path, 'utf8')).replace('"sizeInBytes":36', '"sizeInBytes":40'));
    const e = await failure(`SELECT * FROM delta.\`${table}\``);
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toMatch(/deletion vector.*(truncated|size)/);
  });

  it('a data file removed by VACUUM', async () => {
    const table = await copyCorpusTable('dat-basic_append', join(dir, 'vacuumed'));
    const log = await readFile(join(table, LOG, v(1)), 'utf8');
    const path = (JSON.parse(log.split('\n').find((l) => l.includes('"add"')) as string) as { add: { path: string } }).add.path;
    await unlink(join(table, decodeURIComponent(path)));
    const e = await failure(`SELECT * FROM delta.\`${table}\``);
    expect(e.code).toBe('DATA_FILE_MISSING');
    expect(e.message).toContain(table);
    expect(e.message).toMatch(/version 1/);
  });

  it('an unknown reader feature, a missing table, time travel out of range', async () => {
    const features = await copyCorpusTable('deltars-simple_table_features', join(dir, 'features'));
    expect((await failure(`SELECT * FROM delta.\`${features}\``)).code).toBe('UNSUPPORTED_FEATURE');
    expect((await failure(`SELECT * FROM delta.\`${join(dir, 'nothing-here')}\``)).code).toBe('NOT_FOUND');
    const table = await copyCorpusTable('dat-basic_append', join(dir, 'travel'));
    const e = await failure(`SELECT * FROM delta.\`${table}\` VERSION AS OF 7`);
    expect(e.code).toBe('VERSION_NOT_AVAILABLE');
    expect(e.message).toMatch(/7/);
    const t = await failure(`SELECT * FROM delta.\`${table}\` TIMESTAMP AS OF '2000-01-01'`);
    expect(t.code).toBe('VERSION_NOT_AVAILABLE');
  });

  it('malformed SQL and malformed lake references', async () => {
    expect((await failure('SELEC 1')).code).toBe('SQL_ERROR');
    const e = await failure("SELECT * FROM delta.`/x` VERSION AS OF 'yesterday'");
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/line 1 column/);
    expect((await failure("SELECT 'unterminated")).code).toBe('INVALID_ARGUMENT');
  });
});
