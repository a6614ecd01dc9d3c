import roaring from 'roaring';
import { LochError } from '../../../core/errors.js';
import { concatBytes, dataView } from '../../../core/bytes.js';

const { RoaringBitmap32 } = roaring;

/**
 * The 64-bit Roaring bitmap array shared by Delta deletion vectors and Iceberg's Puffin
 * `deletion-vector-v1` blobs: the set of deleted row positions of one data file.
 *
 * Portable format (what Spark, delta-rs, delta-kernel-rs, Iceberg Java and Trino write): magic
 * 1681511377 as int32 little-endian, the number of buckets as int64 little-endian, then per bucket
 * its key (the high 32 bits, uint32 LE) and a 32-bit Roaring bitmap of the low 32 bits in the
 * portable Roaring format. The older native format (magic 1681511376, big-endian, used by the
 * example in PROTOCOL.md) stores a count and one size-prefixed 32-bit bitmap per consecutive high
 * key. An Iceberg blob's magic D1 D3 39 64 is the portable magic's little-endian bytes, so its
 * magic + vector is exactly a portable array.
 *
 * Error messages start with a caller-given subsystem ("delta deletion vector", "iceberg
 * deletion vector") so that each format reports in its own words; the default is neutral.
 */

export const PORTABLE_MAGIC = 1681511377;
export const NATIVE_MAGIC = 1681511376;
const TWO_POW_32 = 2 ** 32;
/** Keys at or above this would put positions beyond 2^53, where a double is no longer exact. */
const MAX_KEY = 2 ** 21;
const DEFAULT_SUBSYSTEM = 'roaring bitmap array';

/** The deleted row positions of one data file: 0-based, strictly ascending. */
export interface DeletedRows {
  readonly positions: Float64Array;
  readonly cardinality: number;
}

/** Where an error happened: the subsystem prefix and the vector's name. */
interface Site {
  readonly subsystem: string;
  readonly what: string;
}

function corrupt(site: Site, message: string, context: Record<string, unknown> = {}): LochError {
  return new LochError('CORRUPT_DATA', `${site.subsystem}: ${site.what}: ${message}`, { context });
}

/**
 * Parses a serialized RoaringBitmapArray. `what` names the vector in error messages
 * ("table /t file part-0.parquet"), `subsystem` starts them ("delta deletion vector"). Wrong
 * magic, truncation, trailing bytes, unsorted or too large keys throw CORRUPT_DATA.
 */
export function parseRoaringBitmapArray(bytes: Uint8Array, what = 'bitmap', subsystem = DEFAULT_SUBSYSTEM): DeletedRows {
  const site: Site = { subsystem, what };
  if (bytes.length < 4) throw corrupt(site, `${bytes.length} bytes is too short for the magic number`);
  const view = dataView(bytes);
  if (view.getUint32(0, true) === PORTABLE_MAGIC) return parsePortable(bytes, site);
  if (view.getUint32(0, false) === NATIVE_MAGIC) return parseNative(bytes, site);
  throw corrupt(site, `unknown magic number ${view.getUint32(0, true)} (expected ${PORTABLE_MAGIC})`);
}

function parsePortable(bytes: Uint8Array, site: Site): DeletedRows {
  const view = dataView(bytes);
  if (bytes.length < 12) throw corrupt(site, `truncated: ${bytes.length} bytes, header needs 12`);
  const buckets = view.getBigUint64(4, true);
  if (buckets > BigInt(bytes.length)) throw corrupt(site, `bucket count ${buckets} exceeds the ${bytes.length} bytes available`);
  const parts: Array<{ key: number; lows: Uint32Array }> = [];
  let offset = 12;
  let previousKey = -1;
  for (let b = 0; b < Number(buckets); b++) {
    if (offset + 4 > bytes.length) throw corrupt(site, `truncated in the key of bucket ${b}`);
    const key = view.getUint32(offset, true);
    if (key <= previousKey) throw corrupt(site, `bucket keys not ascending (${key} after ${previousKey})`);
    previousKey = key;
    const size = sizeAt(bytes, offset + 4, site);
    parts.push({ key, lows: deserialize32(bytes.subarray(offset + 4, offset + 4 + size), site) });
    offset += 4 + size;
  }
  if (offset !== bytes.length) throw corrupt(site, `${bytes.length - offset} trailing bytes after ${buckets} buckets`);
  return combine(parts, site);
}

function parseNative(bytes: Uint8Array, site: Site): DeletedRows {
  const view = dataView(bytes);
  if (bytes.length < 8) throw corrupt(site, `truncated: ${bytes.length} bytes, header needs 8`);
  const count = view.getUint32(4, false);
  const parts: Array<{ key: number; lows: Uint32Array }> = [];
  let offset = 8;
  for (let key = 0; key < count; key++) {
    if (offset + 4 > bytes.length) throw corrupt(site, `truncated in the size of bitmap ${key}`);
    const size = view.getUint32(offset, false);
    if (offset + 4 + size > bytes.length) throw corrupt(site, `truncated: bitmap ${key} needs ${size} bytes`);
    const slice = bytes.subarray(offset + 4, offset + 4 + size);
    if (sizeAt(slice, 0, site) !== size) throw corrupt(site, `bitmap ${key} size ${size} disagrees with its header`);
    parts.push({ key, lows: deserialize32(slice, site) });
    offset += 4 + size;
  }
  if (offset !== bytes.length) throw corrupt(site, `${bytes.length - offset} trailing bytes after ${count} bitmaps`);
  return combine(parts, site);
}

