import { LochError } from '../../../core/errors.js';
import type { Snapshot, SnapshotRef } from '../model.js';
import { parsePartitionSpec, partitionSpecToJson } from './partition-spec.js';
import { parseSchema, schemaToJson } from './schema.js';
import { parseSortOrder, sortOrderToJson } from './sort-order.js';
import type { TableRequirement, TableUpdate } from './updates.js';

/**
 * REST JSON of requirements and updates (`CommitTableRequest`). Output objects hold snapshot ids
 * as bigint: serialise them with core/json-exact.ts stringifyJsonExact. Input may come from
 * JSON.parse or parseJsonExact (numbers as JsonNumber: anything with a numeric `text`).
 */

type Obj = Record<string, unknown>;

/** The REST JSON object of one update or requirement. */
export function toRestJson(item: TableUpdate | TableRequirement): Obj {
  return 'type' in item ? requirementToJson(item) : updateToJson(item);
}

/** An update (object with `action`) or a requirement (object with `type`); INVALID_ARGUMENT otherwise. */
export function fromRestJson(json: unknown, where: string): TableUpdate | TableRequirement {
  const o = object(json, where);
  return 'action' in o ? updateFromRestJson(o, where) : requirementFromRestJson(o, where);
}

function requirementToJson(r: TableRequirement): Obj {
  switch (r.type) {
    case 'assert-create':
      return { type: r.type };
    case 'assert-table-uuid':
      return { type: r.type, uuid: r.uuid };
    case 'assert-ref-snapshot-id':
      return { type: r.type, ref: r.ref, 'snapshot-id': r.snapshotId };
    case 'assert-last-assigned-field-id':
      return { type: r.type, 'last-assigned-field-id': r.lastAssignedFieldId };
    case 'assert-current-schema-id':
      return { type: r.type, 'current-schema-id': r.currentSchemaId };
    case 'assert-last-assigned-partition-id':
      return { type: r.type, 'last-assigned-partition-id': r.lastAssignedPartitionId };
    case 'assert-default-spec-id':
      return { type: r.type, 'default-spec-id': r.defaultSpecId };
    case 'assert-default-sort-order-id':
      return { type: r.type, 'default-sort-order-id': r.defaultSortOrderId };
  }
}

/** Requirement field name (REST) per type; `snapshot-id` of assert-ref-snapshot-id may be null. */
const REQUIREMENT_FIELDS: Readonly<Record<string, [string, string]>> = {
  'assert-last-assigned-field-id': ['last-assigned-field-id', 'lastAssignedFieldId'],
  'assert-current-schema-id': ['current-schema-id', 'currentSchemaId'],
  'assert-last-assigned-partition-id': ['last-assigned-partition-id', 'lastAssignedPartitionId'],
  'assert-default-spec-id': ['default-spec-id', 'defaultSpecId'],
  'assert-default-sort-order-id': ['default-sort-order-id', 'defaultSortOrderId'],
};

export function requirementFromRestJson(json: unknown, where: string): TableRequirement {
  const o = object(json, where);
  const type = string(o['type'], 'type', where);
  const at = `${where}: requirement ${type}`;
  if (type === 'assert-create') return { type };
  if (type === 'assert-table-uuid') return { type, uuid: string(o['uuid'], 'uuid', at) };
  if (type === 'assert-ref-snapshot-id') {
    const raw = o['snapshot-id'];
    return { type, ref: string(o['ref'], 'ref', at), snapshotId: raw === null || raw === undefined ? null : bigInt(raw, 'snapshot-id', at) };
  }
  const field = REQUIREMENT_FIELDS[type];
  if (field === undefined) throw new LochError('INVALID_ARGUMENT', `${where}: unknown requirement type ${type}`);
  return { type, [field[1]]: int(o[field[0]], field[0], at) } as unknown as TableRequirement;
}

