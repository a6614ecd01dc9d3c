/**
 * Real Delta tables written by Spark: the scan over their live files (schema and files taken from
 * the log and the corpus answer by hand) must give exactly the expected rows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../core/bytes.js';
import { decimal, primitive, type DataType, type PrimitiveName, type StructField } from '../../expr/types.js';
import type { ScanSpec } from '../scan-spec.js';
import { DuckDbEngine } from './database.js';
import type { SqlValue } from './values.js';
import { DELTA_CORPUS } from '../../../tests/support/corpus.js';

interface DeltaField {
  name: string;
  type: unknown;
  nullable: boolean;
  metadata?: Record<string, unknown>;
}

/** Just enough of Delta's schema JSON for this table (the formats layer owns the real parser). */
function deltaType(json: unknown): DataType {
  if (typeof json === 'string') {
    const dec = /^decimal\((\d+),\s*(\d+)\)$/.exec(json);
    return dec ? decimal(Number(dec[1]), Number(dec[2])) : primitive(json as PrimitiveName);
  }
  const t = json as { type: string; fields?: DeltaField[]; elementType?: unknown; containsNull?: boolean; keyType?: unknown; valueType?: unknown };
  if (t.type === 'struct') return { kind: 'struct', fields: (t.fields ?? []).map(deltaField) };
  if (t.type === 'array') return { kind: 'array', element: deltaType(t.elementType), containsNull: t.containsNull ?? true };
  return { kind: 'map', key: deltaType(t.keyType), value: deltaType(t.valueType), valueContainsNull: true };
}

function deltaField(f: DeltaField): StructField {
  const physical = f.metadata?.['delta.columnMapping.physicalName'];
  return { name: f.name, type: deltaType(f.type), nullable: f.nullable, physicalName: typeof physical === 'string' ? physical : f.name };
}

/** The canonical JSON form of the corpus (see the testdata README). */
function canonical(value: SqlValue): unknown {
  if (typeof value === 'bigint') return value >= -(2n ** 53n) && value <= 2n ** 53n ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return toHex(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonical(v as SqlValue)]));
  return value;
}

const sortByJson = (rows: unknown[]): unknown[] => [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

const CORPUS = DELTA_CORPUS;

interface Expected {
  active_files_latest: { path: string; partitionValues: Record<string, string | null> }[];
  latest: { rows: unknown[] };
}

/** Schema of the newest metaData action in the table's JSON commits (enough for these tables). */
function latestSchema(table: string): StructField[] {
  let schemaString: string | undefined;
  for (const name of readdirSync(join(table, '_delta_log')).filter((n) => n.endsWith('.json')).sort()) {
    for (const line of readFileSync(join(table, '_delta_log', name), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const action = JSON.parse(line) as { metaData?: { schemaString: string } };
      if (action.metaData) schemaString = action.metaData.schemaString;
    }
  }
  return (deltaType(JSON.parse(schemaString ?? '{}')) as { kind: 'struct'; fields: StructField[] }).fields;
}

describe('scans of real Delta tables', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await DuckDbEngine.create({ threads: 2 });
  });
  afterAll(async () => engine.close());

  // Column mapping 'name' with nested physical names and INT96 timestamps; type widening of
  // integers, floats, decimals and date → timestamp_ntz.
  it.each(['golden-table-with-columnmapping-mode-name', 'golden-type-widening'])('%s gives the expected rows', async (name) => {
    const table = join(CORPUS, name);
    const expected = JSON.parse(readFileSync(`${table}.expected.json`, 'utf8')) as Expected;
    const columns = latestSchema(table);
    expect(expected.active_files_latest.every((f) => Object.keys(f.partitionValues).length === 0)).toBe(true);
    const spec: ScanSpec = {
      columns,
      partitionColumns: [],
      files: expected.active_files_latest.map((f) => ({ localPath: join(table, f.path), partitionValues: {} })),
      resolveBy: 'name',
    };
    const session = await engine.session();
    const scan = await session.registerScan(spec);
    const result = await session.query(`SELECT * FROM ${scan.sql} AS t`);
    const names = result.columns.map((c) => c.name);
    const rows = (await result.all()).map((row) => Object.fromEntries(row.map((v, i) => [names[i], canonical(v)])));
    await scan.dispose();
    await session.close();
    expect(names).toEqual(columns.map((f) => f.name));
    expect(sortByJson(rows)).toEqual(sortByJson(expected.latest.rows));
  });
});
