/**
 * The engine layer: DuckDB sessions, streamed results, Arrow batches, scans over data files and
 * the parquet reader of the Delta log. Nothing above this layer imports @duckdb/node-api.
 */
export type { ScanSpec, ScanFile, ExtraColumn } from './scan-spec.js';
export { DuckDbEngine, type EngineOptions } from './duckdb/database.js';
export { Session, type ColumnInfo, type QueryOptions, type QueryResult, type SqlParam } from './duckdb/session.js';
export type { RegisteredScan } from './duckdb/scan-context.js';
export type { Row, SqlValue } from './duckdb/values.js';
export { DuckDbParquetJsonReader, type DuckDbParquetJsonReaderOptions } from './duckdb/parquet-json-reader.js';
export { formatDuckDbError } from './duckdb/errors.js';
