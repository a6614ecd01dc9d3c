import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/core/clock.js';
import { LochError } from '../../src/core/errors.js';
import { SequentialIds } from '../../src/core/ids.js';
import { Loch } from '../../src/sql/loch.js';
import { tempDir } from '../support/delta-fixture.js';
import { postgresUrl, randomSchemaName, withSchema } from '../support/local-postgres.js';

async function rows(loch: Loch, sql: string): Promise<unknown[][]> {
  return (await (await loch.sql(sql)).all()) as unknown[][];
}

async function objects(loch: Loch, sql: string): Promise<Record<string, unknown>[]> {
  const result = await loch.sql(sql);
  const all = (await result.all()) as unknown[][];
  const names = result.columns.map((c) => c.name);
  return all.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])));
}

async function metadataNames(location: string): Promise<string[]> {
  return (await readdir(join(location, 'metadata'))).filter((n) => n.endsWith('.metadata.json')).sort();
}

const PG_URL = postgresUrl();

describe.each([
  { metastore: 'SQLite (default)', url: undefined },
  { metastore: 'memory', url: 'memory:' },
  // With the server .ci/run starts (the metastore contract suite says NOT RUN loudly without it).
  ...(PG_URL === undefined ? [] : [{ metastore: 'PostgreSQL', url: withSchema(PG_URL, randomSchemaName('iceberg_catalog')) }]),
])('catalog Iceberg tables on the $metastore metastore', ({ url }) => {
  let dir: string;
  let loch: Loch;
  beforeAll(async () => {
    dir = await tempDir('loch-iceberg-catalog-');
    loch = await Loch.open({ warehouse: join(dir, 'wh'), principal: 'alice', clock: new FixedClock(Date.UTC(2024, 0, 1), 1000), ids: new SequentialIds(3), ...(url !== undefined ? { metastore: url } : {}) });
  });
  afterAll(async () => loch?.close());

  it('lives through CREATE, INSERT, reads by name, time travel, DML, ALTER, maintenance, DROP and UNDROP', async () => {
    await rows(loch, "CREATE TABLE main.default.ev (id BIGINT, cat STRING, ts TIMESTAMP) USING ICEBERG PARTITIONED BY (days(ts), cat) TBLPROPERTIES ('owner.team' = 'lake') COMMENT 'events'");
    const info = await loch.catalog.getTable({ catalog: 'main', schema: 'default', name: 'ev' });
    expect(info).toMatchObject({ format: 'ICEBERG', tableType: 'MANAGED' });
    const location = info.location as string;
    expect(location).toContain(join(dir, 'wh'));
    expect(info.metadataLocation).toMatch(/\/metadata\/00000-[0-9a-f-]{36}\.metadata\.json$/);
    expect(existsSync(join(location, 'metadata', 'version-hint.text'))).toBe(false);

    expect(await rows(loch, "INSERT INTO ev VALUES (1, 'a', TIMESTAMP '2024-01-01 10:00:00'), (2, 'b', TIMESTAMP '2024-01-02 11:00:00')")).toEqual([[2n, 2n]]);
    expect(await rows(loch, 'SELECT id, cat FROM main.default.ev ORDER BY id')).toEqual([[1n, 'a'], [2n, 'b']]);
    const afterInsert = await loch.catalog.getTable({ catalog: 'main', schema: 'default', name: 'ev' });
    expect(afterInsert.metadataLocation).toMatch(/\/metadata\/00001-/);
    // The TypeScript API opens it by name too; loch.table() is for Delta tables and says so.
    const view = await loch.icebergTable('ev');
    expect(view.snapshot?.summary['total-records']).toBe('2');
    let scanned = 0;
    for await (const batch of view.scan({ columns: ['id'] })) scanned += batch.numRows;
    expect(scanned).toBe(2);
    await expect(loch.table('ev')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const [[firstSnapshot]] = (await rows(loch, `SELECT snapshot_id FROM iceberg.\`${location}\`.snapshots ORDER BY committed_at`)) as [[bigint]];

    await rows(loch, "INSERT INTO ev VALUES (3, 'a', TIMESTAMP '2024-01-03 00:00:00')");
    expect(await rows(loch, 'SELECT count(*) FROM ev')).toEqual([[3n]]);
    expect(await rows(loch, `SELECT count(*) FROM ev VERSION AS OF ${firstSnapshot}`)).toEqual([[2n]]);
    expect(await rows(loch, "SELECT count(*) FROM ev TIMESTAMP AS OF '2030-01-01'")).toEqual([[3n]]);

    expect(await rows(loch, "DELETE FROM ev WHERE cat = 'b'")).toEqual([[1n]]);
    expect(await rows(loch, 'UPDATE ev SET cat = upper(cat) WHERE id = 3')).toEqual([[1n]]);
    await rows(loch, "MERGE INTO ev t USING (SELECT 1 AS id, 'z' AS cat UNION ALL SELECT 9, 'n') s ON t.id = s.id WHEN MATCHED THEN UPDATE SET cat = s.cat WHEN NOT MATCHED THEN INSERT (id, cat, ts) VALUES (s.id, s.cat, TIMESTAMP '2024-02-01 00:00:00')");
    expect(await rows(loch, 'SELECT id, cat FROM ev ORDER BY id')).toEqual([[1n, 'z'], [3n, 'A'], [9n, 'n']]);

    await rows(loch, 'ALTER TABLE ev ADD COLUMNS (note STRING)');
    await rows(loch, "INSERT OVERWRITE ev SELECT id, cat, ts, 'kept' FROM ev WHERE id <> 9");
    expect(await rows(loch, 'SELECT id, note FROM ev ORDER BY id')).toEqual([[1n, 'kept'], [3n, 'kept']]);
    expect((await objects(loch, 'OPTIMIZE ev'))[0]).toMatchObject({ path: location });
    await rows(loch, "CALL system.rewrite_data_files(table => 'main.default.ev')");
    await rows(loch, "CALL system.expire_snapshots(table => 'ev', retain_last => 1, older_than => TIMESTAMP '2100-01-01')");
    expect(await rows(loch, 'VACUUM ev RETAIN 0 HOURS')).toEqual([[location]]);
    expect(await rows(loch, 'SELECT id FROM ev ORDER BY id')).toEqual([[1n], [3n]]);

    // Every commit went through the catalog: files named <NNNNN>-<uuid>, no v<N>, no hint.
    const names = await metadataNames(location);
    expect(names.every((n) => /^\d{5}-[0-9a-f-]{36}\.metadata\.json$/.test(n))).toBe(true);
    const current = (await loch.catalog.getTable({ catalog: 'main', schema: 'default', name: 'ev' })).metadataLocation as string;
    expect(names).toContain(current.slice(current.lastIndexOf('/') + 1));

    await rows(loch, 'DROP TABLE ev');
    await expect(loch.sql('SELECT * FROM ev')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await rows(loch, 'UNDROP TABLE ev');
    expect(await rows(loch, 'SELECT id FROM ev ORDER BY id')).toEqual([[1n], [3n]]);
  });

  it('CTAS, CREATE OR REPLACE (history kept), IF NOT EXISTS and ALREADY_EXISTS', async () => {
    expect(await rows(loch, "CREATE TABLE c1 USING ICEBERG AS SELECT range AS id, 'x' || range AS s FROM range(5)")).toEqual([[5n, 5n]]);
    expect(await rows(loch, 'SELECT count(*), sum(id) FROM c1')).toEqual([[5n, 10n]]);
    await expect(loch.sql('CREATE TABLE c1 (id BIGINT) USING ICEBERG')).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await rows(loch, 'CREATE TABLE IF NOT EXISTS c1 (id BIGINT) USING ICEBERG');
    await rows(loch, 'CREATE OR REPLACE TABLE c1 USING ICEBERG AS SELECT 42 AS answer');
    expect(await rows(loch, 'SELECT * FROM c1')).toEqual([[42]]);
    const location = (await loch.catalog.getTable({ catalog: 'main', schema: 'default', name: 'c1' })).location as string;
    expect(await rows(loch, `SELECT count(*) FROM iceberg.\`${location}\`.snapshots`)).toEqual([[2n]]);
    // REPLACE without USING keeps the format.
    await rows(loch, 'CREATE OR REPLACE TABLE c1 AS SELECT 7 AS answer');
    expect((await loch.catalog.getTable({ catalog: 'main', schema: 'default', name: 'c1' })).format).toBe('ICEBERG');
    expect(await rows(loch, 'SELECT * FROM c1')).toEqual([[7]]);
  });

  it('a failed create leaves nothing: no record, no managed folder', async () => {
    const before = await readdir(join(dir, 'wh')).catch(() => []);
    const tablesDir = join(dir, 'wh', 'tables');
    const folders = existsSync(tablesDir) ? await readdir(tablesDir) : [];
    await expect(loch.sql("CREATE TABLE broken USING ICEBERG AS SELECT CAST('x' AS INTEGER) AS n")).rejects.toBeDefined();
    expect(await loch.catalog.findTable({ catalog: 'main', schema: 'default', name: 'broken' })).toBeUndefined();
    expect(existsSync(tablesDir) ? await readdir(tablesDir) : []).toEqual(folders);
    expect(before).toBeDefined();
  });

  it('DESCRIBE, SHOW CREATE TABLE, SHOW TABLES, DESCRIBE DETAIL and information_schema show ICEBERG', async () => {
    await rows(loch, "CREATE TABLE shown (id BIGINT COMMENT 'the key', d DATE) USING ICEBERG PARTITIONED BY (months(d)) TBLPROPERTIES ('format-version' = '3') COMMENT 'shown here'");
    await rows(loch, "INSERT INTO shown VALUES (1, DATE '2024-05-01')");
    const described = await rows(loch, 'DESCRIBE TABLE EXTENDED shown');
    expect(described.slice(0, 2)).toEqual([['id', 'bigint', 'the key'], ['d', 'date', null]]);
    expect(described).toContainEqual(['Provider', 'iceberg', '']);
    expect(described).toContainEqual(['Part 0', 'months(d)', '']);
    const [[ddl]] = (await rows(loch, 'SHOW CREATE TABLE shown')) as [[string]];
    expect(ddl).toContain('USING iceberg');
    expect(ddl).toContain("id BIGINT COMMENT 'the key'");
    expect(ddl).toContain('PARTITIONED BY (months(d))');
    expect(ddl).toContain("COMMENT 'shown here'");
    expect(ddl).toContain("'format-version' = '3'");
    expect(await rows(loch, "SHOW TABLES LIKE 'shown'")).toEqual([['default', 'shown', false]]);
    const [detail] = await objects(loch, 'DESCRIBE DETAIL shown');
    expect(detail).toMatchObject({ format: 'iceberg', name: 'main.default.shown', description: 'shown here', numFiles: 1n });
    await rows(loch, "COMMENT ON TABLE shown IS 'renamed comment'");
    expect((await objects(loch, 'DESCRIBE DETAIL shown'))[0]?.['description']).toBe('renamed comment');
    await rows(loch, "COMMENT ON TABLE shown IS 'shown here'");
    const history = await objects(loch, 'DESCRIBE HISTORY shown');
    expect(history.map((h) => [h['version'], h['operation']])).toEqual([[1n, 'APPEND']]);
    const [table] = await objects(loch, "SELECT data_source_format, comment FROM main.information_schema.tables WHERE table_name = 'shown'");
    expect(table).toEqual({ data_source_format: 'ICEBERG', comment: 'shown here' });
    expect(await rows(loch, "SELECT column_name, data_type FROM main.information_schema.columns WHERE table_name = 'shown' ORDER BY ordinal_position")).toEqual([
      ['id', 'LONG'],
      ['d', 'DATE'],
    ]);
  });

  it('reads by name never list metadata/: a stray newer metadata file is ignored', async () => {
    await rows(loch, 'CREATE TABLE pinned USING ICEBERG AS SELECT 1 AS n');
    const info = await loch.catalog.getTable({ catalog: 'main', schema: 'default', name: 'pinned' });
    const location = info.location as string;
    const current = info.metadataLocation as string;
    const { writeFile } = await import('node:fs/promises');
    const text = await readFile(new URL(current), 'utf8').catch(async () => readFile(current, 'utf8'));
    await writeFile(join(location, 'metadata', '99999-00000000-0000-4000-8000-00000000ffff.metadata.json'), text.replace('"current-snapshot-id"', '"ignored"'));
    await writeFile(join(location, 'metadata', 'v99.metadata.json'), 'not json');
    expect(await rows(loch, 'SELECT n FROM pinned')).toEqual([[1]]);
  });
});

describe('catalog Iceberg tables shared by two Loch instances on one warehouse (SQLite metastore)', () => {
  let dir: string;
  let a: Loch;
  let b: Loch;
  let clock: FixedClock;
  beforeAll(async () => {
    dir = await tempDir('loch-iceberg-catalog-shared-');
    clock = new FixedClock(Date.UTC(2024, 0, 1), 1000);
    a = await Loch.open({ warehouse: join(dir, 'wh'), principal: 'a', clock, ids: new SequentialIds(11) });
    b = await Loch.open({ warehouse: join(dir, 'wh'), principal: 'b', clock, ids: new SequentialIds(12) });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('a commit that lost the compare-and-swap re-reads, retries, and both rows land', async () => {
    await rows(a, 'CREATE TABLE shared (id BIGINT, who STRING) USING ICEBERG');
    let conflicts = 0;
    let interleaved = false;
    const original = b.catalog.commitIcebergMetadata.bind(b.catalog);
    b.catalog.commitIcebergMetadata = async (id, expected, next) => {
      if (!interleaved) {
        // A commits between B's read and B's swap: B's expected pointer is now stale.
        interleaved = true;
        await rows(a, "INSERT INTO shared VALUES (1, 'a')");
      }
      const outcome = await original(id, expected, next);
      if (outcome === 'conflict') conflicts += 1;
      return outcome;
    };
    try {
      await rows(b, "INSERT INTO shared VALUES (2, 'b')");
    } finally {
      b.catalog.commitIcebergMetadata = original;
    }
    expect(conflicts).toBe(1);
    expect(await rows(a, 'SELECT id, who FROM shared ORDER BY id')).toEqual([[1n, 'a'], [2n, 'b']]);
    expect(await rows(b, 'SELECT id, who FROM shared ORDER BY id')).toEqual([[1n, 'a'], [2n, 'b']]);
    const location = (await a.catalog.getTable({ catalog: 'main', schema: 'default', name: 'shared' })).location as string;
    // The lost attempt's metadata file was removed: create + two commits.
    expect(await metadataNames(location)).toHaveLength(3);
  });

  it('concurrent INSERTs from both instances all land, each as one snapshot', async () => {
    await rows(a, 'CREATE TABLE busy (id BIGINT) USING ICEBERG');
    await Promise.all(Array.from({ length: 6 }, (_, i) => rows(i % 2 === 0 ? a : b, `INSERT INTO busy VALUES (${i})`)));
    expect(await rows(b, 'SELECT count(*), sum(id) FROM busy')).toEqual([[6n, 15n]]);
    const location = (await b.catalog.getTable({ catalog: 'main', schema: 'default', name: 'busy' })).location as string;
    expect(await rows(a, `SELECT count(*) FROM iceberg.\`${location}\`.snapshots`)).toEqual([[6n]]);
  });

  it('a crash between writing the metadata file and the swap leaves the table at its previous snapshot', async () => {
    await rows(a, 'CREATE TABLE crashy USING ICEBERG AS SELECT 1::BIGINT AS id');
    const before = await a.catalog.getTable({ catalog: 'main', schema: 'default', name: 'crashy' });
    const original = a.catalog.commitIcebergMetadata.bind(a.catalog);
    a.catalog.commitIcebergMetadata = async () => {
      throw new LochError('STORAGE_ERROR', 'test: the process died before the metastore swap');
    };
    try {
      await expect(a.sql('INSERT INTO crashy VALUES (2)')).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
    } finally {
      a.catalog.commitIcebergMetadata = original;
    }
    const location = before.location as string;
    // The new metadata file is on storage, unreferenced; the record still points at the old one.
    expect(await metadataNames(location)).toHaveLength(2);
    expect((await b.catalog.getTable({ catalog: 'main', schema: 'default', name: 'crashy' })).metadataLocation).toBe(before.metadataLocation);
    expect(await rows(b, 'SELECT id FROM crashy')).toEqual([[1n]]);
    await rows(b, 'INSERT INTO crashy VALUES (3)');
    expect(await rows(a, 'SELECT id FROM crashy ORDER BY id')).toEqual([[1n], [3n]]);
  });

  it('DROP keeps the data for UNDROP; the purge after the retention removes the managed folder', async () => {
    await rows(a, 'CREATE TABLE doomed USING ICEBERG AS SELECT 1 AS n');
    const location = (await a.catalog.getTable({ catalog: 'main', schema: 'default', name: 'doomed' })).location as string;
    await rows(b, 'DROP TABLE doomed');
    expect(existsSync(location)).toBe(true);
    expect(await rows(a, 'SHOW TABLES DROPPED')).toContainEqual(expect.arrayContaining(['doomed']));
    clock.advance(8 * 24 * 3600 * 1000);
    expect(await a.catalog.purgeDropped()).toBeGreaterThanOrEqual(1);
    expect(existsSync(location)).toBe(false);
  });
});
