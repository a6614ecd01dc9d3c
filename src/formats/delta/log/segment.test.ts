import { describe, expect, it } from 'vitest';
import { classicCheckpointKey, commitKey, compactionKey, LAST_CHECKPOINT_KEY, multiPartCheckpointKey, v2CheckpointKey } from './log-files.js';
import { parseLastCheckpoint } from './last-checkpoint.js';
import { listLogSegment } from './segment.js';
import { rejection } from '../../../test-support/errors.js';
import { deleteCommitsBefore, logStore, putObject, writeSimpleLog } from '../test-support/log-builder.js';
import { RecordingStore } from '../test-support/recording-store.js';

const table = '/lake/t';

/** A recording store holding commits 0..n-1, then the given objects. */
async function store(commits: number, objects: Record<string, string> = {}): Promise<RecordingStore> {
  const s = new RecordingStore();
  await writeSimpleLog(s, commits);
  for (const [key, content] of Object.entries(objects)) await putObject(s, key, content);
  return s;
}

const versions = (seg: { commits: readonly { version: number }[] }) => seg.commits.map((c) => c.version);

describe('listLogSegment', () => {
  it('takes all commits from 0 when there is no checkpoint', async () => {
    const seg = await listLogSegment(await store(4), { table });
    expect(seg.version).toBe(3);
    expect(seg.checkpoint).toBeUndefined();
    expect(versions(seg)).toEqual([0, 1, 2, 3]);
    expect(seg.versionCommit?.version).toBe(3);
  });

  it('starts from the newest complete checkpoint at or below the target', async () => {
    const s = await store(15, { [classicCheckpointKey(5)]: 'cp5', [classicCheckpointKey(10)]: 'cp10' });
    const latest = await listLogSegment(s, { table });
    expect(latest.checkpoint).toMatchObject({ version: 10, kind: 'classic', files: [classicCheckpointKey(10)] });
    expect(versions(latest)).toEqual([11, 12, 13, 14]);
    const at7 = await listLogSegment(s, { table, version: 7 });
    expect(at7.checkpoint?.version).toBe(5);
    expect(versions(at7)).toEqual([6, 7]);
    const at10 = await listLogSegment(s, { table, version: 10 });
    expect(versions(at10)).toEqual([]);
    expect(at10.versionCommit?.key).toBe(commitKey(10));
  });

  it('lists only from the _last_checkpoint version when the hint is good', async () => {
    const s = await store(30, { [classicCheckpointKey(20)]: 'cp', [LAST_CHECKPOINT_KEY]: JSON.stringify({ version: 20, size: 3 }) });
    const seg = await listLogSegment(s, { table });
    expect(seg.listedFromVersion).toBe(20);
    expect(s.listings).toEqual(['_delta_log/00000000000000000020']);
    expect(versions(seg)).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29]);
  });

  it('falls back to a full listing when _last_checkpoint is empty or garbage', async () => {
    for (const content of ['', '{"version":', '{"size":3}', '[1]', '{"version":-1}']) {
      const s = await store(12, { [classicCheckpointKey(10)]: 'cp', [LAST_CHECKPOINT_KEY]: content });
      const seg = await listLogSegment(s, { table });
      expect(seg.checkpoint?.version, JSON.stringify(content)).toBe(10);
      expect(s.listings).toEqual([undefined]);
    }
  });

  it('uses newer checkpoints than a stale hint, and falls back when the hinted checkpoint is gone', async () => {
    const stale = await store(25, {
      [classicCheckpointKey(10)]: 'cp10',
      [classicCheckpointKey(20)]: 'cp20',
      [LAST_CHECKPOINT_KEY]: JSON.stringify({ version: 10 }),
    });
    expect((await listLogSegment(stale, { table })).checkpoint?.version).toBe(20);
    const gone = await store(25, { [classicCheckpointKey(5)]: 'cp5', [LAST_CHECKPOINT_KEY]: JSON.stringify({ version: 20 }) });
    const seg = await listLogSegment(gone, { table });
    expect(seg.checkpoint?.version).toBe(5);
    expect(gone.listings).toEqual(['_delta_log/00000000000000000020', undefined]);
  });

  it('ignores a hint newer than the requested version', async () => {
    const s = await store(25, {
      [classicCheckpointKey(10)]: 'cp10',
      [classicCheckpointKey(20)]: 'cp20',
      [LAST_CHECKPOINT_KEY]: JSON.stringify({ version: 20 }),
    });
    const seg = await listLogSegment(s, { table, version: 15 });
    expect(seg.checkpoint?.version).toBe(10);
    expect(s.listings).toEqual([undefined]);
  });

  it('skips a multi-part checkpoint with a missing part and uses an older complete one', async () => {
    const s = await store(25, {
      [multiPartCheckpointKey(10, 1, 2)]: 'a',
      [multiPartCheckpointKey(10, 2, 2)]: 'b',
      [multiPartCheckpointKey(20, 1, 3)]: 'a',
      [multiPartCheckpointKey(20, 3, 3)]: 'c',
      [LAST_CHECKPOINT_KEY]: JSON.stringify({ version: 20, parts: 3 }),
    });
    const seg = await listLogSegment(s, { table });
    expect(seg.checkpoint).toMatchObject({ version: 10, kind: 'multi', files: [multiPartCheckpointKey(10, 1, 2), multiPartCheckpointKey(10, 2, 2)] });
    expect(versions(seg)[0]).toBe(11);
  });

  it('errors clearly when the fallback checkpoint needs commits that were cleaned up', async () => {
    const s = await store(25, { [multiPartCheckpointKey(20, 1, 2)]: 'a', [LAST_CHECKPOINT_KEY]: JSON.stringify({ version: 20, parts: 2 }) });
    await deleteCommitsBefore(s, 20);
    const error = await rejection(listLogSegment(s, { table }));
    expect(error.code).toBe('PROTOCOL_VIOLATION');
    expect(error.message).toBe(
      'delta log: table /lake/t: version 24 cannot be reconstructed: there is no complete checkpoint at or before it and commit 0 is missing (earliest commit: 20)',
    );
  });

  it('prefers a V2 checkpoint over a classic one of the same version', async () => {
    const s = await store(5, {
      [classicCheckpointKey(3)]: 'classic',
      [v2CheckpointKey(3, '80a083e8-7026-4e79-81be-64bd76c43a11', 'json')]: 'v2',
    });
    expect((await listLogSegment(s, { table })).checkpoint).toMatchObject({ kind: 'v2', format: 'json' });
  });

  it('does not mistake compaction, crc or side files for commits', async () => {
    const s = await store(6, {
      [compactionKey(0, 5)]: 'compacted',
      '_delta_log/00000000000000000009.crc': '{}',
      '_delta_log/.00000000000000000009.json.crc': 'x',
      '_delta_log/00000000000000000009.json.tmp': 'x',
      '_delta_log/_sidecars/00000000000000000009.json': 'x',
    });
    const seg = await listLogSegment(s, { table });
    expect(seg.version).toBe(5);
    expect(seg.compactions).toEqual([{ startVersion: 0, endVersion: 5, key: compactionKey(0, 5) }]);
  });

  it('reports a gap as PROTOCOL_VIOLATION naming the missing version', async () => {
    const s = await store(4);
    await s.delete(commitKey(2));
    const error = await rejection(listLogSegment(s, { table }));
    expect(error.code).toBe('PROTOCOL_VIOLATION');
    expect(error.message).toMatch(/versions are not contiguous: commit 2 is missing/);
    expect(error.context['missingVersion']).toBe(2);
    // Versions before the gap are still readable.
    expect((await listLogSegment(s, { table, version: 1 })).version).toBe(1);
  });

  it('reports versions outside the reconstructable range as VERSION_NOT_AVAILABLE', async () => {
    const s = await store(15, { [classicCheckpointKey(10)]: 'cp' });
    await deleteCommitsBefore(s, 10);
    const above = await rejection(listLogSegment(s, { table, version: 20 }));
    expect(above.code).toBe('VERSION_NOT_AVAILABLE');
    expect(above.message).toBe('delta log: table /lake/t: version 20 is not available; the log can reconstruct versions 10 to 14');
    const below = await rejection(listLogSegment(s, { table, version: 3 }));
    expect(below.code).toBe('VERSION_NOT_AVAILABLE');
    expect(below.message).toMatch(/versions 10 to 14/);
    expect((await rejection(listLogSegment(s, { table, version: -1 }))).code).toBe('INVALID_ARGUMENT');
  });

  it('reports a missing or empty _delta_log as NOT_FOUND', async () => {
    const empty = logStore();
    await putObject(empty, 'part-0.parquet', 'data');
    const error = await rejection(listLogSegment(empty, { table }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe('delta: no Delta table at /lake/t: _delta_log is missing or empty');
    const onlyHint = logStore();
    await putObject(onlyHint, LAST_CHECKPOINT_KEY, '{"version":3}');
    expect((await rejection(listLogSegment(onlyHint, { table }))).code).toBe('NOT_FOUND');
  });
});

describe('parseLastCheckpoint', () => {
  it('keeps version, size and parts', () => {
    expect(parseLastCheckpoint(new TextEncoder().encode('{"version":4,"size":9,"parts":2,"extra":1}'))).toEqual({ version: 4, size: 9, parts: 2 });
    expect(parseLastCheckpoint(new Uint8Array([0xff]))).toBeUndefined();
  });
});
