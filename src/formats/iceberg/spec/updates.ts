import type { IcebergSchema, PartitionSpec, Snapshot, SnapshotRef, SortOrder, TableMetadata } from '../model.js';

/**
 * Every Loch change to an Iceberg table is a list of requirements (what the writer read) plus a
 * list of updates (what it changes), shaped as the REST catalog's `CommitTableRequest`: path
 * tables, metastore compare-and-swap and the REST server all apply them with the one pure
 * `applyUpdates`. Names are the REST spec's, fields in camelCase; updates-json.ts converts to and
 * from the REST JSON.
 */

export type TableRequirement =
  | { readonly type: 'assert-create' }
  | { readonly type: 'assert-table-uuid'; readonly uuid: string }
  /** `snapshotId: null`: the ref must not exist. */
  | { readonly type: 'assert-ref-snapshot-id'; readonly ref: string; readonly snapshotId: bigint | null }
  | { readonly type: 'assert-last-assigned-field-id'; readonly lastAssignedFieldId: number }
  | { readonly type: 'assert-current-schema-id'; readonly currentSchemaId: number }
  | { readonly type: 'assert-last-assigned-partition-id'; readonly lastAssignedPartitionId: number }
  | { readonly type: 'assert-default-spec-id'; readonly defaultSpecId: number }
  | { readonly type: 'assert-default-sort-order-id'; readonly defaultSortOrderId: number };

/** Ids of -1 in set-current-schema / set-default-spec / set-default-sort-order mean "the last one added by this list". */
export type TableUpdate =
  | { readonly action: 'assign-uuid'; readonly uuid: string }
  | { readonly action: 'upgrade-format-version'; readonly formatVersion: number }
  /** `lastColumnId` is deprecated in REST; applyUpdates derives the new last-column-id itself. */
  | { readonly action: 'add-schema'; readonly schema: IcebergSchema; readonly lastColumnId?: number }
  | { readonly action: 'set-current-schema'; readonly schemaId: number }
  | { readonly action: 'add-spec'; readonly spec: PartitionSpec }
  | { readonly action: 'set-default-spec'; readonly specId: number }
  | { readonly action: 'add-sort-order'; readonly sortOrder: SortOrder }
  | { readonly action: 'set-default-sort-order'; readonly sortOrderId: number }
  | { readonly action: 'add-snapshot'; readonly snapshot: Snapshot }
  | { readonly action: 'set-snapshot-ref'; readonly refName: string; readonly ref: SnapshotRef }
  | { readonly action: 'remove-snapshots'; readonly snapshotIds: readonly bigint[] }
  | { readonly action: 'remove-snapshot-ref'; readonly refName: string }
  | { readonly action: 'set-location'; readonly location: string }
  | { readonly action: 'set-properties'; readonly updates: Readonly<Record<string, string>> }
  | { readonly action: 'remove-properties'; readonly removals: readonly string[] }
  /** `statistics`: the metadata JSON object (`snapshot-id`, `statistics-path`, …), kept as is. */
  | { readonly action: 'set-statistics'; readonly statistics: unknown }
  | { readonly action: 'remove-statistics'; readonly snapshotId: bigint }
  | { readonly action: 'set-partition-statistics'; readonly partitionStatistics: unknown }
  | { readonly action: 'remove-partition-statistics'; readonly snapshotId: bigint }
  | { readonly action: 'remove-partition-specs'; readonly specIds: readonly number[] }
  | { readonly action: 'remove-schemas'; readonly schemaIds: readonly number[] }
  /** `encryptionKey`: the metadata JSON object (`key-id`, `encrypted-key-metadata`, …), kept as is. */
  | { readonly action: 'add-encryption-key'; readonly encryptionKey: unknown }
  | { readonly action: 'remove-encryption-key'; readonly keyId: string };

/**
 * Checks requirements against the table as it is now (`undefined`: the table does not exist).
 * Returns undefined when all hold, else a message naming the first failed requirement and the
 * value found; the caller turns it into a CONFLICT (REST: 409 CommitFailedException).
 */
export function checkRequirements(current: TableMetadata | undefined, reqs: readonly TableRequirement[]): string | undefined {
  for (const req of reqs) {
    const failure = checkOne(current, req);
    if (failure !== undefined) return `requirement ${req.type} failed: ${failure}`;
  }
  return undefined;
}

function checkOne(m: TableMetadata | undefined, req: TableRequirement): string | undefined {
  if (req.type === 'assert-create') return m === undefined ? undefined : 'the table already exists';
  if (m === undefined) return 'the table does not exist';
  switch (req.type) {
    case 'assert-table-uuid':
      return m.tableUuid?.toLowerCase() === req.uuid.toLowerCase() ? undefined : `table uuid is ${m.tableUuid ?? 'unset'}, expected ${req.uuid}`;
    case 'assert-ref-snapshot-id': {
      const ref = m.refs[req.ref];
      if (req.snapshotId === null) return ref === undefined ? undefined : `ref ${req.ref} exists (snapshot ${ref.snapshotId})`;
      if (ref === undefined) return `ref ${req.ref} does not exist, expected snapshot ${req.snapshotId}`;
      return ref.snapshotId === req.snapshotId ? undefined : `ref ${req.ref} is at snapshot ${ref.snapshotId}, expected ${req.snapshotId}`;
    }
    case 'assert-last-assigned-field-id':
      return same('last assigned field id', m.lastColumnId, req.lastAssignedFieldId);
    case 'assert-current-schema-id':
      return same('current schema id', m.currentSchemaId, req.currentSchemaId);
    case 'assert-last-assigned-partition-id':
      return same('last assigned partition id', m.lastPartitionId, req.lastAssignedPartitionId);
    case 'assert-default-spec-id':
      return same('default spec id', m.defaultSpecId, req.defaultSpecId);
    case 'assert-default-sort-order-id':
      return same('default sort order id', m.defaultSortOrderId, req.defaultSortOrderId);
  }
}

function same(what: string, actual: number, expected: number): string | undefined {
  return actual === expected ? undefined : `${what} is ${actual}, expected ${expected}`;
}

export { applyUpdates, newTableMetadata } from './update-apply.js';
export type { ApplyOptions, NewTableOptions } from './update-apply.js';
