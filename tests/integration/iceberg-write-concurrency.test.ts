import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableLocation } from '../../src/table/location.js';
import { appendToIceberg, createIcebergTable, pathTarget } from '../../src/table/iceberg/write/iceberg-writer.js';
import { PathCommitter } from '../../src/table/iceberg/write/path-committer.js';
import { beginIcebergTransaction, type IcebergTarget } from '../../src/table/iceberg/write/transaction.js';
import { FaultyStore } from '../support/faulty-store.js';
import { icebergHarness, type IcebergHarness } from './iceberg-write-support.js';

let h: IcebergHarness;
beforeAll(async () => {
  h = await icebergHarness();
});
afterAll(async () => h?.close());

const schema = {
  kind: 'struct' as const,
  fields: [
    { name: 'id', type: { kind: 'primitive' as const, name: 'long' as const }, nullable: true, physicalName: 'id' },
    { name: 'p', type: { kind: 'primitive' as const, name: 'integer' as const }, nullable: true, physicalName: 'p' },
  ],
};

async function newTable(name: string): Promise<{ path: string; target: IcebergTarget }> {
  const path = join(h.dir, name);
  const target = pathTarget(h.ctx, path);
  await createIcebergTable(target, { mode: 'create', schema, partitionBy: [{ transform: 'identity', column: 'p' }] });
  return { path, target };
}

describe('Iceberg transactions under concurrency', () => {
  it('two interleaved appends both land: the loser re-applies on the winner', async () => {
    const { path, target } = await newTable('interleaved');
    const a = await beginIcebergTransaction(target, { retrySeed: 7 });
    const b = await beginIcebergTransaction(target, { retrySeed: 8 });
    await a.writeRows(h.session, 'SELECT 1::BIGINT, 1');
    await b.writeRows(h.session, 'SELECT 2::BIGINT, 2');
    const ca = await a.commit('append');
    const cb = await b.commit('append');
    expect(ca.kind).toBe('committed');
    expect(cb.kind).toBe('committed');
    if (ca.kind === 'committed' && cb.kind === 'committed') {
      expect(cb.snapshot.parentSnapshotId).toBe(ca.snapshot.snapshotId);
      expect(cb.snapshot.sequenceNumber).toBe(ca.snapshot.sequenceNumber + 1);
      expect(cb.snapshot.summary['total-records']).toBe('2');
      expect(cb.snapshot.summary['total-data-files']).toBe('2');
    }
    expect(await h.rows(`SELECT id FROM iceberg.\`${path}\` ORDER BY id`)).toEqual([[1n], [2n]]);
  });

  it('an overwrite that lost its race to an append is a CONFLICT and leaves the table alone', async () => {
    const { path, target } = await newTable('overwrite-race');
    await appendToIceberg(target, h.session, 'SELECT 1::BIGINT, 1');
    const over = await beginIcebergTransaction(target);
    const live = await over.liveEntries();
    over.removeFiles(live.data);
    await over.writeRows(h.session, 'SELECT 9::BIGINT, 1');
    await appendToIceberg(target, h.session, 'SELECT 2::BIGINT, 2');
    await expect(over.commit('overwrite')).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await h.rows(`SELECT id FROM iceberg.\`${path}\` ORDER BY id`)).toEqual([[1n], [2n]]);
  });

  it('a removed file removed concurrently is a CONFLICT', async () => {
    const { target } = await newTable('remove-race');
    await appendToIceberg(target, h.session, 'SELECT 1::BIGINT, 1');
    const x = await beginIcebergTransaction(target);
    const y = await beginIcebergTransaction(target);
    x.removeFiles((await x.liveEntries()).data);
    y.removeFiles((await y.liveEntries()).data);
    expect((await x.commit('delete')).kind).toBe('committed');
    await expect(y.commit('delete')).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('8 concurrent appends all commit with consistent totals', async () => {
    const { path, target } = await newTable('eight');
    const sessions = await Promise.all(Array.from({ length: 8 }, () => h.ctx.engine.session()));
    await Promise.all(sessions.map((s, i) => appendToIceberg(target, s, `SELECT ${i}::BIGINT, ${i % 3}`, { retrySeed: i + 1 })));
    await Promise.all(sessions.map((s) => s.close()));
    expect(await h.rows(`SELECT count(*), sum(id) FROM iceberg.\`${path}\``)).toEqual([[8n, 28n]]);
    const loaded = await target.committer.load();
    const current = loaded?.metadata.snapshots.find((s) => s.snapshotId === loaded.metadata.currentSnapshotId);
    expect(current?.summary['total-records']).toBe('8');
    expect(loaded?.metadata.lastSequenceNumber).toBe(8);
  });

  it('a commit that fails after writing its files leaves the table at its previous snapshot', async () => {
    const store = new FaultyStore('iceberg-crash', 3, 0, { writes: { failBefore: 1, ops: ['putIfAbsent'] } });
    store.faulty = false;
    const table: TableLocation = { store, name: 'memory crash table', options: {} };
    const target: IcebergTarget = { ctx: h.ctx, table, committer: new PathCommitter(table) };
    await createIcebergTable(target, { mode: 'create', schema });
    await appendToIceberg(target, h.session, 'SELECT 1::BIGINT, 1');
    const before = await target.committer.load();
    store.faulty = true;
    await expect(appendToIceberg(target, h.session, 'SELECT 2::BIGINT, 2')).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
    store.faulty = false;
    const after = await target.committer.load();
    expect(after?.metadataFile).toBe(before?.metadataFile);
    expect(after?.metadata.currentSnapshotId).toBe(before?.metadata.currentSnapshotId);
    const tx = await beginIcebergTransaction(target);
    expect((await tx.liveEntries()).data.map((e) => e.dataFile.recordCount)).toEqual([1]);
  });
});
