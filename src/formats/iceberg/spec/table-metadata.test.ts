import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonNumber, parseJsonExact } from '../../../core/json-exact.js';
import { partitionSpecToJson } from './partition-spec.js';
import { fieldToJson } from './types.js';
import { parseTableMetadata, serializeTableMetadata } from './table-metadata.js';

// tests/support/corpus.ts has ICEBERG_CORPUS, but a stale compiled corpus.js beside it shadows it.
const ICEBERG_CORPUS = join(process.env['LOCH_TESTDATA'] ?? '/work/shared/testdata', 'iceberg');

interface Expected {
  table: string;
  metadata_file: string;
  current_snapshot_id: string | null;
  current_schema_id: number;
  columns: { id: number; name: string; type: unknown; required: boolean; initial_default?: unknown; write_default?: unknown }[];
  partition_specs: { spec_id: number; fields: { name: string; transform: string; source_id: number; field_id: number }[] }[];
  default_spec_id: number;
  sort_orders: { order_id: number; fields: unknown[] }[];
  default_sort_order_id: number | null;
  refs: Record<string, { type: string; snapshot_id: string; min_snapshots_to_keep?: number; max_ref_age_ms?: number }>;
  snapshots: { snapshot_id: string; parent_snapshot_id: string | null; sequence_number: number | null; is_current: boolean; unreadable?: boolean; timestamp_ms: number; operation: string; schema_id_used: number }[];
  format_version: number;
}

const expectedFiles = readdirSync(ICEBERG_CORPUS).filter((f) => f.endsWith('.expected.json'));
const tables = expectedFiles.map((f) => JSON.parse(readFileSync(join(ICEBERG_CORPUS, f), 'utf8')) as Expected);
const metadataFiles = tables.flatMap((t) =>
  readdirSync(join(ICEBERG_CORPUS, t.table, 'metadata'))
    .filter((f) => f.endsWith('.metadata.json'))
    .map((f) => `${t.table}/metadata/${f}`),
);

/** Plain JSON of an exact value: JsonNumbers within 2^53 as numbers, larger ones as strings (the corpus encoding). */
function toPlain(value: unknown): unknown {
  if (value instanceof JsonNumber) return Number.isSafeInteger(Number(value.text)) || value.text.includes('.') ? Number(value.text) : value.text;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  return value;
}

describe('parseTableMetadata on the corpus', () => {
  it('finds the corpus', () => {
    expect(tables.length).toBeGreaterThanOrEqual(32);
    expect(metadataFiles.length).toBeGreaterThanOrEqual(130);
  });

  it.each(metadataFiles)('%s parses and round-trips through serialize', (file) => {
    const text = readFileSync(join(ICEBERG_CORPUS, file), 'utf8');
    const m = parseTableMetadata(text, file);
    const again = serializeTableMetadata(m);
    expect(parseTableMetadata(again, file)).toEqual(m);
    expect(serializeTableMetadata(parseTableMetadata(again, file))).toBe(again);
    // Every snapshot id survives exactly (no double rounding).
    const raw = parseJsonExact(text) as Record<string, unknown>;
    const ids = ((raw.snapshots ?? []) as Record<string, JsonNumber>[]).map((s) => BigInt(s['snapshot-id']!.text));
    expect(m.snapshots.map((s) => s.snapshotId)).toEqual(ids);
    if (m.currentSnapshotId !== undefined) expect(m.refs.main?.snapshotId).toBe(m.currentSnapshotId);
  });

  it.each(tables.map((t) => [t.table, t] as const))('%s matches expected.json', (_name, t) => {
    const m = parseTableMetadata(readFileSync(join(ICEBERG_CORPUS, t.table, t.metadata_file), 'utf8'), t.metadata_file);
    expect(m.formatVersion).toBe(t.format_version);
    expect(m.currentSnapshotId).toBe(t.current_snapshot_id === null ? undefined : BigInt(t.current_snapshot_id));
    expect(m.currentSchemaId).toBe(t.current_schema_id);
    const schema = m.schemas.find((s) => s.schemaId === m.currentSchemaId)!;
    expect(
      schema.fields.map((f) => {
        const json = toPlain(fieldToJson(f)) as Record<string, unknown>;
        const col: Record<string, unknown> = { id: json.id, name: json.name, type: json.type, required: json.required };
        if ('initial-default' in json) col.initial_default = json['initial-default'];
        if ('write-default' in json) col.write_default = json['write-default'];
        return col;
      }),
    ).toEqual(t.columns);
    expect(m.partitionSpecs.map((s) => toPlain(partitionSpecToJson(s)))).toEqual(
      t.partition_specs.map((s) => ({
        'spec-id': s.spec_id,
        fields: s.fields.map((f) => ({ name: f.name, transform: f.transform, 'source-id': f.source_id, 'field-id': f.field_id })),
      })),
    );
    expect(m.defaultSpecId).toBe(t.default_spec_id);
    expect(m.sortOrders.map((o) => ({ order_id: o.orderId, fields: o.fields }))).toEqual(t.sort_orders);
    expect(m.defaultSortOrderId).toBe(t.default_sort_order_id ?? 0);
    for (const [name, ref] of Object.entries(t.refs)) {
      expect(m.refs[name]).toEqual({
        snapshotId: BigInt(ref.snapshot_id),
        type: ref.type,
        ...(ref.min_snapshots_to_keep !== undefined ? { minSnapshotsToKeep: ref.min_snapshots_to_keep } : {}),
        ...(ref.max_ref_age_ms !== undefined ? { maxRefAgeMs: ref.max_ref_age_ms } : {}),
      });
    }
    expect(Object.keys(m.refs).sort()).toEqual(Object.keys(t.refs).length > 0 ? Object.keys(t.refs).sort() : m.currentSnapshotId === undefined ? [] : ['main']);
    const byId = new Map(m.snapshots.map((s) => [String(s.snapshotId), s]));
    for (const s of t.snapshots) {
      const got = byId.get(s.snapshot_id)!;
      expect(got, s.snapshot_id).toBeDefined();
      // The corpus leaves the parent of an unreadable snapshot out; v1 has no sequence numbers (null there, 0 here).
      if (s.unreadable !== true) expect(got.parentSnapshotId === undefined ? null : String(got.parentSnapshotId)).toBe(s.parent_snapshot_id);
      expect(got.sequenceNumber).toBe(s.sequence_number ?? 0);
      expect(got.timestampMs).toBe(s.timestamp_ms);
      expect(got.summary.operation).toBe(s.operation);
      // The current snapshot is read with the current schema, history with its own.
      if (s.unreadable !== true) expect(s.is_current ? m.currentSchemaId : (got.schemaId ?? m.currentSchemaId)).toBe(s.schema_id_used);
    }
  });
});


