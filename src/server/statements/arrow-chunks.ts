/**
 * ARROW_STREAM chunks: each chunk is a complete Arrow IPC stream (schema, one record batch, end
 * marker), as Databricks serves each external link, built from the chunk's rows.
 *
 * Types: BOOLEAN Bool; TINYINT…BIGINT Int8…Int64 (and the unsigned ones); FLOAT/DOUBLE
 * Float32/Float64; DECIMAL(p,s) Decimal128(p,s); VARCHAR Utf8; BLOB Binary; DATE DateDay;
 * TIMESTAMP Timestamp(µs) and TIMESTAMP WITH TIME ZONE Timestamp(µs, 'UTC'). Everything else
 * (nested types, intervals, HUGEINT…) is Utf8 holding the JSON_ARRAY text of the value: a
 * documented simplification (nested Arrow types are not built).
 */
import {
  Binary, Bool, DateDay, Decimal, Field, Float32, Float64, Int16, Int32, Int64, Int8, RecordBatch, RecordBatchStreamWriter,
  Schema, Struct, TimeUnit, Timestamp, Uint16, Uint32, Uint64, Uint8, Utf8, makeData, vectorFromArray,
} from 'apache-arrow';
import type { Data, DataType as ArrowType } from 'apache-arrow';
import type { SqlValue } from '../../engine/index.js';
import type { ResultColumn } from './columns.js';
import type { ChunkEncoder } from './encoders.js';
import { valueText } from './value-text.js';

interface ArrowColumn {
  readonly type: ArrowType;
  build(values: readonly SqlValue[]): Data;
}

export function arrowChunkEncoder(columns: readonly ResultColumn[]): ChunkEncoder {
  const arrowColumns = columns.map(arrowColumn);
  const fields = columns.map((c, i) => new Field(c.name, (arrowColumns[i] as ArrowColumn).type, true));
  const schema = new Schema(fields);
  return {
    contentType: 'application/vnd.apache.arrow.stream',
    encode: (rows) => {
      const writer = new RecordBatchStreamWriter();
      writer.reset(undefined, schema);
      if (rows.length > 0) {
        const children = arrowColumns.map((column, i) => column.build(rows.map((row) => row[i] ?? null)));
        writer.write(new RecordBatch(schema, makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children })));
      }
      writer.finish();
      return { body: writer.toUint8Array(true) };
    },
  };
}

const SIMPLE: Readonly<Record<string, () => ArrowType>> = {
  BOOLEAN: () => new Bool(),
  TINYINT: () => new Int8(),
  SMALLINT: () => new Int16(),
  INTEGER: () => new Int32(),
  BIGINT: () => new Int64(),
  UTINYINT: () => new Uint8(),
  USMALLINT: () => new Uint16(),
  UINTEGER: () => new Uint32(),
  UBIGINT: () => new Uint64(),
  FLOAT: () => new Float32(),
  DOUBLE: () => new Float64(),
  VARCHAR: () => new Utf8(),
  BLOB: () => new Binary(),
};

function arrowColumn(column: ResultColumn): ArrowColumn {
  const text = column.duckType.toUpperCase();
  const simple = SIMPLE[text];
  if (simple !== undefined) return builtColumn(simple());
  if (text === 'DATE') return builtColumn(new DateDay(), (v) => (typeof v === 'string' ? dateOf(v) : null));
  if (text === 'TIMESTAMP') return timestampColumn(null);
  if (text === 'TIMESTAMP WITH TIME ZONE') return timestampColumn('UTC');
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(text);
  if (decimal !== null) {
    const scale = Number(decimal[2]);
    return builtColumn(new Decimal(scale, Number(decimal[1]), 128), (v) => (typeof v === 'string' ? decimalWords(v, scale) : null));
  }
  return builtColumn(new Utf8(), (v) => valueText(v, column.type));
}

function builtColumn(type: ArrowType, convert: (value: SqlValue) => unknown = (v) => v): ArrowColumn {
  return {
    type,
    build: (values) => {
      // vectorFromArray builds one Data for a whole array (its builder has no chunk size).
      const vector = vectorFromArray(values.map((v) => (v === null ? null : convert(v))), type);
      return vector.data[0] as Data;
    },
  };
}

/** Timestamps are built directly: the vector builder takes milliseconds and would drop microseconds. */
function timestampColumn(timezone: string | null): ArrowColumn {
  const type = new Timestamp(TimeUnit.MICROSECOND, timezone);
  return {
    type,
    build: (values) => {
      const micros = new BigInt64Array(values.length);
      const valid = new Uint8Array(Math.ceil(values.length / 8));
      let nullCount = 0;
      values.forEach((v, i) => {
        const us = typeof v === 'string' ? timestampMicros(v) : undefined;
        if (us === undefined) nullCount += 1;
        else {
          micros[i] = us;
          valid[i >> 3] = (valid[i >> 3] as number) | (1 << (i & 7));
        }
      });
      return makeData({ type, length: values.length, nullCount, nullBitmap: nullCount === 0 ? null : valid, data: micros }) as Data;
    },
  };
}

/** 'YYYY-MM-DDTHH:MM:SS[.ffffff][Z]' → microseconds since the epoch; infinities are null. */
export function timestampMicros(text: string): bigint | undefined {
  const match = /^(-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z?$/.exec(text);
  if (match === null) return undefined;
  const seconds = Date.parse(`${match[1]}Z`);
  if (Number.isNaN(seconds)) return undefined;
  const fraction = (match[2] ?? '').padEnd(6, '0').slice(0, 6);
  return BigInt(seconds) * 1000n + BigInt(fraction);
}

function dateOf(text: string): Date | null {
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** A decimal's text as the four little-endian 32-bit words of its scaled 128-bit integer. */
export function decimalWords(text: string, scale: number): Uint32Array {
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = text.replace(/^[-+]/, '').split('.');
  let scaled = BigInt(`${whole}${fraction.padEnd(scale, '0').slice(0, scale)}` || '0');
  if (negative) scaled = -scaled;
  let bits = BigInt.asUintN(128, scaled);
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i += 1) {
    words[i] = Number(bits & 0xffffffffn);
    bits >>= 32n;
  }
  return words;
}
