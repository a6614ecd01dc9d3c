/**
 * DuckDB result chunks as Arrow record batches, one batch per chunk (see arrow-types.ts for the
 * type mapping).
 */
import { DataType, Field, RecordBatch, Schema, Struct, makeData } from 'apache-arrow';
import type { Data, DataType as ArrowType } from 'apache-arrow';
import type { DuckDBDataChunk, DuckDBType } from '@duckdb/node-api';
import { arrowTypeOf } from './arrow-types.js';
import { buildArrowData } from './arrow-data.js';

/** The Arrow schema of a result with these column names and DuckDB types; all fields nullable. */
export function arrowSchemaOf(names: readonly string[], types: readonly DuckDBType[]): Schema {
  return new Schema(names.map((name, i) => new Field(name, arrowTypeOf(types[i] as DuckDBType), true)));
}

/** One record batch holding the rows of one DuckDB chunk. */
export function chunkToRecordBatch(schema: Schema, chunk: DuckDBDataChunk): RecordBatch {
  const length = chunk.rowCount;
  const children = schema.fields.map((field, i) => {
    const vector = chunk.getColumnVector(i);
    return primitiveData(field.type, vector, length) ?? buildArrowData(field.type, vector.toArray());
  });
  const data = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children });
  return new RecordBatch(schema, data);
}

/** What a @duckdb/node-api fixed-width vector holds (its fields are private in the typings). */
interface FixedWidthVector {
  readonly items?: unknown;
  readonly validity?: { itemValid(index: number): boolean };
}

/**
 * Integer, floating point, date and timestamp columns copied as whole typed arrays when the
 * vector's storage has exactly the Arrow type's layout (DuckDB's units match the Arrow types
 * arrow-types.ts picks): boxing every value cost most of a scan's conversion time. Undefined
 * when the layout differs or the package's internals change: the value path takes over.
 */
function primitiveData(type: ArrowType, vector: unknown, length: number): Data | undefined {
  if (!(DataType.isInt(type) || DataType.isFloat(type) || DataType.isDate(type) || DataType.isTimestamp(type))) return undefined;
  const { items, validity } = vector as FixedWidthVector;
  const ArrayType = (type as { ArrayType?: unknown }).ArrayType;
  if (!ArrayBuffer.isView(items) || items.constructor !== ArrayType || validity === undefined) return undefined;
  const typed = items as unknown as { length: number; slice(start: number, end: number): ArrayBufferView };
  if (typed.length < length) return undefined;
  let nullCount = 0;
  const bitmap = new Uint8Array((length + 7) >> 3);
  for (let i = 0; i < length; i += 1) {
    if (validity.itemValid(i)) bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
    else nullCount += 1;
  }
  // slice copies: the vector's memory belongs to DuckDB and is reused for the next chunk.
  const data = typed.slice(0, length);
  return makeData({ type, length, nullCount, ...(nullCount > 0 ? { nullBitmap: bitmap } : {}), data } as Parameters<typeof makeData>[0]);
}
