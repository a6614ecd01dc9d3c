import { randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import avsc from 'avsc';
import { LochError, utf8Decode, utf8Encode } from '../../../core/index.js';

/**
 * Avro Object Container Files (the framing of Iceberg manifests and manifest lists), read and
 * written synchronously from bytes. avsc encodes and decodes the records; the framing is done
 * here because avsc's own BlockEncoder rewrites the header schema and drops the `field-id`,
 * `element-id` and `logicalType: map` attributes Iceberg readers depend on.
 */

const MAGIC = Uint8Array.of(0x4f, 0x62, 0x6a, 0x01); // "Obj" 1
const SYNC_SIZE = 16;
/** Blocks are cut near this many encoded bytes, like Avro's default sync interval. */
const BLOCK_TARGET_BYTES = 64 * 1024;

const HEADER = avsc.Type.forSchema({
  type: 'record',
  name: 'org.apache.avro.file.Header',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: SYNC_SIZE } },
  ],
});
/** Block counts and sizes: always far below 2^53, so avsc's plain long type is fine. */
const COUNT = avsc.Type.forSchema('long');

/**
 * Every Avro long (also under logical types such as timestamp-micros) as a JS bigint: manifest
 * lists carry 63-bit snapshot ids that a number would round.
 */
const BIGINT_LONG = avsc.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint | number) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (value: unknown) => BigInt(value as string),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

function isLongSchema(schema: unknown): boolean {
  if (schema === 'long') return true;
  return typeof schema === 'object' && schema !== null && (schema as { type?: unknown }).type === 'long';
}

/**
 * Builds an avsc type for one file's schema. A fresh registry per call: Java reuses record
 * names (`r102`, `k117_v118`) with different fields from file to file.
 */
export function avroType(schemaJson: unknown): avsc.Type {
  return avsc.Type.forSchema(schemaJson as avsc.Schema, {
    registry: {},
    wrapUnions: false,
    typeHook: (schema) => (isLongSchema(schema) ? BIGINT_LONG : undefined),
  });
}

export interface AvroContainer {
  /** The writer schema as raw JSON, with every custom attribute (field-id, element-id, …). */
  readonly schema: unknown;
  /** The file's key-value metadata, including `avro.schema` and `avro.codec`. */
  readonly metadata: ReadonlyMap<string, Uint8Array>;
  /**
   * Decoded records: records as objects keyed by Avro field name, `["null", T]` unions as the
   * value or null, longs as bigint, bytes and fixed as Buffer, Avro maps as plain objects.
   */
  readonly records: unknown[];
}

interface Header {
  readonly meta: Record<string, Buffer>;
  readonly sync: Buffer;
  readonly offset: number;
}

function corrupt(where: string, detail: string, cause?: unknown): LochError {
  return new LochError('CORRUPT_DATA', `iceberg avro: ${where}: ${detail}`, cause === undefined ? { context: { file: where } } : { context: { file: where }, cause });
}

function readHeader(buf: Buffer, where: string): Header {
  if (buf.length < MAGIC.length || !MAGIC.every((b, i) => buf[i] === b)) {
    throw corrupt(where, `not an Avro container file (${buf.length} bytes, magic bytes missing)`);
  }
  let decoded: { value: { meta: Record<string, Buffer>; sync: Buffer }; offset: number };
  try {
    decoded = HEADER.decode(buf, 0);
  } catch (err) {
    throw corrupt(where, `unreadable file header: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  if (decoded.offset < 0) throw corrupt(where, `file header truncated (${buf.length} bytes)`);
  return { meta: decoded.value.meta, sync: decoded.value.sync, offset: decoded.offset };
}

function parseSchema(header: Header, where: string): unknown {
  const raw = header.meta['avro.schema'];
  if (raw === undefined) throw corrupt(where, 'header has no avro.schema');
  try {
    return JSON.parse(utf8Decode(raw)) as unknown;
  } catch (err) {
    throw corrupt(where, 'avro.schema is not valid JSON', err);
  }
}

/**
 * Compiled reader types by schema text: a table's manifests share a handful of schemas, and
 * compiling one costs more than decoding a manifest. Same text, same type, so sharing is safe
 * (the fresh-registry rule is about equal names with different fields, which differ in text).
 */
const TYPES = new Map<string, avsc.Type>();
const MAX_CACHED_TYPES = 64;

function cachedType(header: Header, schema: unknown): avsc.Type {
  const key = utf8Decode(header.meta['avro.schema'] as Buffer);
  let type = TYPES.get(key);
  if (type === undefined) {
    type = avroType(schema);
    if (TYPES.size >= MAX_CACHED_TYPES) TYPES.delete(TYPES.keys().next().value as string);
    TYPES.set(key, type);
  }
  return type;
}

function codecOf(header: Header, where: string): 'null' | 'deflate' {
  const raw = header.meta['avro.codec'];
  const codec = raw === undefined ? 'null' : utf8Decode(raw);
  if (codec === 'null' || codec === 'deflate') return codec;
  throw new LochError('UNSUPPORTED_FEATURE', `iceberg avro: ${where}: codec "${codec}" is not supported (only null and deflate)`, {
    context: { file: where, codec },
  });
}

function readCount(buf: Buffer, pos: number, what: string, where: string): { value: number; offset: number } {
  const decoded = COUNT.decode(buf, pos) as { value: number; offset: number };
  if (decoded.offset < 0 || decoded.value < 0) throw corrupt(where, `${what} at byte ${pos} is truncated or negative`);
  return decoded;
}

function decodeBlock(block: Buffer, count: number, type: avsc.Type, where: string, blockIndex: number): unknown[] {
  const out: unknown[] = [];
  let pos = 0;
  for (let i = 0; i < count; i++) {
    let decoded: { value: unknown; offset: number };
    try {
      decoded = type.decode(block, pos);
    } catch (err) {
      throw corrupt(where, `block ${blockIndex}: record ${i} does not decode: ${err instanceof Error ? err.message : String(err)}`, err);
    }
    if (decoded.offset < 0) throw corrupt(where, `block ${blockIndex}: record ${i} of ${count} is truncated`);
    out.push(decoded.value);
    pos = decoded.offset;
  }
  if (pos !== block.length) throw corrupt(where, `block ${blockIndex}: ${block.length - pos} bytes left after ${count} records`);
  return out;
}

/**
 * Reads a whole Avro container file. Codecs: null and deflate; any other codec is
 * UNSUPPORTED_FEATURE; bad magic, truncation, a wrong sync marker or undecodable records are
 * CORRUPT_DATA. `where` names the file in messages.
 */
export function readAvroContainer(bytes: Uint8Array, where: string): AvroContainer {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = readHeader(buf, where);
  const schema = parseSchema(header, where);
  const codec = codecOf(header, where);
  let type: avsc.Type;
  try {
    type = cachedType(header, schema);
  } catch (err) {
    throw corrupt(where, `avro.schema is not a valid Avro schema: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  const records: unknown[] = [];
  let pos = header.offset;
  for (let blockIndex = 0; pos < buf.length; blockIndex++) {
    const count = readCount(buf, pos, `block ${blockIndex} record count`, where);
    const size = readCount(buf, count.offset, `block ${blockIndex} size`, where);
    const end = size.offset + size.value;
    if (end + SYNC_SIZE > buf.length) throw corrupt(where, `block ${blockIndex} needs ${end + SYNC_SIZE} bytes, file has ${buf.length}`);
    let block = buf.subarray(size.offset, end);
    if (codec === 'deflate') {
      try {
        block = inflateRawSync(block);
      } catch (err) {
        throw corrupt(where, `block ${blockIndex} does not inflate`, err);
      }
    }
    records.push(...decodeBlock(block, count.value, type, where, blockIndex));
    if (!buf.subarray(end, end + SYNC_SIZE).equals(header.sync)) throw corrupt(where, `block ${blockIndex}: sync marker mismatch`);
    pos = end + SYNC_SIZE;
  }
  const metadata = new Map<string, Uint8Array>();
  for (const [key, value] of Object.entries(header.meta)) metadata.set(key, new Uint8Array(value));
  return { schema, metadata, records };
}

/** Avro `bytes`/`fixed` values must be Buffers for avsc; callers may hand plain Uint8Arrays. */
function toAvsc(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value)) return value.map(toAvsc);
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = toAvsc(inner);
  return out;
}