function minimal(extra: Record<string, unknown>): string {
  return JSON.stringify({
    'format-version': 2,
    'table-uuid': 'u',
    location: 's3://b/t',
    'last-sequence-number': 0,
    'last-updated-ms': 1,
    'last-column-id': 1,
    'current-schema-id': 0,
    schemas: [{ type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'a', required: false, type: 'int' }] }],
    'default-spec-id': 0,
    'partition-specs': [{ 'spec-id': 0, fields: [] }],
    'last-partition-id': 999,
    ...extra,
  });
}

describe('parseTableMetadata rules', () => {
  const code = (text: string): string | undefined => {
    try {
      parseTableMetadata(text, 'x.metadata.json');
      return undefined;
    } catch (error) {
      return (error as { code?: string }).code;
    }
  };

  it('refuses newer format versions, broken JSON and contradicting ids with the right codes', () => {
    expect(code(minimal({ 'format-version': 4 }))).toBe('UNSUPPORTED_FEATURE');
    expect(code('{"format-version": 2,')).toBe('CORRUPT_DATA');
    expect(code(minimal({ location: 5 }))).toBe('CORRUPT_DATA');
    expect(code(minimal({ 'current-schema-id': 7 }))).toBe('PROTOCOL_VIOLATION');
    expect(code(minimal({ 'default-spec-id': 3 }))).toBe('PROTOCOL_VIOLATION');
    expect(code(minimal({ 'current-snapshot-id': 5, refs: { main: { 'snapshot-id': 6, type: 'branch' } } }))).toBe('PROTOCOL_VIOLATION');
    expect(() => parseTableMetadata(minimal({ 'format-version': 4 }), 'm/v9.metadata.json')).toThrow(/^iceberg metadata: m\/v9.metadata.json: format-version 4/);
  });

  it('normalises -1, absent lists and a missing main ref, and keeps 64-bit ids exact', () => {
    const snap = '{"snapshot-id": 9223372036854775807, "timestamp-ms": 5, "sequence-number": 1, "summary": {"operation": "append"}, "manifest-list": "s3://b/t/m.avro"}';
    const text = minimal({}).replace(/}$/, `, "current-snapshot-id": 9223372036854775807, "snapshots": [${snap}]}`);
    const m = parseTableMetadata(text, 'x');
    expect(m.currentSnapshotId).toBe(9223372036854775807n);
    expect(m.refs).toEqual({ main: { snapshotId: 9223372036854775807n, type: 'branch' } });
    expect(m.sortOrders).toEqual([]);
    expect(m.snapshotLog).toEqual([]);
    expect(serializeTableMetadata(m)).toContain('"current-snapshot-id":9223372036854775807');
    const empty = parseTableMetadata(minimal({ 'current-snapshot-id': -1 }), 'x');
    expect(empty.currentSnapshotId).toBeUndefined();
    expect(empty.refs).toEqual({});
    expect(serializeTableMetadata(empty)).toContain('"current-snapshot-id":-1');
    expect(serializeTableMetadata({ ...empty, formatVersion: 3, nextRowId: 0 })).toContain('"current-snapshot-id":null');
  });

  it('keeps encryption keys (the table layer refuses them) and writes v1 legacy members', () => {
    const keys = [{ 'key-id': 'k', 'encrypted-key-metadata': 'AA==' }];
    const m = parseTableMetadata(minimal({ 'format-version': 3, 'next-row-id': 0, 'encryption-keys': keys }), 'x');
    expect(m.encryptionKeys).toEqual(keys);
    const v1 = parseTableMetadata(minimal({ 'format-version': 1 }), 'x');
    const json = JSON.parse(serializeTableMetadata(v1)) as Record<string, unknown>;
    expect(json.schema).toEqual({ type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'a', required: false, type: 'int' }] });
    expect(json['partition-spec']).toEqual([]);
    expect(json['last-sequence-number']).toBeUndefined();
  });
});
