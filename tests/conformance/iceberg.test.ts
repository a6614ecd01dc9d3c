import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch, LochError } from '../../src/index.js';
import type { DataType } from '../../src/expr/types.js';
import { canonicalIcebergRows, canonicalValue, sortedJson } from '../support/canonical.js';
import { ICEBERG_CORPUS } from '../support/corpus.js';

/**
 * Tables Loch cannot read yet, with the reason. This list only shrinks; an entry here counts as
 * unfinished work, not as a pass.
 */
const NOT_SUPPORTED_YET: Record<string, string> = {};

type Rows = Record<string, unknown>[];
interface ColumnAggregate {
  non_null: number;
  distinct: number;
  min: unknown;
  max: unknown;
  sum?: unknown;
}
interface Aggregates {
  count: number;
  columns: Record<string, ColumnAggregate>;
}
interface Probe {
  row_count: number | null;
  rows?: Rows;
  aggregates?: Aggregates;
}
interface SnapshotExpectation extends Probe {
  snapshot_id: string;
  is_current: boolean;
  unreadable?: boolean;
  error?: string;
}
interface Expected {
  table: string;
  metadata_file: string;
  path_rewrite?: { original_prefixes: string[] };
  current_snapshot_id: string | null;
  columns: { id: number; name: string; type: unknown }[];
  current: Probe & { snapshot_id: string | null; extra?: Record<string, string> };
  snapshots?: SnapshotExpectation[];
  refs?: Record<string, { type: string; snapshot_id: string; row_count: number }>;
  time_travel_by_timestamp?: { as_of_timestamp_ms: number; expected_snapshot_id: string | null; row_count: number | null }[];
  metadata_file_variants?: ({ metadata_file: string; columns: string[] } & Probe)[];
  version_hint_file?: string | null;
}

const tables = readdirSync(ICEBERG_CORPUS)
  .filter((name) => name.endsWith('.expected.json'))
  .map((name) => JSON.parse(readFileSync(join(ICEBERG_CORPUS, name), 'utf8')) as Expected);

const quote = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** `iceberg_scan(...)` for a corpus table with its recorded metadata file and original prefixes. */
function scan(expected: Expected, extra: string[] = [], metadataFile = expected.metadata_file): string {
  const args = [quote(join(ICEBERG_CORPUS, expected.table)), `metadata_file => ${quote(metadataFile)}`];
  const prefixes = expected.path_rewrite?.original_prefixes ?? [];
  if (prefixes.length > 0) args.push(`moved_from => [${prefixes.map(quote).join(', ')}]`);
  return `iceberg_scan(${[...args, ...extra].join(', ')})`;
}

