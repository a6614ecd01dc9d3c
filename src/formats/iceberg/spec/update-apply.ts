import { LochError } from '../../../core/errors.js';
import type { IcebergField, IcebergSchema, IcebergType, PartitionSpec, Snapshot, SortOrder, TableMetadata } from '../model.js';
import { applyRefUpdate, finishSnapshotLog, type RefState } from './update-refs.js';
import type { TableUpdate } from './updates.js';
import { jsonKeyId, jsonSnapshotId } from './updates-json.js';

/**
 * The pure metadata builder behind every commit: base metadata + REST-shaped updates → new
 * metadata, following Java's TableMetadata.Builder where the spec leaves room (id reuse for
 * equal schemas/specs/orders, snapshot-log upkeep, one-minute clock-skew tolerance).
 */

export interface ApplyOptions {
  /**
   * Location of the metadata file `base` was read from: appended to `metadata-log` (with
   * base's last-updated-ms), which is then trimmed to `write.metadata.previous-versions-max`
   * (default 100) newest entries.
   */
  readonly previousMetadataFile?: string;
}

/** Properties that describe the table rather than configure it: never stored (Java's reserved set). */
export const RESERVED_PROPERTIES: ReadonlySet<string> = new Set([
  'format-version',
  'uuid',
  'snapshot-count',
  'current-snapshot-id',
  'current-snapshot-summary',
  'current-snapshot-timestamp-ms',
  'current-schema',
  'default-partition-spec',
  'default-sort-order',
]);

const DEFAULT_PREVIOUS_VERSIONS_MAX = 100;
const LAST_ADDED = -1;

export type Draft = { -readonly [K in keyof TableMetadata]: TableMetadata[K] };

interface State extends RefState {
  lastAddedSchemaId?: number;
  lastAddedSpecId?: number;
  lastAddedSortOrderId?: number;
}

/**
 * Applies `updates` in order. Validates each against the metadata built so far and throws
 * INVALID_ARGUMENT naming the update and the ids (unknown schema/spec/order/snapshot id, -1
 * with nothing added, duplicate snapshot id, sequence number not above last-sequence-number,
 * v3 snapshot without row lineage or with first-row-id below next-row-id, removing the current
 * schema or default spec, reserved property keys, format downgrade); UNSUPPORTED_FEATURE for a
 * format version above 3. Maintains last-column-id, last-partition-id, last-sequence-number,
 * next-row-id (first-row-id + added-rows of each added v3 snapshot), refs and current-snapshot-id
 * (the `main` ref), snapshot-log (an entry per change of main; history before a removed snapshot
 * is dropped, as Java does), statistics of removed snapshots, and last-updated-ms (the last added
 * snapshot's timestamp, else `nowMs`). Returns `base` itself when there is nothing to apply.
 */
export function applyUpdates(base: TableMetadata, updates: readonly TableUpdate[], nowMs: number, options: ApplyOptions = {}): TableMetadata {
  if (updates.length === 0 && options.previousMetadataFile === undefined) return base;
  const m: Draft = { ...base };
  const state: State = { m, nowMs, addedSnapshotIds: new Set() };
  for (const [index, update] of updates.entries()) {
    applyOne(state, update, `iceberg metadata update: table ${base.location}: update ${index} (${update.action})`);
  }
  finishSnapshotLog(m);
  m.lastUpdatedMs = state.updatedMs ?? nowMs;
  if (options.previousMetadataFile !== undefined) appendMetadataLog(m, options.previousMetadataFile, base.lastUpdatedMs);
  return m;
}

function applyOne(state: State, u: TableUpdate, where: string): void {
  const m = state.m;
  switch (u.action) {
    case 'assign-uuid':
      if (m.tableUuid !== undefined && m.tableUuid.toLowerCase() !== u.uuid.toLowerCase()) {
        throw invalid(where, `cannot change the table uuid from ${m.tableUuid} to ${u.uuid}`);
      }
      m.tableUuid = u.uuid;
      return;
    case 'upgrade-format-version':
      return upgradeFormat(m, u.formatVersion, where);
    case 'add-schema':
      return addSchema(state, u.schema, u.lastColumnId, where);
    case 'set-current-schema':
      m.currentSchemaId = resolveId(u.schemaId, state.lastAddedSchemaId, m.schemas.map((s) => s.schemaId), 'schema', where);
      return;
    case 'add-spec':
      return addSpec(state, u.spec, where);
    case 'set-default-spec':
      m.defaultSpecId = resolveId(u.specId, state.lastAddedSpecId, m.partitionSpecs.map((s) => s.specId), 'partition spec', where);
      return;
    case 'add-sort-order':
      return addSortOrder(state, u.sortOrder, where);
    case 'set-default-sort-order':
      m.defaultSortOrderId = resolveId(u.sortOrderId, state.lastAddedSortOrderId, m.sortOrders.map((s) => s.orderId), 'sort order', where);
      return;
    case 'add-snapshot':
      return addSnapshot(state, u.snapshot, where);
    default:
      return applyOther(state, u, where);
  }
}

