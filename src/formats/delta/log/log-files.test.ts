import { describe, expect, it } from 'vitest';
import {
  classicCheckpointKey,
  commitKey,
  compactionKey,
  multiPartCheckpointKey,
  parseLogFileName,
  parseLogKey,
  v2CheckpointKey,
} from './log-files.js';

describe('parseLogFileName', () => {
  it('recognises commits, checkpoints of every kind, compactions, crc and _last_checkpoint', () => {
    expect(parseLogFileName('00000000000000000042.json')).toEqual({ kind: 'commit', version: 42 });
    expect(parseLogFileName('00000000000000000010.checkpoint.parquet')).toEqual({
      kind: 'checkpoint',
      version: 10,
      checkpointKind: 'classic',
      format: 'parquet',
    });
    expect(parseLogFileName('00000000000000000010.checkpoint.0000000002.0000000003.parquet')).toEqual({
      kind: 'checkpoint',
      version: 10,
      checkpointKind: 'multi',
      format: 'parquet',
      part: 2,
      parts: 3,
    });
    expect(parseLogFileName('00000000000000000002.checkpoint.6374b053-df23-479b-b2cf-c9c550132b49.json')).toEqual({
      kind: 'checkpoint',
      version: 2,
      checkpointKind: 'v2',
      format: 'json',
      uuid: '6374b053-df23-479b-b2cf-c9c550132b49',
    });
    expect(parseLogFileName('00000000000000000006.checkpoint.f15b9025-707a-4c73-aac0-31dfcbd29aa6.parquet')).toMatchObject({
      checkpointKind: 'v2',
      format: 'parquet',
    });
    expect(parseLogFileName('00000000000000000006.00000000000000000015.compacted.json')).toEqual({ kind: 'compaction', version: 6, endVersion: 15 });
    expect(parseLogFileName('00000000000000000003.crc')).toEqual({ kind: 'crc', version: 3 });
    expect(parseLogFileName('_last_checkpoint')).toEqual({ kind: 'last_checkpoint' });
  });

  it('ignores Hadoop side files, temp files and malformed names', () => {
    for (const name of [
      '.00000000000000000000.json.crc',
      '.00000000000000000002.checkpoint.6374b053-df23-479b-b2cf-c9c550132b49.json.crc',
      '00000000000000000001.json.tmp',
      '.00000000000000000001.json.1f3c.tmp',
      '0000000000000000001.json',
      '00000000000000000001.JSON',
      '00000000000000000010.checkpoint.0000000004.0000000003.parquet',
      '00000000000000000010.checkpoint.not-a-uuid.json',
      '00000000000000000005.00000000000000000005.compacted.json',
      '_commits',
    ]) {
      expect(parseLogFileName(name), name).toEqual({ kind: 'other' });
    }
  });

  it('parses keys only directly inside _delta_log', () => {
    expect(parseLogKey('_delta_log/00000000000000000001.json')).toEqual({ kind: 'commit', version: 1 });
    expect(parseLogKey('_delta_log/_sidecars/00000000000000000001.json')).toEqual({ kind: 'other' });
    expect(parseLogKey('other/00000000000000000001.json')).toEqual({ kind: 'other' });
  });

  it('builds keys that parse back', () => {
    expect(parseLogKey(commitKey(7))).toEqual({ kind: 'commit', version: 7 });
    expect(parseLogKey(classicCheckpointKey(7))).toMatchObject({ checkpointKind: 'classic', version: 7 });
    expect(parseLogKey(multiPartCheckpointKey(7, 1, 2))).toMatchObject({ checkpointKind: 'multi', part: 1, parts: 2 });
    expect(parseLogKey(v2CheckpointKey(7, '80a083e8-7026-4e79-81be-64bd76c43a11', 'json'))).toMatchObject({ checkpointKind: 'v2', format: 'json' });
    expect(parseLogKey(compactionKey(4, 6))).toEqual({ kind: 'compaction', version: 4, endVersion: 6 });
    expect(commitKey(7)).toBe('_delta_log/00000000000000000007.json');
  });
});
