import { LochError } from '../../../core/errors.js';
import type { IcebergSchema, PartitionSpec, SortOrder, TableMetadata } from '../model.js';
import { fieldIds, RESERVED_PROPERTIES } from './update-apply.js';

export interface NewTableOptions {
  /** Table location URL; trailing slashes are dropped. */
  readonly location: string;
  /** With its final field ids (spec/schema.ts fromLochSchema assigns them). */
  readonly schema: IcebergSchema;
  /** With its final partition field ids (1000, 1001, …); `{specId: 0, fields: []}` for none. */
  readonly spec: PartitionSpec;
  /** Default: unsorted (order id 0). */
  readonly sortOrder?: SortOrder;
  /** Reserved keys (format-version, uuid, …) are dropped: they are metadata fields, not properties. */
  readonly properties: Readonly<Record<string, string>>;
  readonly formatVersion: 1 | 2 | 3;
  readonly tableUuid: string;
  readonly nowMs: number;
}

/**
 * Metadata of a new, empty table (no snapshots, no current snapshot): schema, spec and order as
 * given and the only ones; last-column-id = the highest field id, last-partition-id = the
 * highest partition field id or 999; v3 starts next-row-id at 0. Throws INVALID_ARGUMENT when
 * the spec or sort order names a source id the schema lacks, when field ids repeat, or when a v1
 * spec's field ids are not 1000, 1001, … in order.
 */
export function newTableMetadata(options: NewTableOptions): TableMetadata {
  const where = `iceberg metadata: new table ${options.location}`;
  const ids = fieldIds(options.schema.fields, where);
  const sortOrder = options.sortOrder ?? { orderId: 0, fields: [] };
  const sources = [...options.spec.fields.flatMap((f) => f.sourceIds), ...sortOrder.fields.flatMap((f) => f.sourceIds)];
  const unknown = sources.filter((id) => !ids.has(id));
  if (unknown.length > 0) throw new LochError('INVALID_ARGUMENT', `${where}: partition/sort source ids ${unknown.join(', ')} are not fields of the schema`);
  if (options.formatVersion === 1 && options.spec.fields.some((f, i) => f.fieldId !== 1000 + i)) {
    throw new LochError('INVALID_ARGUMENT', `${where}: format version 1 needs partition field ids 1000, 1001, … in order`);
  }
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.properties)) if (!RESERVED_PROPERTIES.has(key)) properties[key] = value;
  return {
    formatVersion: options.formatVersion,
    tableUuid: options.tableUuid,
    location: options.location.replace(/\/+$/, ''),
    lastSequenceNumber: 0,
    lastUpdatedMs: options.nowMs,
    lastColumnId: Math.max(0, ...ids),
    schemas: [options.schema],
    currentSchemaId: options.schema.schemaId,
    partitionSpecs: [options.spec],
    defaultSpecId: options.spec.specId,
    lastPartitionId: Math.max(999, ...options.spec.fields.map((f) => f.fieldId)),
    properties,
    snapshots: [],
    snapshotLog: [],
    metadataLog: [],
    sortOrders: [sortOrder],
    defaultSortOrderId: sortOrder.orderId,
    refs: {},
    statistics: [],
    partitionStatistics: [],
    ...(options.formatVersion === 3 ? { nextRowId: 0 } : {}),
  };
}
