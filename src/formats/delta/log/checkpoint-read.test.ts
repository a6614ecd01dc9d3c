import { describe, expect, it } from 'vitest';
import { readCheckpointActions, sidecarKey } from './checkpoint-read.js';
import { classicCheckpointKey, multiPartCheckpointKey, v2CheckpointKey } from './log-files.js';
import type { SegmentCheckpoint } from './segment.js';
import { DuckDbParquetReader } from '../test-support/duckdb-parquet-reader.js';
import { rejection } from '../../../test-support/errors.js';
import { add, logStore, metadata, ndjson, parquetCheckpointBytes, protocol, putObject, remove } from '../test-support/log-builder.js';

const table = '/lake/t';
const reader = new DuckDbParquetReader();
const UUID = '80a083e8-7026-4e79-81be-64bd76c43a11';

function checkpoint(version: number, kind: SegmentCheckpoint['kind'], files: string[], format: 'parquet' | 'json' = 'parquet'): SegmentCheckpoint {
  return { version, kind, format, files, lastModified: 0 };
}

describe('readCheckpointActions', () => {
  it('reads a classic parquet checkpoint, skipping remove tombstones', async () => {
    const store = logStore();
    const rows = [protocol(), metadata(), { txn: { appId: 'app', version: 3 } }, add('a', { stats: '{"numRecords":1}' }), remove('gone')];
    await putObject(store, classicCheckpointKey(5), await parquetCheckpointBytes(reader, rows));
    const { actions, sidecarFiles } = await readCheckpointActions(store, reader, checkpoint(5, 'classic', [classicCheckpointKey(5)]), table);
    expect(actions.map((a) => a.kind)).toEqual(['protocol', 'metaData', 'txn', 'add']);
    expect(sidecarFiles).toEqual([]);
    const added = actions.find((a) => a.kind === 'add');
    expect(added?.kind === 'add' && added.add.stats).toBe('{"numRecords":1}');
  });

  it('reads every part of a multi-part checkpoint in part order', async () => {
    const store = logStore();
    const keys = [multiPartCheckpointKey(4, 1, 2), multiPartCheckpointKey(4, 2, 2)];
    await putObject(store, keys[0] ?? '', await parquetCheckpointBytes(reader, [protocol(), metadata(), add('a')]));
    await putObject(store, keys[1] ?? '', await parquetCheckpointBytes(reader, [add('b'), add('c')]));
    const { actions } = await readCheckpointActions(store, reader, checkpoint(4, 'multi', keys), table);
    expect(actions.flatMap((a) => (a.kind === 'add' ? [a.add.path] : []))).toEqual(['a', 'b', 'c']);
  });

  it('reads a V2 JSON checkpoint and its sidecars (relative and absolute paths)', async () => {
    const store = logStore();
    await putObject(store, '_delta_log/_sidecars/one.parquet', await parquetCheckpointBytes(reader, [add('a'), remove('old')], ['add', 'remove']));
    await putObject(store, '_delta_log/_sidecars/two%.parquet', await parquetCheckpointBytes(reader, [add('b')], ['add', 'remove']));
    const top = ndjson([
      { checkpointMetadata: { version: 7 } },
      { sidecar: { path: 'one.parquet', sizeInBytes: 1, modificationTime: 1 } },
      { sidecar: { path: 's3://bucket/lake/t/_delta_log/_sidecars/two%25.parquet', sizeInBytes: 1, modificationTime: 1 } },
      protocol(3, 7, { reader: ['v2Checkpoint'], writer: ['v2Checkpoint'] }),
      metadata(),
    ]);
    const key = v2CheckpointKey(7, UUID, 'json');
    await putObject(store, key, top);
    const { actions, sidecarFiles } = await readCheckpointActions(store, reader, checkpoint(7, 'v2', [key], 'json'), table);
    expect(sidecarFiles).toEqual(['_delta_log/_sidecars/one.parquet', '_delta_log/_sidecars/two%.parquet']);
    expect(actions.map((a) => a.kind)).toEqual(['checkpointMetadata', 'protocol', 'metaData', 'add', 'add']);
  });

  it('reads a V2 parquet checkpoint with sidecars', async () => {
    const store = logStore();
    await putObject(store, '_delta_log/_sidecars/s.parquet', await parquetCheckpointBytes(reader, [add('x')], ['add', 'remove']));
    const key = v2CheckpointKey(2, UUID, 'parquet');
    await putObject(store, key, await parquetCheckpointBytes(reader, [{ checkpointMetadata: { version: 2 } }, { sidecar: { path: 's.parquet', sizeInBytes: 1, modificationTime: 1 } }, protocol(), metadata()]));
    const { actions } = await readCheckpointActions(store, reader, checkpoint(2, 'v2', [key]), table);
    expect(actions.filter((a) => a.kind === 'add')).toHaveLength(1);
  });

  it('fails clearly on a missing sidecar, a missing part and a mismatched checkpointMetadata', async () => {
    const store = logStore();
    const key = v2CheckpointKey(3, UUID, 'json');
    await putObject(store, key, ndjson([{ checkpointMetadata: { version: 3 } }, { sidecar: { path: 'nope.parquet', sizeInBytes: 1, modificationTime: 1 } }]));
    const missingSidecar = await rejection(readCheckpointActions(store, reader, checkpoint(3, 'v2', [key], 'json'), table));
    expect(missingSidecar.code).toBe('NOT_FOUND');
    expect(missingSidecar.message).toMatch(/^delta checkpoint: table \/lake\/t version 3: cannot read _delta_log\/_sidecars\/nope.parquet/);
    const missingPart = await rejection(readCheckpointActions(store, reader, checkpoint(3, 'classic', [classicCheckpointKey(3)]), table));
    expect(missingPart.code).toBe('NOT_FOUND');
    const bad = v2CheckpointKey(4, UUID, 'json');
    await putObject(store, bad, ndjson([{ checkpointMetadata: { version: 9 } }]));
    expect((await rejection(readCheckpointActions(store, reader, checkpoint(4, 'v2', [bad], 'json'), table))).code).toBe('CORRUPT_DATA');
  });

  it('reports bytes that are not parquet as CORRUPT_DATA', async () => {
    const store = logStore();
    await putObject(store, classicCheckpointKey(1), 'this is not parquet');
    const error = await rejection(readCheckpointActions(store, reader, checkpoint(1, 'classic', [classicCheckpointKey(1)]), table));
    expect(error.code).toBe('CORRUPT_DATA');
    expect(error.message).toMatch(/table \/lake\/t version 1: cannot read _delta_log\/00000000000000000001.checkpoint.parquet/);
  });
});

describe('sidecarKey', () => {
  const where = { table, version: 1 };
  it('resolves relative names and absolute URIs into _delta_log/_sidecars', () => {
    expect(sidecarKey('a.parquet', where)).toBe('_delta_log/_sidecars/a.parquet');
    expect(sidecarKey('file:/x/t/_delta_log/_sidecars/b.parquet', where)).toBe('_delta_log/_sidecars/b.parquet');
  });
  it('rejects paths outside _sidecars or escaping it', () => {
    expect(() => sidecarKey('/x/t/other/b.parquet', where)).toThrow(/not inside _delta_log\/_sidecars/);
    expect(() => sidecarKey('../b.parquet', where)).toThrow(/not a valid file name/);
  });
});
