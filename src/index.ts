/** Loch's public surface: the entry point, the table API types, expressions, errors. */
export { Loch } from './sql/loch.js';
export type { LochOptions } from './sql/loch.js';
export type { StatementResult } from './sql/result.js';
export type { ScanSummary } from './sql/bind-lake-refs.js';
export type { DeltaTable, TableSnapshot, SnapshotSelector, ColumnInfo } from './table/delta-table.js';
export { LochError, ERROR_CODES } from './core/errors.js';
export type { ErrorCode } from './core/errors.js';
export { col, lit, cmp, eq, and, or, not, isNull, inList } from './expr/nodes.js';
export type { Expr, Literal, LiteralValue } from './expr/nodes.js';
export { primitive, decimal } from './expr/types.js';
export type { DataType, StructType, StructField } from './expr/types.js';
export { openStore } from './storage/open-store.js';
export type { ObjectStore } from './storage/object-store.js';
