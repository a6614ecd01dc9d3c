import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { utf8Encode } from '../../../core/bytes.js';
import { DuckDbEngine } from '../../../engine/index.js';
import { writeRowsAsParquet } from '../../../engine/duckdb/rows-parquet.js';
import { typeToString } from '../../../expr/types.js';
import { readCheckpointActions } from '../log/checkpoint-read.js';
import { parseLastCheckpoint } from '../log/last-checkpoint.js';
import { classicCheckpointKey, multiPartCheckpointKey } from '../log/log-files.js';
import { parseAction } from '../spec/actions.js';
import type { Action, AddFile, Metadata, Protocol, RemoveFile } from '../spec/actions.js';
import { DuckDbParquetReader } from '../test-support/duckdb-parquet-reader.js';
import { thrown } from '../../../test-support/errors.js';
import { logStore } from '../test-support/log-builder.js';
import type { CheckpointState } from './checkpoint-write.js';
import { checkpointRows, checkpointSchema, lastCheckpointJson, splitCheckpointParts } from './checkpoint-write.js';

const where = { table: 't', version: 10 };
const reader = new DuckDbParquetReader();
const engine = DuckDbEngine.create({ threads: 1 });

afterAll(async () => {
  await (await engine).close();
});

const PROTOCOL: Protocol = { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['deletionVectors'], writerFeatures: ['deletionVectors', 'domainMetadata'] };
const METADATA: Metadata = {
  id: 'table-id',
  name: 'events',
  format: { provider: 'parquet', options: {} },
  schemaString: '{"type":"struct","fields":[{"name":"p","type":"string","nullable":true,"metadata":{}}]}',
  partitionColumns: ['p'],
  createdTime: 1,
  configuration: { 'delta.enableDeletionVectors': 'true' },
};
const ADDS: AddFile[] = [
  { path: 'p=a/f1.parquet', partitionValues: { p: 'a' }, size: 10, modificationTime: 100, dataChange: true, stats: '{"numRecords":2}' },
  {
    path: 'p=__HIVE_DEFAULT_PARTITION__/f%202.parquet',
    partitionValues: { p: null },
    size: 2 ** 40,
    modificationTime: 1_700_000_000_000,
    dataChange: false,
    tags: { k: 'v' },
    deletionVector: { storageType: 'u', pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^', offset: 4, sizeInBytes: 40, cardinality: 6 },
    baseRowId: 7,
    defaultRowCommitVersion: 3,
  },
];
const TOMBSTONE: RemoveFile = { path: 'old.parquet', deletionTimestamp: 50, dataChange: true, partitionValues: { p: 'a' }, size: 5, extendedFileMetadata: true };

function state(overrides: Partial<CheckpointState> = {}): CheckpointState {
  return {
    protocol: PROTOCOL,
    metadata: METADATA,
    files: ADDS,
    txns: [{ appId: 'app', version: 4, lastUpdated: 9 }],
    domainMetadata: [
      { domain: 'delta.clustering', configuration: '{"clusteringColumns":[]}', removed: false },
      { domain: 'gone', configuration: '{}', removed: true },
    ],
    tombstones: [TOMBSTONE],
    ...overrides,
  };
}

/** The actions a reader gets back: state files with dataChange=false, removed domains gone. */
function expectedActions(): Action[] {
  return [
    { kind: 'protocol', protocol: PROTOCOL },
    { kind: 'metaData', metaData: METADATA },
    { kind: 'txn', txn: { appId: 'app', version: 4, lastUpdated: 9 } },
    { kind: 'domainMetadata', domainMetadata: { domain: 'delta.clustering', configuration: '{"clusteringColumns":[]}', removed: false } },
    ...ADDS.map((add): Action => ({ kind: 'add', add: { ...add, dataChange: false } })),
  ];
}

async function writeParquet(rows: Record<string, unknown>[]): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'loch-cpw-'));
  const session = await (await engine).session();
  try {
    const file = join(dir, 'cp.parquet');
    await writeRowsAsParquet(session, rows, checkpointSchema(), file);
    return new Uint8Array(await readFile(file));
  } finally {
    await session.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('checkpointSchema', () => {
  it('has Spark top-level columns with protocol field names and map-typed maps', () => {
    const schema = checkpointSchema();
    expect(schema.fields.map((f) => f.name)).toEqual(['txn', 'add', 'remove', 'metaData', 'protocol', 'domainMetadata']);
    const type = (name: string): string => typeToString(schema.fields.find((f) => f.name === name)!.type);
    expect(type('add')).toBe(
      'struct<path:string,partitionValues:map<string,string>,size:long,modificationTime:long,dataChange:boolean,stats:string,' +
        'tags:map<string,string>,deletionVector:struct<storageType:string,pathOrInlineDv:string,offset:integer,sizeInBytes:integer,' +
        'cardinality:long,maxRowIndex:long>,baseRowId:long,defaultRowCommitVersion:long,clusteringProvider:string>',
    );
    expect(type('protocol')).toBe('struct<minReaderVersion:integer,minWriterVersion:integer,readerFeatures:array<string>,writerFeatures:array<string>>');
    expect(type('metaData')).toContain('configuration:map<string,string>');
    expect(type('remove')).not.toContain('stats');
  });
});

describe('checkpointRows', () => {
  it('gives one action per row, protocol and metaData first, other columns null', () => {
    const rows = [...checkpointRows(state())];
    expect(rows).toHaveLength(7);
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(['add', 'domainMetadata', 'metaData', 'protocol', 'remove', 'txn']);
      expect(Object.values(r).filter((v) => v !== null)).toHaveLength(1);
    }
    const kinds = rows.map((r) => Object.entries(r).find(([, v]) => v !== null)![0]);
    expect(kinds).toEqual(['protocol', 'metaData', 'txn', 'domainMetadata', 'add', 'add', 'remove']);
  });

  it('parses back through the reader action parser to the table state', () => {
    const parsed = [...checkpointRows(state())].map((r, i) => parseAction(JSON.parse(JSON.stringify(r)), { ...where, line: i + 1 }));
    expect(parsed.slice(0, 6)).toEqual(expectedActions());
    expect(parsed[6]).toEqual({ kind: 'remove', remove: { ...TOMBSTONE, dataChange: false } });
  });

  it('drops add.stats when delta.checkpoint.writeStatsAsJson is false (any key case)', () => {
    const metadata = { ...METADATA, configuration: { 'DELTA.checkpoint.writeStatsAsJSON': 'FALSE' } };
    const adds = [...checkpointRows(state({ metadata }))].flatMap((r) => (r['add'] ? [r['add'] as Record<string, unknown>] : []));
    expect(adds.map((a) => a['stats'])).toEqual([undefined, undefined]);
  });

  it('writes non-null feature lists for reader version 3 and writer version 7', () => {
    const rows = [...checkpointRows(state({ protocol: { minReaderVersion: 3, minWriterVersion: 7 } }))];
    expect(rows[0]!['protocol']).toEqual({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: [], writerFeatures: [] });
    const legacy = [...checkpointRows(state({ protocol: { minReaderVersion: 1, minWriterVersion: 2 } }))];
    expect(legacy[0]!['protocol']).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
  });

  it('survives parquet: written by the engine, read by the checkpoint reader', async () => {
    const store = logStore();
    await store.put(classicCheckpointKey(10), await writeParquet([...checkpointRows(state())]));
    const { actions } = await readCheckpointActions(store, reader, { version: 10, kind: 'classic', format: 'parquet', files: [classicCheckpointKey(10)], lastModified: 0 }, 't');
    expect(actions).toEqual(expectedActions());
    const removes: unknown[] = [];
    for await (const r of reader.readJsonRows(store, classicCheckpointKey(10), ['remove'])) if (r['remove'] !== null && r['remove'] !== undefined) removes.push(r['remove']);
    expect(removes.map((r) => parseAction({ remove: r }, where))).toEqual([{ kind: 'remove', remove: { ...TOMBSTONE, dataChange: false } }]);
  });

  it('splits into a multi-part checkpoint that reads back whole', async () => {
    const rows = [...checkpointRows(state({ tombstones: [] }))];
    const parts = splitCheckpointParts(rows.length, 4);
    expect(parts).toBe(2);
    const store = logStore();
    const keys: string[] = [];
    for (let part = 1; part <= parts; part++) {
      const key = multiPartCheckpointKey(10, part, parts);
      await store.put(key, await writeParquet(rows.slice((part - 1) * 4, part * 4)));
      keys.push(key);
    }
    const { actions } = await readCheckpointActions(store, reader, { version: 10, kind: 'multi', format: 'parquet', files: keys, lastModified: 0 }, 't');
    expect(actions).toEqual(expectedActions());
  });
});

