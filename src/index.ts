/** Loch's public surface: the entry point, the table API types, expressions, errors. */
import { Loch as SqlLoch } from './sql/loch.js';
import type { LochOptions } from './sql/loch.js';
import { aiExtension } from './ai/index.js';

/** The entry point: `await Loch.open()` opens the warehouse with every layer switched on (AI included). */
export type Loch = SqlLoch;
export const Loch = {
  /** Opens a warehouse (see LochOptions); `extensions` default to the ai extension. */
  open: (options: LochOptions = {}): Promise<SqlLoch> => SqlLoch.open({ ...options, extensions: options.extensions ?? [aiExtension()] }),
};
export type { LochOptions, LochSession, SqlOptions } from './sql/loch.js';
export { aiExtension, aiRuntime, agents, registerTool, evaluate } from './ai/index.js';
export type { AiOptions, AiRuntime, ModelGateway, ChatRequest, ChatResponse, ChatMessage, EmbeddingRequest, EmbeddingResponse, EndpointDefinition } from './ai/index.js';
export type { SecretStore } from './catalog/secrets/secret-store.js';
export type { SqlValue, QueryParams } from './sql/params.js';
export { UntypedParam, untyped } from './sql/params.js';
export type { Catalog, CatalogInfo, SchemaInfo, TableInfo, TableType, VolumeInfo, VolumeType, ObjectName, ObjectChange } from './catalog/catalog-types.js';
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
export type { WriteSource, WriteOptions, WriteOutcome, TableTransaction } from './table/write/table-writer.js';
export type { CreateTableRequest, CreateOutcome, CreateMode } from './table/write/create-op.js';
export type { ConvertRequest, ConvertOutcome } from './table/write/convert-op.js';
export type { Alteration } from './table/write/alter-op.js';
export type { CommitResult } from './table/write/commit-loop.js';
export type { WriteMetrics } from './table/write/write-op.js';
export { field } from './expr/types.js';
export type { IcebergView, IcebergOpenOptions, IcebergSnapshotSelector } from './table/iceberg/iceberg-table.js';
