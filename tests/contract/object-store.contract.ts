import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isLochError } from '../../src/core/errors.js';
import type { ErrorCode } from '../../src/core/errors.js';
import { utf8Decode, utf8Encode } from '../../src/core/bytes.js';
import type { ObjectMeta, ObjectStore } from '../../src/storage/object-store.js';

export interface StoreFixture {
  readonly store: ObjectStore;
  cleanup(): Promise<void>;
}

/** Keys whose UTF-8 byte order differs from JavaScript's UTF-16 order and from "directory" order. */
const ORDER_KEYS = [
  'k/a-b',
  'k/a/b',
  'k/a/c/d',
  'k/a0',
  'k/a.txt',
  'k/a b',
  'k/aé',
  'k/a\u{1F600}',
  'k/a\uE000',
  'k/a\uFFFD',
  'k/A',
  'k/b',
  'k/9',
  'k/10',
  'k/_delta_log/00000000000000000001.json',
  'k/_delta_log/00000000000000000001.checkpoint.parquet',
  'k/_delta_log/00000000000000000010.json',
];

const BAD_KEYS = ['../x', '/abs', 'a//b', 'a/./b', 'a/..', '..', '.', '', 'a/', 'a\\b', 'a\0b'];

function bytesOf(text: string): Uint8Array {
  return utf8Encode(text);
}

function byteOrder(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}

async function collect(iterable: AsyncIterable<ObjectMeta>): Promise<ObjectMeta[]> {
  const out: ObjectMeta[] = [];
  for await (const meta of iterable) out.push(meta);
  return out;
}

async function keysOf(store: ObjectStore, prefix: string, startAfter?: string): Promise<string[]> {
  const metas = await collect(store.list(prefix, startAfter === undefined ? {} : { startAfter }));
  return metas.map((meta) => meta.key);
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (!isLochError(error, code)) throw new Error(`expected LochError ${code}, got ${String(error)}`, { cause: error });
    return error;
  }
  throw new Error(`expected LochError ${code}, but the call succeeded`);
}

async function putAll(store: ObjectStore, entries: readonly (readonly [string, string])[], parallel = 16): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < entries.length) {
      const [key, text] = entries[next] as readonly [string, string];
      next += 1;
      await store.put(key, bytesOf(text));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/**
 * The ObjectStore contract (src/storage/object-store.ts) as tests. `makeStore` must return an
 * empty store for every test.
 */
export function objectStoreContract(name: string, makeStore: () => Promise<StoreFixture>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let fixture: StoreFixture | undefined;
    let store: ObjectStore;

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    readWriteClauses(() => store);
    rangeClauses(() => store);
    headClauses(() => store);
    listClauses(() => store);
    deleteClauses(() => store);
    putIfAbsentClauses(() => store);
    keyValidationClauses(() => store);
  });
}