describe('splitCheckpointParts', () => {
  it('gives one part up to the limit and ceil(total / max) above it', () => {
    expect(splitCheckpointParts(0, 10)).toBe(1);
    expect(splitCheckpointParts(10, 10)).toBe(1);
    expect(splitCheckpointParts(11, 10)).toBe(2);
    expect(splitCheckpointParts(1_000_001, 100_000)).toBe(11);
  });

  it('rejects negative totals and non-positive limits', () => {
    expect(thrown(() => splitCheckpointParts(-1, 10)).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => splitCheckpointParts(5, 0)).code).toBe('INVALID_ARGUMENT');
  });
});

describe('lastCheckpointJson', () => {
  it('writes the spec fields that the reader parses back', () => {
    const json = lastCheckpointJson({ version: 20, size: 7, parts: 2, sizeInBytes: 1234, numOfAddFiles: 2 });
    expect(json).toBe('{"version":20,"size":7,"parts":2,"sizeInBytes":1234,"numOfAddFiles":2}');
    expect(parseLastCheckpoint(utf8Encode(json))).toEqual({ version: 20, size: 7, parts: 2 });
    expect(lastCheckpointJson({ version: 0, size: 3 })).toBe('{"version":0,"size":3}');
  });

  it('rejects values that are not counts', () => {
    expect(thrown(() => lastCheckpointJson({ version: -1, size: 1 })).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => lastCheckpointJson({ version: 1, size: 1, parts: 0 })).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => lastCheckpointJson({ version: 1.5, size: 1 })).code).toBe('INVALID_ARGUMENT');
  });
});
