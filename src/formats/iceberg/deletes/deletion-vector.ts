import { LochError } from '../../../core/errors.js';
import { concatBytes, dataView } from '../../../core/bytes.js';
import { crc32 } from '../../shared/roaring/crc32.js';
import { parseRoaringBitmapArray, serializeRoaringBitmapArray } from '../../shared/roaring/roaring-array.js';

/**
 * Iceberg v3 deletion vectors: Puffin blobs of type `deletion-vector-v1`. Blob bytes =
 * vector length (uint32 big-endian, counting the magic) + magic `D1 D3 39 64` + a portable 64-bit
 * Roaring bitmap (bitmap count uint64 LE, then per bitmap key uint32 LE + 32-bit portable Roaring)
 * + CRC-32 (uint32 big-endian) of magic + vector. Magic + vector is byte for byte Delta's portable
 * RoaringBitmapArray, so the shared codec does the bitmap work.
 */

export const DELETION_VECTOR_BLOB_TYPE = 'deletion-vector-v1';
/** The magic as bytes; read little-endian it is the portable RoaringBitmapArray magic. */
const DV_MAGIC = [0xd1, 0xd3, 0x39, 0x64] as const;
const SUBSYSTEM = 'iceberg deletion vector';
/** Length prefix + magic + empty bitmap count + CRC. */
const MIN_BLOB_SIZE = 4 + 4 + 8 + 4;

function corrupt(where: string, message: string, context: Record<string, unknown> = {}): LochError {
  return new LochError('CORRUPT_DATA', `${SUBSYSTEM}: ${where}: ${message}`, { context });
}

function hex32(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

/**
 * Decodes one `deletion-vector-v1` blob (the `content_size_in_bytes` bytes at `content_offset`
 * of the Puffin file) into the deleted row positions, 0-based and strictly ascending.
 * `expectedCardinality` (the manifest entry's `record_count`, or the blob's `cardinality`
 * property) is checked when given. `where` names the Puffin file and blob in errors.
 *
 * Errors (CORRUPT_DATA): a length prefix that disagrees with the blob size, a wrong magic, a CRC
 * mismatch, a malformed bitmap, positions at or beyond 2^53, a cardinality mismatch.
 */
export function decodeDeletionVectorBlob(blob: Uint8Array, where: string, expectedCardinality?: number): number[] {
  if (blob.length < MIN_BLOB_SIZE) throw corrupt(where, `blob of ${blob.length} bytes is too short (at least ${MIN_BLOB_SIZE})`);
  const view = dataView(blob);
  const vectorLength = view.getUint32(0, false);
  if (vectorLength !== blob.length - 8) {
    throw corrupt(where, `length prefix ${vectorLength} disagrees with the blob size ${blob.length} (expected ${blob.length - 8})`, {
      vectorLength,
      blobLength: blob.length,
    });
  }
  if (!DV_MAGIC.every((b, i) => blob[4 + i] === b)) {
    throw corrupt(where, `wrong magic ${hex32(view.getUint32(4, false))} (expected 0xd1d33964)`);
  }
  const vector = blob.subarray(4, 4 + vectorLength);
  const stored = view.getUint32(4 + vectorLength, false);
  const actual = crc32(vector);
  if (stored !== actual) throw corrupt(where, `checksum mismatch (expected ${hex32(stored)}, got ${hex32(actual)})`);
  const rows = parseRoaringBitmapArray(vector, where, SUBSYSTEM);
  if (expectedCardinality !== undefined && rows.cardinality !== expectedCardinality) {
    throw corrupt(where, `cardinality is ${expectedCardinality} but the vector holds ${rows.cardinality} positions`, {
      expected: expectedCardinality,
      actual: rows.cardinality,
    });
  }
  return Array.from(rows.positions);
}

/**
 * Encodes row positions (any order, duplicates allowed; non-negative safe integers, else
 * INVALID_ARGUMENT) as a `deletion-vector-v1` blob, ready for puffin.ts `writePuffin` with
 * {@link deletionVectorProperties}.
 */
export function encodeDeletionVectorBlob(positions: ArrayLike<number>): Uint8Array {
  const vector = serializeRoaringBitmapArray(positions, SUBSYSTEM);
  const head = new Uint8Array(4);
  dataView(head).setUint32(0, vector.length, false);
  const tail = new Uint8Array(4);
  dataView(tail).setUint32(0, crc32(vector), false);
  return concatBytes([head, vector, tail]);
}

/**
 * The blob properties the Puffin spec requires for a deletion vector: the data file's location
 * exactly as the manifest stores it, and the number of deleted rows.
 */
export function deletionVectorProperties(referencedDataFile: string, cardinality: number): Record<string, string> {
  return { 'referenced-data-file': referencedDataFile, cardinality: String(cardinality) };
}
