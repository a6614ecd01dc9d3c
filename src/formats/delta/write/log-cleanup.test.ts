import { describe, expect, it } from 'vitest';
import { thrown } from '../../../test-support/errors.js';
import { LAST_CHECKPOINT_KEY, classicCheckpointKey, commitKey, compactionKey, crcKey, multiPartCheckpointKey, v2CheckpointKey } from '../log/log-files.js';
import { expiredLogFiles } from './log-cleanup.js';
import type { ListedLogFile } from './log-cleanup.js';

const DAY = 86_400_000;
const NOW = 1_000 * DAY;
const RETENTION = 30 * DAY;
const OLD = NOW - 60 * DAY;
const YOUNG = NOW - DAY;
const UUID = '80a083e8-7026-4e79-81be-64bd76c43a11';

const at = (key: string, lastModified: number): ListedLogFile => ({ key, lastModified });

/** Commits `from..to` (inclusive), with a .crc each; versions below `youngFrom` are old. */
function commits(from: number, to: number, youngFrom = Number.POSITIVE_INFINITY): ListedLogFile[] {
  const out: ListedLogFile[] = [];
  for (let v = from; v <= to; v++) {
    const time = v >= youngFrom ? YOUNG + v : OLD + v;
    out.push(at(commitKey(v), time), at(crcKey(v), time));
  }
  return out;
}

function clean(files: ListedLogFile[], latestVersion: number, retentionMs = RETENTION): string[] {
  return expiredLogFiles(files, { retentionMs, now: NOW, latestVersion });
}

/** Commit and crc keys of versions `from..to`. */
function versionKeys(from: number, to: number): string[] {
  const out: string[] = [];
  for (let v = from; v <= to; v++) out.push(commitKey(v), crcKey(v));
  return out;
}

