import { describe, expect, it } from 'vitest';
import { fileIdentity } from '../log/file-identity.js';
import type { Action, AddFile, DeletionVectorDescriptor } from '../spec/actions.js';
import { checkConflicts, conflictError } from './conflict.js';
import type { ConflictCheck, TransactionFootprint, WinningCommit } from './conflict.js';

const dvA: DeletionVectorDescriptor = { storageType: 'u', pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^', offset: 1, sizeInBytes: 40, cardinality: 2 };
const dvB: DeletionVectorDescriptor = { ...dvA, offset: 99 };

function add(path: string, part?: string, dv?: DeletionVectorDescriptor): Action {
  const file: AddFile = {
    path,
    partitionValues: part === undefined ? {} : { p: part },
    size: 10,
    modificationTime: 1,
    dataChange: true,
    ...(dv === undefined ? {} : { deletionVector: dv }),
  };
  return { kind: 'add', add: file };
}
const remove = (path: string, dv?: DeletionVectorDescriptor): Action => ({
  kind: 'remove',
  remove: { path, dataChange: true, deletionTimestamp: 5, ...(dv === undefined ? {} : { deletionVector: dv }) },
});
const info = (isBlindAppend?: boolean): Action => ({
  kind: 'commitInfo',
  commitInfo: { ...(isBlindAppend === undefined ? {} : { isBlindAppend }), raw: isBlindAppend === undefined ? {} : { isBlindAppend } },
});
const id = (path: string, dv?: DeletionVectorDescriptor): string => fileIdentity(path, dv);

function footprint(extra: Partial<TransactionFootprint> = {}): TransactionFootprint {
  return {
    readVersion: 5,
    isolation: 'WriteSerializable',
    isBlindAppend: false,
    readWholeTable: false,
    readFiles: new Set(),
    removedFiles: new Set(),
    changesMetadata: false,
    changesProtocol: false,
    appIds: new Set(),
    domains: new Set(),
    ...extra,
  };
}

const blindAppend = footprint({ isBlindAppend: true });
const overwrite = (extra: Partial<TransactionFootprint> = {}): TransactionFootprint =>
  footprint({ readWholeTable: true, readFiles: new Set([id('old.parquet')]), removedFiles: new Set([id('old.parquet')]), ...extra });
/** DELETE FROM t WHERE p = '1': read and rewrote the file of partition 1. */
const deleteP1 = (extra: Partial<TransactionFootprint> = {}): TransactionFootprint =>
  footprint({
    readPredicate: (a) => a.partitionValues['p'] === '1',
    readFiles: new Set([id('p=1/a.parquet')]),
    removedFiles: new Set([id('p=1/a.parquet')]),
    ...extra,
  });

const winner = (actions: Action[], version = 6): WinningCommit => ({ version, actions });

type Row = readonly [name: string, footprint: TransactionFootprint, winners: WinningCommit[], expected: ConflictCheck['kind'] | string];

const rows: Row[] = [
  ['blind append vs blind append', blindAppend, [winner([info(true), add('x.parquet')])], 'ok'],
  ['blind append vs non-blind append', blindAppend, [winner([info(false), add('x.parquet')])], 'ok'],
  ['blind append vs concurrent overwrite (WriteSerializable)', blindAppend, [winner([info(false), remove('old.parquet'), add('new.parquet')])], 'ok'],
  ['blind append vs concurrent delete', blindAppend, [winner([info(false), remove('old.parquet')])], 'ok'],
  ['overwrite vs blind append (WriteSerializable: the append lands after)', overwrite(), [winner([info(true), add('x.parquet')])], 'ok'],
  ['overwrite vs non-blind append', overwrite(), [winner([info(false), add('x.parquet')])], 'ConcurrentAppend'],
  ['overwrite vs append without commitInfo', overwrite(), [winner([add('x.parquet')])], 'ConcurrentAppend'],
  ['overwrite vs blind append (Serializable)', overwrite({ isolation: 'Serializable' }), [winner([info(true), add('x.parquet')])], 'ConcurrentAppend'],
  ['schema-changing overwrite vs blind append', overwrite({ changesMetadata: true }), [winner([info(true), add('x.parquet')])], 'ConcurrentAppend'],
  ['overwrite vs delete of the same file', overwrite(), [winner([info(false), remove('old.parquet')])], 'ConcurrentDeleteDelete'],
  ['overwrite vs removal of a file added later', overwrite(), [winner([info(false), remove('other.parquet')])], 'ConcurrentDeleteRead'],
  ['overwrite vs commit without files', overwrite(), [winner([info(false)])], 'ok'],
  ['delete p=1 vs blind append into p=1 (WriteSerializable)', deleteP1(), [winner([info(true), add('p=1/x.parquet', '1')])], 'ok'],
  ['delete p=1 vs blind append into p=1 (Serializable)', deleteP1({ isolation: 'Serializable' }), [winner([info(true), add('p=1/x.parquet', '1')])], 'ConcurrentAppend'],
  ['delete p=1 vs blind append into p=2 (Serializable)', deleteP1({ isolation: 'Serializable' }), [winner([info(true), add('p=2/x.parquet', '2')])], 'ok'],
  ['delete p=1 vs update adding into p=1', deleteP1(), [winner([info(false), remove('p=1/b.parquet'), add('p=1/c.parquet', '1')])], 'ConcurrentAppend'],
  ['delete p=1 vs update in p=2', deleteP1(), [winner([info(false), remove('p=2/b.parquet'), add('p=2/c.parquet', '2')])], 'ok'],
  ['delete vs delete of the same file', deleteP1(), [winner([info(false), remove('p=1/a.parquet')])], 'ConcurrentDeleteDelete'],
  ['read-only dependency vs delete of a read file', footprint({ readFiles: new Set([id('a.parquet')]) }), [winner([info(false), remove('a.parquet')])], 'ConcurrentDeleteRead'],
  ['disjoint deletes', footprint({ readFiles: new Set([id('a.parquet')]), removedFiles: new Set([id('a.parquet')]) }), [winner([info(false), remove('b.parquet')])], 'ok'],
  ['winner changes the protocol', blindAppend, [winner([info(false), { kind: 'protocol', protocol: { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: [] } }])], 'ProtocolChanged'],
  [
    'winner changes the metadata',
    blindAppend,
    [winner([info(false), { kind: 'metaData', metaData: { id: 'x', format: { provider: 'parquet', options: {} }, schemaString: '', partitionColumns: [], configuration: {} } }])],
    'MetadataChanged',
  ],
  ['same application id', footprint({ isBlindAppend: true, appIds: new Set(['stream-1']) }), [winner([info(true), { kind: 'txn', txn: { appId: 'stream-1', version: 3 } }])], 'ConcurrentTransaction'],
  ['different application ids', footprint({ isBlindAppend: true, appIds: new Set(['stream-1']) }), [winner([info(true), { kind: 'txn', txn: { appId: 'stream-2', version: 3 } }])], 'ok'],
  [
    'same metadata domain',
    footprint({ domains: new Set(['my.domain']) }),
    [winner([info(false), { kind: 'domainMetadata', domainMetadata: { domain: 'my.domain', configuration: '{}', removed: false } }])],
    'ConcurrentDomainMetadata',
  ],
  [
    'different metadata domains',
    footprint({ domains: new Set(['my.domain']) }),
    [winner([info(false), { kind: 'domainMetadata', domainMetadata: { domain: 'other', configuration: '{}', removed: false } }])],
    'ok',
  ],
  [
    'DV delete vs DV delete of the same logical file',
    footprint({ readFiles: new Set([id('f.parquet', dvA)]), removedFiles: new Set([id('f.parquet', dvA)]) }),
    [winner([info(false), remove('f.parquet', dvA), add('f.parquet', undefined, dvB)])],
    'ConcurrentDeleteDelete',
  ],
  [
    'a different DV of the same data file is a different logical file',
    footprint({ readFiles: new Set([id('f.parquet', dvA)]), removedFiles: new Set([id('f.parquet', dvA)]) }),
    [winner([info(false), remove('f.parquet')])],
    'ok',
  ],
  [
    'percent-encoded and decoded spellings are one file',
    footprint({ readFiles: new Set([id('a b.parquet')]) }),
    [winner([info(false), remove('a%20b.parquet')])],
    'ConcurrentDeleteRead',
  ],
];

describe('checkConflicts', () => {
  it.each(rows)('%s', (_name, fp, winners, expected) => {
    const result = checkConflicts(fp, winners);
    if (expected === 'ok') expect(result).toEqual({ kind: 'ok' });
    else expect(result).toMatchObject({ kind: 'conflict', type: expected, winningVersion: 6 });
  });

  it('names the winning version and the file', () => {
    const result = checkConflicts(footprint({ readFiles: new Set([id('part-0001.parquet')]) }), [winner([info(false), remove('part-0001.parquet')], 7)]);
    expect(result).toEqual({
      kind: 'conflict',
      type: 'ConcurrentDeleteRead',
      winningVersion: 7,
      message: 'version 7 removed file part-0001.parquet that this transaction read (ConcurrentDeleteRead)',
    });
    const append = checkConflicts(deleteP1(), [winner([info(false), add('p=1/c%3Ad.parquet', '1')], 7)]);
    expect(append.kind === 'conflict' && append.message).toBe("version 7 added file p=1/c:d.parquet, which this transaction's read could have included (ConcurrentAppend)");
    const app = checkConflicts(footprint({ appIds: new Set(['s']) }), [winner([{ kind: 'txn', txn: { appId: 's', version: 1 } }], 7)]);
    expect(app.kind === 'conflict' && app.message).toBe("version 7 committed application transaction 's', which this transaction also sets (ConcurrentTransaction)");
  });

  it('checks winners in version order, skips those already read, and reports the first conflict', () => {
    const fp = footprint({ readFiles: new Set([id('a.parquet')]) });
    const winners = [winner([info(false), remove('a.parquet')], 8), winner([info(true), add('x.parquet')], 6), winner([info(false), remove('b.parquet')], 7)];
    expect(checkConflicts(fp, winners)).toMatchObject({ kind: 'conflict', type: 'ConcurrentDeleteRead', winningVersion: 8 });
    expect(checkConflicts({ ...fp, readVersion: 8 }, winners)).toEqual({ kind: 'ok' });
    expect(checkConflicts(fp, [])).toEqual({ kind: 'ok' });
  });

  it('reads isBlindAppend from the raw commitInfo when the typed field is absent', () => {
    const rawOnly: Action = { kind: 'commitInfo', commitInfo: { raw: { isBlindAppend: true } } };
    expect(checkConflicts(overwrite(), [winner([rawOnly, add('x.parquet')])])).toEqual({ kind: 'ok' });
  });

  it('compares absolute paths inside the table root with relative ones', () => {
    const root = '/data/t';
    const fp = footprint({ readFiles: new Set([fileIdentity('part-1.parquet', undefined, root)]) });
    const result = checkConflicts(fp, [winner([info(false), remove('file:///data/t/part-1.parquet')])], { root });
    expect(result).toMatchObject({ type: 'ConcurrentDeleteRead', message: 'version 6 removed file part-1.parquet that this transaction read (ConcurrentDeleteRead)' });
  });

  it('protocol changes win over every other rule', () => {
    const result = checkConflicts(overwrite({ changesProtocol: true }), [
      winner([info(false), { kind: 'protocol', protocol: { minReaderVersion: 1, minWriterVersion: 3 } }, remove('old.parquet')]),
    ]);
    expect(result).toMatchObject({ type: 'ProtocolChanged', message: 'version 6 changed the table protocol, which this transaction also changes (ProtocolChanged)' });
  });
});

describe('conflictError', () => {
  it('builds a non-retryable CONFLICT naming table, winning version and type', () => {
    const check = checkConflicts(footprint({ readFiles: new Set([id('part-0001.parquet')]) }), [winner([remove('part-0001.parquet')], 7)]);
    if (check.kind !== 'conflict') throw new Error('expected a conflict');
    const error = conflictError(check, { table: '/t', version: 8 });
    expect(error.code).toBe('CONFLICT');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('delta commit: table /t: version 7 removed file part-0001.parquet that this transaction read (ConcurrentDeleteRead)');
    expect(error.context).toEqual({ table: '/t', version: 8, winningVersion: 7, type: 'ConcurrentDeleteRead' });
  });
});
