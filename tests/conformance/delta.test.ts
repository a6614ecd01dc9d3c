import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch, LochError } from '../../src/index.js';
import { canonicalRows, sortedJson } from '../support/canonical.js';
import { DELTA_CORPUS } from '../support/corpus.js';

const CORPUS = DELTA_CORPUS;

/**
 * Tables Loch cannot read yet, with the reason. This list only shrinks; an entry here counts as
 * unfinished work, not as a pass.
 */
const NOT_SUPPORTED_YET: Record<string, string> = {};

interface VersionExpectation {
  version: number;
  num_active_files?: number;
  row_count?: number;
  rows?: Record<string, unknown>[];
  columns?: string[];
  error?: string;
}

interface Expected {
  table: string;
  latest_version?: number;
  columns?: { name: string; type: string }[];
  latest?: { row_count?: number; rows?: Record<string, unknown>[]; rows_first_sorted?: unknown[]; rows_last_sorted?: unknown[] };
  versions?: VersionExpectation[];
  change_data_feed?: { start_version: number; end_version: number; row_count: number; rows: Record<string, unknown>[] };
  expect_error?: { kind: string };
  active_files_latest?: unknown[];
}

const ERROR_CODES_BY_KIND: Record<string, string> = {
  'unsupported reader feature': 'UNSUPPORTED_FEATURE',
  'missing protocol': 'PROTOCOL_VIOLATION',
  'table not found / not a Delta table': 'NOT_FOUND',
  'versions not contiguous': 'PROTOCOL_VIOLATION',
};

const tables = existsCorpus()
  ? readdirSync(CORPUS)
      .filter((name) => name.endsWith('.expected.json'))
      .map((name) => JSON.parse(readFileSync(join(CORPUS, name), 'utf8')) as Expected)
  : [];

function existsCorpus(): boolean {
  try {
    readdirSync(CORPUS);
    return true;
  } catch {
    return false;
  }
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

describe('Delta conformance: ../shared/testdata/delta', () => {
  let loch: Loch;
  beforeAll(async () => {
    loch = await Loch.open({ warehouse: resolve(import.meta.dirname, '../../.test-warehouse/conformance') });
  });
  afterAll(async () => loch?.close());

  it('finds the corpus', () => {
    expect(tables.length).toBeGreaterThanOrEqual(41);
  });

  for (const expected of tables) {
    const path = join(CORPUS, expected.table);
    const reason = NOT_SUPPORTED_YET[expected.table];
    describe(expected.table, () => {
      if (reason !== undefined) {
        it(`is listed as not supported yet: ${reason}`, () => {
          expect(reason.length).toBeGreaterThan(0);
        });
        return;
      }

      if (expected.expect_error) {
        const kind = expected.expect_error.kind;
        it(`refuses to read: ${kind}`, async () => {
          const error = await loch.sql(`SELECT * FROM delta_scan(${quote(path)})`).then(
            (r) => r.all().then(() => undefined),
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(LochError);
          expect((error as LochError).code).toBe(ERROR_CODES_BY_KIND[kind]);
          expect((error as LochError).message).toContain(expected.table);
        });
        return;
      }

      it('latest snapshot: version, schema and rows', async () => {
        const table = await loch.deltaTable(path);
        const snapshot = await table.snapshot();
        expect(snapshot.version).toBe(expected.latest_version);
        expect(snapshot.columns.map((c) => c.name)).toEqual(expected.columns?.map((c) => c.name));
        expect(snapshot.columns.map((c) => c.type)).toEqual(expected.columns?.map((c) => c.type));
        expect(snapshot.fileCount).toBe(expected.active_files_latest?.length);
        if (expected.latest?.row_count === undefined) return;
        const result = await loch.sql(`SELECT * FROM delta_scan(${quote(path)})`);
        const rows = canonicalRows(result.columns, await result.all());
        expect(rows.length).toBe(expected.latest.row_count);
        if (expected.latest.rows) expect(sortedJson(rows)).toEqual(sortedJson(expected.latest.rows));
        if (expected.latest.rows_first_sorted && expected.latest.rows_last_sorted) {
          const sorted = sortedJson(rows);
          const first = sortedJson(expected.latest.rows_first_sorted);
          const last = sortedJson(expected.latest.rows_last_sorted);
          expect(sorted.slice(0, first.length)).toEqual(first);
          expect(sorted.slice(sorted.length - last.length)).toEqual(last);
        }
      });

      for (const version of expected.versions ?? []) {
        it(`version ${version.version}`, async () => {
          const query = `SELECT * FROM delta.\`${path.replace(/`/g, '``')}\` VERSION AS OF ${version.version}`;
          if (version.error) {
            await expect(loch.sql(query).then((r) => r.all())).rejects.toMatchObject({ code: version.error });
            return;
          }
          const table = await loch.deltaTable(path);
          const snapshot = await table.snapshot({ version: version.version });
          if (version.num_active_files !== undefined) expect(snapshot.fileCount).toBe(version.num_active_files);
          if (version.columns) expect(snapshot.columns.map((c) => `${c.name}:${c.type}`)).toEqual(version.columns);
          if (version.row_count === undefined) return;
          const result = await loch.sql(query);
          const rows = canonicalRows(result.columns, await result.all());
          if (version.columns) expect(result.columns.map((c) => c.name)).toEqual(version.columns.map((c) => c.split(':')[0]));
          expect(rows.length).toBe(version.row_count);
          if (version.rows) expect(sortedJson(rows)).toEqual(sortedJson(version.rows));
        });
      }

      const cdf = expected.change_data_feed;
      if (cdf) {
        it(`change data feed ${cdf.start_version}..${cdf.end_version}`, async () => {
          const result = await loch.sql(`SELECT * FROM table_changes(${quote(path)}, ${cdf.start_version}, ${cdf.end_version})`);
          const rows = canonicalRows(result.columns, await result.all());
          expect(rows.length).toBe(cdf.row_count);
          expect(sortedJson(rows)).toEqual(sortedJson(cdf.rows));
        });
      }
    });
  }
});
