import { LochError } from '../../../core/errors.js';
import { concatBytes, dataView, utf8Decode, utf8Encode } from '../../../core/bytes.js';

/**
 * Puffin files (Iceberg `format/puffin-spec.md`): `Magic Blob₁ … Blobₙ Footer`, where
 * Footer = `Magic FooterPayload FooterPayloadSize(int32 LE) Flags(4 bytes) Magic` and the payload
 * is UTF-8 JSON `{ blobs: [BlobMetadata…], properties? }`. Loch reads the footer (statistics files,
 * deletion-vector files) and writes uncompressed footers with uncompressed blobs.
 */

/** "PFA1": the four bytes at the start of a Puffin file and at both ends of its footer. */
export const PUFFIN_MAGIC: Uint8Array = Uint8Array.of(0x50, 0x46, 0x41, 0x31);
/** FooterPayloadSize + Flags + Magic: the fixed-size end of every Puffin file. */
export const PUFFIN_TRAILER_SIZE = 12;
/** The bytes a footer adds around its payload: leading magic + the trailer. */
const FOOTER_OVERHEAD = 4 + PUFFIN_TRAILER_SIZE;
/** Flags byte 0, bit 0: the footer payload is LZ4-compressed. */
const FLAG_PAYLOAD_LZ4 = 0x01;

/** One blob's metadata from the footer. */
export interface PuffinBlob {
  readonly type: string;
  /** Field ids the blob was computed for (empty for deletion vectors). */
  readonly fields: readonly number[];
  /** -1 when unknown at write time (always so for deletion vectors). */
  readonly snapshotId: bigint;
  readonly sequenceNumber: number;
  /** Where the blob's (possibly compressed) bytes lie in the file. */
  readonly offset: number;
  readonly length: number;
  /** "lz4" or "zstd"; undefined = uncompressed. */
  readonly compressionCodec?: string;
  readonly properties: Readonly<Record<string, string>>;
}

/** A Puffin file's footer: its blobs, file properties, and the footer's total size in bytes. */
export interface PuffinFooter {
  readonly blobs: readonly PuffinBlob[];
  readonly properties: Readonly<Record<string, string>>;
  /** Payload + 16: what table metadata calls `file-footer-size-in-bytes`. */
  readonly footerSize: number;
}

/** A blob to write: its bytes as stored (Loch writes uncompressed blobs only). */
export interface PuffinBlobInput {
  readonly type: string;
  readonly bytes: Uint8Array;
  readonly properties: Readonly<Record<string, string>>;
  readonly fields?: readonly number[];
  /** Default -1 (the value deletion vectors must carry). */
  readonly snapshotId?: bigint;
  readonly sequenceNumber?: number;
}

function corrupt(where: string, message: string, context: Record<string, unknown> = {}): LochError {
  return new LochError('CORRUPT_DATA', `iceberg puffin: ${where}: ${message}`, { context });
}

function hasMagicAt(bytes: Uint8Array, at: number): boolean {
  if (at < 0 || at + 4 > bytes.length) return false;
  return PUFFIN_MAGIC.every((b, i) => bytes[at + i] === b);
}

/**
 * The size of the footer (payload + 16 bytes) from the last bytes of a Puffin file, so that a
 * reader can fetch exactly the footer with one range request after reading the last 12 bytes.
 * `tail` must hold at least the last {@link PUFFIN_TRAILER_SIZE} bytes. A missing trailing magic
 * or a negative size is CORRUPT_DATA.
 */
export function puffinFooterSize(tail: Uint8Array, where = 'puffin file'): number {
  if (tail.length < PUFFIN_TRAILER_SIZE) {
    throw corrupt(where, `${tail.length} bytes is too short for a footer (at least ${PUFFIN_TRAILER_SIZE} needed)`);
  }
  if (!hasMagicAt(tail, tail.length - 4)) throw corrupt(where, 'does not end with the Puffin magic PFA1');
  const payloadSize = dataView(tail).getInt32(tail.length - PUFFIN_TRAILER_SIZE, true);
  if (payloadSize < 0) throw corrupt(where, `footer payload size ${payloadSize} is negative`);
  return payloadSize + FOOTER_OVERHEAD;
}

/**
 * Reads a Puffin footer from `tail`, the last `tail.length` bytes of a file of `fileSize` bytes
 * (the whole file is fine). `where` names the file in errors.
 *
 * Errors: CORRUPT_DATA for a missing magic, a footer larger than the file, JSON that is not
 * valid or lacks a required field, a blob outside the region between the leading magic and the
 * footer; UNSUPPORTED_FEATURE for an LZ4-compressed footer; INVALID_ARGUMENT when `tail` is
 * shorter than the footer but the file is longer (fetch {@link puffinFooterSize} bytes).
 */
