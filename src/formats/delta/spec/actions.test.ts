import { describe, expect, it } from 'vitest';
import { utf8Encode } from '../../../core/bytes.js';
import { thrown } from '../../../test-support/errors.js';
import { deletionVectorUniqueId, parseAction, parseCommitFile } from './actions.js';

const where = { table: '/t', version: 3, line: 2 };

describe('parseAction', () => {
  it('parses an add with every optional field, keeping stats untouched', () => {
    const add = {
      path: 'p=1/a%20b.parquet',
      partitionValues: { p: '1', q: null },
      size: 10,
      modificationTime: 20,
      dataChange: true,
      stats: '{"numRecords":3}',
      tags: { k: 'v' },
      deletionVector: { storageType: 'u', pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^', offset: 4, sizeInBytes: 40, cardinality: 6 },
      baseRowId: 7,
      defaultRowCommitVersion: 2,
      clusteringProvider: 'liquid',
    };
    // Every field of the log maps to the field of the same name, unchanged.
    expect(parseAction({ add }, where)).toEqual({ kind: 'add', add });
  });

  it('reads a checkpoint row: null columns skipped, *_parsed kept, null optionals absent', () => {
    const row = {
      txn: null,
      remove: null,
      add: {
        path: 'a',
        partitionValues: { p: '1' },
        size: 1,
        modificationTime: 2,
        dataChange: false,
        tags: null,
        deletionVector: null,
        stats: null,
        stats_parsed: { numRecords: 5 },
        partitionValues_parsed: { p: 1 },
      },
    };
    const action = parseAction(row, where);
    expect(action?.kind).toBe('add');
    if (action?.kind !== 'add') return;
    expect(action.add.statsParsed).toEqual({ numRecords: 5 });
    expect(action.add.partitionValuesParsed).toEqual({ p: 1 });
    expect('tags' in action.add).toBe(false);
    expect('deletionVector' in action.add).toBe(false);
  });

  it('treats an inline DV offset of null as absent', () => {
    const action = parseAction(
      { add: { path: 'a', partitionValues: {}, size: 1, modificationTime: 1, dataChange: true, deletionVector: { storageType: 'i', pathOrInlineDv: 'xyz', offset: null, sizeInBytes: 40, cardinality: 4 } } },
      where,
    );
    expect(action?.kind === 'add' && action.add.deletionVector?.offset).toBeUndefined();
  });

  it('parses metaData, defaulting the format and configuration old writers left out', () => {
    const action = parseAction({ metaData: { id: 'x', schemaString: '{}', partitionColumns: ['a'], configuration: { k: 'v', n: null } } }, where);
    expect(action).toEqual({
      kind: 'metaData',
      metaData: { id: 'x', format: { provider: 'parquet', options: {} }, schemaString: '{}', partitionColumns: ['a'], configuration: { k: 'v' } },
    });
  });

  it("accepts Spark's default Metadata() without schema, leaving the error to schema parsing", () => {
    const action = parseAction({ metaData: { id: 'x', format: { provider: 'parquet', options: {} }, configuration: {} } }, where);
    expect(action?.kind === 'metaData' && action.metaData.schemaString).toBe('');
    expect(action?.kind === 'metaData' && action.metaData.partitionColumns).toEqual([]);
    expect(thrown(() => parseAction({ metaData: { id: 'x', schemaString: 5 } }, where)).message).toMatch(/metaData field 'schemaString' must be a string/);
    expect(thrown(() => parseAction({ metaData: { id: 'x', partitionColumns: 'p' } }, where)).message).toMatch(/'partitionColumns' must be an array of strings/);
  });

  it('parses protocol, txn, cdc, domainMetadata, checkpointMetadata and sidecar', () => {
    expect(parseAction({ protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['deletionVectors'], writerFeatures: null } }, where)).toEqual({
      kind: 'protocol',
      protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['deletionVectors'] },
    });
    expect(parseAction({ txn: { appId: 'app', version: 4 } }, where)).toEqual({ kind: 'txn', txn: { appId: 'app', version: 4 } });
    expect(parseAction({ cdc: { path: '_change_data/c.parquet', partitionValues: {}, size: 5, dataChange: false } }, where)).toEqual({
      kind: 'cdc',
      cdc: { path: '_change_data/c.parquet', partitionValues: {}, size: 5, dataChange: false },
    });
    expect(parseAction({ domainMetadata: { domain: 'd', configuration: '{}' } }, where)).toEqual({
      kind: 'domainMetadata',
      domainMetadata: { domain: 'd', configuration: '{}', removed: false },
    });
    expect(parseAction({ checkpointMetadata: { version: 9, tags: null } }, where)).toEqual({ kind: 'checkpointMetadata', checkpointMetadata: { version: 9 } });
    expect(parseAction({ sidecar: { path: 's.parquet', sizeInBytes: 1, modificationTime: 2 } }, where)).toEqual({
      kind: 'sidecar',
      sidecar: { path: 's.parquet', sizeInBytes: 1, modificationTime: 2 },
    });
  });

  it('keeps commitInfo free-form, typing only well-formed fields', () => {
    const action = parseAction({ commitInfo: { timestamp: 5, operation: 'MERGE', isBlindAppend: 'yes', notebook: { id: 1 } } }, where);
    expect(action?.kind).toBe('commitInfo');
    if (action?.kind !== 'commitInfo') return;
    expect(action.commitInfo.timestamp).toBe(5);
    expect(action.commitInfo.operation).toBe('MERGE');
    expect(action.commitInfo.isBlindAppend).toBeUndefined();
    expect(action.commitInfo.raw['notebook']).toEqual({ id: 1 });
  });

  it('ignores unknown actions and rows without an action', () => {
    expect(parseAction({ futureAction: { x: 1 } }, where)).toBeUndefined();
    expect(parseAction({ add: null, remove: null }, where)).toBeUndefined();
  });

  it('rejects a malformed known action with CORRUPT_DATA naming table, version, line and field', () => {
    const error = thrown(() => parseAction({ add: { path: 'a', partitionValues: {}, size: '10', modificationTime: 1, dataChange: true } }, where));
    expect(error.code).toBe('CORRUPT_DATA');
    expect(error.message).toBe("delta log: table /t version 3 line 2: add field 'size' must be an integer, got string");
    expect(error.context).toMatchObject({ table: '/t', version: 3, line: 2, field: 'size' });
    expect(thrown(() => parseAction({ remove: { dataChange: true } }, where)).message).toMatch(/remove field 'path' must be a string/);
    expect(thrown(() => parseAction({ add: 'x' }, where)).message).toMatch(/action 'add' must be a JSON object/);
    expect(thrown(() => parseAction([1], where)).code).toBe('CORRUPT_DATA');
    const dv = { storageType: 'x', pathOrInlineDv: 'a', sizeInBytes: 1, cardinality: 1 };
    const dvError = thrown(() => parseAction({ add: { path: 'a', partitionValues: {}, size: 1, modificationTime: 1, dataChange: true, deletionVector: dv } }, where));
    expect(dvError.message).toMatch(/add\.deletionVector field 'storageType'/);
  });
});

