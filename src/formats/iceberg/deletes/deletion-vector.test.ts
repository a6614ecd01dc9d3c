import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { findTestdata } from '../../../../tests/support/corpus.js';
import { DELETION_VECTOR_BLOB_TYPE, decodeDeletionVectorBlob, deletionVectorProperties, encodeDeletionVectorBlob } from './deletion-vector.js';
import { puffinBlobBytes, readPuffinFooter, writePuffin } from './puffin.js';
import { thrown } from '../../../test-support/errors.js';

const DV_DIR = join(findTestdata(), 'iceberg', 'trino_v3_deletion_vectors', 'data');
const DV_FILE_1 = 'dv-20260504_111446_00010_8gkte-9a41c74f-3cae-4b67-a4e3-ec4437d1c988.puffin';
const DV_FILE_2 = 'dv-20260504_111849_00012_8gkte-2ed65adb-8895-4026-bb5e-efcedbf874e5.puffin';


function corpusFile(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(DV_DIR, name)));
}

/** The blob at a manifest entry's content_offset / content_size_in_bytes, read straight from the file. */
function blobAt(file: Uint8Array, offset: number, size: number): Uint8Array {
  return file.subarray(offset, offset + size);
}

describe('decodeDeletionVectorBlob on the Trino corpus', () => {
  // Offsets and sizes are the manifest entries' content_offset / content_size_in_bytes; the
  // cardinalities their record_count. Data file A holds c1 = 0..7, B holds c1 = 8..15.
  it('decodes the first DELETE (rows c1 = 0, 3, 6 of file A)', () => {
    const file = corpusFile(DV_FILE_1);
    expect(decodeDeletionVectorBlob(blobAt(file, 4, 46), `${DV_FILE_1} at 4`, 3)).toEqual([0, 3, 6]);
  });

  it('decodes the second DELETE: file B positions 2, 5 and file A rewritten to six positions', () => {
    const file = corpusFile(DV_FILE_2);
    expect(decodeDeletionVectorBlob(blobAt(file, 4, 44), 'b', 2)).toEqual([2, 5]);
    expect(decodeDeletionVectorBlob(blobAt(file, 48, 52), 'a', 6)).toEqual([0, 1, 3, 4, 6, 7]);
  });

  it('finds the same blobs through the footer and its cardinality property', () => {
    for (const name of [DV_FILE_1, DV_FILE_2]) {
      const file = corpusFile(name);
      for (const blob of readPuffinFooter(file, file.length, name).blobs) {
        expect(blob.type).toBe(DELETION_VECTOR_BLOB_TYPE);
        const positions = decodeDeletionVectorBlob(puffinBlobBytes(file, blob, name), name, Number(blob.properties['cardinality']));
        expect(positions.length).toBe(Number(blob.properties['cardinality']));
      }
    }
  });

  it('encodes the same positions to the bytes Trino wrote', () => {
    const file = corpusFile(DV_FILE_2);
    expect(encodeDeletionVectorBlob([5, 2])).toEqual(blobAt(file, 4, 44));
    expect(encodeDeletionVectorBlob([7, 6, 4, 3, 1, 0, 3])).toEqual(blobAt(file, 48, 52));
    expect(encodeDeletionVectorBlob([0, 3, 6])).toEqual(blobAt(corpusFile(DV_FILE_1), 4, 46));
  });
});

