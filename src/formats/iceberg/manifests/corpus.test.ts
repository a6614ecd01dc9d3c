import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTestdata } from '../../../../tests/support/corpus.js';
import { readAvroContainer } from '../avro/container.js';
import type { IcebergStruct, IcebergType, LiveEntry, ManifestFile } from '../model.js';
import { inheritEntries } from './inheritance.js';
import { decodeManifest } from './manifest.js';
import { decodeManifestList } from './manifest-list.js';

// tests/support/corpus.js (a stale compiled copy) shadows corpus.ts's ICEBERG_CORPUS: derive it here.
const ICEBERG_CORPUS = join(findTestdata(), 'iceberg');

// Partition types are built by hand from each expected.json (spec/partition-spec.ts is another module).

interface ExpectedSpec {
  spec_id: number;
  fields: { name: string; transform: string; source_id: number; field_id: number }[];
}
interface ExpectedSnapshot {
  snapshot_id: string;
  unreadable?: boolean;
  summary_total_records: number;
  live_files: { data: number; position_delete_files: number; deletion_vectors: number; equality_delete_files: number; distinct_partitions: number };
}
interface Expected {
  table: string;
  metadata_file: string;
  columns: { id: number; name: string; type: unknown }[];
  partition_specs: ExpectedSpec[];
  snapshots: ExpectedSnapshot[];
}

function parseType(text: unknown): IcebergType {
  if (typeof text !== 'string') return { kind: 'struct', fields: [] };
  const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(text);
  if (decimal) return { kind: 'decimal', precision: Number(decimal[1]), scale: Number(decimal[2]) };
  const fixed = /^fixed\[(\d+)\]$/.exec(text);
  if (fixed) return { kind: 'fixed', length: Number(fixed[1]) };
  return { kind: 'primitive', name: text as 'int' };
}

function resultType(transform: string, source: IcebergType): IcebergType {
  if (transform === 'identity' || transform.startsWith('truncate')) return source;
  return { kind: 'primitive', name: 'int' };
}

function partitionTypeOf(expected: Expected, specId: number): IcebergStruct {
  const spec = expected.partition_specs.find((s) => s.spec_id === specId);
  if (spec === undefined) throw new Error(`${expected.table}: no spec ${specId}`);
  return {
    kind: 'struct',
    fields: spec.fields.map((f) => {
      const column = expected.columns.find((c) => c.id === f.source_id);
      const source: IcebergType = column === undefined ? { kind: 'primitive', name: 'unknown' } : parseType(column.type);
      return { id: f.field_id, name: f.name, required: false, type: resultType(f.transform, source) };
    }),
  };
}

function tables(): string[] {
  return readdirSync(ICEBERG_CORPUS)
    .filter((name) => statSync(join(ICEBERG_CORPUS, name)).isDirectory())
    .sort();
}

function avroFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return avroFiles(path);
    return d.name.endsWith('.avro') ? [path] : [];
  });
}

interface MetadataSnapshot {
  'snapshot-id': string;
  'manifest-list'?: string;
  manifests?: string[];
}

function metadataSnapshots(table: string, expected: Expected): MetadataSnapshot[] {
  const text = readFileSync(join(ICEBERG_CORPUS, table, expected.metadata_file), 'utf8');
  // Keep 64-bit ids exact for this test: quote every long integer before JSON.parse.
  const json = JSON.parse(text.replace(/:\s*(-?\d{16,})/g, ': "$1"')) as { snapshots?: MetadataSnapshot[] };
  return json.snapshots ?? [];
}

const local = (table: string, path: string): string => join(ICEBERG_CORPUS, table, 'metadata', basename(path));