function readWriteClauses(current: () => ObjectStore): void {
  describe('get / put', () => {
    let store: ObjectStore;
    beforeEach(() => {
      store = current();
    });

    it('returns undefined for a missing key', async () => {
      expect(await store.get('missing/key.json')).toBeUndefined();
      expect(await store.head('missing/key.json')).toBeUndefined();
    });

    it('returns exactly the bytes that were put', async () => {
      const all = Uint8Array.from({ length: 256 * 3 }, (_, i) => i % 256);
      await store.put('bin/all-bytes', all);
      expect(await store.get('bin/all-bytes')).toEqual(all);
      await store.put('t/hello.txt', bytesOf('hello, wörld ✓'));
      expect(utf8Decode((await store.get('t/hello.txt')) as Uint8Array)).toBe('hello, wörld ✓');
    });

    it('stores an empty object as an object', async () => {
      await store.put('empty', new Uint8Array(0));
      expect(await store.get('empty')).toEqual(new Uint8Array(0));
      expect((await store.head('empty'))?.size).toBe(0);
      expect(await keysOf(store, '')).toEqual(['empty']);
    });

    it('overwrites with put and reports the new size', async () => {
      await store.put('o/x', bytesOf('first version, longer'));
      await store.put('o/x', bytesOf('second'));
      expect(utf8Decode((await store.get('o/x')) as Uint8Array)).toBe('second');
      expect((await store.head('o/x'))?.size).toBe(6);
      expect(await keysOf(store, 'o/')).toEqual(['o/x']);
    });

    it('is not affected by callers mutating arrays after put or get', async () => {
      const source = bytesOf('abc');
      await store.put('m', source);
      source[0] = 0x7a;
      const first = (await store.get('m')) as Uint8Array;
      first[1] = 0x7a;
      expect(utf8Decode((await store.get('m')) as Uint8Array)).toBe('abc');
    });

    it('handles deeply nested and unicode keys', async () => {
      const key = 'deep/a/b/c/d/e/f/g/naïve 😀 file.json';
      await store.put(key, bytesOf('{}'));
      expect(utf8Decode((await store.get(key)) as Uint8Array)).toBe('{}');
      expect(await keysOf(store, 'deep/')).toEqual([key]);
      expect(await keysOf(store, 'deep/a/b/c/d/e/f/g/na')).toEqual([key]);
    });

    it('treats "directories" as missing objects', async () => {
      await store.put('dir/sub/file', bytesOf('x'));
      expect(await store.get('dir/sub')).toBeUndefined();
      expect(await store.head('dir/sub')).toBeUndefined();
      expect(await store.get('dir')).toBeUndefined();
      await expectCode(store.getRange('dir/sub', 0, 1), 'NOT_FOUND');
    });

    it('never shows a mix of two writes to a reader', async () => {
      const size = 256 * 1024;
      const fill = (value: number): Uint8Array => new Uint8Array(size).fill(value);
      await store.put('atomic/blob', fill(1));
      const seen = new Set<number>();
      const readers = Array.from({ length: 4 }, async () => {
        for (let i = 0; i < 6; i += 1) {
          const got = (await store.get('atomic/blob')) as Uint8Array;
          expect(got.byteLength).toBe(size);
          const first = got[0] as number;
          expect(got.every((byte) => byte === first)).toBe(true);
          seen.add(first);
        }
      });
      const writers = (async () => {
        for (let value = 2; value <= 6; value += 1) await store.put('atomic/blob', fill(value));
      })();
      await Promise.all([...readers, writers]);
      expect(((await store.get('atomic/blob')) as Uint8Array)[size - 1]).toBe(6);
      expect(seen.size).toBeGreaterThan(0);
    });
  });
}

function rangeClauses(current: () => ObjectStore): void {
  describe('getRange', () => {
    let store: ObjectStore;
    beforeEach(() => {
      store = current();
    });

    const text = '0123456789abcdef';
    beforeEach(async () => {
      await store.put('r/obj', bytesOf(text));
    });

    it('reads a range in the middle', async () => {
      expect(utf8Decode(await store.getRange('r/obj', 3, 5))).toBe('34567');
      expect(utf8Decode(await store.getRange('r/obj', 0, 1))).toBe('0');
      expect(utf8Decode(await store.getRange('r/obj', 0, 16))).toBe(text);
    });

    it('returns fewer bytes when the object ends earlier', async () => {
      expect(utf8Decode(await store.getRange('r/obj', 10, 100))).toBe('abcdef');
      expect(utf8Decode(await store.getRange('r/obj', 15, 2))).toBe('f');
    });

    it('returns an empty array at or past the end, and for length 0', async () => {
      expect((await store.getRange('r/obj', 16, 4)).byteLength).toBe(0);
      expect((await store.getRange('r/obj', 17, 4)).byteLength).toBe(0);
      expect((await store.getRange('r/obj', 1000, 1)).byteLength).toBe(0);
      expect((await store.getRange('r/obj', 4, 0)).byteLength).toBe(0);
    });

    it('reads ranges of an empty object as empty', async () => {
      await store.put('r/empty', new Uint8Array(0));
      expect((await store.getRange('r/empty', 0, 10)).byteLength).toBe(0);
    });

    it('throws NOT_FOUND for a missing key', async () => {
      const error = await expectCode(store.getRange('r/missing', 0, 4), 'NOT_FOUND');
      expect(error.message).toContain('r/missing');
      await expectCode(store.getRange('r/missing', 0, 0), 'NOT_FOUND');
    });
  });
}