describe('Iceberg conformance: ../shared/testdata/iceberg', () => {
  let loch: Loch;
  beforeAll(async () => {
    loch = await Loch.open({ warehouse: resolve(import.meta.dirname, '../../.test-warehouse/conformance-iceberg') });
  });
  afterAll(async () => loch?.close());

  /** DuckDB has one TIMESTAMP_NS type; the expected file's column types tell which ones are instants. */
  function typesOf(expected: Expected | undefined): Map<string, DataType> {
    const out = new Map<string, DataType>();
    for (const c of expected?.columns ?? []) if (c.type === 'timestamptz_ns') out.set(c.name, { kind: 'primitive', name: 'timestamp_ns' });
    return out;
  }

  async function rowsOf(sql: string, expected?: Expected): Promise<{ names: string[]; rows: Rows }> {
    const result = await loch.sql(sql);
    const types = typesOf(expected);
    const columns = result.columns.map((c) => ({ name: c.name, ...(types.has(c.name) ? { type: types.get(c.name) as DataType } : {}) }));
    return { names: result.columns.map((c) => c.name), rows: canonicalIcebergRows(columns, await result.all()) };
  }

  /** Checks rows, or aggregates, or only the count, whichever the expectation has. */
  async function checkProbe(expected: Expected, from: string, probe: Probe): Promise<void> {
    const lineage = probe.rows?.some((r) => '_row_id' in r) ? ', _row_id, _last_updated_sequence_number' : '';
    if (probe.aggregates !== undefined) return checkAggregates(from, probe.aggregates);
    const { rows } = await rowsOf(`SELECT *${lineage} FROM ${from}`, expected);
    expect(rows.length, `${expected.table}: row count`).toBe(probe.row_count);
    if (probe.rows !== undefined) expect(sortedJson(rows)).toEqual(sortedJson(probe.rows));
  }

  async function checkAggregates(from: string, aggregates: Aggregates): Promise<void> {
    const columns = Object.keys(aggregates.columns);
    const items = columns.flatMap((c, i) => {
      const q = `"${c.replace(/"/g, '""')}"`;
      const want = aggregates.columns[c] as ColumnAggregate;
      const base = [`count(${q}) AS c${i}_n`, `count(DISTINCT ${q}) AS c${i}_d`, `min(${q}) AS c${i}_min`, `max(${q}) AS c${i}_max`];
      return want.sum === undefined || want.sum === null ? base : [...base, `sum(${q}) AS c${i}_sum`];
    });
    const { rows } = await rowsOf(`SELECT ${['count(*) AS n', ...items].join(', ')} FROM ${from}`);
    const row = rows[0] as Record<string, unknown>;
    expect(row['n']).toBe(aggregates.count);
    columns.forEach((c, i) => {
      const want = aggregates.columns[c] as ColumnAggregate;
      expect([row[`c${i}_n`], row[`c${i}_d`], row[`c${i}_min`], row[`c${i}_max`]], c).toEqual([want.non_null, want.distinct, want.min, want.max]);
      if (want.sum === undefined || want.sum === null) return;
      const got = row[`c${i}_sum`];
      if (typeof want.sum === 'number') expect(Math.round(Number(got) * 1e4) / 1e4, `${c} sum`).toBe(want.sum);
      else expect(String(canonicalValue(got)), `${c} sum`).toBe(String(want.sum));
    });
  }

  async function errorOf(sql: string): Promise<unknown> {
    return loch.sql(sql).then(
      (r) => r.all().then(() => undefined),
      (e: unknown) => e,
    );
  }

  it('finds the corpus', () => {
    expect(tables.length).toBeGreaterThanOrEqual(32);
  });

  for (const expected of tables) {
    const reason = NOT_SUPPORTED_YET[expected.table];
    describe(expected.table, () => {
      if (reason !== undefined) {
        it(`is listed as not supported yet: ${reason}`, () => expect(reason.length).toBeGreaterThan(0));
        return;
      }

      it('current snapshot: columns and rows', async () => {
        const { names } = await rowsOf(`SELECT * FROM ${scan(expected)} LIMIT 0`);
        expect(names).toEqual(expected.columns.map((c) => c.name));
        await checkProbe(expected, scan(expected), expected.current);
        if (expected.current.extra?.['tpch_q6_revenue'] !== undefined) {
          const { rows } = await rowsOf(
            `SELECT round(sum(l_extendedprice * l_discount), 4)::VARCHAR AS revenue FROM ${scan(expected)} WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01' AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24`,
          );
          expect(rows[0]?.['revenue']).toBe(expected.current.extra['tpch_q6_revenue']);
        }
      });

      it('finds the current metadata file by itself', async () => {
        const path = quote(join(ICEBERG_CORPUS, expected.table));
        const { rows } = await rowsOf(`SELECT snapshot_id FROM iceberg.\`${join(ICEBERG_CORPUS, expected.table)}\`.refs WHERE name = 'main'`);
        expect(rows.map((r) => String(r['snapshot_id'])), path).toEqual(expected.current_snapshot_id === null || expected.current.snapshot_id === null ? [] : [String(expected.current_snapshot_id)]);
      });

      for (const snapshot of expected.snapshots ?? []) {
        it(`snapshot ${snapshot.snapshot_id}${snapshot.is_current ? ' (current)' : ''}`, async () => {
          const from = scan(expected, [`snapshot_id => ${snapshot.snapshot_id}`]);
          if (snapshot.unreadable) {
            const error = await errorOf(`SELECT count(*) FROM ${from}`);
            expect(error).toBeInstanceOf(LochError);
            expect((error as LochError).code).toBe('DATA_FILE_MISSING');
            return;
          }
          await checkProbe(expected, from, snapshot);
        });
      }

      for (const [name, ref] of Object.entries(expected.refs ?? {})) {
        it(`ref ${name} (${ref.type})`, async () => {
          const { rows } = await rowsOf(`SELECT count(*) AS n FROM ${scan(expected, [`ref => ${quote(name)}`])}`);
          expect(rows[0]?.['n']).toBe(ref.row_count);
        });
      }

      for (const probe of expected.time_travel_by_timestamp ?? []) {
        const iso = new Date(probe.as_of_timestamp_ms).toISOString();
        it(`as of ${iso} → ${probe.expected_snapshot_id ?? 'nothing'}`, async () => {
          const from = scan(expected, [`timestamp => ${quote(iso)}`]);
          if (probe.row_count === null) {
            const error = await errorOf(`SELECT count(*) FROM ${from}`);
            expect(error).toBeInstanceOf(LochError);
            expect(['VERSION_NOT_AVAILABLE', 'DATA_FILE_MISSING']).toContain((error as LochError).code);
            return;
          }
          const { rows } = await rowsOf(`SELECT count(*) AS n FROM ${from}`);
          expect(rows[0]?.['n']).toBe(probe.row_count);
        });
      }

      for (const variant of expected.metadata_file_variants ?? []) {
        it(`metadata file ${variant.metadata_file}`, async () => {
          const from = scan(expected, [], variant.metadata_file);
          const { names } = await rowsOf(`SELECT * FROM ${from} LIMIT 0`);
          expect(names).toEqual(variant.columns);
          await checkProbe(expected, from, variant);
        });
      }
    });
  }
});