function updateToJson(u: TableUpdate): Obj {
  const a = { action: u.action };
  switch (u.action) {
    case 'assign-uuid':
      return { ...a, uuid: u.uuid };
    case 'upgrade-format-version':
      return { ...a, 'format-version': u.formatVersion };
    case 'add-schema':
      return { ...a, schema: schemaToJson(u.schema), ...(u.lastColumnId === undefined ? {} : { 'last-column-id': u.lastColumnId }) };
    case 'set-current-schema':
      return { ...a, 'schema-id': u.schemaId };
    case 'add-spec':
      return { ...a, spec: partitionSpecToJson(u.spec) };
    case 'set-default-spec':
      return { ...a, 'spec-id': u.specId };
    case 'add-sort-order':
      return { ...a, 'sort-order': sortOrderToJson(u.sortOrder) };
    case 'set-default-sort-order':
      return { ...a, 'sort-order-id': u.sortOrderId };
    case 'add-snapshot':
      return { ...a, snapshot: snapshotJson(u.snapshot) };
    case 'set-snapshot-ref':
      return { ...a, 'ref-name': u.refName, ...refJson(u.ref) };
    case 'remove-snapshots':
      return { ...a, 'snapshot-ids': [...u.snapshotIds] };
    case 'remove-snapshot-ref':
      return { ...a, 'ref-name': u.refName };
    case 'set-location':
      return { ...a, location: u.location };
    case 'set-properties':
      return { ...a, updates: { ...u.updates } };
    case 'remove-properties':
      return { ...a, removals: [...u.removals] };
    case 'set-statistics':
      return { ...a, statistics: u.statistics };
    case 'set-partition-statistics':
      return { ...a, 'partition-statistics': u.partitionStatistics };
    case 'remove-statistics':
    case 'remove-partition-statistics':
      return { ...a, 'snapshot-id': u.snapshotId };
    case 'remove-partition-specs':
      return { ...a, 'spec-ids': [...u.specIds] };
    case 'remove-schemas':
      return { ...a, 'schema-ids': [...u.schemaIds] };
    case 'add-encryption-key':
      return { ...a, 'encryption-key': u.encryptionKey };
    case 'remove-encryption-key':
      return { ...a, 'key-id': u.keyId };
  }
}

export function updateFromRestJson(json: unknown, where: string): TableUpdate {
  const o = object(json, where);
  const action = string(o['action'], 'action', where);
  const at = `${where}: update ${action}`;
  switch (action) {
    case 'assign-uuid':
      return { action, uuid: string(o['uuid'], 'uuid', at) };
    case 'upgrade-format-version':
      return { action, formatVersion: int(o['format-version'], 'format-version', at) };
    case 'add-schema': {
      const last = o['last-column-id'];
      return { action, schema: parseSchema(o['schema'], at), ...(last === undefined || last === null ? {} : { lastColumnId: int(last, 'last-column-id', at) }) };
    }
    case 'set-current-schema':
      return { action, schemaId: int(o['schema-id'], 'schema-id', at) };
    case 'add-spec': {
      const spec = object(o['spec'], at);
      const specId = spec['spec-id'] === undefined || spec['spec-id'] === null ? 0 : int(spec['spec-id'], 'spec-id', at);
      return { action, spec: parsePartitionSpec(spec, specId, at) };
    }
    case 'set-default-spec':
      return { action, specId: int(o['spec-id'], 'spec-id', at) };
    case 'add-sort-order':
      return { action, sortOrder: parseSortOrder(o['sort-order'], at) };
    case 'set-default-sort-order':
      return { action, sortOrderId: int(o['sort-order-id'], 'sort-order-id', at) };
    case 'add-snapshot':
      return { action, snapshot: parseSnapshotJson(o['snapshot'], at) };
    case 'set-snapshot-ref':
      return { action, refName: string(o['ref-name'], 'ref-name', at), ref: parseRefJson(o, at) };
    default:
      return moreFromJson(o, action, at);
  }
}