function headClauses(current: () => ObjectStore): void {
  describe('head', () => {
    let store: ObjectStore;
    beforeEach(() => {
      store = current();
    });

    it('reports size and modification time', async () => {
      const before = Date.now();
      await store.put('h/x', bytesOf('12345'));
      const meta = await store.head('h/x');
      expect(meta?.key).toBe('h/x');
      expect(meta?.size).toBe(5);
      expect(Number.isFinite(meta?.lastModified)).toBe(true);
      // Servers keep whole seconds and their clock may drift a little from ours.
      expect(Math.abs((meta?.lastModified ?? 0) - before)).toBeLessThan(10 * 60_000);
    });

    it('agrees with the listing', async () => {
      await store.put('h/a', bytesOf('abc'));
      const [listed] = await collect(store.list('h/'));
      const meta = await store.head('h/a');
      expect(listed?.size).toBe(meta?.size);
      expect(listed?.key).toBe('h/a');
    });
  });
}

function listClauses(current: () => ObjectStore): void {
  describe('list', () => {
    let store: ObjectStore;
    beforeEach(() => {
      store = current();
    });

    it('yields keys in ascending UTF-8 byte order', async () => {
      const expected = byteOrder(ORDER_KEYS);
      // Sanity: this key set would come out differently if sorted as UTF-16 strings.
      expect([...ORDER_KEYS].sort()).not.toEqual(expected);
      await putAll(store, [...ORDER_KEYS].reverse().map((key) => [key, key] as const));
      const metas = await collect(store.list('k/'));
      expect(metas.map((meta) => meta.key)).toEqual(expected);
      for (const meta of metas) expect(meta.size).toBe(bytesOf(meta.key).byteLength);
      expect(await keysOf(store, '')).toEqual(expected);
    });

    it('treats the prefix as a plain string prefix, not a directory', async () => {
      await putAll(store, ['p/bc', 'p/b/c', 'p/b-c', 'p/a', 'p/c'].map((key) => [key, key] as const));
      expect(await keysOf(store, 'p/b')).toEqual(['p/b-c', 'p/b/c', 'p/bc']);
      expect(await keysOf(store, 'p/b/')).toEqual(['p/b/c']);
      expect(await keysOf(store, 'p/bc')).toEqual(['p/bc']);
      expect(await keysOf(store, 'p/bcd')).toEqual([]);
      expect(await keysOf(store, 'p')).toEqual(['p/a', 'p/b-c', 'p/b/c', 'p/bc', 'p/c']);
      expect(await keysOf(store, 'q')).toEqual([]);
      expect(await keysOf(store, 'nothing/here/')).toEqual([]);
    });

    it('never yields directories and yields each object once', async () => {
      await putAll(store, ['d/x/y/z', 'd/x/w', 'd/v'].map((key) => [key, key] as const));
      expect(await keysOf(store, 'd/')).toEqual(['d/v', 'd/x/w', 'd/x/y/z']);
      expect(await keysOf(store, 'd/x')).toEqual(['d/x/w', 'd/x/y/z']);
    });

    it('starts strictly after startAfter', async () => {
      await putAll(store, ['s/a', 's/b-1', 's/b/1', 's/b/2', 's/bb', 's/c'].map((key) => [key, key] as const));
      expect(await keysOf(store, 's/', 's/b')).toEqual(['s/b-1', 's/b/1', 's/b/2', 's/bb', 's/c']);
      expect(await keysOf(store, 's/', 's/b-1')).toEqual(['s/b/1', 's/b/2', 's/bb', 's/c']);
      expect(await keysOf(store, 's/', 's/b/1')).toEqual(['s/b/2', 's/bb', 's/c']);
      expect(await keysOf(store, 's/', 's/b/')).toEqual(['s/b/1', 's/b/2', 's/bb', 's/c']);
      expect(await keysOf(store, 's/', 's/ba')).toEqual(['s/bb', 's/c']);
      expect(await keysOf(store, 's/', 's/bb')).toEqual(['s/c']);
      expect(await keysOf(store, 's/', 's/c')).toEqual([]);
      expect(await keysOf(store, 's/', 'a')).toEqual(['s/a', 's/b-1', 's/b/1', 's/b/2', 's/bb', 's/c']);
      expect(await keysOf(store, 's/b/', 's/a')).toEqual(['s/b/1', 's/b/2']);
      expect(await keysOf(store, 's/b', 'z')).toEqual([]);
    });

    it('resumes a Delta-style log listing with startAfter', async () => {
      const versions = Array.from({ length: 25 }, (_, v) => `log/_delta_log/${String(v).padStart(20, '0')}.json`);
      await putAll(store, versions.map((key) => [key, '{}'] as const));
      await store.put('log/_delta_log/00000000000000000010.checkpoint.parquet', bytesOf('PAR1'));
      const after = await keysOf(store, 'log/_delta_log/0000000000000000', 'log/_delta_log/00000000000000000010.checkpoint.parquet');
      expect(after).toEqual(versions.slice(10));
      expect(await keysOf(store, 'log/_delta_log/0000000000000000001')).toEqual([
        'log/_delta_log/00000000000000000010.checkpoint.parquet',
        ...versions.slice(10, 20),
      ]);
    });

    it('lists more than a thousand keys completely and in order', async () => {
      const keys = Array.from({ length: 1005 }, (_, i) => `many/${i}`);
      await putAll(store, keys.map((key) => [key, ''] as const), 32);
      const listed = await keysOf(store, 'many/');
      expect(listed).toEqual(byteOrder(keys));
      expect(await keysOf(store, 'many/', 'many/500')).toEqual(byteOrder(keys).filter((key) => Buffer.compare(Buffer.from(key), Buffer.from('many/500')) > 0));
    });
  });
}

