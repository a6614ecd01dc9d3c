import { LochError, isLochError } from '../../../core/errors.js';
import { dataView } from '../../../core/bytes.js';
import type { ObjectStore } from '../../../storage/object-store.js';
import { crc32 } from '../../shared/roaring/crc32.js';
import { resolveDvLocation } from './descriptor.js';
import type { DeletionVectorDescriptor } from './descriptor.js';
import { parseRoaringBitmapArray } from '../../shared/roaring/roaring-array.js';
import type { DeletedRows } from '../../shared/roaring/roaring-array.js';

export interface ReadDeletionVectorOptions {
  /** The store rooted at the table: relative DV paths are keys in it. */
  readonly store: ObjectStore;
  /**
   * Maps an absolute DV path ('p' storage, a URL such as s3://b/t/x.bin or file:/t/x.bin) to a
   * store and key. Without it, absolute DVs fail with UNSUPPORTED_FEATURE.
   */
  readonly openAbsolute?: (url: string) => { store: ObjectStore; key: string };
  /** The table (URL or name) and the data file the DV belongs to: used in error messages. */
  readonly table: string;
  readonly file: string;
}

const SUBSYSTEM = 'delta deletion vector';

/** Offsets up to this are read together with the version byte in one range request. */
const SINGLE_READ_MAX_OFFSET = 4096;

/**
 * Reads and decodes one deletion vector.
 *
 * Inline DVs are decoded from Z85 (they carry no checksum). File DVs are read with range
 * requests: byte 0 (format version, must be 1), then at `offset` (default 1) a 4-byte big-endian
 * size that must equal sizeInBytes, the RoaringBitmapArray and its 4-byte big-endian CRC-32.
 * The number of decoded positions must equal the descriptor's cardinality.
 *
 * Errors: CORRUPT_DATA for any mismatch ("…: checksum mismatch (expected x, got y)"),
 * DATA_FILE_MISSING when the DV file is gone, PATH_ESCAPE when the DV path leaves the table
 * root, UNSUPPORTED_FEATURE for absolute paths without `openAbsolute`, STORAGE_ERROR from the
 * store as is.
 */
export async function readDeletionVector(d: DeletionVectorDescriptor, opts: ReadDeletionVectorOptions): Promise<DeletedRows> {
  const what = `table ${opts.table} file ${opts.file}`;
  const location = resolveDvLocation(d, what);
  let bitmap: Uint8Array;
  if (location.kind === 'inline') {
    bitmap = location.bytes;
  } else {
    const target = openTarget(location.kind, location.path, opts, what);
    bitmap = await readFromFile(target, location.offset, location.size, what);
  }
  const rows = parseRoaringBitmapArray(bitmap, what, SUBSYSTEM);
  if (rows.cardinality !== d.cardinality) {
    throw new LochError('CORRUPT_DATA', `delta deletion vector: ${what}: cardinality is ${d.cardinality} but the bitmap holds ${rows.cardinality} rows`, {
      context: { table: opts.table, file: opts.file, expected: d.cardinality, actual: rows.cardinality },
    });
  }
  return rows;
}

interface Target {
  readonly store: ObjectStore;
  readonly key: string;
}

function openTarget(kind: 'relative' | 'absolute', path: string, opts: ReadDeletionVectorOptions, what: string): Target {
  if (kind === 'relative') return { store: opts.store, key: path };
  if (!opts.openAbsolute) {
    throw new LochError('UNSUPPORTED_FEATURE', `delta deletion vector: ${what}: absolute DV path ${path} but no way to open absolute paths was given`, {
      context: { table: opts.table, file: opts.file, path },
    });
  }
  try {
    return opts.openAbsolute(path);
  } catch (error) {
    throw storageFailure(error, path, what, opts);
  }
}

async function readFromFile(target: Target, offset: number, size: number, what: string): Promise<Uint8Array> {
  const recordLength = 4 + size + 4;
  let version: number | undefined;
  let record: Uint8Array;
  try {
    if (offset <= SINGLE_READ_MAX_OFFSET) {
      const bytes = await target.store.getRange(target.key, 0, offset + recordLength);
      version = bytes[0];
      record = bytes.subarray(Math.min(offset, bytes.length));
    } else {
      const [head, body] = await Promise.all([target.store.getRange(target.key, 0, 1), target.store.getRange(target.key, offset, recordLength)]);
      version = head[0];
      record = body;
    }
  } catch (error) {
    throw storageFailure(error, target.key, what);
  }
  const where = `${what}: DV file ${target.key}`;
  if (version !== 1) throw corrupt(where, version === undefined ? 'file is empty' : `unsupported format version ${version} (expected 1)`);
  if (record.length < recordLength) {
    throw corrupt(where, `truncated: ${record.length} bytes at offset ${offset}, expected ${recordLength}`);
  }
  const view = dataView(record);
  const dataSize = view.getUint32(0, false);
  if (dataSize !== size) throw corrupt(where, `size at offset ${offset} is ${dataSize} but sizeInBytes is ${size}`);
  const bitmap = record.subarray(4, 4 + size);
  const expected = view.getUint32(4 + size, false);
  const actual = crc32(bitmap);
  if (expected !== actual) {
    throw corrupt(what, `checksum mismatch (expected ${hex32(expected)}, got ${hex32(actual)})`, { key: target.key, offset });
  }
  return bitmap;
}

function hex32(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

function corrupt(where: string, message: string, context: Record<string, unknown> = {}): LochError {
  return new LochError('CORRUPT_DATA', `delta deletion vector: ${where}: ${message}`, { context });
}

function storageFailure(error: unknown, path: string, what: string, opts?: ReadDeletionVectorOptions): LochError {
  const context = { path, ...(opts ? { table: opts.table, file: opts.file } : {}) };
  if (isLochError(error, 'NOT_FOUND')) {
    return new LochError('DATA_FILE_MISSING', `delta deletion vector: ${what}: deletion vector file ${path} is missing`, { cause: error, context });
  }
  if (isLochError(error, 'PATH_ESCAPE')) {
    return new LochError('PATH_ESCAPE', `delta deletion vector: ${what}: deletion vector path ${JSON.stringify(path)} escapes the table root`, {
      cause: error,
      context,
    });
  }
  if (isLochError(error)) return error;
  return new LochError('STORAGE_ERROR', `delta deletion vector: ${what}: reading ${path} failed: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
    context,
  });
}
