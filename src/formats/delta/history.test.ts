import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../core/clock.js';
import { LochError } from '../../core/errors.js';
import { readHistory } from './history.js';
import { classicCheckpointKey, commitKey } from './log/log-files.js';
import { corpusStore } from './test-support/corpus.js';
import { add, commitInfo, deleteCommitsBefore, logStore, metadata, protocol, putObject, writeCommit } from './test-support/log-builder.js';

const table = '/lake/t';

describe('readHistory', () => {
  it('lists commitInfo newest first with the well-known fields', async () => {
    const store = logStore();
    await writeCommit(store, 0, [commitInfo({ timestamp: 100, operation: 'CREATE TABLE', isolationLevel: 'Serializable', engineInfo: 'Loch/0.1' }), protocol(), metadata()]);
    await writeCommit(store, 1, [
      commitInfo({ timestamp: 200, operation: 'WRITE', readVersion: 0, isBlindAppend: true, userName: 'ann', operationMetrics: { numFiles: '1' } }),
      add('a'),
    ]);
    const history = await readHistory(store, table);
    expect(history.map((h) => [h.version, h.timestamp, h.operation])).toEqual([
      [1, 200, 'WRITE'],
      [0, 100, 'CREATE TABLE'],
    ]);
    expect(history[0]).toMatchObject({ readVersion: 0, isBlindAppend: true, userName: 'ann', operationMetrics: { numFiles: '1' }, operationParameters: { mode: 'Append' } });
    expect(history[1]).toMatchObject({ isolationLevel: 'Serializable', engineInfo: 'Loch/0.1' });
  });

  it('prefers the in-commit timestamp, falls back to mtime, and applies the limit', async () => {
    const store = logStore(new FixedClock(5_000));
    await writeCommit(store, 0, [protocol(), metadata()]);
    await writeCommit(store, 1, [commitInfo({ timestamp: 10, inCommitTimestamp: 9_999 }), add('a')]);
    await writeCommit(store, 2, [commitInfo({ timestamp: 20_000 }), add('b')]);
    const all = await readHistory(store, table);
    expect(all.map((h) => [h.version, h.timestamp, h.operation])).toEqual([
      [2, 20_000, 'WRITE'],
      [1, 9_999, 'WRITE'],
      [0, 5_000, 'UNKNOWN'],
    ]);
    expect((await readHistory(store, table, { limit: 1 })).map((h) => h.version)).toEqual([2]);
    await expect(readHistory(store, table, { limit: -1 })).rejects.toThrow(LochError);
  });

  it('omits versions whose commit file was cleaned up', async () => {
    const store = logStore();
    for (let v = 0; v < 5; v++) await writeCommit(store, v, [commitInfo({ timestamp: v }), ...(v === 0 ? [protocol(), metadata()] : [])]);
    await putObject(store, classicCheckpointKey(3), 'cp');
    await deleteCommitsBefore(store, 3);
    expect((await readHistory(store, table)).map((h) => h.version)).toEqual([4, 3]);
  });

  it('fails with NOT_FOUND when there is no log, and CORRUPT_DATA on a garbled commitInfo', async () => {
    await expect(readHistory(logStore(), table)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const store = logStore();
    await putObject(store, commitKey(0), '{"commitInfo":{"timestamp":1,\n');
    await expect(readHistory(store, table)).rejects.toMatchObject({ code: 'CORRUPT_DATA' });
  });

  it('reads the history of a table written by Spark', async () => {
    const store = corpusStore('deltars-simple_table');
    const history = await readHistory(store, 'simple_table');
    expect(history.map((h) => h.version)).toEqual([4, 3, 2, 1, 0]);
    expect(history.map((h) => h.operation)).toEqual(['DELETE', 'UPDATE', 'WRITE', 'MERGE', 'WRITE']);
    expect(history.every((h) => h.timestamp > 1_500_000_000_000)).toBe(true);
  });
});
