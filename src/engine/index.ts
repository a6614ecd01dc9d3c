/**
 * The engine layer: DuckDB sessions, streamed results, Arrow batches, scans over data files,
 * the parquet reader of the Delta log, and the parquet writers (data files with statistics,
 * checkpoint rows). Nothing above this layer imports @duckdb/node-api.
 */
export type { ScanSpec, ScanFile, ExtraColumn, EqualityDeleteSet } from './scan-spec.js';
export { ROW_FILE_COLUMN, ROW_POSITION_COLUMN } from './scan-spec.js';
export { DuckDbEngine, type EngineOptions } from './duckdb/database.js';
export { Session, type ExternalWork, type ColumnInfo, type QueryOptions, type QueryResult, type SqlParam } from './duckdb/session.js';
export type { RegisteredScan } from './duckdb/scan-context.js';
export type { Row, SqlValue } from './duckdb/values.js';
export { DuckDbParquetJsonReader, type DuckDbParquetJsonReaderOptions } from './duckdb/parquet-json-reader.js';
export { formatDuckDbError } from './duckdb/errors.js';
export { dataTypeFromDuckDb } from './duckdb/type-from-duckdb.js';
export { rowsRelation, type RowsRelation } from './duckdb/rows-source.js';
export type { ParquetWriteSpec, WriteColumn, WritePartitionColumn, WriteConstraint, WrittenFile } from './write-spec.js';
export { writeParquet } from './duckdb/parquet-write.js';
export { writeRowsAsParquet, type RowsParquetOptions } from './duckdb/rows-parquet.js';
export { ICEBERG_BUCKET_FUNCTION } from './duckdb/iceberg-functions.js';
