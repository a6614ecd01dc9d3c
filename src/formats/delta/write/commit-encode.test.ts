import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { utf8Decode } from '../../../core/bytes.js';
import { parseCommitFile } from '../spec/actions.js';
import type { Action } from '../spec/actions.js';
import { DELTA_TESTDATA, corpusTables } from '../test-support/corpus.js';
import { thrown } from '../../../test-support/errors.js';
import { encodeActions } from './commit-encode.js';

const where = { table: 't', version: 1 };

const ACTIONS: Action[] = [
  {
    kind: 'commitInfo',
    commitInfo: {
      timestamp: 1_700_000_000_000,
      operation: 'WRITE',
      raw: {
        timestamp: 1_700_000_000_000,
        operation: 'WRITE',
        operationParameters: { mode: 'Append', partitionBy: '["p"]' },
        operationMetrics: { numFiles: '1' },
        isBlindAppend: true,
        engineInfo: 'Loch/0.1.0',
        txnId: 'abc',
        custom: { nested: [1, 'two', null] },
      },
    },
  },
  { kind: 'protocol', protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['deletionVectors'], writerFeatures: ['deletionVectors', 'appendOnly'] } },
  {
    kind: 'metaData',
    metaData: {
      id: 'id-1',
      name: 'n',
      description: 'd',
      format: { provider: 'parquet', options: { k: 'v' } },
      schemaString: '{"type":"struct","fields":[]}',
      partitionColumns: ['p'],
      createdTime: 5,
      configuration: { 'delta.appendOnly': 'true' },
    },
  },
  { kind: 'txn', txn: { appId: 'app', version: 7, lastUpdated: 9 } },
  {
    kind: 'add',
    add: {
      path: 'p=a%20b/f.parquet',
      partitionValues: { p: 'a b', q: null },
      size: 10,
      modificationTime: 11,
      dataChange: true,
      stats: '{"numRecords":1}',
      tags: { t: 'x' },
      deletionVector: { storageType: 'u', pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^', offset: 4, sizeInBytes: 40, cardinality: 6, maxRowIndex: 100 },
      baseRowId: 3,
      defaultRowCommitVersion: 2,
      clusteringProvider: 'liquid',
    },
  },
  { kind: 'remove', remove: { path: 'old.parquet', deletionTimestamp: 12, dataChange: true, extendedFileMetadata: true, partitionValues: {}, size: 3, stats: '{}' } },
  { kind: 'cdc', cdc: { path: '_change_data/c.parquet', partitionValues: {}, size: 4, dataChange: false } },
  { kind: 'domainMetadata', domainMetadata: { domain: 'delta.clustering', configuration: '{"clusteringColumns":[]}', removed: false } },
  { kind: 'checkpointMetadata', checkpointMetadata: { version: 3, tags: { a: 'b' } } },
  { kind: 'sidecar', sidecar: { path: 's.parquet', sizeInBytes: 5, modificationTime: 6 } },
];

describe('encodeActions', () => {
  it('round-trips every action kind through parseCommitFile', () => {
    const parsed = parseCommitFile(encodeActions(ACTIONS), where);
    expect(parsed.map((a) => a.kind)).toEqual(ACTIONS.map((a) => a.kind));
    for (const [i, action] of parsed.entries()) {
      if (action.kind === 'commitInfo') {
        expect(action.commitInfo.raw).toEqual(ACTIONS[0]!.kind === 'commitInfo' && ACTIONS[0]!.commitInfo.raw);
        expect(action.commitInfo.engineInfo).toBe('Loch/0.1.0');
        expect(action.commitInfo.isBlindAppend).toBe(true);
      } else {
        expect(action).toEqual(ACTIONS[i]);
      }
    }
  });

  it('writes one protocol-named object per line, each ended by a newline, undefined fields omitted', () => {
    const text = utf8Decode(encodeActions([ACTIONS[1]!, { kind: 'add', add: { path: 'f', partitionValues: {}, size: 1, modificationTime: 2, dataChange: false } }]));
    expect(text).toBe(
      '{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["deletionVectors"],"writerFeatures":["deletionVectors","appendOnly"]}}\n' +
        '{"add":{"path":"f","partitionValues":{},"size":1,"modificationTime":2,"dataChange":false}}\n',
    );
  });

  it('writes commitInfo from raw only, and never the checkpoint-only parsed columns', () => {
    const text = utf8Decode(
      encodeActions([
        { kind: 'commitInfo', commitInfo: { operation: 'IGNORED', raw: { operation: 'WRITE' } } },
        { kind: 'add', add: { path: 'f', partitionValues: {}, size: 1, modificationTime: 2, dataChange: true, statsParsed: { numRecords: 1 }, partitionValuesParsed: {} } },
      ]),
    );
    expect(text).toBe('{"commitInfo":{"operation":"WRITE"}}\n{"add":{"path":"f","partitionValues":{},"size":1,"modificationTime":2,"dataChange":true}}\n');
  });

  it('keeps strings with newlines, quotes and non-ASCII on one line', () => {
    const action: Action = { kind: 'txn', txn: { appId: 'a\nb"c\u2028😈', version: 1 } };
    const bytes = encodeActions([action]);
    expect(utf8Decode(bytes).split('\n')).toHaveLength(2);
    expect(parseCommitFile(bytes, where)).toEqual([action]);
  });

  it('re-encodes every commit file of the corpus to the same actions', () => {
    let files = 0;
    for (const table of corpusTables()) {
      const logDir = path.join(DELTA_TESTDATA, table, '_delta_log');
      for (const name of readdirSync(logDir).filter((f) => /^\d{20}\.json$/.test(f))) {
        let actions: Action[];
        try {
          actions = parseCommitFile(new Uint8Array(readFileSync(path.join(logDir, name))), where);
        } catch {
          continue; // negative tables hold logs the reader refuses; nothing to re-encode.
        }
        if (actions.length === 0) continue;
        expect(parseCommitFile(encodeActions(actions), where)).toEqual(actions.map(withoutParsedColumns));
        files += 1;
      }
    }
    expect(files).toBeGreaterThan(100);
  });

  it('rejects an empty commit and values JSON cannot hold', () => {
    expect(thrown(() => encodeActions([])).code).toBe('INVALID_ARGUMENT');
    const nan: Action = { kind: 'add', add: { path: 'f', partitionValues: {}, size: Number.NaN, modificationTime: 2, dataChange: true } };
    const error = thrown(() => encodeActions([nan]));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('action 1 (add)');
    const big: Action = { kind: 'commitInfo', commitInfo: { raw: { n: 1n } } };
    expect(thrown(() => encodeActions([big])).code).toBe('INVALID_ARGUMENT');
  });
});

function withoutParsedColumns(action: Action): Action {
  if (action.kind !== 'add') return action;
  const { statsParsed: _s, partitionValuesParsed: _p, ...add } = action.add;
  return { kind: 'add', add };
}