function deleteClauses(current: () => ObjectStore): void {
  describe('delete', () => {
    let store: ObjectStore;
    beforeEach(() => {
      store = current();
    });

    it('removes the object and is idempotent', async () => {
      await store.put('del/x', bytesOf('x'));
      await store.put('del/y', bytesOf('y'));
      await store.delete('del/x');
      expect(await store.get('del/x')).toBeUndefined();
      expect(await store.head('del/x')).toBeUndefined();
      expect(await keysOf(store, 'del/')).toEqual(['del/y']);
      await store.delete('del/x');
      await store.delete('del/never-existed');
      await store.delete('no/such/dir/file');
      expect(await keysOf(store, 'del/')).toEqual(['del/y']);
    });

    it('does not touch objects under a key it is asked to delete', async () => {
      await store.put('del2/a/b', bytesOf('b'));
      await store.delete('del2/a');
      expect(await keysOf(store, 'del2/')).toEqual(['del2/a/b']);
    });
  });
}

function putIfAbsentClauses(current: () => ObjectStore): void {
  describe('putIfAbsent', () => {
    let store: ObjectStore;
    beforeEach(() => {
      store = current();
    });

    it('creates once, then reports exists and keeps the first bytes', async () => {
      expect(await store.putIfAbsent('c/00.json', bytesOf('first'))).toBe('created');
      expect(await store.putIfAbsent('c/00.json', bytesOf('second'))).toBe('exists');
      expect(utf8Decode((await store.get('c/00.json')) as Uint8Array)).toBe('first');
      expect(await keysOf(store, 'c/')).toEqual(['c/00.json']);
    });

    it('reports exists for an object written with put, and creates again after delete', async () => {
      await store.put('c/01.json', bytesOf('put'));
      expect(await store.putIfAbsent('c/01.json', bytesOf('pia'))).toBe('exists');
      expect(utf8Decode((await store.get('c/01.json')) as Uint8Array)).toBe('put');
      await store.delete('c/01.json');
      expect(await store.putIfAbsent('c/01.json', bytesOf('again'))).toBe('created');
      expect(utf8Decode((await store.get('c/01.json')) as Uint8Array)).toBe('again');
    });

    it('lets exactly one of 16 concurrent writers win, and keeps the winner bytes', async () => {
      const payload = (i: number): Uint8Array => bytesOf(`writer-${i}:`.repeat(200 + i));
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, i) => store.putIfAbsent('race/_delta_log/00000000000000000007.json', payload(i))),
      );
      const winners = results.flatMap((result, i) => (result === 'created' ? [i] : []));
      expect(winners).toHaveLength(1);
      expect(results.filter((result) => result === 'exists')).toHaveLength(15);
      const winner = winners[0] as number;
      expect(await store.get('race/_delta_log/00000000000000000007.json')).toEqual(payload(winner));
      // Losers leave no trace: no extra objects, no temp files in listings.
      expect(await keysOf(store, '')).toEqual(['race/_delta_log/00000000000000000007.json']);
    });

    it('commits successive versions from racing writers without gaps or doubles', async () => {
      const committed: string[] = [];
      const writer = async (id: number): Promise<void> => {
        for (let version = 0; version < 12; version += 1) {
          const key = `seq/${String(version).padStart(4, '0')}.json`;
          if ((await store.putIfAbsent(key, bytesOf(`w${id}`))) === 'created') committed.push(key);
        }
      };
      await Promise.all([writer(1), writer(2), writer(3)]);
      expect(committed.sort()).toEqual(Array.from({ length: 12 }, (_, v) => `seq/${String(v).padStart(4, '0')}.json`));
    });
  });
}

