import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/core/clock.js';
import { expireIcebergSnapshots, removeIcebergOrphans, rewriteIcebergDataFiles } from '../../src/table/iceberg/maintenance/maintenance.js';
import { appendToIceberg, createIcebergTable, overwriteIceberg, pathTarget } from '../../src/table/iceberg/write/iceberg-writer.js';
import { icebergHarness, type IcebergHarness } from './iceberg-write-support.js';

let h: IcebergHarness;
beforeAll(async () => {
  h = await icebergHarness({ clock: new FixedClock(Date.now() - 60_000, 10) });
});
afterAll(async () => h?.close());

const schema = { kind: 'struct' as const, fields: [{ name: 'id', type: { kind: 'primitive' as const, name: 'long' as const }, nullable: true, physicalName: 'id' }] };
const parquetFiles = async (path: string) => (await readdir(join(path, 'data'), { recursive: true })).filter((f) => f.endsWith('.parquet')).length;

describe('Iceberg maintenance', () => {
  it('expire_snapshots deletes what only expired snapshots reach; orphans go; compaction keeps rows', async () => {
    const path = join(h.dir, 'maint');
    const target = pathTarget(h.ctx, path);
    await createIcebergTable(target, { mode: 'create', schema });
    for (const i of [1, 2, 3]) await appendToIceberg(target, h.session, `SELECT ${i}::BIGINT`);
    expect(await parquetFiles(path)).toBe(3);
    const compacted = await rewriteIcebergDataFiles(target, h.session);
    expect(compacted).toEqual({ rewritten: 3, added: 1, rows: 3 });
    expect(await h.rows(`SELECT sum(id) FROM iceberg.\`${path}\``)).toEqual([[6n]]);
    const loaded = await target.committer.load();
    const current = loaded?.metadata.snapshots.at(-1);
    expect(current?.summary.operation).toBe('replace');
    expect(current?.summary['total-data-files']).toBe('1');
    await overwriteIceberg(target, h.session, 'SELECT 10::BIGINT', { kind: 'all' });
    const expired = await expireIcebergSnapshots(target, { olderThanMs: h.ctx.clock.now() + 1, retainLast: 1 });
    expect(expired.expiredSnapshots).toBe(4);
    expect(await parquetFiles(path)).toBe(1);
    expect(await h.rows(`SELECT id FROM iceberg.\`${path}\``)).toEqual([[10n]]);
    await writeFile(join(path, 'data', 'stray.parquet'), 'junk');
    const dry = await removeIcebergOrphans(target, { olderThanMs: Date.now() + 60_000, dryRun: true });
    expect(dry.filter((k) => k.startsWith('data/'))).toEqual(['data/stray.parquet']);
    await removeIcebergOrphans(target, { olderThanMs: Date.now() + 60_000 });
    expect(await parquetFiles(path)).toBe(1);
    expect(await h.rows(`SELECT id FROM iceberg.\`${path}\``)).toEqual([[10n]]);
    expect(await h.rows(`VACUUM iceberg.\`${path}\``)).toEqual([[path]]);
    expect(await h.rows(`SELECT id FROM iceberg.\`${path}\``)).toEqual([[10n]]);
  });

  it('CALL system.* procedures and OPTIMIZE through SQL', async () => {
    const path = join(h.dir, 'calls');
    const T = `iceberg.\`${path}\``;
    await h.rows(`CREATE TABLE ${T} (id BIGINT) USING ICEBERG`);
    for (const i of [1, 2, 3]) await h.rows(`INSERT INTO ${T} VALUES (${i})`);
    expect(await h.rows(`CALL system.rewrite_data_files(table => '${path}')`)).toEqual([[3n, 1n]]);
    expect(await h.rows(`OPTIMIZE ${T}`)).toEqual([[path, 0n, 0n]]);
    const expired = await h.rows(`CALL system.expire_snapshots(table => '${path}', older_than => TIMESTAMP '2999-01-01 00:00:00', retain_last => 1)`);
    expect(expired[0]?.[1]).toBe(3n);
    expect(await parquetFiles(path)).toBe(1);
    expect(await h.rows(`CALL system.remove_orphan_files(table => '${path}')`)).toEqual([]);
    expect(await h.rows(`SELECT sum(id) FROM ${T}`)).toEqual([[6n]]);
    await expect(h.loch.sql(`CALL system.nope(table => '${path}')`)).rejects.toMatchObject({ code: 'NOT_IMPLEMENTED' });
  });
});