export function readPuffinFooter(tail: Uint8Array, fileSize: number, where: string): PuffinFooter {
  if (tail.length > fileSize) {
    throw new LochError('INVALID_ARGUMENT', `iceberg puffin: ${where}: tail of ${tail.length} bytes is longer than the file (${fileSize} bytes)`);
  }
  const footerSize = puffinFooterSize(tail, where);
  if (footerSize + 4 > fileSize) {
    throw corrupt(where, `footer of ${footerSize} bytes does not fit in a file of ${fileSize} bytes`, { footerSize, fileSize });
  }
  if (tail.length < footerSize) {
    throw new LochError('INVALID_ARGUMENT', `iceberg puffin: ${where}: footer is ${footerSize} bytes but only the last ${tail.length} bytes were given`);
  }
  const start = tail.length - footerSize;
  if (!hasMagicAt(tail, start)) throw corrupt(where, `no Puffin magic at the footer start (byte ${fileSize - footerSize})`);
  const flags = tail[tail.length - 8]!;
  if ((flags & FLAG_PAYLOAD_LZ4) !== 0) {
    throw new LochError('UNSUPPORTED_FEATURE', `iceberg puffin: ${where}: the footer payload is LZ4-compressed, which Loch does not read`);
  }
  const payload = tail.subarray(start + 4, tail.length - PUFFIN_TRAILER_SIZE);
  const json = parseFooterJson(payload, where);
  const blobsEnd = fileSize - footerSize;
  const blobs = requireArray(json['blobs'], 'blobs', where).map((raw, i) => parseBlob(raw, `${where}: blob ${i}`, blobsEnd));
  const properties = stringRecord(json['properties'], 'properties', where);
  return { blobs, properties, footerSize };
}

function parseBlob(raw: unknown, where: string, blobsEnd: number): PuffinBlob {
  const o = requireObject(raw, 'blob metadata', where);
  const type = o['type'];
  if (typeof type !== 'string') throw corrupt(where, 'field "type" is missing or not a string');
  const fields = requireArray(o['fields'], 'fields', where).map((f, i) => safeInt(f, `fields[${i}]`, where));
  const snapshotId = exactLong(o['snapshot-id'], 'snapshot-id', where);
  const sequenceNumber = safeInt(o['sequence-number'], 'sequence-number', where);
  const offset = safeInt(o['offset'], 'offset', where);
  const length = safeInt(o['length'], 'length', where);
  if (offset < 4 || length < 0 || offset + length > blobsEnd) {
    throw corrupt(where, `blob at offset ${offset} with length ${length} lies outside bytes 4..${blobsEnd} of the file`, { offset, length });
  }
  const codec = o['compression-codec'];
  if (codec !== undefined && codec !== null && typeof codec !== 'string') throw corrupt(where, 'field "compression-codec" is not a string');
  const properties = stringRecord(o['properties'], 'properties', where);
  return {
    type,
    fields,
    snapshotId,
    sequenceNumber,
    offset,
    length,
    ...(typeof codec === 'string' ? { compressionCodec: codec } : {}),
    properties,
  };
}

/**
 * The stored bytes of one blob, given the whole file. A compressed blob is UNSUPPORTED_FEATURE
 * (Loch only reads deletion vectors, which are never compressed).
 */
export function puffinBlobBytes(file: Uint8Array, blob: PuffinBlob, where: string): Uint8Array {
  if (blob.compressionCodec !== undefined) {
    throw new LochError('UNSUPPORTED_FEATURE', `iceberg puffin: ${where}: blob at offset ${blob.offset} is ${blob.compressionCodec}-compressed, which Loch does not read`);
  }
  if (blob.offset + blob.length > file.length) {
    throw corrupt(where, `blob at offset ${blob.offset} with length ${blob.length} runs past the end of the ${file.length}-byte file`);
  }
  return file.subarray(blob.offset, blob.offset + blob.length);
}

/**
 * Writes a Puffin file: magic, the blobs in order (uncompressed), and an uncompressed footer
 * whose file properties hold `created-by`. Returns the bytes and each blob's metadata with its
 * offset (the first blob starts at byte 4), as a manifest entry needs them
 * (`content_offset` / `content_size_in_bytes`).
 */
