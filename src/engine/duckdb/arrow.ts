/**
 * DuckDB result chunks as Arrow record batches, one batch per chunk (see arrow-types.ts for the
 * type mapping).
 */
import { Field, RecordBatch, Schema, Struct, makeData } from 'apache-arrow';
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
  const children = schema.fields.map((field, i) => buildArrowData(field.type, chunk.getColumnVector(i).toArray()));
  const data = makeData({ type: new Struct(schema.fields), length, nullCount: 0, children });
  return new RecordBatch(schema, data);
}