function encodeRecords(type: avsc.Type, records: readonly unknown[]): Buffer[][] {
  const blocks: Buffer[][] = [];
  let current: Buffer[] = [];
  let size = 0;
  for (const [index, record] of records.entries()) {
    const value = toAvsc(record);
    // avsc's toBuffer does not validate: a wrong value would be written as garbage.
    let problem: string | undefined;
    type.isValid(value, { errorHook: (path: string[], bad: unknown) => (problem ??= `${path.join('.') || '(root)'} = ${String(bad)}`) });
    if (problem !== undefined) throw new Error(`record ${index}: invalid value at ${problem}`);
    const encoded = type.toBuffer(value);
    current.push(encoded);
    size += encoded.length;
    if (size >= BLOCK_TARGET_BYTES) {
      blocks.push(current);
      current = [];
      size = 0;
    }
  }
  if (current.length > 0) blocks.push(current);
  return blocks;
}

/**
 * Writes an Avro container file whose header carries `schemaJson` verbatim (so custom attributes
 * survive), `metadata` as UTF-8 entries, and the records encoded by avsc (longs as bigint or
 * number, bytes/fixed as Uint8Array, unions as plain values or null). Codec 'null' by default:
 * some readers (icebird) fail on small deflate blocks. `sync` is the 16-byte marker (random when
 * not given; inject it for byte-stable output). Records that do not match the schema →
 * INVALID_ARGUMENT.
 */
export function writeAvroContainer(
  schemaJson: unknown,
  records: readonly unknown[],
  metadata: Readonly<Record<string, string>>,
  codec: 'null' | 'deflate' = 'null',
  sync?: Uint8Array,
): Uint8Array {
  if (sync !== undefined && sync.length !== SYNC_SIZE) {
    throw new LochError('INVALID_ARGUMENT', `iceberg avro: sync marker must be ${SYNC_SIZE} bytes, got ${sync.length}`);
  }
  const marker = sync === undefined ? randomBytes(SYNC_SIZE) : Buffer.from(sync);
  let blocks: Buffer[][];
  try {
    blocks = encodeRecords(avroType(schemaJson), records);
  } catch (err) {
    throw new LochError('INVALID_ARGUMENT', `iceberg avro: cannot encode ${records.length} records: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const meta: Record<string, Buffer> = {};
  for (const [key, value] of Object.entries(metadata)) meta[key] = Buffer.from(utf8Encode(value));
  meta['avro.schema'] = Buffer.from(utf8Encode(JSON.stringify(schemaJson)));
  meta['avro.codec'] = Buffer.from(utf8Encode(codec));
  const parts: Buffer[] = [HEADER.toBuffer({ magic: Buffer.from(MAGIC), meta, sync: marker })];
  for (const block of blocks) {
    const body = Buffer.concat(block);
    const data = codec === 'deflate' ? deflateRawSync(body) : body;
    parts.push(COUNT.toBuffer(block.length), COUNT.toBuffer(data.length), data, marker);
  }
  const out = Buffer.concat(parts);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