function applyOther(state: State, u: TableUpdate, where: string): void {
  const m = state.m;
  switch (u.action) {
    case 'set-location':
      m.location = u.location.replace(/\/+$/, '');
      return;
    case 'set-properties': {
      const reserved = Object.keys(u.updates).filter((k) => RESERVED_PROPERTIES.has(k));
      if (reserved.length > 0) throw invalid(where, `reserved properties cannot be set: ${reserved.join(', ')} (use upgrade-format-version / assign-uuid)`);
      m.properties = { ...m.properties, ...u.updates };
      return;
    }
    case 'remove-properties': {
      const next = { ...m.properties };
      for (const key of u.removals) delete next[key];
      m.properties = next;
      return;
    }
    case 'set-statistics': {
      const id = jsonSnapshotId(u.statistics, where);
      m.statistics = [...m.statistics.filter((s) => jsonSnapshotId(s, where) !== id), u.statistics];
      return;
    }
    case 'remove-statistics':
      m.statistics = m.statistics.filter((s) => jsonSnapshotId(s, where) !== u.snapshotId);
      return;
    case 'set-partition-statistics': {
      const id = jsonSnapshotId(u.partitionStatistics, where);
      m.partitionStatistics = [...m.partitionStatistics.filter((s) => jsonSnapshotId(s, where) !== id), u.partitionStatistics];
      return;
    }
    case 'remove-partition-statistics':
      m.partitionStatistics = m.partitionStatistics.filter((s) => jsonSnapshotId(s, where) !== u.snapshotId);
      return;
    case 'remove-partition-specs':
      if (u.specIds.includes(m.defaultSpecId)) throw invalid(where, `cannot remove the default partition spec ${m.defaultSpecId}`);
      m.partitionSpecs = m.partitionSpecs.filter((s) => !u.specIds.includes(s.specId));
      return;
    case 'remove-schemas':
      if (u.schemaIds.includes(m.currentSchemaId)) throw invalid(where, `cannot remove the current schema ${m.currentSchemaId}`);
      m.schemas = m.schemas.filter((s) => !u.schemaIds.includes(s.schemaId));
      return;
    case 'add-encryption-key': {
      const id = jsonKeyId(u.encryptionKey, where);
      m.encryptionKeys = [...(m.encryptionKeys ?? []).filter((k) => jsonKeyId(k, where) !== id), u.encryptionKey];
      return;
    }
    case 'remove-encryption-key':
      m.encryptionKeys = (m.encryptionKeys ?? []).filter((k) => jsonKeyId(k, where) !== u.keyId);
      return;
    default:
      return applyRefUpdate(state, u, where);
  }
}

function upgradeFormat(m: Draft, version: number, where: string): void {
  if (!Number.isInteger(version) || version > 3) {
    throw new LochError('UNSUPPORTED_FEATURE', `${where}: format version ${version} is not supported (Loch writes 1 to 3)`);
  }
  if (version < m.formatVersion) throw invalid(where, `cannot downgrade format version ${m.formatVersion} to ${version}`);
  if (version === m.formatVersion) return;
  m.formatVersion = version as 1 | 2 | 3;
  if (version === 3 && m.nextRowId === undefined) m.nextRowId = 0;
}

function resolveId(id: number, lastAdded: number | undefined, known: readonly number[], what: string, where: string): number {
  if (id === LAST_ADDED) {
    if (lastAdded === undefined) throw invalid(where, `-1 names the last added ${what}, but none was added`);
    return lastAdded;
  }
  if (!known.includes(id)) throw invalid(where, `unknown ${what} id ${id} (known: ${known.join(', ')})`);
  return id;
}

function addSchema(state: State, schema: IcebergSchema, lastColumnId: number | undefined, where: string): void {
  const m = state.m;
  const ids = fieldIds(schema.fields, where);
  const missing = schema.identifierFieldIds.filter((id) => !ids.has(id));
  if (missing.length > 0) throw invalid(where, `identifier field ids ${missing.join(', ')} are not fields of the schema`);
  const existing = m.schemas.find((s) => sameValue(s.fields, schema.fields) && sameValue(s.identifierFieldIds, schema.identifierFieldIds));
  if (existing !== undefined) {
    state.lastAddedSchemaId = existing.schemaId;
    return;
  }
  const schemaId = nextId(m.schemas.map((s) => s.schemaId), m.currentSchemaId);
  m.schemas = [...m.schemas, { ...schema, schemaId }];
  m.lastColumnId = Math.max(m.lastColumnId, lastColumnId ?? 0, ...ids);
  state.lastAddedSchemaId = schemaId;
}

