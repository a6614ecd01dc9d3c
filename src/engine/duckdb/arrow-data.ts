/**
 * Arrow column data built from DuckDB values: typed arrays and validity bitmaps filled directly
 * (no Arrow builders), nested types recursively from their children.
 */
import { DataType, makeData, type Data, type DataType as ArrowType, type Field, type List } from 'apache-arrow';
import {
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimeValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import { timestampCount } from './timestamp-count.js';

const encoder = new TextEncoder();
const MASK_128 = (1n << 128n) - 1n;

interface Validity {
  readonly bitmap: Uint8Array | undefined;
  readonly nullCount: number;
}

function validity(values: readonly DuckDBValue[]): Validity {
  let nullCount = 0;
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  values.forEach((v, i) => {
    if (v === null) nullCount += 1;
    else bitmap[i >> 3] = (bitmap[i >> 3] ?? 0) | (1 << (i & 7));
  });
  return { bitmap: nullCount === 0 ? undefined : bitmap, nullCount };
}

/** The integer payload of a temporal, decimal or integer DuckDB value. */
function rawBigint(value: DuckDBValue): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  const stamp = timestampCount(value);
  if (stamp !== undefined) return stamp.count;
  if (value instanceof DuckDBTimeValue) return value.micros;
  if (value instanceof DuckDBDecimalValue) return value.value;
  if (value instanceof DuckDBDateValue) return BigInt(value.days);
  return 0n;
}

function rawNumber(value: DuckDBValue): number {
  if (typeof value === 'number') return value;
  if (value instanceof DuckDBDateValue) return value.days;
  return Number(rawBigint(value));
}

function fixedWidthData(type: ArrowType, values: readonly DuckDBValue[], v: Validity): Data {
  const common = { type, length: values.length, nullCount: v.nullCount, nullBitmap: v.bitmap };
  if (DataType.isBool(type)) {
    const bits = new Uint8Array((values.length + 7) >> 3);
    values.forEach((x, i) => {
      if (x === true) bits[i >> 3] = (bits[i >> 3] ?? 0) | (1 << (i & 7));
    });
    return makeData({ ...common, type, data: bits });
  }
  if (DataType.isDecimal(type)) {
    const words = new Uint32Array(values.length * 4);
    values.forEach((x, i) => {
      if (x === null) return;
      let bits = rawBigint(x) & MASK_128;
      for (let w = 0; w < 4; w += 1) {
        words[i * 4 + w] = Number(bits & 0xffffffffn);
        bits >>= 32n;
      }
    });
    return makeData({ ...common, type, data: words });
  }
  const ArrayType = (type as { ArrayType: new (n: number) => ArrayLike<unknown> }).ArrayType;
  const out = new ArrayType(values.length) as unknown as { [i: number]: number | bigint };
  const big = out instanceof BigInt64Array || out instanceof BigUint64Array;
  values.forEach((x, i) => {
    if (x !== null) out[i] = big ? rawBigint(x) : rawNumber(x);
  });
  return makeData({ ...common, data: out } as Parameters<typeof makeData>[0]);
}

function bytesOf(value: DuckDBValue, binary: boolean): Uint8Array {
  if (binary && value instanceof DuckDBBlobValue) return value.bytes;
  return encoder.encode(typeof value === 'string' ? value : String(value));
}

/**
 * Strings go straight into one buffer (Buffer.byteLength + Buffer.write are native): encoding
 * each string to its own array and copying it again cost most of a wide scan's conversion time.
 */
function utf8Data(type: ArrowType, values: readonly DuckDBValue[], v: Validity): Data {
  const texts = values.map((x) => (x === null ? null : typeof x === 'string' ? x : String(x)));
  let total = 0;
  for (const t of texts) if (t !== null) total += Buffer.byteLength(t, 'utf8');
  const data = Buffer.allocUnsafe(total);
  const offsets = new Int32Array(values.length + 1);
  let at = 0;
  texts.forEach((t, i) => {
    if (t !== null) at += data.write(t, at, 'utf8');
    offsets[i + 1] = at;
  });
  const bytes = new Uint8Array(data.buffer, data.byteOffset, total);
  return makeData({ type, length: values.length, nullCount: v.nullCount, nullBitmap: v.bitmap, valueOffsets: offsets, data: bytes } as Parameters<typeof makeData>[0]);
}

function variableWidthData(type: ArrowType, values: readonly DuckDBValue[], v: Validity): Data {
  const binary = DataType.isBinary(type);
  if (!binary) return utf8Data(type, values, v);
  const parts: Uint8Array[] = [];
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  values.forEach((x, i) => {
    if (x !== null) {
      const bytes = bytesOf(x, binary);
      parts.push(bytes);
      total += bytes.byteLength;
    }
    offsets[i + 1] = total;
  });
  const data = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.byteLength;
  }
  return makeData({ type, length: values.length, nullCount: v.nullCount, nullBitmap: v.bitmap, valueOffsets: offsets, data } as Parameters<typeof makeData>[0]);
}

function itemsOf(value: DuckDBValue): readonly DuckDBValue[] {
  return value instanceof DuckDBListValue || value instanceof DuckDBArrayValue ? value.items : [];
}

function nestedData(type: ArrowType, values: readonly DuckDBValue[], v: Validity): Data {
  const common = { length: values.length, nullCount: v.nullCount, nullBitmap: v.bitmap };
  const children = type.children as Field[];
  if (DataType.isStruct(type)) {
    const datas = children.map((f) =>
      buildArrowData(f.type, values.map((x) => (x instanceof DuckDBStructValue ? (x.entries[f.name] ?? null) : null))),
    );
    return makeData({ ...common, type, children: datas });
  }
  if (DataType.isFixedSizeList(type)) {
    const flat: DuckDBValue[] = [];
    for (const x of values) {
      const items = itemsOf(x);
      for (let k = 0; k < type.listSize; k += 1) flat.push(items[k] ?? null);
    }
    return makeData({ ...common, type, child: buildArrowData((children[0] as Field).type, flat) });
  }
  const offsets = new Int32Array(values.length + 1);
  const flat: DuckDBValue[] = [];
  values.forEach((x, i) => {
    if (x instanceof DuckDBMapValue) {
      for (const e of x.entries) flat.push(new DuckDBStructValue({ key: e.key, value: e.value }));
    } else if (x !== null) {
      flat.push(...itemsOf(x));
    }
    offsets[i + 1] = flat.length;
  });
  const child = buildArrowData((children[0] as Field).type, flat);
  if (DataType.isMap(type)) return makeData({ ...common, type, valueOffsets: offsets, child });
  return makeData({ ...common, type: type as List, valueOffsets: offsets, child });
}

/** One Arrow column of `type` holding `values` (DuckDB values of the matching DuckDB type). */
export function buildArrowData(type: ArrowType, values: readonly DuckDBValue[]): Data {
  const v = validity(values);
  if (DataType.isUtf8(type) || DataType.isBinary(type)) return variableWidthData(type, values, v);
  if (DataType.isList(type) || DataType.isStruct(type) || DataType.isMap(type) || DataType.isFixedSizeList(type)) {
    return nestedData(type, values, v);
  }
  return fixedWidthData(type, values, v);
}
