import { describe, expect, it } from 'vitest';
import { decimal, field, primitive } from '../../../expr/types.js';
import type { StructField, StructType } from '../../../expr/types.js';
import type { Action, AddFile, DeletionVectorDescriptor, Metadata, Protocol } from '../spec/actions.js';
import { schemaToDeltaJson } from '../spec/schema.js';
import { thrown } from '../../../test-support/errors.js';
import { assertValidCommit, validateCommit } from './validate-actions.js';
import type { CommitBefore } from './validate-actions.js';

const where0 = { table: '/t', version: 0 };
const where5 = { table: '/t', version: 5 };

const struct = (...fields: StructField[]): StructType => ({ kind: 'struct', fields });
const schema = struct(
  field('id', primitive('long')),
  field('name', primitive('string')),
  field('p', primitive('date')),
  field('s', struct(field('x', primitive('integer')), field('t', primitive('timestamp')))),
  field('arr', { kind: 'array', element: primitive('integer'), containsNull: true }),
  field('amount', decimal(5, 2)),
  field('ratio', primitive('double')),
);

function meta(extra: Partial<Metadata> = {}, configuration: Record<string, string> = {}): Metadata {
  return {
    id: 'table-id',
    format: { provider: 'parquet', options: {} },
    schemaString: schemaToDeltaJson(schema),
    partitionColumns: ['p'],
    configuration,
    ...extra,
  };
}
const legacy = (reader: number, writer: number): Protocol => ({ minReaderVersion: reader, minWriterVersion: writer });
const features = (reader: string[], writer: string[]): Protocol => ({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: reader, writerFeatures: writer });

const goodStats = JSON.stringify({
  numRecords: 3,
  minValues: { id: 1, name: 'a', s: { x: -5, t: '2020-01-01T00:00:00.123Z' }, amount: 1.5, ratio: 'NaN' },
  maxValues: { id: 9, name: 'z', s: { x: 5, t: '2020-01-02T00:00:00.000Z' }, amount: '999.99', ratio: 2.5 },
  nullCount: { id: 0, name: 1, s: { x: 0, t: 3 }, arr: 2, amount: 0, ratio: 0 },
  tightBounds: true,
});

function addFile(extra: Partial<AddFile> = {}): AddFile {
  return { path: 'p=2020-01-01/part-0001.parquet', partitionValues: { p: '2020-01-01' }, size: 100, modificationTime: 1700000000000, dataChange: true, stats: goodStats, ...extra };
}
const add = (extra: Partial<AddFile> = {}): Action => ({ kind: 'add', add: addFile(extra) });
const info = (extra: Record<string, unknown> = {}): Action => ({ kind: 'commitInfo', commitInfo: { raw: { operation: 'WRITE', ...extra } } });
const protocolAction = (protocol: Protocol): Action => ({ kind: 'protocol', protocol });
const metaAction = (metaData: Metadata): Action => ({ kind: 'metaData', metaData });
const remove = (path: string, extra: Record<string, unknown> = {}): Action => ({ kind: 'remove', remove: { path, deletionTimestamp: 1, dataChange: true, ...extra } });

const created = (extra: Action[] = [], protocol: Protocol = legacy(1, 2), metadata: Metadata = meta()): Action[] => [info(), protocolAction(protocol), metaAction(metadata), ...extra];
const existing: CommitBefore = { protocol: legacy(1, 2), metadata: meta() };

/** Problems of an append to `before` (default: the plain existing table). */
function appendProblems(actions: Action[], before: CommitBefore = existing): string[] {
  return validateCommit([info(), ...actions], before, where5);
}

