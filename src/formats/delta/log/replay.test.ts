import { describe, expect, it } from 'vitest';
import { LochError } from '../../../core/errors.js';
import { parseAction } from '../spec/actions.js';
import type { Action } from '../spec/actions.js';
import { canonicalPath, canonicalRoot } from './file-identity.js';
import { replay } from './replay.js';
import type { CommitData } from './replay.js';
import { add, commitInfo, metadata, protocol, remove } from '../test-support/log-builder.js';
import type { JsonAction } from '../test-support/log-builder.js';

const table = '/lake/t';

function actions(list: JsonAction[], version = 0): Action[] {
  return list.map((a) => parseAction(a, { table, version })).filter((a): a is Action => a !== undefined);
}

function commit(version: number, list: JsonAction[]): CommitData {
  return { version, key: `k${version}`, lastModified: version, actions: actions(list, version) };
}

const base = [protocol(), metadata()];

function paths(state: { files: ReadonlyMap<string, { path: string }> }): string[] {
  return [...state.files.values()].map((f) => f.path).sort();
}

const dv = (id: string, cardinality = 1) => ({ deletionVector: { storageType: 'u', pathOrInlineDv: id, offset: 1, sizeInBytes: 10, cardinality } });

describe('replay', () => {
  it('applies adds and removes across commits', () => {
    const state = replay([], [commit(0, [...base, add('a'), add('b')]), commit(1, [remove('a'), add('c')])], { table, version: 1 });
    expect(paths(state)).toEqual(['b', 'c']);
  });

  it('applies removes before adds within a commit, whatever the line order', () => {
    const state = replay([], [commit(0, [...base, add('a', dv('dv1'))]), commit(1, [add('a', dv('dv2', 2)), remove('a', dv('dv1'))])], { table, version: 1 });
    expect([...state.files.values()].map((f) => f.deletionVector?.pathOrInlineDv)).toEqual(['dv2']);
  });

  it('identifies files by path plus DV: a remove with another DV leaves the add alone', () => {
    const state = replay([], [commit(0, [...base, add('a', dv('dv1'))]), commit(1, [remove('a', dv('other'))])], { table, version: 1 });
    expect(paths(state)).toEqual(['a']);
    const noDv = replay([], [commit(0, [...base, add('a', dv('dv1'))]), commit(1, [remove('a')])], { table, version: 1 });
    expect(paths(noDv)).toEqual(['a']);
  });

  it('replaces a re-added file (same identity) with the newer add', () => {
    const state = replay([], [commit(0, [...base, add('a', { size: 1 })]), commit(1, [add('a', { size: 2, dataChange: false })])], { table, version: 1 });
    expect([...state.files.values()].map((f) => f.size)).toEqual([2]);
  });

  it('matches canonicalised paths: URL escapes and the file: scheme', () => {
    const cases: [string, string][] = [
      ['/some/unqualified/with%20space/p@%23h', 'file:/some/unqualified/with%20space/p@%23h'],
      ['file:/some/unqualified/absolute/path', '/some/unqualified/absolute/path'],
      ['file:///some/unqualified/absolute/path', '/some/unqualified/absolute/path'],
      ['special%20p%40%23h', 'special p@#h'],
    ];
    for (const [added, removed] of cases) {
      const state = replay([], [commit(0, [...base, add(added)]), commit(1, [remove(removed)])], { table, version: 1 });
      expect(state.files.size, `${added} vs ${removed}`).toBe(0);
    }
  });

  it('matches an absolute path inside the table root with the relative one', () => {
    const state = replay([], [commit(0, [...base, add('x/a%20b.parquet')]), commit(1, [remove('file:///lake/my%20t/x/a%20b.parquet')])], {
      table,
      version: 1,
      rootUrl: 'file:///lake/my%20t',
    });
    expect(state.files.size).toBe(0);
  });

  it('starts from checkpoint actions and ignores checkpoint tombstones', () => {
    const cp = actions([...base, add('a'), remove('b'), add('c')]);
    const state = replay(cp, [commit(6, [remove('c'), add('d')])], { table, version: 6 });
    expect(paths(state)).toEqual(['a', 'd']);
  });

  it('keeps the latest protocol, metadata, txn per app and live domains', () => {
    const state = replay(
      [],
      [
        commit(0, [...base, { txn: { appId: 'a', version: 1 } }, { domainMetadata: { domain: 'd1', configuration: '1', removed: false } }]),
        commit(1, [protocol(3, 7, { reader: ['deletionVectors'], writer: ['deletionVectors'] }), metadata({ id: 'new' }), { txn: { appId: 'a', version: 2 } }]),
        commit(2, [{ domainMetadata: { domain: 'd1', configuration: '1', removed: true } }, { domainMetadata: { domain: 'd2', configuration: '2', removed: false } }]),
      ],
      { table, version: 2 },
    );
    expect(state.protocol.minReaderVersion).toBe(3);
    expect(state.metadata.id).toBe('new');
    expect(state.txns.get('a')?.version).toBe(2);
    expect([...state.domainMetadata.keys()]).toEqual(['d2']);
  });

  it('records commitInfo per version and the in-commit timestamp of the last commit', () => {
    const state = replay([], [commit(0, [commitInfo({ inCommitTimestamp: 50 }), ...base]), commit(1, [commitInfo({ inCommitTimestamp: 60 })])], {
      table,
      version: 1,
    });
    expect(state.commitInfos.get(0)?.inCommitTimestamp).toBe(50);
    expect(state.latestInCommitTimestamp).toBe(60);
  });

  it('fails without protocol or metadata', () => {
    const noProtocol = (() => {
      try {
        replay([], [commit(0, [metadata(), add('a')])], { table, version: 0 });
      } catch (e) {
        return e as LochError;
      }
      return undefined;
    })();
    expect(noProtocol?.code).toBe('PROTOCOL_VIOLATION');
    expect(noProtocol?.message).toBe('delta log: table /lake/t version 0: no protocol action found');
    expect(() => replay([], [commit(0, [protocol()])], { table, version: 0 })).toThrow(/no metaData action found/);
  });
});

describe('canonicalPath', () => {
  it('decodes, strips file: forms, and relativises under the root', () => {
    expect(canonicalPath('a%2Fb%20c')).toBe('a/b c');
    expect(canonicalPath('bad%zz')).toBe('bad%zz');
    expect(canonicalPath('file://localhost/x/y')).toBe('/x/y');
    expect(canonicalPath('file://otherhost/x/y')).toBe('file://otherhost/x/y');
    expect(canonicalPath('s3://bucket/t/p.parquet', canonicalRoot('s3://bucket/t/'))).toBe('p.parquet');
    expect(canonicalPath('/elsewhere/p.parquet', canonicalRoot('file:///lake/t'))).toBe('/elsewhere/p.parquet');
  });
});
