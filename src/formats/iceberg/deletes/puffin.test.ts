import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTestdata } from '../../../../tests/support/corpus.js';
import { PUFFIN_TRAILER_SIZE, puffinBlobBytes, puffinFooterSize, readPuffinFooter, writePuffin } from './puffin.js';
import { thrown } from '../../../test-support/errors.js';

const CORPUS = join(findTestdata(), 'iceberg');
const DV_DIR = join(CORPUS, 'trino_v3_deletion_vectors', 'data');
const DV_FILE_1 = 'dv-20260504_111446_00010_8gkte-9a41c74f-3cae-4b67-a4e3-ec4437d1c988.puffin';
const DV_FILE_2 = 'dv-20260504_111849_00012_8gkte-2ed65adb-8895-4026-bb5e-efcedbf874e5.puffin';
const DATA_A = 's3a://warehouse/deletion_vectors/data/20260504_111440_00009_8gkte-580c7fe8-68ec-4a8b-8bce-a37f4af02113.parquet';
const DATA_B = 's3a://warehouse/deletion_vectors/data/20260504_111846_00011_8gkte-7c2867a1-65a0-4133-9132-76d4b294da2a.parquet';


function footerOf(bytes: Uint8Array, name = 'f.puffin'): ReturnType<typeof readPuffinFooter> {
  return readPuffinFooter(bytes, bytes.length, name);
}

describe('readPuffinFooter on the corpus', () => {
  it('reads the single deletion-vector blob of the first Trino DV file (manifest: offset 4, size 46)', () => {
    const bytes = new Uint8Array(readFileSync(join(DV_DIR, DV_FILE_1)));
    const footer = footerOf(bytes, DV_FILE_1);
    expect(footer.blobs).toEqual([
      {
        type: 'deletion-vector-v1',
        fields: [],
        snapshotId: -1n,
        sequenceNumber: -1,
        offset: 4,
        length: 46,
        properties: { 'referenced-data-file': DATA_A, cardinality: '3' },
      },
    ]);
    expect(footer.properties).toEqual({ 'created-by': 'Trino version 480' });
    expect(footer.footerSize).toBe(bytes.length - 4 - 46);
  });

  it('reads both blobs of the second Trino DV file at the manifests\' offsets 4/44 and 48/52', () => {
    const bytes = new Uint8Array(readFileSync(join(DV_DIR, DV_FILE_2)));
    const footer = footerOf(bytes, DV_FILE_2);
    expect(footer.blobs.map((b) => [b.offset, b.length, b.properties['referenced-data-file'], b.properties['cardinality']])).toEqual([
      [4, 44, DATA_B, '2'],
      [48, 52, DATA_A, '6'],
    ]);
    expect(footer.blobs.every((b) => b.compressionCodec === undefined)).toBe(true);
  });

  it('reads the Trino statistics files with exact snapshot ids, matching the table metadata', () => {
    let checked = 0;
    for (const table of ['trino_all_types', 'trino_v3_deletion_vectors']) {
      const metadataDir = join(CORPUS, table, 'metadata');
      const newest = readdirSync(metadataDir).filter((n) => n.endsWith('.metadata.json')).sort().at(-1)!;
      const metadata = JSON.parse(readFileSync(join(metadataDir, newest), 'utf8')) as { statistics: StatisticsJson[] };
      for (const stats of metadata.statistics) {
        const file = new Uint8Array(readFileSync(join(metadataDir, stats['statistics-path'].split('/').at(-1)!)));
        expect(file.length).toBe(stats['file-size-in-bytes']);
        // Fetch as a reader would: the trailer first, then exactly the footer.
        const size = puffinFooterSize(file.subarray(file.length - PUFFIN_TRAILER_SIZE));
        expect(size).toBe(stats['file-footer-size-in-bytes']);
        const footer = readPuffinFooter(file.subarray(file.length - size), file.length, 'stats');
        expect(footer.footerSize).toBe(size);
        expect(footer.blobs.length).toBe(stats['blob-metadata'].length);
        footer.blobs.forEach((blob, i) => {
          const expected = stats['blob-metadata'][i]!;
          expect(blob.type).toBe(expected.type);
          expect(blob.fields).toEqual(expected.fields);
          expect(blob.sequenceNumber).toBe(expected['sequence-number']);
          expect(Number(blob.snapshotId)).toBe(expected['snapshot-id']);
          expect(blob.compressionCodec).toBe('zstd');
          expect(blob.properties['ndv']).toMatch(/^\d+$/);
          expect(thrown(() => puffinBlobBytes(file, blob, 'stats')).code).toBe('UNSUPPORTED_FEATURE');
        });
        checked++;
      }
    }
    expect(checked).toBe(3);
  });

  it('keeps a snapshot id above 2^53 exact (trino_all_types)', () => {
    const dir = join(CORPUS, 'trino_all_types', 'metadata');
    const name = readdirSync(dir).find((n) => n.endsWith('.stats'))!;
    const file = new Uint8Array(readFileSync(join(dir, name)));
    const footer = footerOf(file);
    expect(footer.blobs.length).toBe(14);
    expect(footer.blobs.every((b) => b.snapshotId === 997544649215353036n)).toBe(true);
    expect(footer.blobs.map((b) => b.fields[0])).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    expect(footer.properties['created-by']).toBe('Trino version 471');
  });
});

