import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../core/clock.js';
import { classicCheckpointKey, commitKey, LAST_CHECKPOINT_KEY, multiPartCheckpointKey } from './log/log-files.js';
import { latestVersion, loadDeltaSnapshot, readCommitActions } from './snapshot.js';
import { DuckDbParquetReader } from './test-support/duckdb-parquet-reader.js';
import { rejection } from '../../test-support/errors.js';
import {
  add,
  commitInfo,
  deleteCommitsBefore,
  logStore,
  metadata,
  parquetCheckpointBytes,
  protocol,
  putObject,
  remove,
  simpleLogStore,
  writeCommit,
  writeSimpleLog,
} from './test-support/log-builder.js';
import { RecordingStore } from './test-support/recording-store.js';

const table = '/lake/t';
const reader = new DuckDbParquetReader();

/** Parquet checkpoint rows for the state of writeSimpleLog at `version`. */
function simpleState(version: number): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [protocol(), metadata()];
  for (let v = 0; v <= version; v++) rows.push(add(`f${v}.parquet`));
  return rows;
}

describe('loadDeltaSnapshot on hand-made logs', () => {
  it('loads the latest version and time-travels by version', async () => {
    const store = await simpleLogStore(5);
    const latest = await loadDeltaSnapshot(store, reader, { table });
    expect(latest.version).toBe(4);
    expect(latest.files.map((f) => f.path)).toEqual(['f0.parquet', 'f1.parquet', 'f2.parquet', 'f3.parquet', 'f4.parquet']);
    expect(latest.timestamp).toBe(5000);
    expect(latest.schema.fields.map((f) => f.name)).toEqual(['id', 'part']);
    expect(latest.columnMapping).toBe('none');
    const v2 = await loadDeltaSnapshot(store, reader, { table, version: 2 });
    expect(v2.files).toHaveLength(3);
    expect(await latestVersion(store, table)).toBe(4);
  });

  it('starts from a parquet checkpoint and reads the commit at the checkpoint version for its timestamp', async () => {
    const store = await simpleLogStore(8);
    await putObject(store, classicCheckpointKey(5), await parquetCheckpointBytes(reader, simpleState(5)));
    await putObject(store, LAST_CHECKPOINT_KEY, JSON.stringify({ version: 5, size: 8 }));
    const latest = await loadDeltaSnapshot(store, reader, { table });
    expect(latest.checkpointVersion).toBe(5);
    expect(latest.files).toHaveLength(8);
    const atCheckpoint = await loadDeltaSnapshot(store, reader, { table, version: 5 });
    expect(atCheckpoint.files).toHaveLength(6);
    expect(atCheckpoint.timestamp).toBe(6000);
    expect(atCheckpoint.commitInfo?.operation).toBe('WRITE');
  });

  it('rejects a truncated commit with CORRUPT_DATA naming version and line', async () => {
    const store = await simpleLogStore(3);
    await putObject(store, commitKey(2), '{"commitInfo":{"timestamp":1}}\n{"add":{"path":"x","partitionValu');
    const error = await rejection(loadDeltaSnapshot(store, reader, { table }));
    expect(error.code).toBe('CORRUPT_DATA');
    expect(error.message).toBe('delta log: table /lake/t version 2: line 2 is not valid JSON');
    // Earlier versions stay readable.
    expect((await loadDeltaSnapshot(store, reader, { table, version: 1 })).files).toHaveLength(2);
  });

  it('rejects garbled (non UTF-8) commit bytes', async () => {
    const store = await simpleLogStore(2);
    await putObject(store, commitKey(1), new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x7d]));
    expect((await rejection(loadDeltaSnapshot(store, reader, { table }))).message).toMatch(/version 1: commit file is not valid UTF-8/);
  });

  it('falls back to an older complete checkpoint when a multi-part one misses a part', async () => {
    const store = await simpleLogStore(25);
    await putObject(store, classicCheckpointKey(10), await parquetCheckpointBytes(reader, simpleState(10)));
    await putObject(store, multiPartCheckpointKey(20, 1, 2), await parquetCheckpointBytes(reader, simpleState(20).slice(0, 5)));
    await putObject(store, LAST_CHECKPOINT_KEY, JSON.stringify({ version: 20, parts: 2 }));
    const snapshot = await loadDeltaSnapshot(store, reader, { table });
    expect(snapshot.checkpointVersion).toBe(10);
    expect(snapshot.files).toHaveLength(25);
    await deleteCommitsBefore(store, 11);
    await store.delete(classicCheckpointKey(10));
    const error = await rejection(loadDeltaSnapshot(store, reader, { table }));
    expect(error.code).toBe('PROTOCOL_VIOLATION');
    expect(error.message).toMatch(/no complete checkpoint at or before it and commit 0 is missing/);
  });

  it('rejects a log with a gap, naming the missing version', async () => {
    const store = await simpleLogStore(6);
    await store.delete(commitKey(3));
    const error = await rejection(loadDeltaSnapshot(store, reader, { table }));
    expect(error.code).toBe('PROTOCOL_VIOLATION');
    expect(error.message).toMatch(/commit 3 is missing/);
  });

  it('refuses unsupported reader features and checks partition columns', async () => {
    const store = logStore();
    await writeCommit(store, 0, [protocol(3, 7, { reader: ['catalogManaged'], writer: ['catalogManaged'] }), metadata()]);
    expect((await rejection(loadDeltaSnapshot(store, reader, { table }))).message).toBe(
      "delta protocol: table /lake/t version 0 requires reader feature 'catalogManaged', which Loch does not support",
    );
    // Like the golden table deltalog-invalid-protocol-version: Protocol(99) with a schemaless Metadata().
    const v99 = logStore();
    await putObject(v99, commitKey(0), '{"protocol":{"minReaderVersion":99,"minWriterVersion":7}}\n{"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"partitionColumns":[],"configuration":{}}}\n');
    const tooNew = await rejection(loadDeltaSnapshot(v99, reader, { table }));
    expect(tooNew.code).toBe('UNSUPPORTED_FEATURE');
    expect(tooNew.message).toMatch(/requires reader version 99/);
    const bad = logStore();
    await writeCommit(bad, 0, [protocol(), metadata({ partitionColumns: ['nope'] })]);
    expect((await rejection(loadDeltaSnapshot(bad, reader, { table }))).code).toBe('PROTOCOL_VIOLATION');
  });

  it('applies column mapping from the table properties', async () => {
    const schema = JSON.stringify({
      type: 'struct',
      fields: [{ name: 'Id', type: 'long', nullable: true, metadata: { 'delta.columnMapping.id': 1, 'delta.columnMapping.physicalName': 'col-1' } }],
    });
    const store = logStore();
    await writeCommit(store, 0, [protocol(2, 5), metadata({ schema, configuration: { 'delta.columnMapping.mode': 'name' } }), add('a', { partitionValues: {} })]);
    const snapshot = await loadDeltaSnapshot(store, reader, { table });
    expect(snapshot.columnMapping).toBe('name');
    expect(snapshot.schema.fields[0]).toMatchObject({ name: 'Id', physicalName: 'col-1', fieldId: 1 });
  });

  it('uses in-commit timestamps when enabled, commitInfo.timestamp otherwise, file mtime last', async () => {
    const ict = logStore();
    await writeCommit(ict, 0, [commitInfo({ timestamp: 5, inCommitTimestamp: 777 }), protocol(), metadata({ configuration: { 'delta.enableInCommitTimestamps': 'true' } })]);
    const withIct = await loadDeltaSnapshot(ict, reader, { table });
    expect(withIct.inCommitTimestamps).toBe(true);
    expect(withIct.timestamp).toBe(777);
    const bare = logStore(new FixedClock(123_456));
    await writeCommit(bare, 0, [protocol(), metadata()]);
    expect((await loadDeltaSnapshot(bare, reader, { table })).timestamp).toBe(123_456);
  });

  it('travels by timestamp to the latest commit at or before it', async () => {
    const store = await simpleLogStore(5); // commitInfo timestamps 1000, 2000, ..., 5000
    expect((await loadDeltaSnapshot(store, reader, { table, timestamp: 3500 })).version).toBe(2);
    expect((await loadDeltaSnapshot(store, reader, { table, timestamp: 3000 })).version).toBe(2);
    expect((await loadDeltaSnapshot(store, reader, { table, timestamp: 10_000 })).version).toBe(4);
    const early = await rejection(loadDeltaSnapshot(store, reader, { table, timestamp: 999 }));
    expect(early.code).toBe('VERSION_NOT_AVAILABLE');
    expect(early.message).toMatch(/before the earliest available commit at 1970-01-01T00:00:01.000Z \(version 0\)/);
    expect((await rejection(loadDeltaSnapshot(store, reader, { table, version: 1, timestamp: 1 }))).code).toBe('INVALID_ARGUMENT');
  });

  it('travels by timestamp using file mtimes when commits carry no timestamps', async () => {
    const store = logStore(new FixedClock(10_000, 10_000)); // commits written at 10 s, 20 s, 30 s
    await writeCommit(store, 0, [protocol(), metadata(), add('a')]);
    await writeCommit(store, 1, [add('b')]);
    await writeCommit(store, 2, [remove('a')]);
    expect((await loadDeltaSnapshot(store, reader, { table, timestamp: 25_000 })).version).toBe(1);
  });
});

