import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { KeyTree } from './key-tree.js';
import { childOrderKey, conflictAt } from './volume-tree.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

async function* chunksOf(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield text(part);
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

function setup(maxBuffered = 1024): { store: MemoryStore; tree: KeyTree } {
  let now = 1_000;
  const store = new MemoryStore('files-key-tree', { clock: { now: () => (now += 1) } });
  return { store, tree: new KeyTree(store, '/Volumes/c/s/v', maxBuffered) };
}

describe('KeyTree (volumes on object stores)', () => {
  it('derives directories from keys and lists children in pages, directories after their prefix files', async () => {
    const { store, tree } = setup();
    for (const key of ['a.csv', 'a/x', 'a/y/z', 'b', 'a-b', 'c/d']) await store.put(key, text(key));
    expect(await tree.stat('')).toEqual({ kind: 'directory', lastModified: undefined });
    expect(await tree.stat('a')).toEqual({ kind: 'directory', lastModified: undefined });
    expect(await tree.stat('a.csv')).toMatchObject({ kind: 'file', size: 5 });
    expect(await tree.stat('nope')).toBeUndefined();

    const names: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const result = await tree.listChildren('', after, 2);
      names.push(...result.entries.map((e) => (e.directory ? `${e.name}/` : e.name)));
      const last = result.entries.at(-1);
      if (!result.more || last === undefined) break;
      after = childOrderKey(last);
    }
    expect(names).toEqual(['a-b', 'a.csv', 'a/', 'b', 'c/']);
    expect((await tree.listChildren('a', undefined, 10)).entries.map((e) => [e.name, e.directory, e.size])).toEqual([
      ['x', false, 3],
      ['y', true, undefined],
    ]);
  });

  it('writes whole objects, refuses to replace with overwrite false, bounds what it buffers', async () => {
    const { tree } = setup(8);
    expect(await tree.writeFile('d/f', chunksOf('ab', 'cd'), false)).toBe('written');
    expect(await tree.writeFile('d/f', chunksOf('zz'), false)).toBe('exists');
    expect(await readAll((await tree.openFile('d/f'))!.stream(0, 3))).toBe('abcd');
    expect(await tree.writeFile('d/f', chunksOf('new'), true)).toBe('written');
    await expect(tree.writeFile('d/g', chunksOf('12345', '6789'), true)).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    expect(await tree.stat('d/g')).toBeUndefined();
    expect(await conflictAt(tree, 'd/f/x', 'file')).toMatch(/file exists at its parent d\/f/);
    expect(await conflictAt(tree, 'd', 'file')).toMatch(/directory exists/);
    expect(await tree.removeDirectory('d')).toBe('not-empty');
    await tree.removeFile('d/f');
    expect(await tree.stat('d')).toBeUndefined();
  });

  it('streams ranges and fails a download whose file is replaced meanwhile', async () => {
    const { store, tree } = setup();
    await store.put('f', text('0123456789'));
    const opened = (await tree.openFile('f'))!;
    expect(await readAll(opened.stream(2, 5))).toBe('2345');
    const big = new Uint8Array(9 * 1024 * 1024).fill(7);
    await store.put('big', big);
    const reader = (await tree.openFile('big'))!.stream(0, big.length - 1).getReader();
    expect((await reader.read()).value?.byteLength).toBe(4 * 1024 * 1024);
    await store.put('big', new Uint8Array(9 * 1024 * 1024).fill(8));
    await expect(reader.read()).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await tree.openFile('missing')).toBeUndefined();
  });
});
