import { LochError } from '../../../core/errors.js';
import { dataView } from '../../../core/bytes.js';
import { crc32 } from '../../shared/roaring/crc32.js';
import { DEFAULT_DV_OFFSET } from './descriptor.js';
import type { DeletionVectorDescriptor } from './descriptor.js';
import { serializeRoaringBitmapArray } from '../../shared/roaring/roaring-array.js';
import { encodeZ85 } from './z85.js';

/** The deleted rows of one data file, to be written into a DV file. */
export interface DeletionVectorInput {
  /** 0-based row positions; any order, duplicates allowed. */
  readonly positions: ArrayLike<number>;
}

/** One DV file holding several vectors, and each vector's descriptor, in input order. */
export interface EncodedDvFile {
  /** The file's key relative to the table root: `deletion_vector_<uuid>.bin`. */
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly descriptors: readonly DeletionVectorDescriptor[];
}

const SUBSYSTEM = 'delta deletion vector';
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Encodes deletion vectors into one DV file (PROTOCOL.md "Deletion Vector Format"): a version
 * byte 1, then per vector a 4-byte big-endian size, the portable RoaringBitmapArray and its
 * 4-byte big-endian CRC-32. Descriptors use storage type 'u' with the Z85 form of `uuid` (no
 * random prefix: the file sits at the table root), the vector's offset, size and cardinality.
 * Empty input is INVALID_ARGUMENT: a file of no vectors would be an orphan from the start.
 */
export function encodeDvFile(uuid: string, vectors: readonly DeletionVectorInput[]): EncodedDvFile {
  if (!UUID_PATTERN.test(uuid)) throw new LochError('INVALID_ARGUMENT', `delta deletion vector: ${JSON.stringify(uuid)} is not a lowercase UUID`);
  if (vectors.length === 0) throw new LochError('INVALID_ARGUMENT', 'delta deletion vector: a DV file needs at least one vector');
  const uuidZ85 = encodeZ85(uuidBytes(uuid));
  const bitmaps = vectors.map((v) => serializeRoaringBitmapArray(v.positions, SUBSYSTEM));
  const total = 1 + bitmaps.reduce((n, b) => n + 8 + b.length, 0);
  const bytes = new Uint8Array(total);
  const view = dataView(bytes);
  bytes[0] = 1;
  let offset = DEFAULT_DV_OFFSET;
  const descriptors = bitmaps.map((bitmap, i) => {
    const at = offset;
    view.setUint32(at, bitmap.length, false);
    bytes.set(bitmap, at + 4);
    view.setUint32(at + 4 + bitmap.length, crc32(bitmap), false);
    offset += 8 + bitmap.length;
    return { storageType: 'u', pathOrInlineDv: uuidZ85, offset: at, sizeInBytes: bitmap.length, cardinality: distinctCount(vectors[i]!.positions) };
  });
  return { path: `deletion_vector_${uuid}.bin`, bytes, descriptors };
}

/**
 * An inline deletion vector (storage type 'i'): the bitmap as Z85, zero-padded to a multiple of
 * 4 bytes as Spark does, with the unpadded length in sizeInBytes.
 */
export function encodeInlineDv(positions: ArrayLike<number>): DeletionVectorDescriptor {
  const bitmap = serializeRoaringBitmapArray(positions, SUBSYSTEM);
  const padded = new Uint8Array(Math.ceil(bitmap.length / 4) * 4);
  padded.set(bitmap);
  return { storageType: 'i', pathOrInlineDv: encodeZ85(padded), sizeInBytes: bitmap.length, cardinality: distinctCount(positions) };
}

function uuidBytes(uuid: string): Uint8Array {
  const hex = uuid.replaceAll('-', '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function distinctCount(positions: ArrayLike<number>): number {
  let sorted = true;
  for (let i = 1; i < positions.length && sorted; i++) sorted = positions[i]! > positions[i - 1]!;
  return sorted ? positions.length : new Set(Array.from(positions)).size;
}