function deserialize32(slice: Uint8Array, site: Site): Uint32Array {
  try {
    return RoaringBitmap32.deserialize(slice, 'portable').toUint32Array();
  } catch (error) {
    throw new LochError('CORRUPT_DATA', `${site.subsystem}: ${site.what}: invalid 32-bit roaring bitmap`, { cause: error });
  }
}

function combine(parts: ReadonlyArray<{ key: number; lows: Uint32Array }>, site: Site): DeletedRows {
  let total = 0;
  for (const part of parts) {
    if (part.lows.length > 0 && part.key >= MAX_KEY) {
      throw corrupt(site, `bucket key ${part.key} puts row positions beyond 2^53`);
    }
    total += part.lows.length;
  }
  const positions = new Float64Array(total);
  let i = 0;
  for (const part of parts) {
    const high = part.key * TWO_POW_32;
    for (const low of part.lows) positions[i++] = high + low;
  }
  return { positions, cardinality: total };
}

const SERIAL_COOKIE_NO_RUN = 12346;
const SERIAL_COOKIE = 12347;
const NO_OFFSET_THRESHOLD = 4;
const ARRAY_MAX = 4096;

/**
 * The byte length of the portable 32-bit Roaring bitmap starting at `start`, computed from its
 * headers (so that a bucket's end is known without trusting the decoder's own bookkeeping).
 */
export function portableBitmapSize(bytes: Uint8Array, start: number, what = 'bitmap', subsystem = DEFAULT_SUBSYSTEM): number {
  return sizeAt(bytes, start, { subsystem, what });
}

function sizeAt(bytes: Uint8Array, start: number, site: Site): number {
  const view = dataView(bytes);
  const need = (at: number, n: number, part: string): void => {
    if (at + n > bytes.length) throw corrupt(site, `truncated 32-bit bitmap (${part}) at byte ${at}`);
  };
  need(start, 4, 'cookie');
  const cookie = view.getUint32(start, true);
  let pos = start + 4;
  let containers: number;
  let runFlags: number | undefined;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    containers = (cookie >>> 16) + 1;
    runFlags = pos;
    pos += Math.ceil(containers / 8);
  } else if (cookie === SERIAL_COOKIE_NO_RUN) {
    need(pos, 4, 'container count');
    containers = view.getUint32(pos, true);
    pos += 4;
    if (containers > 65536) throw corrupt(site, `32-bit bitmap claims ${containers} containers`);
  } else {
    throw corrupt(site, `unknown 32-bit roaring cookie ${cookie}`);
  }
  need(pos, containers * 4, 'descriptive header');
  const header = pos;
  pos += containers * 4;
  if (runFlags === undefined || containers >= NO_OFFSET_THRESHOLD) pos += containers * 4;
  for (let c = 0; c < containers; c++) {
    const isRun = runFlags !== undefined && (bytes[runFlags + (c >> 3)]! & (1 << (c & 7))) !== 0;
    if (isRun) {
      need(pos, 2, 'run count');
      pos += 2 + 4 * view.getUint16(pos, true);
    } else {
      const cardinality = view.getUint16(header + c * 4 + 2, true) + 1;
      pos += cardinality > ARRAY_MAX ? 8192 : 2 * cardinality;
    }
  }
  need(pos, 0, 'containers');
  return pos - start;
}

/**
 * Serializes row positions (any order, duplicates allowed; each a non-negative integer below
 * 2^53) as a portable RoaringBitmapArray, the bytes a writer stores inline or in a DV file.
 * A position that is not such an integer is INVALID_ARGUMENT, reported under `subsystem`.
 */
export function serializeRoaringBitmapArray(positions: ArrayLike<number>, subsystem = DEFAULT_SUBSYSTEM): Uint8Array {
  const byKey = new Map<number, number[]>();
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i]!;
    if (!Number.isSafeInteger(p) || p < 0) {
      throw new LochError('INVALID_ARGUMENT', `${subsystem}: row position ${p} is not a non-negative safe integer`);
    }
    const key = Math.floor(p / TWO_POW_32);
    let lows = byKey.get(key);
    if (!lows) byKey.set(key, (lows = []));
    lows.push(p - key * TWO_POW_32);
  }
  const keys = [...byKey.keys()].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  const head = new Uint8Array(12);
  dataView(head).setUint32(0, PORTABLE_MAGIC, true);
  dataView(head).setBigUint64(4, BigInt(keys.length), true);
  chunks.push(head);
  for (const key of keys) {
    const keyBytes = new Uint8Array(4);
    dataView(keyBytes).setUint32(0, key, true);
    const bitmap = new RoaringBitmap32(byKey.get(key)!);
    bitmap.runOptimize();
    chunks.push(keyBytes, new Uint8Array(bitmap.serialize('portable')));
  }
  return concatBytes(chunks);
}
