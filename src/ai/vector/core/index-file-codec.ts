import { LochError } from '../../../core/errors.js';
import { concatBytes, utf8Decode, utf8Encode } from '../../../core/bytes.js';
import { AnnIndex } from './ann-index.js';
import { KeywordIndex } from './keyword-index.js';
import type { LiveIndexParts } from './live-index.js';
import type { LiveIndexOptions, LiveRow } from './live-index-types.js';

/**
 * Byte layouts of the index files. Both are: 8 magic bytes, a little-endian u32 header length,
 * a JSON header, then binary sections whose lengths the header gives.
 * - base (`LOCHVIX1`): header {v, options, nextKey, sections: {ann, keys, keyword?}}; sections:
 *   usearch graph bytes, key map JSON ([pk, key][]), keyword index bytes.
 * - segment (`LOCHVSG1`): header {v, dimensions, deletes: pk[], upserts: {pk, text?}[]}; one
 *   section of little-endian f32 vectors, upserts.length × dimensions.
 */

const BASE_MAGIC = 'LOCHVIX1';
const SEGMENT_MAGIC = 'LOCHVSG1';

interface BaseHeader {
  readonly v: 1;
  readonly options: LiveIndexOptions;
  readonly nextKey: string;
  readonly sections: { readonly ann: number; readonly keys: number; readonly keyword?: number };
}

interface SegmentHeader {
  readonly v: 1;
  readonly dimensions: number;
  readonly deletes: readonly string[];
  readonly upserts: readonly { readonly pk: string; readonly text?: string }[];
}

export function encodeBase(parts: LiveIndexParts): Uint8Array {
  const ann = parts.ann.toBytes();
  const keys = utf8Encode(JSON.stringify([...parts.keys].map(([pk, key]) => [pk, key.toString()])));
  const keyword = parts.keyword?.toBytes();
  const header: BaseHeader = {
    v: 1,
    options: parts.options,
    nextKey: parts.nextKey.toString(),
    sections: { ann: ann.length, keys: keys.length, ...(keyword ? { keyword: keyword.length } : {}) },
  };
  return frame(BASE_MAGIC, header, keyword ? [ann, keys, keyword] : [ann, keys]);
}

export function decodeBase(bytes: Uint8Array, name: string): LiveIndexParts {
  return corruptIfThrows(name, () => {
    const { header, body } = unframe<BaseHeader>(BASE_MAGIC, bytes);
    const [annBytes, keyBytes, keywordBytes] = sections(body, [header.sections.ann, header.sections.keys, header.sections.keyword ?? 0]);
    const pairs = JSON.parse(utf8Decode(keyBytes ?? new Uint8Array())) as [string, string][];
    const keys = new Map(pairs.map(([pk, key]) => [pk, BigInt(key)]));
    const ann = AnnIndex.fromBytes(header.options, annBytes ?? new Uint8Array());
    if (ann.size !== keys.size) throw new Error(`graph holds ${ann.size} vectors, key map ${keys.size}`);
    const keyword = header.sections.keyword !== undefined ? KeywordIndex.fromBytes(keywordBytes ?? new Uint8Array()) : undefined;
    return { options: header.options, ann, ...(keyword ? { keyword } : {}), keys, nextKey: BigInt(header.nextKey) };
  });
}

export function encodeSegment(dimensions: number, change: { readonly upserts: readonly LiveRow[]; readonly deletes: readonly string[] }): Uint8Array {
  const vectors = new Uint8Array(change.upserts.length * dimensions * 4);
  const view = new DataView(vectors.buffer);
  change.upserts.forEach((row, i) => {
    if (row.vector.length !== dimensions) {
      throw new LochError('INVALID_ARGUMENT', `vector index files: vector for ${row.pk} has ${row.vector.length} dimensions, the index has ${dimensions}`);
    }
    row.vector.forEach((x, j) => view.setFloat32((i * dimensions + j) * 4, x, true));
  });
  const header: SegmentHeader = {
    v: 1,
    dimensions,
    deletes: change.deletes,
    upserts: change.upserts.map((r) => (r.text !== undefined ? { pk: r.pk, text: r.text } : { pk: r.pk })),
  };
  return frame(SEGMENT_MAGIC, header, [vectors]);
}

export function decodeSegment(bytes: Uint8Array, name: string, dimensions: number): { upserts: LiveRow[]; deletes: string[] } {
  return corruptIfThrows(name, () => {
    const { header, body } = unframe<SegmentHeader>(SEGMENT_MAGIC, bytes);
    if (header.dimensions !== dimensions) throw new Error(`segment has ${header.dimensions} dimensions, the index ${dimensions}`);
    if (body.length !== header.upserts.length * dimensions * 4) throw new Error(`vector section is ${body.length} bytes, expected ${header.upserts.length * dimensions * 4}`);
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const upserts = header.upserts.map((u, i) => {
      const vector = new Float32Array(dimensions);
      for (let j = 0; j < dimensions; j++) vector[j] = view.getFloat32((i * dimensions + j) * 4, true);
      return u.text !== undefined ? { pk: u.pk, vector, text: u.text } : { pk: u.pk, vector };
    });
    return { upserts, deletes: [...header.deletes] };
  });
}

function frame(magic: string, header: unknown, parts: readonly Uint8Array[]): Uint8Array {
  const json = utf8Encode(JSON.stringify(header));
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, json.length, true);
  return concatBytes([utf8Encode(magic), length, json, ...parts]);
}

function unframe<H>(magic: string, bytes: Uint8Array): { header: H; body: Uint8Array } {
  if (bytes.length < 12 || utf8Decode(bytes.subarray(0, 8)) !== magic) throw new Error(`does not start with ${magic}`);
  const length = new DataView(bytes.buffer, bytes.byteOffset + 8, 4).getUint32(0, true);
  if (12 + length > bytes.length) throw new Error(`header length ${length} runs past the end (${bytes.length} bytes)`);
  const header = JSON.parse(utf8Decode(bytes.subarray(12, 12 + length))) as H & { v?: number };
  if (header.v !== 1) throw new Error(`unknown version ${String(header.v)}`);
  return { header, body: bytes.subarray(12 + length) };
}

function sections(body: Uint8Array, lengths: readonly number[]): Uint8Array[] {
  const total = lengths.reduce((a, b) => a + b, 0);
  if (total !== body.length) throw new Error(`sections add up to ${total} bytes, the body has ${body.length}`);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const n of lengths) {
    out.push(body.subarray(at, at + n));
    at += n;
  }
  return out;
}

function corruptIfThrows<T>(name: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof LochError && e.code !== 'INTERNAL') throw e;
    throw new LochError('CORRUPT_DATA', `vector index files: ${name} does not decode: ${e instanceof Error ? e.message : String(e)}`, { cause: e, context: { file: name } });
  }
}