describe('parseCommitFile', () => {
  const commitWhere = { table: '/t', version: 7 };

  it('parses NDJSON with blank lines, CRLF endings and no trailing newline', () => {
    const text = '{"commitInfo":{"timestamp":1}}\r\n\n{"add":{"path":"a","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}}\n  \n{"unknown":{}}';
    const actions = parseCommitFile(utf8Encode(text), commitWhere);
    expect(actions.map((a) => a.kind)).toEqual(['commitInfo', 'add']);
  });

  it('returns nothing for an empty file', () => {
    expect(parseCommitFile(new Uint8Array(0), commitWhere)).toEqual([]);
  });

  it('reports a truncated line', () => {
    const text = '{"commitInfo":{"timestamp":1}}\n{"add":{"path":"a","partitionV';
    const error = thrown(() => parseCommitFile(utf8Encode(text), commitWhere));
    expect(error.code).toBe('CORRUPT_DATA');
    expect(error.message).toBe('delta log: table /t version 7: line 2 is not valid JSON');
  });

  it('reports garbled bytes that are not UTF-8', () => {
    const error = thrown(() => parseCommitFile(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), commitWhere));
    expect(error.code).toBe('CORRUPT_DATA');
    expect(error.message).toMatch(/not valid UTF-8/);
  });

  it('reports the line of a malformed action', () => {
    const text = '{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}\n{"txn":{"appId":5,"version":1}}\n';
    expect(thrown(() => parseCommitFile(utf8Encode(text), commitWhere)).message).toBe(
      "delta log: table /t version 7 line 2: txn field 'appId' must be a string, got number",
    );
  });
});

describe('deletionVectorUniqueId', () => {
  it('is storageType + path, plus @offset when there is one', () => {
    expect(deletionVectorUniqueId({ storageType: 'u', pathOrInlineDv: 'abc', offset: 4, sizeInBytes: 1, cardinality: 1 })).toBe('uabc@4');
    expect(deletionVectorUniqueId({ storageType: 'i', pathOrInlineDv: 'xyz', sizeInBytes: 1, cardinality: 1 })).toBe('ixyz');
  });
});