describe('readCommitActions', () => {
  it('returns the actions and the commit timestamp', async () => {
    const store = await simpleLogStore(3);
    const { actions, timestamp } = await readCommitActions(store, table, 1);
    expect(actions.map((a) => a.kind)).toEqual(['commitInfo', 'add']);
    expect(timestamp).toBe(2000);
  });

  it('falls back to the file mtime and reports missing commits', async () => {
    const store = logStore(new FixedClock(42_000));
    await writeCommit(store, 0, [protocol(), metadata()]);
    expect((await readCommitActions(store, table, 0)).timestamp).toBe(42_000);
    const error = await rejection(readCommitActions(store, table, 1));
    expect(error.code).toBe('VERSION_NOT_AVAILABLE');
  });
});

describe('large logs', () => {
  it('reads only the commits after the checkpoint named by _last_checkpoint (10,000 commits, checkpoint every 100)', async () => {
    const store = new RecordingStore();
    await writeSimpleLog(store, 10_000);
    const last = await parquetCheckpointBytes(reader, simpleState(9_900));
    for (let v = 100; v < 9_900; v += 100) await putObject(store, classicCheckpointKey(v), 'never read');
    await putObject(store, classicCheckpointKey(9_900), last);
    await putObject(store, LAST_CHECKPOINT_KEY, JSON.stringify({ version: 9_900 }));
    const snapshot = await loadDeltaSnapshot(store, reader, { table });
    expect(snapshot.version).toBe(9_999);
    expect(snapshot.files).toHaveLength(10_000);
    expect(store.listings).toEqual(['_delta_log/00000000000000009900']);
    const commitReads = store.gets.filter((k) => k.endsWith('.json'));
    expect(commitReads).toHaveLength(99);
    expect(store.gets.filter((k) => k.includes('checkpoint.parquet'))).toEqual([classicCheckpointKey(9_900)]);
  });

  it('reads commits concurrently with bounded parallelism when there is no checkpoint', async () => {
    const store = new RecordingStore(1);
    await writeSimpleLog(store, 2_000);
    const snapshot = await loadDeltaSnapshot(store, reader, { table });
    expect(snapshot.files).toHaveLength(2_000);
    expect(store.maxInFlight).toBeGreaterThan(8);
    expect(store.maxInFlight).toBeLessThanOrEqual(32);
  });

  it('loads 10,000 small commits without a checkpoint', async () => {
    const store = await simpleLogStore(10_000);
    const snapshot = await loadDeltaSnapshot(store, reader, { table });
    expect(snapshot.version).toBe(9_999);
    expect(snapshot.files).toHaveLength(10_000);
  });
});