interface StatisticsJson {
  readonly 'statistics-path': string;
  readonly 'file-size-in-bytes': number;
  readonly 'file-footer-size-in-bytes': number;
  readonly 'blob-metadata': Array<{ type: string; fields: number[]; 'snapshot-id': number; 'sequence-number': number }>;
}

describe('writePuffin', () => {
  it('round-trips blobs, properties, fields and a 64-bit snapshot id', () => {
    const a = Uint8Array.of(1, 2, 3);
    const b = Uint8Array.of(9, 8, 7, 6, 5);
    const { bytes, blobs } = writePuffin(
      [
        { type: 'deletion-vector-v1', bytes: a, properties: { 'referenced-data-file': 's3://b/t/data/x "1".parquet', cardinality: '3' } },
        { type: 'custom-v1', bytes: b, properties: { 'ünïcode': 'värde', n: '-12' }, fields: [3, 1], snapshotId: 9223372036854775807n, sequenceNumber: 42 },
      ],
      'Loch test',
    );
    expect(blobs.map((x) => [x.offset, x.length])).toEqual([
      [4, 3],
      [7, 5],
    ]);
    expect([...bytes.subarray(0, 4)]).toEqual([0x50, 0x46, 0x41, 0x31]);
    const footer = footerOf(bytes);
    expect(footer.blobs).toEqual(blobs);
    expect(footer.properties).toEqual({ 'created-by': 'Loch test' });
    expect(footer.blobs[1]!.snapshotId).toBe(9223372036854775807n);
    expect([...puffinBlobBytes(bytes, footer.blobs[1]!, 'f')]).toEqual([...b]);
    expect(footer.footerSize).toBe(bytes.length - 4 - 8);
  });

  it('writes a valid file without blobs', () => {
    const { bytes, blobs } = writePuffin([], 'Loch');
    expect(blobs).toEqual([]);
    expect(footerOf(bytes).blobs).toEqual([]);
  });
});