export function writePuffin(blobs: readonly PuffinBlobInput[], createdBy: string): { bytes: Uint8Array; blobs: PuffinBlob[] } {
  let offset = PUFFIN_MAGIC.length;
  const written: PuffinBlob[] = blobs.map((b) => {
    const blob: PuffinBlob = {
      type: b.type,
      fields: [...(b.fields ?? [])],
      snapshotId: b.snapshotId ?? -1n,
      sequenceNumber: b.sequenceNumber ?? -1,
      offset,
      length: b.bytes.length,
      properties: { ...b.properties },
    };
    offset += b.bytes.length;
    return blob;
  });
  const payload = utf8Encode(footerJson(written, createdBy));
  const trailer = new Uint8Array(PUFFIN_TRAILER_SIZE);
  dataView(trailer).setInt32(0, payload.length, true);
  trailer.set(PUFFIN_MAGIC, 8);
  const bytes = concatBytes([PUFFIN_MAGIC, ...blobs.map((b) => b.bytes), PUFFIN_MAGIC, payload, trailer]);
  return { bytes, blobs: written };
}

/** The footer JSON, built by hand so that a 64-bit snapshot id is written exactly. */
function footerJson(blobs: readonly PuffinBlob[], createdBy: string): string {
  const entries = blobs.map(
    (b) =>
      `{"type":${JSON.stringify(b.type)},"fields":[${b.fields.join(',')}],` +
      `"snapshot-id":${b.snapshotId.toString()},"sequence-number":${b.sequenceNumber},` +
      `"offset":${b.offset},"length":${b.length},"properties":${JSON.stringify(b.properties)}}`,
  );
  return `{"blobs":[${entries.join(',')}],"properties":${JSON.stringify({ 'created-by': createdBy })}}`;
}

// ---- footer JSON with exact numbers -------------------------------------------------------

/**
 * Marks a number token: JSON.parse would round 64-bit snapshot ids, so every number is turned
 * into a string starting with this private-use character before parsing.
 */
const NUMBER_MARK = '\uE000';
const NUMBER_TOKEN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

function parseFooterJson(payload: Uint8Array, where: string): Record<string, unknown> {
  let text: string;
  try {
    text = utf8Decode(payload);
  } catch (error) {
    throw new LochError('CORRUPT_DATA', `iceberg puffin: ${where}: footer payload is not valid UTF-8`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(markNumbers(text));
  } catch (error) {
    throw new LochError('CORRUPT_DATA', `iceberg puffin: ${where}: footer payload is not valid JSON`, { cause: error });
  }
  return requireObject(parsed, 'footer payload', where);
}

/** Quotes every number token outside strings; anything else is left to JSON.parse to judge. */
function markNumbers(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      NUMBER_TOKEN.lastIndex = i;
      const token = NUMBER_TOKEN.exec(text)?.[0];
      // A lone "-" is left as is for JSON.parse to reject.
      out += token === undefined ? ch : `"${NUMBER_MARK}${token}"`;
      i += token === undefined ? 1 : token.length;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** Index just past the string literal starting at `start` (or the text's end when unterminated). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\') i += 2;
    else if (ch === '"') return i + 1;
    else i++;
  }
  return text.length;
}

function numberText(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith(NUMBER_MARK) ? value.slice(1) : undefined;
}

function exactLong(value: unknown, name: string, where: string): bigint {
  const text = numberText(value);
  if (text === undefined || !/^-?\d+$/.test(text)) throw corrupt(where, `field "${name}" is missing or not an integer`);
  const n = BigInt(text);
  if (n < -(2n ** 63n) || n >= 2n ** 63n) throw corrupt(where, `field "${name}" (${text}) is out of the long range`);
  return n;
}

function safeInt(value: unknown, name: string, where: string): number {
  const n = Number(exactLong(value, name, where));
  if (!Number.isSafeInteger(n)) throw corrupt(where, `field "${name}" (${String(numberText(value))}) is too large`);
  return n;
}

function requireObject(value: unknown, name: string, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw corrupt(where, `${name} is not a JSON object`);
  return value as Record<string, unknown>;
}

function requireArray(value: unknown, name: string, where: string): unknown[] {
  if (!Array.isArray(value)) throw corrupt(where, `field "${name}" is missing or not an array`);
  return value;
}

/** An optional object of string values; a number value counts as corrupt (the spec says strings). */
function stringRecord(value: unknown, name: string, where: string): Readonly<Record<string, string>> {
  if (value === undefined || value === null) return {};
  const o = requireObject(value, `field "${name}"`, where);
  const entries = Object.entries(o);
  for (const [k, v] of entries) {
    if (typeof v !== 'string' || numberText(v) !== undefined) throw corrupt(where, `property ${JSON.stringify(k)} is not a string`);
  }
  // fromEntries defines own properties, so a "__proto__" key stays a plain key.
  return Object.fromEntries(entries) as Record<string, string>;
}
