import { LochError } from '../../../core/errors.js';
import { toHex } from '../../../core/bytes.js';
import { decodeZ85 } from './z85.js';

/**
 * The `deletionVector` field of an add/remove action (PROTOCOL.md "Deletion Vector Descriptor
 * Schema"). Declared here structurally so this module does not depend on the log code.
 */
export interface DeletionVectorDescriptor {
  /** 'u' relative UUID path, 'i' inline Z85, 'p' absolute path. */
  readonly storageType: string;
  readonly pathOrInlineDv: string;
  /** Byte offset of the DV inside its file; absent (or null in JSON) for inline DVs. */
  readonly offset?: number | null;
  /** Size of the serialized RoaringBitmapArray in bytes (before Z85 for inline DVs). */
  readonly sizeInBytes: number;
  /** Number of rows the DV deletes. */
  readonly cardinality: number;
}

/** Where the bytes of a deletion vector are. */
export type DvLocation =
  | { readonly kind: 'inline'; readonly bytes: Uint8Array }
  | {
      readonly kind: 'relative' | 'absolute';
      /** 'relative': a store key relative to the table root; 'absolute': the URL or path as written. */
      readonly path: string;
      /** Offset of the DV's 4-byte size prefix inside the file. */
      readonly offset: number;
      /** Size of the bitmap bytes (without size prefix and checksum). */
      readonly size: number;
    };

/** A DV file starts with one version byte, so the first DV of a file is at offset 1. */
export const DEFAULT_DV_OFFSET = 1;
const UUID_Z85_LENGTH = 20;

/**
 * The DV's unique id as PROTOCOL.md derives it: `<storageType><pathOrInlineDv>` and, when an
 * offset is present, `@<offset>`. Together with the data file path it identifies a logical file.
 */
export function dvUniqueId(d: DeletionVectorDescriptor): string {
  const base = `${d.storageType}${d.pathOrInlineDv}`;
  return d.offset === undefined || d.offset === null ? base : `${base}@${d.offset}`;
}

function corrupt(what: string, message: string): LochError {
  return new LochError('CORRUPT_DATA', `delta deletion vector: ${what}: ${message}`);
}

/**
 * Resolves a descriptor to its bytes (inline) or to its file: for 'u' the key
 * `<prefix>/deletion_vector_<uuid>.bin` relative to the table root (no directory when the prefix
 * is empty); for 'p' the absolute URL/path unchanged, or, when the path has no scheme and does
 * not start with '/', its URL-decoded form relative to the table root. `what` names the vector
 * in error messages. Malformed descriptors throw CORRUPT_DATA; unknown storage types
 * UNSUPPORTED_FEATURE.
 */
export function resolveDvLocation(d: DeletionVectorDescriptor, what = 'descriptor'): DvLocation {
  checkNumbers(d, what);
  switch (d.storageType) {
    case 'i':
      return { kind: 'inline', bytes: inlineBytes(d, what) };
    case 'u':
      return { kind: 'relative', path: uuidPath(d.pathOrInlineDv, what), offset: fileOffset(d), size: d.sizeInBytes };
    case 'p':
      return absoluteOrRelative(d, what);
    default:
      throw new LochError(
        'UNSUPPORTED_FEATURE',
        `delta deletion vector: ${what}: unknown storage type ${JSON.stringify(d.storageType)} (expected 'u', 'i' or 'p')`,
      );
  }
}

function checkNumbers(d: DeletionVectorDescriptor, what: string): void {
  if (!Number.isSafeInteger(d.sizeInBytes) || d.sizeInBytes < 0) throw corrupt(what, `invalid sizeInBytes ${d.sizeInBytes}`);
  if (!Number.isSafeInteger(d.cardinality) || d.cardinality < 0) throw corrupt(what, `invalid cardinality ${d.cardinality}`);
  const offset = d.offset;
  if (offset !== undefined && offset !== null && (!Number.isSafeInteger(offset) || offset < 0)) {
    throw corrupt(what, `invalid offset ${offset}`);
  }
}

function fileOffset(d: DeletionVectorDescriptor): number {
  return d.offset === undefined || d.offset === null ? DEFAULT_DV_OFFSET : d.offset;
}

/**
 * Inline DVs are Z85 text. Spark pads the bytes with zeros to a multiple of 4 and records the
 * real length in sizeInBytes; delta-kernel-rs uses the padded Z85 tail instead. Both decode to
 * at least sizeInBytes bytes, of which only the first sizeInBytes are the bitmap.
 */
function inlineBytes(d: DeletionVectorDescriptor, what: string): Uint8Array {
  let decoded: Uint8Array;
  try {
    decoded = decodeZ85(d.pathOrInlineDv);
  } catch (error) {
    throw new LochError('CORRUPT_DATA', `delta deletion vector: ${what}: inline DV is not valid Z85`, { cause: error });
  }
  if (decoded.length < d.sizeInBytes || decoded.length - d.sizeInBytes >= 4) {
    throw corrupt(what, `inline DV decodes to ${decoded.length} bytes but sizeInBytes is ${d.sizeInBytes}`);
  }
  return decoded.subarray(0, d.sizeInBytes);
}

function uuidPath(pathOrInlineDv: string, what: string): string {
  if (pathOrInlineDv.length < UUID_Z85_LENGTH) {
    throw corrupt(what, `relative DV path ${JSON.stringify(pathOrInlineDv)} is shorter than a ${UUID_Z85_LENGTH}-character UUID`);
  }
  const prefix = pathOrInlineDv.slice(0, -UUID_Z85_LENGTH);
  let uuidBytes: Uint8Array;
  try {
    uuidBytes = decodeZ85(pathOrInlineDv.slice(-UUID_Z85_LENGTH));
  } catch (error) {
    throw new LochError('CORRUPT_DATA', `delta deletion vector: ${what}: UUID of ${JSON.stringify(pathOrInlineDv)} is not valid Z85`, {
      cause: error,
    });
  }
  const name = `deletion_vector_${formatUuid(uuidBytes)}.bin`;
  return prefix === '' ? name : `${prefix}/${name}`;
}

/** 16 bytes in the canonical 8-4-4-4-12 lowercase form. */
export function formatUuid(bytes: Uint8Array): string {
  const hex = toHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

function absoluteOrRelative(d: DeletionVectorDescriptor, what: string): DvLocation {
  const raw = d.pathOrInlineDv;
  if (raw === '') throw corrupt(what, 'absolute DV path is empty');
  const base = { offset: fileOffset(d), size: d.sizeInBytes };
  if (SCHEME.test(raw) || raw.startsWith('/')) return { kind: 'absolute', path: raw, ...base };
  try {
    return { kind: 'relative', path: decodeURIComponent(raw), ...base };
  } catch (error) {
    throw new LochError('CORRUPT_DATA', `delta deletion vector: ${what}: DV path ${JSON.stringify(raw)} is not valid URL encoding`, {
      cause: error,
    });
  }
}