describe('readPuffinFooter errors', () => {
  const good = writePuffin([{ type: 't', bytes: Uint8Array.of(1, 2, 3, 4), properties: {} }], 'Loch').bytes;
  const payloadEnd = good.length - PUFFIN_TRAILER_SIZE;

  function withFooterJson(json: string): Uint8Array {
    return writePuffinRaw(Uint8Array.of(1, 2, 3, 4), json);
  }

  it('rejects a missing trailing magic, a broken footer magic and a footer larger than the file', () => {
    const noMagic = good.slice();
    noMagic[noMagic.length - 1] = 0;
    expect(thrown(() => footerOf(noMagic)).code).toBe('CORRUPT_DATA');
    const brokenStart = good.slice();
    brokenStart[good.length - footerOf(good).footerSize] = 0;
    expect(thrown(() => footerOf(brokenStart)).message).toMatch(/^iceberg puffin: f\.puffin: no Puffin magic at the footer start/);
    const huge = good.slice();
    new DataView(huge.buffer).setInt32(payloadEnd, 100_000, true);
    expect(thrown(() => footerOf(huge)).code).toBe('CORRUPT_DATA');
    const negative = good.slice();
    new DataView(negative.buffer).setInt32(payloadEnd, -5, true);
    expect(thrown(() => footerOf(negative)).code).toBe('CORRUPT_DATA');
    expect(thrown(() => puffinFooterSize(Uint8Array.of(1, 2, 3))).code).toBe('CORRUPT_DATA');
  });

  it('asks for more bytes when the tail is shorter than the footer of a longer file', () => {
    const error = thrown(() => readPuffinFooter(good.subarray(good.length - 20), good.length, 'f'));
    expect(error.code).toBe('INVALID_ARGUMENT');
  });

  it('refuses an LZ4-compressed footer as unsupported', () => {
    const lz4 = good.slice();
    lz4[payloadEnd + 4] = 1;
    expect(thrown(() => footerOf(lz4)).code).toBe('UNSUPPORTED_FEATURE');
  });

  it('rejects invalid JSON, missing required fields and blobs outside the blob region', () => {
    const blob = (extra: string): string => `{"blobs":[{"type":"t","fields":[],"snapshot-id":-1,"sequence-number":-1${extra}}]}`;
    expect(thrown(() => footerOf(withFooterJson('{"blobs":[}'))).code).toBe('CORRUPT_DATA');
    expect(thrown(() => footerOf(withFooterJson('{"blobs":[],"x":-}'))).message).toMatch(/footer payload is not valid JSON$/);
    expect(thrown(() => footerOf(withFooterJson('{}'))).message).toMatch(/field "blobs" is missing/);
    expect(thrown(() => footerOf(withFooterJson(blob(',"offset":4')))).message).toMatch(/blob 0: field "length" is missing/);
    expect(thrown(() => footerOf(withFooterJson(blob(',"offset":4,"length":5')))).message).toMatch(/outside bytes 4\.\.8/);
    expect(thrown(() => footerOf(withFooterJson(blob(',"offset":0,"length":2')))).code).toBe('CORRUPT_DATA');
    expect(thrown(() => footerOf(withFooterJson(blob(',"offset":4,"length":1.5')))).code).toBe('CORRUPT_DATA');
    expect(thrown(() => footerOf(withFooterJson(blob(',"offset":4,"length":4,"properties":{"a":1}')))).message).toMatch(/property "a" is not a string/);
    expect(footerOf(withFooterJson(blob(',"offset":4,"length":4,"properties":{"a":"1, \\"2\\": 3"}'))).blobs[0]!.properties).toEqual({ a: '1, "2": 3' });
  });
});

/** A Puffin file with one blob and a hand-written footer payload. */
function writePuffinRaw(blob: Uint8Array, payloadJson: string): Uint8Array {
  const payload = new TextEncoder().encode(payloadJson);
  const out = new Uint8Array(4 + blob.length + 4 + payload.length + 12);
  const magic = [0x50, 0x46, 0x41, 0x31];
  out.set(magic, 0);
  out.set(blob, 4);
  out.set(magic, 4 + blob.length);
  out.set(payload, 8 + blob.length);
  const end = 8 + blob.length + payload.length;
  new DataView(out.buffer).setInt32(end, payload.length, true);
  out.set(magic, end + 8);
  return out;
}
