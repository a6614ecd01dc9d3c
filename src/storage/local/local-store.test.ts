import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { utf8Decode, utf8Encode } from '../../core/bytes.js';
import { isLochError } from '../../core/errors.js';
import { SequentialIds } from '../../core/ids.js';
import type { ObjectStore } from '../object-store.js';
import { LocalStore } from './local-store.js';

let dir: string;
let store: LocalStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-local-'));
  store = new LocalStore(dir, { ids: new SequentialIds() });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function keys(target: ObjectStore, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const meta of target.list(prefix)) out.push(meta.key);
  return out;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => undefined, (error: unknown) => error);
}

describe('LocalStore crash safety', () => {
  it('never shows a temp file left by a crash, in list or get', async () => {
    // A writer crashed after writing (part of) its temp file, before rename/link.
    await mkdir(join(dir, 'tbl/_delta_log'), { recursive: true });
    await writeFile(join(dir, 'tbl/_delta_log/.loch-tmp-00000000-0000-4000-8000-00000000dead'), '{"commitInfo":');
    await writeFile(join(dir, '.loch-tmp-crashed-at-root'), 'partial');
    expect(await keys(store, '')).toEqual([]);
    expect(await store.get('tbl/_delta_log/00000000000000000000.json')).toBeUndefined();
    expect(await store.putIfAbsent('tbl/_delta_log/00000000000000000000.json', utf8Encode('{}'))).toBe('created');
    expect(await keys(store, 'tbl/')).toEqual(['tbl/_delta_log/00000000000000000000.json']);
  });

  it('rejects keys that would name a temp file', async () => {
    for (const key of ['.loch-tmp-x', 'a/.loch-tmp-1/b']) {
      const error = await failure(store.put(key, utf8Encode('x')));
      expect(isLochError(error, 'PATH_ESCAPE')).toBe(true);
    }
  });

  it('leaves no temp file behind after put, a won or a lost putIfAbsent', async () => {
    await store.put('t/a', utf8Encode('1'));
    await store.put('t/a', utf8Encode('2'));
    expect(await store.putIfAbsent('t/b', utf8Encode('3'))).toBe('created');
    expect(await store.putIfAbsent('t/b', utf8Encode('4'))).toBe('exists');
    expect((await readdir(join(dir, 't'))).sort()).toEqual(['a', 'b']);
    expect(await readFile(join(dir, 't/b'), 'utf8')).toBe('3');
  });
});

describe('LocalStore paths', () => {
  it('names its root as a file URL and requires an absolute root', async () => {
    expect(store.url).toBe(`file://${dir}`);
    const error = await failure(Promise.resolve().then(() => new LocalStore('relative/dir')));
    expect(isLochError(error, 'INVALID_ARGUMENT')).toBe(true);
  });

  it('gives the file path of a key without copying', async () => {
    await store.put('x/y.parquet', utf8Encode('PAR1'));
    const path = store.localPath('x/y.parquet');
    expect(path).toBe(join(dir, 'x', 'y.parquet'));
    expect(await readFile(path, 'utf8')).toBe('PAR1');
    expect(() => store.localPath('../escape')).toThrow(/PATH_ESCAPE|not allowed/);
  });

  it('cannot make a key both an object and a parent of other keys', async () => {
    await store.put('a/b', utf8Encode('child'));
    const error = await failure(store.put('a', utf8Encode('parent')));
    expect(isLochError(error, 'STORAGE_ERROR')).toBe(true);
    expect(isLochError(error) && error.message).toMatch(/^storage local: put a in file:/);
  });
});

describe('LocalStore listing', () => {
  it('reads only the directory of the prefix', async () => {
    await store.put('t/_delta_log/00000000000000000001.json', utf8Encode('{}'));
    await store.put('t/_delta_log/00000000000000000002.json', utf8Encode('{}'));
    // Entries that make the walk fail if it ever reads them: self-referencing symlinks.
    await symlink('loop-a', join(dir, 't/loop-a'));
    await symlink('loop-b', join(dir, 't/_delta_log/_loop'));
    expect(await keys(store, 't/_delta_log/0000000000000000000')).toEqual([
      't/_delta_log/00000000000000000001.json',
      't/_delta_log/00000000000000000002.json',
    ]);
    const error = await failure(keys(store, 't/'));
    expect(isLochError(error, 'STORAGE_ERROR')).toBe(true);
  });

  it('follows symlinks to files and directories', async () => {
    await store.put('real/f', utf8Encode('12345'));
    await symlink(join(dir, 'real/f'), join(dir, 'link-f'));
    await symlink(join(dir, 'real'), join(dir, 'link-d'));
    const metas: { key: string; size: number }[] = [];
    for await (const meta of store.list('link')) metas.push({ key: meta.key, size: meta.size });
    expect(metas).toEqual([
      { key: 'link-d/f', size: 5 },
      { key: 'link-f', size: 5 },
    ]);
    expect(utf8Decode((await store.get('link-d/f')) as Uint8Array)).toBe('12345');
  });

  it('lists a large directory in byte order with integral timestamps', async () => {
    const names = Array.from({ length: 1200 }, (_, i) => `big/${i}`);
    await mkdir(join(dir, 'big'));
    await Promise.all(names.map((key) => writeFile(join(dir, key), key)));
    const metas = [];
    for await (const meta of store.list('big/')) metas.push(meta);
    expect(metas.map((meta) => meta.key)).toEqual([...names].sort());
    expect(metas.every((meta) => Number.isInteger(meta.lastModified) && meta.size === meta.key.length)).toBe(true);
  });
});
