import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGzip, metadataFileVersion, metadataFilesForVersion, newestMetadataFile, newestMetadataTies, parseVersionHint } from './file-names.js';

const ICEBERG_CORPUS = join(process.env['LOCH_TESTDATA'] ?? '/work/shared/testdata', 'iceberg');
const UUID = '3f1801a5-7dfb-4072-b14a-39cd12f9279b';

describe('metadata file names', () => {
  it('parses version hints: trimmed integers only', () => {
    expect(parseVersionHint('4\n')).toBe(4);
    expect(parseVersionHint(' 1700000000 ')).toBe(1700000000);
    expect(parseVersionHint('')).toBeUndefined();
    expect(parseVersionHint('v4')).toBeUndefined();
    expect(parseVersionHint('-1')).toBeUndefined();
  });

  it('reads versions from every naming scheme', () => {
    expect(metadataFileVersion('v12.metadata.json')).toBe(12);
    expect(metadataFileVersion('v12.gz.metadata.json')).toBe(12);
    expect(metadataFileVersion('v12.metadata.json.gz')).toBe(12);
    expect(metadataFileVersion(`00012-${UUID}.metadata.json`)).toBe(12);
    expect(metadataFileVersion(`00012-${UUID}.gz.metadata.json`)).toBe(12);
    expect(metadataFileVersion(`12-${UUID}.metadata.json.gz`)).toBe(12);
    for (const other of ['version-hint.text', 'v1.json', 'snap-1-1-x.avro', `${UUID}.metadata.json`, 'vx.metadata.json', 'v1.gz.metadata.json.gz']) {
      expect(metadataFileVersion(other), other).toBeUndefined();
    }
  });

  it('picks the newest file, preferring path-table names and Java probe order', () => {
    expect(newestMetadataFile(['v2.metadata.json', 'v10.metadata.json', 'v9.metadata.json', 'version-hint.text'])).toBe('v10.metadata.json');
    expect(newestMetadataFile(['v3.metadata.json.gz', 'v3.gz.metadata.json', 'v3.metadata.json'])).toBe('v3.metadata.json');
    expect(newestMetadataFile([`00014-${UUID}.metadata.json`, 'v1.metadata.json'])).toBe('v1.metadata.json');
    const tieA = `00003-${UUID}.metadata.json`;
    const tieB = `00003-${UUID.replace('3f', '00')}.metadata.json`;
    expect(newestMetadataTies([tieA, `00002-${UUID}.metadata.json`, tieB])).toEqual([tieB, tieA]);
    expect(newestMetadataFile(['x.avro'])).toBeUndefined();
    expect(metadataFilesForVersion(['v3.gz.metadata.json', `00003-${UUID}.metadata.json`, 'v3.metadata.json', 'v4.metadata.json'], 3)).toEqual([
      'v3.metadata.json',
      'v3.gz.metadata.json',
      `00003-${UUID}.metadata.json`,
    ]);
  });

  it('detects gzip by magic', () => {
    expect(isGzip(new Uint8Array([0x1f, 0x8b, 8]))).toBe(true);
    expect(isGzip(new Uint8Array([0x7b]))).toBe(false);
  });

  it('resolves every corpus table to its expected metadata file', () => {
    const tables = readdirSync(ICEBERG_CORPUS).filter((f) => f.endsWith('.expected.json'));
    expect(tables.length).toBeGreaterThanOrEqual(32);
    for (const file of tables) {
      const t = JSON.parse(readFileSync(join(ICEBERG_CORPUS, file), 'utf8')) as { table: string; metadata_file: string; version_hint_file: string | null };
      const dir = join(ICEBERG_CORPUS, t.table, 'metadata');
      const names = readdirSync(dir);
      const expected = t.metadata_file.replace(/^metadata\//, '');
      expect(newestMetadataFile(names), t.table).toBe(expected);
      if (t.version_hint_file !== null && existsSync(join(ICEBERG_CORPUS, t.table, t.version_hint_file))) {
        const hint = parseVersionHint(readFileSync(join(ICEBERG_CORPUS, t.table, t.version_hint_file), 'utf8'));
        expect(metadataFilesForVersion(names, hint!)[0], t.table).toBe(expected);
      }
    }
  });
});