describe('encodeDeletionVectorBlob', () => {
  it('round-trips empty, large and 64-bit position sets', () => {
    const cases: number[][] = [[], [0], Array.from({ length: 70_000 }, (_, i) => i * 2), [1, 2 ** 32, 2 ** 32 + 5, 3 * 2 ** 32 + 1, 2 ** 40]];
    for (const positions of cases) {
      const blob = encodeDeletionVectorBlob(positions);
      expect(new DataView(blob.buffer).getUint32(0, false)).toBe(blob.length - 8);
      expect([...blob.subarray(4, 8)]).toEqual([0xd1, 0xd3, 0x39, 0x64]);
      expect(decodeDeletionVectorBlob(blob, 'x', positions.length)).toEqual(positions);
    }
  });

  it('rejects positions that are negative or not integers', () => {
    const error = thrown(() => encodeDeletionVectorBlob([3, -1]));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe('iceberg deletion vector: row position -1 is not a non-negative safe integer');
    expect(thrown(() => encodeDeletionVectorBlob([0.5])).code).toBe('INVALID_ARGUMENT');
  });

  it('writes a Puffin file whose footer and blobs read back (writer path)', () => {
    const vectors = [
      { file: 's3://b/t/data/a.parquet', positions: [4, 1, 9] },
      { file: 's3://b/t/data/b.parquet', positions: [0] },
    ];
    const { bytes, blobs } = writePuffin(
      vectors.map((v) => ({ type: DELETION_VECTOR_BLOB_TYPE, bytes: encodeDeletionVectorBlob(v.positions), properties: deletionVectorProperties(v.file, v.positions.length) })),
      'Loch',
    );
    const footer = readPuffinFooter(bytes, bytes.length, 'dv.puffin');
    expect(footer.blobs).toEqual(blobs);
    expect(footer.blobs.map((b) => [b.snapshotId, b.sequenceNumber, b.fields, b.properties])).toEqual([
      [-1n, -1, [], { 'referenced-data-file': 's3://b/t/data/a.parquet', cardinality: '3' }],
      [-1n, -1, [], { 'referenced-data-file': 's3://b/t/data/b.parquet', cardinality: '1' }],
    ]);
    expect(decodeDeletionVectorBlob(bytes.subarray(blobs[0]!.offset, blobs[0]!.offset + blobs[0]!.length), 'a')).toEqual([1, 4, 9]);
    expect(decodeDeletionVectorBlob(bytes.subarray(blobs[1]!.offset, blobs[1]!.offset + blobs[1]!.length), 'b')).toEqual([0]);
  });
});

describe('decodeDeletionVectorBlob errors', () => {
  const good = encodeDeletionVectorBlob([1, 2, 3, 100]);

  it('rejects a length prefix that disagrees with the blob size, and truncation', () => {
    const longer = new Uint8Array(good.length + 1);
    longer.set(good);
    expect(thrown(() => decodeDeletionVectorBlob(longer, 'f.puffin at 4')).message).toMatch(
      /^iceberg deletion vector: f\.puffin at 4: length prefix \d+ disagrees with the blob size/,
    );
    expect(thrown(() => decodeDeletionVectorBlob(good.subarray(0, good.length - 1), 'x')).code).toBe('CORRUPT_DATA');
    expect(thrown(() => decodeDeletionVectorBlob(good.subarray(0, 10), 'x')).code).toBe('CORRUPT_DATA');
  });

  it('rejects a wrong magic and a checksum mismatch', () => {
    const magic = good.slice();
    magic[4] = 0x64;
    expect(thrown(() => decodeDeletionVectorBlob(magic, 'x')).message).toMatch(/wrong magic 0x64d33964/);
    const flipped = good.slice();
    flipped[good.length - 6] = flipped[good.length - 6]! ^ 0x01;
    expect(thrown(() => decodeDeletionVectorBlob(flipped, 'x')).message).toMatch(/^iceberg deletion vector: x: checksum mismatch \(expected 0x[0-9a-f]{8}, got 0x[0-9a-f]{8}\)$/);
  });

  it('rejects a malformed bitmap whose checksum is right, and a cardinality mismatch', () => {
    // A bitmap count of 5 with only one bitmap present, re-checksummed.
    const bad = good.slice();
    bad[8] = 5;
    const view = new DataView(bad.buffer);
    view.setUint32(bad.length - 4, zlibCrc32(bad.subarray(4, bad.length - 4)), false);
    const error = thrown(() => decodeDeletionVectorBlob(bad, 'x'));
    expect(error.code).toBe('CORRUPT_DATA');
    expect(error.message).toMatch(/^iceberg deletion vector: x: /);
    expect(thrown(() => decodeDeletionVectorBlob(good, 'x', 5)).message).toBe('iceberg deletion vector: x: cardinality is 5 but the vector holds 4 positions');
  });
});
