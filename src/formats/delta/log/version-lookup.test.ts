import { describe, expect, it } from 'vitest';
import { LochError } from '../../../core/errors.js';
import { classicCheckpointKey, commitKey } from './log-files.js';
import { commitInfo, metadata, protocol, writeCommit, writeSimpleLog } from './test-support/log-builder.js';
import { MemoryStore } from './test-support/memory-store.js';
import { latestVersion, versionAtOrBefore } from './version-lookup.js';

const table = '/lake/t';

async function failure(promise: Promise<unknown>): Promise<LochError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LochError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('versionAtOrBefore', () => {
  it('finds the answer beyond the first batch of commits read', async () => {
    const store = new MemoryStore();
    writeSimpleLog(store, 100); // timestamps 1000 .. 100000
    expect(await versionAtOrBefore(store, 5_500, table)).toBe(4);
    expect(await versionAtOrBefore(store, 1_000, table)).toBe(0);
    expect(await versionAtOrBefore(store, 99_999, table)).toBe(98);
  });

  it('uses in-commit timestamps over commitInfo.timestamp', async () => {
    const store = new MemoryStore();
    const config = { 'delta.enableInCommitTimestamps': 'true' };
    writeCommit(store, 0, [commitInfo({ timestamp: 1, inCommitTimestamp: 100 }), protocol(), metadata({ configuration: config })]);
    writeCommit(store, 1, [commitInfo({ timestamp: 2, inCommitTimestamp: 200 })]);
    writeCommit(store, 2, [commitInfo({ timestamp: 3, inCommitTimestamp: 300 })]);
    expect(await versionAtOrBefore(store, 250, table)).toBe(1);
    expect((await failure(versionAtOrBefore(store, 50, table))).code).toBe('VERSION_NOT_AVAILABLE');
  });

  it('takes the latest qualifying version even when timestamps are not monotonic', async () => {
    const store = new MemoryStore();
    writeCommit(store, 0, [commitInfo({ timestamp: 100 }), protocol(), metadata()]);
    writeCommit(store, 1, [commitInfo({ timestamp: 300 })]);
    writeCommit(store, 2, [commitInfo({ timestamp: 200 })]);
    expect(await versionAtOrBefore(store, 250, table)).toBe(2);
  });

  it('only considers reconstructable versions, using the checkpoint mtime when its commit is gone', async () => {
    const store = new MemoryStore();
    writeSimpleLog(store, 6);
    store.set(classicCheckpointKey(3), 'cp', 3_500);
    for (let v = 0; v <= 3; v++) store.remove(commitKey(v));
    expect(await versionAtOrBefore(store, 3_600, table)).toBe(3);
    const early = await failure(versionAtOrBefore(store, 2_000, table));
    expect(early.message).toMatch(/earliest available commit at 1970-01-01T00:00:03.500Z \(version 3\)/);
  });

  it('rejects invalid timestamps and missing tables', async () => {
    const store = new MemoryStore();
    writeSimpleLog(store, 1);
    expect((await failure(versionAtOrBefore(store, Number.NaN, table))).code).toBe('INVALID_ARGUMENT');
    expect((await failure(versionAtOrBefore(new MemoryStore(), 1, table))).code).toBe('NOT_FOUND');
  });
});

describe('latestVersion', () => {
  it('returns the newest reconstructable version', async () => {
    const store = new MemoryStore();
    writeSimpleLog(store, 7);
    expect(await latestVersion(store, table)).toBe(6);
  });
});