const dvA: DeletionVectorDescriptor = { storageType: 'u', pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^', offset: 1, sizeInBytes: 40, cardinality: 2 };

describe('validateCommit: valid commits', () => {
  it('accepts a well-formed table creation', () => {
    expect(validateCommit(created([add()]), undefined, where0)).toEqual([]);
  });

  it('accepts an append, a delete and a DV update to an existing table', () => {
    expect(appendProblems([add()])).toEqual([]);
    expect(appendProblems([remove('p=2020-01-01/part-0000.parquet', { extendedFileMetadata: true, partitionValues: { p: '2020-01-01' }, size: 10 })])).toEqual([]);
    const dvTable: CommitBefore = { protocol: features(['deletionVectors'], ['deletionVectors']), metadata: meta({}, { 'delta.enableDeletionVectors': 'true' }) };
    expect(appendProblems([remove('p=2020-01-01/part-0001.parquet'), add({ deletionVector: dvA })], dvTable)).toEqual([]);
  });
});

describe('validateCommit: commit structure', () => {
  it('needs exactly one commitInfo', () => {
    expect(validateCommit([add()], existing, where5)).toContain('the commit has 0 commitInfo actions; exactly one is required');
    expect(validateCommit([info(), info(), add()], existing, where5)).toContain('the commit has 2 commitInfo actions; exactly one is required');
  });

  it('needs protocol and metaData in a new table, at most one of each', () => {
    const problems = validateCommit([info(), add()], undefined, where0);
    expect(problems).toEqual(['a new table needs a protocol action', 'a new table needs a metaData action']);
    expect(validateCommit([info(), protocolAction(legacy(1, 2))], existing, where0)).toContain('a new table needs a metaData action');
    const twice = validateCommit([...created(), protocolAction(legacy(1, 3)), metaAction(meta())], undefined, where0);
    expect(twice).toEqual(expect.arrayContaining(['the commit has 2 protocol actions; at most one is allowed', 'the commit has 2 metaData actions; at most one is allowed']));
  });

  it('refuses V2 checkpoint actions in a commit', () => {
    expect(appendProblems([{ kind: 'checkpointMetadata', checkpointMetadata: { version: 5 } }])).toEqual([
      'a checkpointMetadata action is only allowed in V2 checkpoints, not in commits',
    ]);
  });
});

describe('validateCommit: metadata', () => {
  it.each([
    ['an empty id', meta({ id: '' }), 'metaData id is empty'],
    ['a non-parquet format', meta({ format: { provider: 'csv', options: {} } }), "metaData format provider is 'csv', not 'parquet'"],
    ['a missing partition column', meta({ partitionColumns: ['nope'] }), "partition column 'nope' is not a top-level column of the schema"],
    ['a struct partition column', meta({ partitionColumns: ['s'] }), "partition column 's' has type struct<x:integer,t:timestamp>, which cannot be a partition column"],
    ['a partition column listed twice', meta({ partitionColumns: ['p', 'p'] }), 'metaData partitionColumns lists a column twice: p, p'],
  ])('reports %s', (_name, metadata, problem) => {
    expect(validateCommit(created([], legacy(1, 2), metadata), undefined, where0)).toContain(problem);
  });

  it('reports schemas that do not parse, binary partition columns and duplicate names', () => {
    const bad = validateCommit(created([], legacy(1, 2), meta({ schemaString: '{"type":"struct"' })), undefined, where0);
    expect(bad.some((p) => p.startsWith('metaData schemaString does not parse: delta schema: table /t version 0: schemaString is not valid JSON'))).toBe(true);
    const binary = meta({ schemaString: schemaToDeltaJson(struct(field('b', primitive('binary')))), partitionColumns: ['b'] });
    expect(validateCommit(created([], legacy(1, 2), binary), undefined, where0)).toContain("partition column 'b' has type binary, which cannot be a partition column");
    const dup = meta({ schemaString: schemaToDeltaJson(struct(field('a', primitive('long')), field('s', struct(field('x', primitive('long')), field('X', primitive('long')))), field('A', primitive('long')))), partitionColumns: [] });
    expect(validateCommit(created([], legacy(1, 2), dup), undefined, where0)).toEqual([
      "schema has column 's.X' twice (names are case-insensitive)",
      "schema has column 'A' twice (names are case-insensitive)",
    ]);
  });
});

describe('validateCommit: add actions', () => {
  it.each([
    ['/abs/part.parquet', 'is an absolute path without a URI scheme'],
    ['../part.parquet', "has a '..' segment"],
    ['%2E%2E/part.parquet', "has a '..' segment"],
    ['a//part.parquet', 'has an empty segment'],
    ['a b.parquet', 'holds " ", which a URI must escape'],
    ['a#b.parquet', 'holds "#", which a URI must escape'],
    ['a%zzb.parquet', "has a '%' that is not an escape"],
    ['a%C3%28.parquet', 'does not percent-decode to UTF-8'],
    ['c:d/part.parquet', "has a ':' in its first segment, which reads as a URI scheme"],
    ['', 'is empty'],
  ])('reports the bad path %j', (path, problem) => {
    expect(appendProblems([add({ path })])).toEqual([`add ${path}: path ${problem}`]);
  });

  it.each(['s3://bucket/t/part.parquet', 'file:///tmp/t/part.parquet', 'file:/tmp/part.parquet', 'a%20b.parquet', 'p=x%253Ay/part.parquet', 'héllo/part.parquet', 'x/a:b.parquet'])(
    'accepts the path %j',
    (path) => {
      expect(appendProblems([add({ path })])).toEqual([]);
    },
  );

  it('checks sizes, times and dataChange', () => {
    const problems = appendProblems([add({ size: -1, modificationTime: 1.5, dataChange: 'yes' as unknown as boolean })]);
    expect(problems).toEqual([
      'add p=2020-01-01/part-0001.parquet: size -1 is not a non-negative integer',
      'add p=2020-01-01/part-0001.parquet: modificationTime 1.5 is not a non-negative integer',
      'add p=2020-01-01/part-0001.parquet: dataChange is not a boolean',
    ]);
  });

  it('checks partition values against the partition columns', () => {
    const at = 'add p=2020-01-01/part-0001.parquet';
    expect(appendProblems([add({ partitionValues: {} })])).toEqual([`${at}: partitionValues has no entry for partition column 'p' (key 'p')`]);
    expect(appendProblems([add({ partitionValues: { p: '2020-01-01', q: '1' } })])).toEqual([`${at}: partitionValues key 'q' is not the physical name of a partition column`]);
    expect(appendProblems([add({ partitionValues: { p: '2020-13-01' } })])).toEqual([`${at}: partition value "2020-13-01" of 'p' does not parse as date`]);
    expect(appendProblems([add({ partitionValues: { p: null } })])).toEqual([]);
    expect(appendProblems([add({ partitionValues: { p: 7 as unknown as string } })])).toEqual([`${at}: partition value of 'p' is not a string or null`]);
  });

  it('uses physical partition names under column mapping', () => {
    const mapped = struct(
      field('id', primitive('long'), true, { physicalName: 'col-1', fieldId: 1 }),
      field('p', primitive('string'), true, { physicalName: 'col-2', fieldId: 2 }),
    );
    const metadata = meta({ schemaString: schemaToDeltaJson(mapped) }, { 'delta.columnMapping.mode': 'name', 'delta.columnMapping.maxColumnId': '2' });
    const before: CommitBefore = { protocol: legacy(2, 5), metadata };
    expect(appendProblems([add({ partitionValues: { 'col-2': 'x' }, stats: '{"numRecords":1,"minValues":{"col-1":3}}' })], before)).toEqual([]);
    const problems = appendProblems([add({ partitionValues: { p: 'x' }, stats: '{"numRecords":1,"minValues":{"id":3}}' })], before);
    expect(problems).toEqual([
      "add p=2020-01-01/part-0001.parquet: partitionValues key 'p' is not the physical name of a partition column",
      "add p=2020-01-01/part-0001.parquet: partitionValues has no entry for partition column 'p' (key 'col-2')",
      "add p=2020-01-01/part-0001.parquet: stats minValues key 'id' is not the physical name of a data column",
    ]);
  });

  it.each([
    ['not JSON', '{"numRecords":', 'stats are not valid JSON'],
    ['not an object', '[1]', 'stats are not a JSON object'],
    ['no numRecords', '{}', 'stats have no numRecords'],
    ['a negative numRecords', '{"numRecords":-1}', 'stats numRecords -1 is not a non-negative integer'],
    ['a bad tightBounds', '{"numRecords":1,"tightBounds":"yes"}', 'stats tightBounds is not a boolean'],
    ['an unknown column', '{"numRecords":1,"minValues":{"nope":1}}', "stats minValues key 'nope' is not the physical name of a data column"],
    ['a partition column', '{"numRecords":1,"maxValues":{"p":"2020-01-01"}}', "stats maxValues key 'p' is not the physical name of a data column"],
    ['a string for a long', '{"numRecords":1,"minValues":{"id":"1"}}', 'stats minValues.id = "1" is not a long value'],
    ['a fraction for a long', '{"numRecords":1,"minValues":{"id":1.5}}', 'stats minValues.id = 1.5 is not a long value'],
    ['an integer out of range', '{"numRecords":1,"minValues":{"s":{"x":3000000000}}}', 'stats minValues.s.x = 3000000000 is not a integer value'],
    ['a flat value for a struct', '{"numRecords":1,"minValues":{"s":5}}', 'stats minValues.s is not an object although the column is a struct'],
    ['a bound for an array', '{"numRecords":1,"maxValues":{"arr":[1]}}', 'stats maxValues.arr: array columns have no maximum'],
    ['a bad timestamp', '{"numRecords":1,"maxValues":{"s":{"t":"yesterday"}}}', 'stats maxValues.s.t = "yesterday" is not a timestamp value'],
    ['a decimal beyond its precision', '{"numRecords":1,"maxValues":{"amount":12345.6}}', 'stats maxValues.amount = 12345.6 is not a decimal(5,2) value'],
    ['a bad null count', '{"numRecords":1,"nullCount":{"id":-2}}', 'stats nullCount.id = -2 is not a non-negative integer'],
    ['a flat null count for a struct', '{"numRecords":1,"nullCount":{"s":1}}', 'stats nullCount.s is not an object although the column is a struct'],
  ])('reports stats with %s', (_name, stats, problem) => {
    expect(appendProblems([add({ stats })])).toEqual([`add p=2020-01-01/part-0001.parquet: ${problem}`]);
  });

  it('accepts null bounds and Infinity for doubles', () => {
    expect(appendProblems([add({ stats: '{"numRecords":0,"minValues":{"id":null,"ratio":"-Infinity"},"maxValues":{"s":null}}' })])).toEqual([]);
  });

  it('needs the deletionVectors feature and stats for a file with a DV', () => {
    const problems = appendProblems([add({ deletionVector: dvA, stats: undefined })]);
    expect(problems).toEqual([
      'add p=2020-01-01/part-0001.parquet: has a deletion vector, but the protocol does not support deletionVectors',
      'add p=2020-01-01/part-0001.parquet: a file with a deletion vector needs stats with numRecords',
    ]);
    const dvTable: CommitBefore = { protocol: features(['deletionVectors'], ['deletionVectors']), metadata: meta() };
    expect(appendProblems([add({ deletionVector: { ...dvA, storageType: 'i', offset: 3 } })], dvTable)).toEqual([
      'add p=2020-01-01/part-0001.parquet: deletion vector offset is invalid for its storage type',
    ]);
  });

  it('refuses a logical file twice in one commit', () => {
    expect(appendProblems([add(), add()])).toEqual(['file p=2020-01-01/part-0001.parquet appears in two actions (add and add)']);
    expect(appendProblems([remove('p=2020-01-01/part-0001.parquet'), add()])).toEqual(['file p=2020-01-01/part-0001.parquet appears in two actions (remove and add)']);
    // Percent-encoded and raw spellings are one file.
    expect(appendProblems([remove('a%20b.parquet'), add({ path: 'a%20b.parquet' })])).toHaveLength(1);
    const dvTable: CommitBefore = { protocol: features(['deletionVectors'], ['deletionVectors']), metadata: meta() };
    expect(appendProblems([remove('p=2020-01-01/part-0001.parquet'), add({ deletionVector: dvA })], dvTable)).toEqual([]);
  });
});

describe('validateCommit: remove, cdc, txn and domain actions', () => {
  it('needs a deletionTimestamp on removes', () => {
    const problems = appendProblems([{ kind: 'remove', remove: { path: 'x.parquet', dataChange: true } }]);
    expect(problems).toEqual(['remove x.parquet: deletionTimestamp undefined is not a non-negative integer']);
  });

  it('checks cdc actions', () => {
    const cdc: Action = { kind: 'cdc', cdc: { path: '_change_data/c 1.parquet', partitionValues: { p: '2020-01-01' }, size: 3, dataChange: true } };
    expect(appendProblems([cdc])).toEqual(['cdc _change_data/c 1.parquet: path holds " ", which a URI must escape', 'cdc _change_data/c 1.parquet: dataChange must be false']);
  });

  it('refuses duplicate app ids and domains, and domains without the feature', () => {
    const txn: Action = { kind: 'txn', txn: { appId: 'app', version: 1 } };
    expect(appendProblems([txn, txn])).toEqual(["txn appId 'app' appears twice"]);
    const domain: Action = { kind: 'domainMetadata', domainMetadata: { domain: 'my.domain', configuration: '{}', removed: false } };
    expect(appendProblems([domain])).toEqual(["domainMetadata 'my.domain' needs table feature 'domainMetadata', which protocol (1,2) does not support"]);
    const withDomains: CommitBefore = { protocol: { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['domainMetadata'] }, metadata: meta() };
    expect(appendProblems([domain], withDomains)).toEqual([]);
    expect(appendProblems([domain, domain], withDomains)).toEqual(["domainMetadata for domain 'my.domain' appears twice"]);
  });
});

describe('validateCommit: protocol', () => {
  const problemsOf = (protocol: Protocol, before?: CommitBefore): string[] =>
    before === undefined ? validateCommit(created([], protocol), undefined, where0) : validateCommit([info(), protocolAction(protocol)], before, where5);

  it.each([
    ['features with legacy versions', { minReaderVersion: 2, minWriterVersion: 5, writerFeatures: ['appendOnly'] }, 'protocol (2,5): writerFeatures must be present exactly when minWriterVersion is 7'],
    ['writer 7 without a list', legacy(1, 7), 'protocol (1,7): writerFeatures must be present exactly when minWriterVersion is 7'],
    ['reader 3 with writer 5', { minReaderVersion: 3, minWriterVersion: 5, readerFeatures: [] }, 'protocol (3,5): reader version 3 needs writer version 7'],
    ['a reader feature that is not a writer feature', features(['deletionVectors'], []), "protocol reader feature 'deletionVectors' is not also a writer feature"],
    ['a reader-writer feature missing from readerFeatures', features([], ['deletionVectors']), "protocol writer feature 'deletionVectors' is a reader-writer feature but is not in readerFeatures"],
    ['deletion vectors with reader 1', { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['deletionVectors'] }, "protocol (1,7): reader-writer feature 'deletionVectors' needs reader version 3"],
    ['column mapping with reader 1', { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['columnMapping'] }, "protocol (1,7): reader-writer feature 'columnMapping' needs reader version 3"],
    ['a duplicate feature', { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['appendOnly', 'appendOnly'] }, 'protocol writerFeatures lists a feature twice: appendOnly, appendOnly'],
    ['writer version 8', legacy(1, 8), 'protocol minWriterVersion 8 is not from 1 to 7'],
  ])('reports %s', (_name, protocol, problem) => {
    expect(problemsOf(protocol)).toContain(problem);
  });

  it('accepts column mapping on reader 2 with writer features', () => {
    expect(problemsOf({ minReaderVersion: 2, minWriterVersion: 7, writerFeatures: ['columnMapping'] })).toEqual([]);
  });

  it('refuses downgrades and dropped features', () => {
    const before: CommitBefore = { protocol: legacy(1, 4), metadata: meta() };
    expect(problemsOf(legacy(1, 3), before)).toEqual(expect.arrayContaining(['protocol (1,3) downgrades (1,4)', "protocol (1,3) drops feature 'changeDataFeed' of (1,4)"]));
    const upgraded = { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['appendOnly', 'invariants', 'checkConstraints', 'changeDataFeed'] };
    expect(problemsOf(upgraded, before)).toEqual(["protocol (1,7) drops feature 'generatedColumns' of (1,4)"]);
    expect(problemsOf({ ...upgraded, writerFeatures: [...upgraded.writerFeatures, 'generatedColumns', 'inCommitTimestamp'] }, before)).toEqual([]);
    const dv: CommitBefore = { protocol: features(['deletionVectors'], ['deletionVectors']), metadata: meta() };
    expect(problemsOf(features([], ['deletionVectors']), dv)).toContain("protocol writer feature 'deletionVectors' is a reader-writer feature but is not in readerFeatures");
    expect(problemsOf(features(['columnMapping'], ['columnMapping']), dv)).toContain("protocol (3,7) drops feature 'deletionVectors' of (3,7)");
  });
});

describe('validateCommit: features the table uses', () => {
  const problemsOf = (protocol: Protocol, configuration: Record<string, string>, s: StructType = schema): string[] =>
    validateCommit(created([], protocol, meta({ schemaString: schemaToDeltaJson(s), partitionColumns: [] }, configuration)), undefined, where0);

  it.each([
    [{ 'delta.enableDeletionVectors': 'true' }, legacy(1, 6), "delta.enableDeletionVectors=true needs table feature 'deletionVectors', which protocol (1,6) does not support"],
    [{ 'delta.enableChangeDataFeed': 'true' }, legacy(1, 3), "delta.enableChangeDataFeed=true needs table feature 'changeDataFeed', which protocol (1,3) does not support"],
    [{ 'delta.appendOnly': 'true' }, legacy(1, 1), "delta.appendOnly=true needs table feature 'appendOnly', which protocol (1,1) does not support"],
    [{ 'delta.constraints.pos': 'id > 0' }, legacy(1, 2), "CHECK constraint delta.constraints.pos needs table feature 'checkConstraints', which protocol (1,2) does not support"],
    [{ 'delta.enableInCommitTimestamps': 'true' }, legacy(1, 4), "delta.enableInCommitTimestamps=true needs table feature 'inCommitTimestamp', which protocol (1,4) does not support"],
    [{ 'delta.checkpointPolicy': 'v2' }, legacy(1, 2), "delta.checkpointPolicy=v2 needs table feature 'v2Checkpoint', which protocol (1,2) does not support"],
  ])('reports %j on %j', (configuration, protocol, problem) => {
    expect(problemsOf(protocol, configuration)).toContain(problem);
  });

  it('accepts the same properties on protocols that support them', () => {
    expect(problemsOf(legacy(1, 4), { 'delta.enableChangeDataFeed': 'true', 'delta.appendOnly': 'true', 'delta.constraints.pos': 'id > 0' })).toEqual([]);
    expect(problemsOf({ minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['changeDataFeed'] }, { 'delta.enableChangeDataFeed': 'true' })).toEqual([]);
    expect(problemsOf(features(['deletionVectors'], ['deletionVectors']), { 'delta.enableDeletionVectors': 'true' })).toEqual([]);
    expect(problemsOf(legacy(1, 2), { 'delta.enableDeletionVectors': 'false' })).toEqual([]);
  });

  it('needs timestampNtz for timestamp_ntz columns, nested ones included', () => {
    const nested = struct(field('a', { kind: 'array', element: struct(field('t', primitive('timestamp_ntz'))), containsNull: true }));
    expect(problemsOf(legacy(1, 2), {}, nested)).toEqual(["column 'a.element.t' of type timestamp_ntz needs table feature 'timestampNtz', which protocol (1,2) does not support"]);
    expect(problemsOf(features(['timestampNtz'], ['timestampNtz']), {}, nested)).toEqual([]);
  });

  it('needs the features column metadata implies', () => {
    const generated = struct(field('g', primitive('long'), true, { metadata: { 'delta.generationExpression': '1' } }));
    expect(problemsOf(legacy(1, 3), {}, generated)).toEqual(["column 'g' metadata needs table feature 'generatedColumns', which protocol (1,3) does not support"]);
    expect(problemsOf(legacy(1, 4), {}, generated)).toEqual([]);
  });
});

describe('validateCommit: column mapping', () => {
  const mappedField = (name: string, id: number, type = primitive('long') as StructField['type']): StructField => field(name, type, true, { physicalName: `col-${name}`, fieldId: id });
  const mapped = struct(mappedField('a', 1), mappedField('s', 2, struct(mappedField('x', 3))));
  const problemsOf = (s: StructType, maxColumnId: string | undefined, protocol: Protocol = legacy(2, 5)): string[] => {
    const configuration: Record<string, string> = { 'delta.columnMapping.mode': 'name', ...(maxColumnId === undefined ? {} : { 'delta.columnMapping.maxColumnId': maxColumnId }) };
    return validateCommit(created([], protocol, meta({ schemaString: schemaToDeltaJson(s), partitionColumns: [] }, configuration)), undefined, where0);
  };

  it('accepts complete mapping metadata', () => {
    expect(problemsOf(mapped, '3')).toEqual([]);
    expect(problemsOf(mapped, '7')).toEqual([]);
  });

  it('needs the feature', () => {
    expect(problemsOf(mapped, '3', legacy(1, 4))).toEqual(["delta.columnMapping.mode=name needs table feature 'columnMapping', which protocol (1,4) does not support"]);
  });

  it('reports missing metadata, shared ids and a low maxColumnId', () => {
    const broken = struct(mappedField('a', 1), field('b', primitive('long')), mappedField('c', 1));
    expect(problemsOf(broken, '1')).toEqual([
      "column 'b' has no delta.columnMapping.physicalName although column mapping is 'name'",
      "column 'b' has no integer delta.columnMapping.id although column mapping is 'name'",
      "columns 'a' and 'c' share delta.columnMapping.id 1",
    ]);
    expect(problemsOf(mapped, '2')).toEqual(['delta.columnMapping.maxColumnId 2 is below the highest column id 3']);
    expect(problemsOf(mapped, undefined)).toEqual(["delta.columnMapping.maxColumnId is missing or not an integer although column mapping is 'name'"]);
  });
});

describe('validateCommit: in-commit timestamps and append-only tables', () => {
  const ictProtocol: Protocol = { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['inCommitTimestamp'] };
  const ictTable: CommitBefore = { protocol: ictProtocol, metadata: meta({}, { 'delta.enableInCommitTimestamps': 'true' }) };

  it('needs commitInfo first with an integer inCommitTimestamp', () => {
    expect(validateCommit([info({ inCommitTimestamp: 1700000000000 }), add()], ictTable, where5)).toEqual([]);
    expect(validateCommit([add(), info({ inCommitTimestamp: 1 })], ictTable, where5)).toEqual(['in-commit timestamps are enabled, so commitInfo must be the first action']);
    expect(validateCommit([info(), add()], ictTable, where5)).toEqual([
      'in-commit timestamps are enabled, but commitInfo.inCommitTimestamp is missing, not a non-negative integer',
    ]);
    expect(validateCommit([info({ inCommitTimestamp: '5' }), add()], ictTable, where5)).toHaveLength(1);
    const typed: Action = { kind: 'commitInfo', commitInfo: { inCommitTimestamp: 7, raw: {} } };
    expect(validateCommit([typed, add()], ictTable, where5)).toEqual([]);
  });

  it('needs the enablement properties when enabling on an existing table', () => {
    const enabling = (configuration: Record<string, string>): string[] =>
      validateCommit([info({ inCommitTimestamp: 1700000000000 }), protocolAction(upgraded), metaAction(meta({}, configuration))], existing, where5);
    // Upgrading (1,2) keeps the features writer 2 implied.
    const upgraded: Protocol = { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['appendOnly', 'invariants', 'inCommitTimestamp'] };
    expect(enabling({ 'delta.enableInCommitTimestamps': 'true' })).toEqual([
      'enabling in-commit timestamps at version 5 needs delta.inCommitTimestampEnablementVersion=5 and delta.inCommitTimestampEnablementTimestamp=1700000000000',
    ]);
    expect(
      enabling({
        'delta.enableInCommitTimestamps': 'true',
        'delta.inCommitTimestampEnablementVersion': '5',
        'delta.inCommitTimestampEnablementTimestamp': '1700000000000',
      }),
    ).toEqual([]);
    // From the start (version 0) nothing is needed.
    expect(validateCommit([info({ inCommitTimestamp: 1 }), protocolAction(ictProtocol), metaAction(meta({}, { 'delta.enableInCommitTimestamps': 'true' }))], undefined, where0)).toEqual([]);
  });

  it('refuses data-changing removes in an append-only table', () => {
    const appendOnly: CommitBefore = { protocol: legacy(1, 2), metadata: meta({}, { 'delta.appendOnly': 'true' }) };
    expect(appendProblems([remove('x.parquet')], appendOnly)).toEqual(['remove x.parquet: the table is append-only (delta.appendOnly=true), so no remove may change data']);
    expect(appendProblems([remove('x.parquet', { dataChange: false }), add({ dataChange: false })], appendOnly)).toEqual([]);
    // A commit that turns append-only off may remove data.
    expect(appendProblems([metaAction(meta({}, { 'delta.appendOnly': 'false' })), remove('x.parquet')], appendOnly)).toEqual([]);
  });
});

describe('assertValidCommit', () => {
  it('throws INTERNAL listing every problem', () => {
    const error = thrown(() => assertValidCommit([add({ size: -1 })], existing, where5));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe(
      'delta writer: table /t version 5: invalid commit: the commit has 0 commitInfo actions; exactly one is required; add p=2020-01-01/part-0001.parquet: size -1 is not a non-negative integer',
    );
    expect(error.context).toMatchObject({ table: '/t', version: 5 });
    expect(() => assertValidCommit(created([add()]), undefined, where0)).not.toThrow();
  });
});
