import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendToIceberg, createIcebergTable, overwriteIceberg, pathTarget } from '../../src/table/iceberg/write/iceberg-writer.js';
import { icebergHarness, type IcebergHarness } from './iceberg-write-support.js';

let h: IcebergHarness;
beforeAll(async () => {
  h = await icebergHarness();
});
afterAll(async () => h?.close());

const schema = {
  kind: 'struct' as const,
  fields: [
    { name: 'id', type: { kind: 'primitive' as const, name: 'long' as const }, nullable: false, physicalName: 'id' },
    { name: 'region', type: { kind: 'primitive' as const, name: 'string' as const }, nullable: true, physicalName: 'region' },
    { name: 'ts', type: { kind: 'primitive' as const, name: 'timestamp' as const }, nullable: true, physicalName: 'ts' },
  ],
};

describe('iceberg writer API', () => {
  it('creates, appends and overwrites a partitioned table read back through iceberg_scan', async () => {
    const path = join(h.dir, 't1');
    const target = pathTarget(h.ctx, path);
    const created = await createIcebergTable(target, { mode: 'create', schema, partitionBy: [{ transform: 'identity', column: 'region' }, { transform: 'day', column: 'ts' }, { transform: 'bucket[4]', column: 'id' }] });
    expect(created.kind).toBe('created');
    const a = await appendToIceberg(target, h.session, `SELECT i::BIGINT, CASE WHEN i % 2 = 0 THEN 'eu' ELSE '' END, TIMESTAMPTZ '2024-03-01 10:00:00+00' + to_days(i::INTEGER) FROM range(10) t(i)`);
    expect(a.rows).toBe(10);
    expect(await h.rows(`SELECT count(*), sum(id) FROM iceberg.\`${path}\``)).toEqual([[10n, 45n]]);
    expect(await h.rows(`SELECT count(*) FROM iceberg.\`${path}\` WHERE region = ''`)).toEqual([[5n]]);
    const o = await overwriteIceberg(target, h.session, `SELECT 100::BIGINT, 'eu', TIMESTAMPTZ '2024-03-01 10:00:00+00'`, { kind: 'dynamic' });
    expect(o.rows).toBe(1);
    // Only the partition (eu, 2024-03-01, bucket(100)) is replaced.
    const rows = await h.rows(`SELECT id FROM iceberg.\`${path}\` ORDER BY id`);
    expect(rows.length).toBeGreaterThanOrEqual(10);
    await overwriteIceberg(target, h.session, `SELECT 7::BIGINT, 'x', NULL::TIMESTAMPTZ`, { kind: 'all' });
    expect(await h.rows(`SELECT id, region FROM iceberg.\`${path}\``)).toEqual([[7n, 'x']]);
  });
});