function addSpec(state: State, spec: PartitionSpec, where: string): void {
  const m = state.m;
  const current = m.schemas.find((s) => s.schemaId === m.currentSchemaId);
  const known = current === undefined ? new Set<number>() : fieldIds(current.fields, where);
  for (const field of spec.fields) {
    const unknown = field.sourceIds.filter((id) => !known.has(id));
    if (unknown.length > 0) throw invalid(where, `partition field ${field.name} (${field.fieldId}) has source ids ${unknown.join(', ')} not in schema ${m.currentSchemaId}`);
  }
  if (m.formatVersion === 1 && spec.fields.some((f, i) => f.fieldId !== 1000 + i)) {
    throw invalid(where, `format version 1 needs partition field ids 1000, 1001, … in order, got ${spec.fields.map((f) => f.fieldId).join(', ')}`);
  }
  const existing = m.partitionSpecs.find((s) => sameValue(s.fields, spec.fields));
  if (existing !== undefined) {
    state.lastAddedSpecId = existing.specId;
    return;
  }
  const specId = nextId(m.partitionSpecs.map((s) => s.specId), 0);
  m.partitionSpecs = [...m.partitionSpecs, { ...spec, specId }];
  m.lastPartitionId = Math.max(m.lastPartitionId, ...spec.fields.map((f) => f.fieldId));
  state.lastAddedSpecId = specId;
}

function addSortOrder(state: State, order: SortOrder, where: string): void {
  const m = state.m;
  const current = m.schemas.find((s) => s.schemaId === m.currentSchemaId);
  const known = current === undefined ? new Set<number>() : fieldIds(current.fields, where);
  const unknown = order.fields.flatMap((f) => f.sourceIds).filter((id) => !known.has(id));
  if (unknown.length > 0) throw invalid(where, `sort order source ids ${unknown.join(', ')} are not in schema ${m.currentSchemaId}`);
  const existing = m.sortOrders.find((o) => sameValue(o.fields, order.fields));
  if (existing !== undefined) {
    state.lastAddedSortOrderId = existing.orderId;
    return;
  }
  // Order id 0 is reserved for the unsorted order.
  const orderId = order.fields.length === 0 ? 0 : nextId(m.sortOrders.map((o) => o.orderId), 0);
  m.sortOrders = [...m.sortOrders, { ...order, orderId }];
  state.lastAddedSortOrderId = orderId;
}

function addSnapshot(state: State, snapshot: Snapshot, where: string): void {
  const m = state.m;
  const at = `${where}: snapshot ${snapshot.snapshotId}`;
  if (m.snapshots.some((s) => s.snapshotId === snapshot.snapshotId)) throw invalid(at, 'a snapshot with this id exists already');
  if (m.formatVersion > 1 && snapshot.parentSnapshotId !== undefined && snapshot.sequenceNumber <= m.lastSequenceNumber) {
    throw invalid(at, `sequence number ${snapshot.sequenceNumber} is not above the last sequence number ${m.lastSequenceNumber}`);
  }
  const lastLog = m.snapshotLog[m.snapshotLog.length - 1];
  if (lastLog !== undefined && snapshot.timestampMs < lastLog.timestampMs - 60_000) {
    throw invalid(at, `timestamp ${snapshot.timestampMs} is more than a minute before the last snapshot-log entry ${lastLog.timestampMs}`);
  }
  if (m.formatVersion === 3) {
    if (snapshot.firstRowId === undefined || snapshot.addedRows === undefined) throw invalid(at, 'a v3 snapshot needs first-row-id and added-rows');
    const next = m.nextRowId ?? 0;
    if (snapshot.firstRowId < next) throw invalid(at, `first-row-id ${snapshot.firstRowId} is below the table's next-row-id ${next}`);
    m.nextRowId = snapshot.firstRowId + snapshot.addedRows;
  }
  m.snapshots = [...m.snapshots, snapshot];
  m.lastSequenceNumber = Math.max(m.lastSequenceNumber, snapshot.sequenceNumber);
  state.addedSnapshotIds.add(snapshot.snapshotId);
  state.updatedMs = snapshot.timestampMs;
}

function appendMetadataLog(m: Draft, file: string, timestampMs: number): void {
  const configured = Number.parseInt(m.properties['write.metadata.previous-versions-max'] ?? '', 10);
  const max = Math.max(1, Number.isFinite(configured) ? configured : DEFAULT_PREVIOUS_VERSIONS_MAX);
  const log = [...m.metadataLog, { timestampMs, metadataFile: file }];
  m.metadataLog = log.slice(Math.max(0, log.length - max));
}

function nextId(ids: readonly number[], floor: number): number {
  return Math.max(floor - 1, ...ids) + 1;
}

function invalid(where: string, message: string): LochError {
  return new LochError('INVALID_ARGUMENT', `${where}: ${message}`);
}

/** Every field, element, key and value id in the fields (nested); duplicates are INVALID_ARGUMENT. */
export function fieldIds(fields: readonly IcebergField[], where: string): Set<number> {
  const ids = new Set<number>();
  const add = (id: number): void => {
    if (ids.has(id)) throw invalid(where, `field id ${id} is used twice in the schema`);
    ids.add(id);
  };
  const visit = (type: IcebergType): void => {
    if (type.kind === 'struct') type.fields.forEach((f) => (add(f.id), visit(f.type)));
    else if (type.kind === 'list') (add(type.elementId), visit(type.element));
    else if (type.kind === 'map') (add(type.keyId), visit(type.key), add(type.valueId), visit(type.value));
  };
  visit({ kind: 'struct', fields });
  return ids;
}

/** Structural equality of model values (records, arrays, bigint, bytes, exact-JSON numbers). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export { newTableMetadata, type NewTableOptions } from './update-new-table.js';