function moreFromJson(o: Obj, action: string, at: string): TableUpdate {
  switch (action) {
    case 'remove-snapshots':
      return { action, snapshotIds: array(o['snapshot-ids'], 'snapshot-ids', at).map((v) => bigInt(v, 'snapshot-ids', at)) };
    case 'remove-snapshot-ref':
      return { action, refName: string(o['ref-name'], 'ref-name', at) };
    case 'set-location':
      return { action, location: string(o['location'], 'location', at) };
    case 'set-properties': {
      const updates = object(o['updates'], at);
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(updates)) out[k] = string(v, `updates.${k}`, at);
      return { action, updates: out };
    }
    case 'remove-properties':
      return { action, removals: array(o['removals'], 'removals', at).map((v) => string(v, 'removals', at)) };
    case 'set-statistics':
      return { action, statistics: object(o['statistics'], at) };
    case 'set-partition-statistics':
      return { action, partitionStatistics: object(o['partition-statistics'], at) };
    case 'remove-statistics':
    case 'remove-partition-statistics':
      return { action, snapshotId: bigInt(o['snapshot-id'], 'snapshot-id', at) };
    case 'remove-partition-specs':
      return { action, specIds: array(o['spec-ids'], 'spec-ids', at).map((v) => int(v, 'spec-ids', at)) };
    case 'remove-schemas':
      return { action, schemaIds: array(o['schema-ids'], 'schema-ids', at).map((v) => int(v, 'schema-ids', at)) };
    case 'add-encryption-key':
      return { action, encryptionKey: object(o['encryption-key'], at) };
    case 'remove-encryption-key':
      return { action, keyId: string(o['key-id'], 'key-id', at) };
    default:
      throw new LochError('INVALID_ARGUMENT', `${at}: unknown update action`);
  }
}

/** REST/metadata JSON of a snapshot (exact ids as bigint). */
export function snapshotJson(s: Snapshot): Obj {
  return {
    'snapshot-id': s.snapshotId,
    ...(s.parentSnapshotId === undefined ? {} : { 'parent-snapshot-id': s.parentSnapshotId }),
    'sequence-number': s.sequenceNumber,
    'timestamp-ms': s.timestampMs,
    ...(s.manifestList === undefined ? {} : { 'manifest-list': s.manifestList }),
    ...(s.manifests === undefined ? {} : { manifests: [...s.manifests] }),
    summary: { ...s.summary },
    ...(s.schemaId === undefined ? {} : { 'schema-id': s.schemaId }),
    ...(s.firstRowId === undefined ? {} : { 'first-row-id': s.firstRowId }),
    ...(s.addedRows === undefined ? {} : { 'added-rows': s.addedRows }),
    ...(s.keyId === undefined ? {} : { 'key-id': s.keyId }),
  };
}

export function parseSnapshotJson(json: unknown, where: string): Snapshot {
  const o = object(json, where);
  const opt = <T>(key: string, read: (v: unknown, k: string, w: string) => T): T | undefined =>
    o[key] === undefined || o[key] === null ? undefined : read(o[key], key, where);
  const summaryRaw = object(o['summary'] ?? {}, where);
  const summary: Record<string, string> = {};
  for (const [k, v] of Object.entries(summaryRaw)) summary[k] = string(v, `summary.${k}`, where);
  const parent = opt('parent-snapshot-id', bigInt);
  const manifestList = opt('manifest-list', string);
  const manifests = opt('manifests', array)?.map((v) => string(v, 'manifests', where));
  const schemaId = opt('schema-id', int);
  const firstRowId = opt('first-row-id', int);
  const addedRows = opt('added-rows', int);
  const keyId = opt('key-id', string);
  return {
    snapshotId: bigInt(o['snapshot-id'], 'snapshot-id', where),
    ...(parent === undefined ? {} : { parentSnapshotId: parent }),
    sequenceNumber: opt('sequence-number', int) ?? 0,
    timestampMs: int(o['timestamp-ms'], 'timestamp-ms', where),
    ...(manifestList === undefined ? {} : { manifestList }),
    ...(manifests === undefined ? {} : { manifests }),
    summary,
    ...(schemaId === undefined ? {} : { schemaId }),
    ...(firstRowId === undefined ? {} : { firstRowId }),
    ...(addedRows === undefined ? {} : { addedRows }),
    ...(keyId === undefined ? {} : { keyId }),
  };
}