describe('expiredLogFiles', () => {
  it('deletes nothing without a checkpoint', () => {
    expect(clean(commits(0, 30), 30)).toEqual([]);
  });

  it('deletes everything below the newest old checkpoint, oldest first', () => {
    const files = [...commits(0, 15), at(classicCheckpointKey(10), OLD + 10), at(LAST_CHECKPOINT_KEY, OLD + 10)];
    const expired = clean(files, 15);
    expect(expired).toEqual(versionKeys(0, 9).sort());
    expect(expired).not.toContain(classicCheckpointKey(10));
    expect(expired).not.toContain(commitKey(10));
    expect(expired).not.toContain(LAST_CHECKPOINT_KEY);
  });

  it('keeps the checkpoint before the first young commit, not a newer one', () => {
    const files = [...commits(0, 25, 15), at(classicCheckpointKey(10), OLD), at(classicCheckpointKey(20), YOUNG)];
    const expired = clean(files, 25);
    expect(expired).toHaveLength(20);
    expect(expired).toEqual(expect.arrayContaining(versionKeys(0, 9)));
    expect(expired).not.toContain(commitKey(14));
  });

  it('deletes nothing when every commit is younger than the retention', () => {
    expect(clean([...commits(0, 25, 0), at(classicCheckpointKey(10), YOUNG)], 25)).toEqual([]);
  });

  it('keeps the cutoff commit reconstructable: a checkpoint at a young commit is not used', () => {
    // Commit 10 is young, so time travel to the cutoff resolves to version 9, which needs 0..9.
    const files = [...commits(0, 12, 10), at(classicCheckpointKey(10), YOUNG)];
    expect(clean(files, 12)).toEqual([]);
    const withOlder = [...files, at(classicCheckpointKey(5), OLD)];
    expect(clean(withOlder, 12)).toEqual(versionKeys(0, 4).sort());
  });

  it('counts a commit exactly at the cutoff as expired', () => {
    const files = [at(commitKey(0), OLD), at(commitKey(1), NOW - RETENTION), at(classicCheckpointKey(1), NOW - RETENTION), at(commitKey(2), YOUNG)];
    expect(clean(files, 2)).toEqual([commitKey(0)]);
  });

  it('ignores incomplete multi-part checkpoints but deletes them below the chosen one', () => {
    const files = [
      ...commits(0, 25),
      at(classicCheckpointKey(10), OLD),
      at(multiPartCheckpointKey(15, 1, 3), OLD),
      at(multiPartCheckpointKey(15, 2, 3), OLD),
      at(multiPartCheckpointKey(20, 1, 2), OLD),
      at(multiPartCheckpointKey(22, 1, 3), OLD),
    ];
    // 20 has only part 1 of 2: incomplete; 22 is incomplete too; 10 is the newest complete one.
    expect(clean(files, 25)).toEqual(versionKeys(0, 9).sort());
    const completed = [...files, at(multiPartCheckpointKey(20, 2, 2), OLD)];
    const expired = clean(completed, 25);
    expect(expired).toEqual(expect.arrayContaining([classicCheckpointKey(10), multiPartCheckpointKey(15, 1, 3), multiPartCheckpointKey(15, 2, 3), commitKey(19)]));
    expect(expired).not.toContain(multiPartCheckpointKey(20, 1, 2));
    expect(expired).not.toContain(multiPartCheckpointKey(22, 1, 3));
    expect(expired).not.toContain(commitKey(20));
    expect(expired).toHaveLength(40 + 3);
  });

  it('uses UUID-named checkpoints and keeps every checkpoint file of the chosen version', () => {
    const files = [...commits(0, 12), at(v2CheckpointKey(8, UUID, 'json'), OLD), at(classicCheckpointKey(8), OLD), at(classicCheckpointKey(4), OLD)];
    const expired = clean(files, 12);
    expect(expired).toContain(classicCheckpointKey(4));
    expect(expired).not.toContain(v2CheckpointKey(8, UUID, 'json'));
    expect(expired).not.toContain(classicCheckpointKey(8));
    expect(expired).toHaveLength(16 + 1);
  });

  it('makes commit times monotonic, so a late clock on one commit protects the ones after it', () => {
    const files = [...commits(0, 12), at(classicCheckpointKey(4), OLD), at(classicCheckpointKey(10), OLD)];
    const skewed = files.map((f) => (f.key === commitKey(6) ? at(f.key, YOUNG) : f));
    expect(clean(skewed, 12)).toEqual(versionKeys(0, 3).sort());
    // An earlier time than the predecessor's is harmless.
    const early = files.map((f) => (f.key === commitKey(6) ? at(f.key, 0) : f));
    expect(clean(early, 12)).toHaveLength(20 + 1);
  });

  it('does not look past latestVersion', () => {
    const files = [...commits(0, 30), at(classicCheckpointKey(20), OLD), at(classicCheckpointKey(30), OLD)];
    const expired = clean(files, 25);
    expect(expired).toHaveLength(40);
    expect(expired).not.toContain(classicCheckpointKey(20));
    expect(clean(files, 15)).toEqual([]);
  });

  it('deletes compaction files starting below the checkpoint only', () => {
    const files = [
      ...commits(0, 14),
      at(classicCheckpointKey(10), OLD),
      at(compactionKey(2, 5), OLD),
      at(compactionKey(8, 12), OLD),
      at(compactionKey(10, 12), OLD),
      at(compactionKey(11, 14), OLD),
    ];
    const expired = clean(files, 14);
    expect(expired).toContain(compactionKey(2, 5));
    expect(expired).toContain(compactionKey(8, 12));
    expect(expired).not.toContain(compactionKey(10, 12));
    expect(expired).not.toContain(compactionKey(11, 14));
  });

  it('never deletes files the protocol does not define', () => {
    const files = [
      ...commits(0, 12),
      at(classicCheckpointKey(10), OLD),
      at(LAST_CHECKPOINT_KEY, OLD),
      at(`_delta_log/_sidecars/${UUID}.parquet`, OLD),
      at('_delta_log/.00000000000000000001.json.crc', OLD),
      at('_delta_log/00000000000000000002.json.tmp', OLD),
      at(`_delta_log/_staged_commits/00000000000000000003.${UUID}.json`, OLD),
      at('part-00000.parquet', OLD),
    ];
    const expired = clean(files, 12);
    expect(expired).toEqual(versionKeys(0, 9).sort());
  });

  it('returns keys ordered by version', () => {
    const files = [...commits(0, 12)].reverse().concat([at(classicCheckpointKey(3), OLD), at(classicCheckpointKey(10), OLD)]);
    const expired = clean(files, 12);
    const versions = expired.map((k) => Number(k.slice('_delta_log/'.length, '_delta_log/'.length + 20)));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(expired.slice(0, 2)).toEqual([crcKey(0), commitKey(0)]);
    expect(expired).toContain(classicCheckpointKey(3));
  });

  it('respects a zero retention: everything below the latest checkpoint goes', () => {
    const files = [...commits(0, 5, 0), at(classicCheckpointKey(5), YOUNG)];
    expect(expiredLogFiles(files, { retentionMs: 0, now: NOW, latestVersion: 5 })).toEqual(versionKeys(0, 4).sort());
  });

  it('refuses a bad retention or clock instead of deleting everything', () => {
    const files = [...commits(0, 12), at(classicCheckpointKey(10), OLD)];
    for (const options of [
      { retentionMs: Number.NaN, now: NOW, latestVersion: 12 },
      { retentionMs: -1, now: NOW, latestVersion: 12 },
      { retentionMs: RETENTION, now: Number.POSITIVE_INFINITY, latestVersion: 12 },
    ]) {
      expect(thrown(() => expiredLogFiles(files, options)).code).toBe('INVALID_ARGUMENT');
    }
  });

  it('treats a commit without a finite time as young', () => {
    const files = [...commits(0, 12), at(classicCheckpointKey(4), OLD), at(classicCheckpointKey(10), OLD)].map((f) =>
      f.key === commitKey(7) ? at(f.key, Number.NaN) : f,
    );
    expect(clean(files, 12)).toEqual(versionKeys(0, 3).sort());
  });
});
