import { describe, expect, it } from 'vitest';
import { canonicalPath } from '../log/file-identity.js';
import { corpusTables, readLogActions } from '../test-support/corpus.js';
import { thrown } from '../../../test-support/errors.js';
import {
  HIVE_DEFAULT_PARTITION,
  decodeDataPath,
  encodeDataPath,
  escapePartitionPathName,
  partitionDirectory,
  unescapePartitionPathName,
} from './data-path.js';

/** Every relative file path of the corpus logs, with its partition values. */
function corpusPaths(): { table: string; path: string; partitionValues: Record<string, string | null> }[] {
  const out: { table: string; path: string; partitionValues: Record<string, string | null> }[] = [];
  for (const table of corpusTables()) {
    for (const { action } of readLogActions(table)) {
      const file = action.add ?? action.remove ?? action.cdc;
      if (!file) continue;
      const path = String(file['path']);
      if (path.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(path)) continue;
      out.push({ table, path, partitionValues: (file['partitionValues'] ?? {}) as Record<string, string | null> });
    }
  }
  return out;
}

describe('encodeDataPath', () => {
  it('encodes like Hadoop Path.toUri: space and % escaped, = / + @ kept', () => {
    expect(encodeDataPath('a=1/part-0.parquet')).toBe('a=1/part-0.parquet');
    expect(encodeDataPath('a b/c%d.parquet')).toBe('a%20b/c%25d.parquet');
    expect(encodeDataPath("x=+@$&,;!~*'()/f")).toBe("x=+@$&,;!~*'()/f");
    expect(encodeDataPath('q?#"<>[]{}|\\^`/f')).toBe('q%3F%23%22%3C%3E%5B%5D%7B%7D%7C%5C%5E%60/f');
    expect(encodeDataPath('tab\there')).toBe('tab%09here');
  });

  it('keeps non-ASCII characters raw but escapes Unicode spaces and controls', () => {
    expect(encodeDataPath('data=😈/f.parquet')).toBe('data=😈/f.parquet');
    expect(encodeDataPath('é/ü')).toBe('é/ü');
    expect(encodeDataPath('a\u00a0b\u0085c')).toBe('a%C2%A0b%C2%85c');
    expect(encodeDataPath('a\u2003b')).toBe('a%E2%80%83b');
  });

  it('always encodes colons, so that no relative path reads as a URI scheme', () => {
    expect(encodeDataPath('t=1:2/f')).toBe('t=1%3A2/f');
  });

  it('reproduces Spark double escaping of Hive-escaped partition directories', () => {
    const dir = partitionDirectory([{ name: '_2', value: 'bar+%21' }]);
    expect(encodeDataPath(`${dir}/part-0.parquet`)).toBe('_2=bar+%252521/part-0.parquet');
    const ts = partitionDirectory([{ name: 'as_timestamp', value: '2021-09-08 11:11:11' }]);
    expect(encodeDataPath(ts)).toBe('as_timestamp=2021-09-08%2011%253A11%253A11');
    const multi = partitionDirectory([
      { name: 'letter', value: '/%20%f' },
      { name: 'date', value: '1970-01-01' },
      { name: 'data', value: 'hello' },
    ]);
    expect(encodeDataPath(multi)).toBe('letter=%252F%252520%2525f/date=1970-01-01/data=hello');
  });

  it('round-trips every relative path of the corpus byte for byte', () => {
    const paths = corpusPaths();
    expect(paths.length).toBeGreaterThan(500);
    for (const { path } of paths) expect(encodeDataPath(decodeDataPath(path))).toBe(path);
  });

  it('decodes back through decodeDataPath and the reader canonicalPath', () => {
    for (const raw of ['a b/c%d', 'x=😈/y:z', 'p=%3A/q#r?s', 'a\u00a0b']) {
      const encoded = encodeDataPath(raw);
      expect(decodeDataPath(encoded)).toBe(raw);
      expect(canonicalPath(encoded)).toBe(raw);
    }
  });

  it('rejects empty, absolute, URI, dot-segment and invalid paths', () => {
    for (const bad of ['', '/abs/f', 's3://b/f', 'C:/x', 'a//b', 'a/', 'a/../b', './a', 'a/.', '\ud800x']) {
      const error = thrown(() => encodeDataPath(bad));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toContain('delta data path');
    }
  });

  it('decodeDataPath reports malformed escapes as CORRUPT_DATA', () => {
    expect(thrown(() => decodeDataPath('a%zz')).code).toBe('CORRUPT_DATA');
  });
});

describe('partitionDirectory', () => {
  it('writes name=value segments and the Hive default partition for null and empty values', () => {
    expect(partitionDirectory([])).toBe('');
    expect(
      partitionDirectory([
        { name: 'a', value: '1' },
        { name: 'b', value: null },
        { name: 'c', value: '' },
      ]),
    ).toBe(`a=1/b=${HIVE_DEFAULT_PARTITION}/c=${HIVE_DEFAULT_PARTITION}`);
  });

  it('escapes the Hive special characters in names and values, upper-case hex', () => {
    expect(escapePartitionPathName('"#%\'*/:=?\\{[]^\u007f\u0001\u001f')).toBe(
      '%22%23%25%27%2A%2F%3A%3D%3F%5C%7B%5B%5D%5E%7F%01%1F',
    );
    expect(escapePartitionPathName('a b+c<d>|é😈')).toBe('a b+c<d>|é😈');
    expect(partitionDirectory([{ name: 'k=v', value: 'x/y' }])).toBe('k%3Dv=x%2Fy');
  });

  it('is undone by unescapePartitionPathName', () => {
    const values = ['', 'plain', '100%', 'a/b=c:d?e', '\u0000\u007f{[]}^', "it's \"q\"", 'ü😈'];
    for (const value of values) expect(unescapePartitionPathName(escapePartitionPathName(value))).toBe(value);
  });

  it('matches the partition directories Spark wrote in the corpus', () => {
    let checked = 0;
    for (const { path, partitionValues } of corpusPaths()) {
      const segments = decodeDataPath(path).split('/').slice(0, -1);
      if (segments.length === 0 || !segments.every((s) => s.includes('='))) continue;
      const columns = segments.map((s) => {
        const name = unescapePartitionPathName(s.slice(0, s.indexOf('=')));
        return { name, value: partitionValues[name] ?? null };
      });
      if (columns.some((c) => !(c.name in partitionValues))) continue;
      expect(partitionDirectory(columns)).toBe(segments.join('/'));
      checked += 1;
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('rejects an empty column name', () => {
    expect(thrown(() => partitionDirectory([{ name: '', value: '1' }])).code).toBe('INVALID_ARGUMENT');
  });
});