function key(tuple: ReadonlyMap<number, unknown>): string {
  return JSON.stringify([...tuple], (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
}

function liveEntries(table: string, expected: Expected, snap: MetadataSnapshot): LiveEntry[] {
  let manifests: ManifestFile[];
  if (snap['manifest-list'] !== undefined) {
    manifests = decodeManifestList(readFileSync(local(table, snap['manifest-list'])), snap['manifest-list']);
  } else {
    manifests = (snap.manifests ?? []).map((path) => {
      const bytes = readFileSync(local(table, path));
      const { metadata } = decodeManifest(bytes, path);
      return {
        manifestPath: path,
        manifestLength: bytes.length,
        partitionSpecId: metadata.partitionSpecId ?? 0,
        content: metadata.content ?? 'data',
        sequenceNumber: 0,
        minSequenceNumber: 0,
        addedSnapshotId: BigInt(snap['snapshot-id']),
      };
    });
  }
  return manifests.flatMap((m) => {
    const { entries } = decodeManifest(readFileSync(local(table, m.manifestPath)), m.manifestPath, partitionTypeOf(expected, m.partitionSpecId));
    return inheritEntries(entries, m, m.partitionSpecId).filter((e) => e.status !== 'deleted');
  });
}

function summarize(entries: readonly LiveEntry[]): ExpectedSnapshot['live_files'] & { records: number } {
  const data = entries.filter((e) => e.dataFile.content === 'data');
  const pos = entries.filter((e) => e.dataFile.content === 'position_deletes');
  return {
    data: data.length,
    position_delete_files: pos.filter((e) => e.dataFile.fileFormat !== 'puffin').length,
    deletion_vectors: pos.filter((e) => e.dataFile.fileFormat === 'puffin').length,
    equality_delete_files: entries.filter((e) => e.dataFile.content === 'equality_deletes').length,
    distinct_partitions: new Set(data.map((e) => `${e.specId}:${key(e.dataFile.partition)}`)).size,
    records: data.reduce((sum, e) => sum + e.dataFile.recordCount, 0),
  };
}

describe('iceberg corpus manifests', () => {
  const names = tables();

  it('has the whole corpus', () => {
    expect(names.length).toBeGreaterThanOrEqual(32);
  });

  it('decodes every Avro file of the corpus', () => {
    let lists = 0;
    let manifests = 0;
    for (const table of names) {
      for (const path of avroFiles(join(ICEBERG_CORPUS, table))) {
        const bytes = readFileSync(path);
        const kind = (readAvroContainer(bytes, path).schema as { name?: string }).name;
        if (kind === 'manifest_file') {
          lists++;
          for (const file of decodeManifestList(bytes, path)) expect(file.manifestPath).toMatch(/\.avro$/);
        } else {
          expect(kind).toBe('manifest_entry');
          manifests++;
          const { entries } = decodeManifest(bytes, path);
          for (const entry of entries) expect(['parquet', 'puffin']).toContain(entry.dataFile.fileFormat);
        }
      }
    }
    expect(lists).toBeGreaterThanOrEqual(80);
    expect(manifests).toBeGreaterThanOrEqual(85);
  });

  for (const table of names) {
    it(`${table}: live files of every snapshot match expected.json`, () => {
      const expected = JSON.parse(readFileSync(join(ICEBERG_CORPUS, `${table}.expected.json`), 'utf8')) as Expected;
      const snaps = metadataSnapshots(table, expected);
      let checked = 0;
      for (const want of expected.snapshots) {
        checked++;
        const snap = snaps.find((s) => s['snapshot-id'] === want.snapshot_id);
        expect(snap, `${table} snapshot ${want.snapshot_id}`).toBeDefined();
        if (snap === undefined) continue;
        if (want.unreadable === true) {
          expect(existsSync(local(table, snap['manifest-list'] ?? ''))).toBe(false);
          continue;
        }
        const { records, ...live } = summarize(liveEntries(table, expected, snap));
        expect(live, `${table} snapshot ${want.snapshot_id}`).toEqual(want.live_files);
        expect(records, `${table} snapshot ${want.snapshot_id} records`).toBe(want.summary_total_records);
      }
      expect(checked).toBe(snaps.length);
    });
  }

  it('converts partition values to Literal values of the result type', () => {
    const current = (table: string): LiveEntry[] => {
      const expected = JSON.parse(readFileSync(join(ICEBERG_CORPUS, `${table}.expected.json`), 'utf8')) as Expected & { current_snapshot_id: string };
      const snap = metadataSnapshots(table, expected).find((s) => s['snapshot-id'] === expected.current_snapshot_id);
      if (snap === undefined) throw new Error(table);
      return liveEntries(table, expected, snap);
    };
    const [identity] = current('trino_identity_all_types');
    expect([...(identity?.dataFile.partition ?? [])]).toEqual([
      [1000, false],
      [1001, 1],
      [1002, 2n],
      [1003, 2.25],
      [1004, 2.375],
      [1005, '3.00'],
      [1006, '2025-03-03'],
      [1007, 61_200_000_000n],
      [1008, 1_740_960_000_000_000n],
      [1009, 1_740_960_000_000_000n],
      [1010, 'some-string'],
      [1011, '12151fd2-7586-11e9-8f9e-2a86e4085a59'],
      [1012, new Uint8Array(Buffer.from('some-varbinary'))],
    ]);
    // Trino writes the day result as Avro int + logicalType date; the result type is int (days).
    const days = current('trino_day_transform').map((e) => e.dataFile.partition.get(1000));
    expect(days.sort()).toEqual([19785, 20150, null]); // 2024-03-03, 2025-03-03
    const hive = current('hive_migrated_partition_values_not_in_files')[0]?.dataFile.partition;
    expect(hive?.get(1005)).toBe('123.321');
    expect(hive?.get(1006)).toBe('2022-02-22');
    expect(hive?.get(1002)).toBe(11n);
  });
});