function keyValidationClauses(current: () => ObjectStore): void {
  describe('key validation', () => {
    let store: ObjectStore;
    beforeEach(() => {
      store = current();
    });

    it.each(BAD_KEYS)('rejects %j with PATH_ESCAPE naming key and store', async (key) => {
      const calls: Promise<unknown>[] = [
        store.get(key),
        store.head(key),
        store.getRange(key, 0, 1),
        store.put(key, bytesOf('x')),
        store.putIfAbsent(key, bytesOf('x')),
        store.delete(key),
      ];
      for (const call of calls) {
        const error = await expectCode(call, 'PATH_ESCAPE');
        expect(error.message).toContain(store.url);
        if (!/[\0\\]/.test(key)) expect(error.message).toContain(key);
      }
      expect(await keysOf(store, '')).toEqual([]);
    });

    it('rejects bad listing prefixes but accepts "", a trailing "/" and partial segments', async () => {
      for (const prefix of ['../', '/abs', 'a//', 'a/./', 'a\\b', 'a\0']) {
        await expectCode(collect(store.list(prefix)), 'PATH_ESCAPE');
      }
      await store.put('v/.hidden', bytesOf('h'));
      await store.put('v/..dots', bytesOf('d'));
      expect(await keysOf(store, '')).toEqual(['v/..dots', 'v/.hidden']);
      expect(await keysOf(store, 'v/')).toEqual(['v/..dots', 'v/.hidden']);
      expect(await keysOf(store, 'v/.')).toEqual(['v/..dots', 'v/.hidden']);
      expect(await keysOf(store, 'v/..')).toEqual(['v/..dots']);
    });
  });
}
