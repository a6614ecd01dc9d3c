import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../../core/clock.js';
import { rejection } from '../../../test-support/errors.js';
import { commitInfo, deleteCommitsBefore, logStore, metadata, protocol, putObject, simpleLogStore, writeCommit, writeSimpleLog } from '../test-support/log-builder.js';
import { classicCheckpointKey } from './log-files.js';
import { latestVersion, versionAtOrBefore } from './version-lookup.js';

const table = '/lake/t';

describe('versionAtOrBefore', () => {
  it('finds the answer beyond the first batch of commits read', async () => {
    const store = await simpleLogStore(100); // timestamps 1000 .. 100000
    expect(await versionAtOrBefore(store, 5_500, table)).toBe(4);
    expect(await versionAtOrBefore(store, 1_000, table)).toBe(0);
    expect(await versionAtOrBefore(store, 99_999, table)).toBe(98);
  });

  it('uses in-commit timestamps over commitInfo.timestamp', async () => {
    const store = logStore();
    const config = { 'delta.enableInCommitTimestamps': 'true' };
    await writeCommit(store, 0, [commitInfo({ timestamp: 1, inCommitTimestamp: 100 }), protocol(), metadata({ configuration: config })]);
    await writeCommit(store, 1, [commitInfo({ timestamp: 2, inCommitTimestamp: 200 })]);
    await writeCommit(store, 2, [commitInfo({ timestamp: 3, inCommitTimestamp: 300 })]);
    expect(await versionAtOrBefore(store, 250, table)).toBe(1);
    expect((await rejection(versionAtOrBefore(store, 50, table))).code).toBe('VERSION_NOT_AVAILABLE');
  });

  it('takes the latest qualifying version even when timestamps are not monotonic', async () => {
    const store = logStore();
    await writeCommit(store, 0, [commitInfo({ timestamp: 100 }), protocol(), metadata()]);
    await writeCommit(store, 1, [commitInfo({ timestamp: 300 })]);
    await writeCommit(store, 2, [commitInfo({ timestamp: 200 })]);
    expect(await versionAtOrBefore(store, 250, table)).toBe(2);
  });

  it('only considers reconstructable versions, using the checkpoint mtime when its commit is gone', async () => {
    // Every object is written at 3.5 s; commits 4 and 5 carry their own timestamps.
    const store = logStore(new FixedClock(3_500));
    await writeSimpleLog(store, 6);
    await putObject(store, classicCheckpointKey(3), 'cp');
    await deleteCommitsBefore(store, 4);
    expect(await versionAtOrBefore(store, 3_600, table)).toBe(3);
    const early = await rejection(versionAtOrBefore(store, 2_000, table));
    expect(early.message).toMatch(/earliest available commit at 1970-01-01T00:00:03.500Z \(version 3\)/);
  });

  it('rejects invalid timestamps and missing tables', async () => {
    const store = await simpleLogStore(1);
    expect((await rejection(versionAtOrBefore(store, Number.NaN, table))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(versionAtOrBefore(logStore(), 1, table))).code).toBe('NOT_FOUND');
  });
});

describe('latestVersion', () => {
  it('returns the newest reconstructable version', async () => {
    expect(await latestVersion(await simpleLogStore(7), table)).toBe(6);
  });
});