function refJson(r: SnapshotRef): Obj {
  return {
    'snapshot-id': r.snapshotId,
    type: r.type,
    ...(r.minSnapshotsToKeep === undefined ? {} : { 'min-snapshots-to-keep': r.minSnapshotsToKeep }),
    ...(r.maxSnapshotAgeMs === undefined ? {} : { 'max-snapshot-age-ms': r.maxSnapshotAgeMs }),
    ...(r.maxRefAgeMs === undefined ? {} : { 'max-ref-age-ms': r.maxRefAgeMs }),
  };
}

function parseRefJson(o: Obj, where: string): SnapshotRef {
  const type = string(o['type'], 'type', where);
  if (type !== 'branch' && type !== 'tag') throw new LochError('INVALID_ARGUMENT', `${where}: ref type ${type} is neither branch nor tag`);
  const ref: { -readonly [K in keyof SnapshotRef]: SnapshotRef[K] } = { snapshotId: bigInt(o['snapshot-id'], 'snapshot-id', where), type };
  const optional: [string, 'minSnapshotsToKeep' | 'maxSnapshotAgeMs' | 'maxRefAgeMs'][] = [
    ['min-snapshots-to-keep', 'minSnapshotsToKeep'],
    ['max-snapshot-age-ms', 'maxSnapshotAgeMs'],
    ['max-ref-age-ms', 'maxRefAgeMs'],
  ];
  for (const [key, field] of optional) if (o[key] !== undefined && o[key] !== null) ref[field] = int(o[key], key, where);
  return ref;
}

/** The exact integer in a JSON value: number, bigint, digit string or exact-JSON number; else undefined. */
export function jsonBigInt(raw: unknown): bigint | undefined {
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'number') return Number.isInteger(raw) ? BigInt(raw) : undefined;
  const text = typeof raw === 'string' ? raw : typeof raw === 'object' && raw !== null ? (raw as { text?: unknown }).text : undefined;
  return typeof text === 'string' && /^-?\d+$/.test(text) ? BigInt(text) : undefined;
}

/** `snapshot-id` of a statistics entry; INVALID_ARGUMENT when missing. */
export function jsonSnapshotId(json: unknown, where: string): bigint {
  const id = jsonBigInt(typeof json === 'object' && json !== null ? (json as Obj)['snapshot-id'] : undefined);
  if (id === undefined) throw new LochError('INVALID_ARGUMENT', `${where}: statistics entry without an integer snapshot-id`);
  return id;
}

/** `key-id` of an encryption key entry; INVALID_ARGUMENT when missing. */
export function jsonKeyId(json: unknown, where: string): string {
  const id = typeof json === 'object' && json !== null ? (json as Obj)['key-id'] : undefined;
  if (typeof id !== 'string') throw new LochError('INVALID_ARGUMENT', `${where}: encryption key without a string key-id`);
  return id;
}

function object(v: unknown, where: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new LochError('INVALID_ARGUMENT', `${where}: expected a JSON object`);
  return v as Obj;
}
function array(v: unknown, key: string, where: string): unknown[] {
  if (!Array.isArray(v)) throw new LochError('INVALID_ARGUMENT', `${where}: ${key} must be an array`);
  return v;
}
function string(v: unknown, key: string, where: string): string {
  if (typeof v !== 'string') throw new LochError('INVALID_ARGUMENT', `${where}: ${key} must be a string`);
  return v;
}
function bigInt(v: unknown, key: string, where: string): bigint {
  const n = jsonBigInt(v);
  if (n === undefined) throw new LochError('INVALID_ARGUMENT', `${where}: ${key} must be an integer`);
  return n;
}
function int(v: unknown, key: string, where: string): number {
  const n = jsonBigInt(v);
  if (n === undefined || n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new LochError('INVALID_ARGUMENT', `${where}: ${key} must be an integer below 2^53`);
  }
  return Number(n);
}
