import { join } from 'node:path';
import { expect } from 'vitest';
import { FixedClock } from '../../src/core/clock.js';
import { Loch } from '../../src/index.js';
import { canonicalRows, sortedJson } from '../support/canonical.js';
import { tempDir } from '../support/delta-fixture.js';
import { validateTableLog } from '../support/log-validator.js';
import type { LogReport } from '../support/log-validator.js';
import { minimalRead } from '../support/minimal-delta-reader.js';

/**
 * Shared harness of the delta-write integration tests: a Loch on a FixedClock, a scratch folder,
 * and `RoundTrip`, which remembers the rows expected at each version of a table and checks them
 * all at the end: by version and by timestamp through Loch, through the independent minimal
 * reader, and the whole log through the writer-side validator.
 */
export interface Harness {
  readonly loch: Loch;
  readonly clock: FixedClock;
  readonly root: string;
  /** A fresh table path under the scratch folder. */
  path(name: string): string;
  /** `delta.\`path\`` for SQL. */
  ref(path: string): string;
  /** Runs SQL and returns canonical row objects. */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  /** Runs SQL and returns the error it throws (fails the test when it does not throw). */
  error(sql: string): Promise<{ code: string; message: string }>;
  close(): Promise<void>;
}

export const START = Date.UTC(2024, 0, 1);

/** A harness whose FixedClock starts at `start` and moves `step` ms on every reading (default +1 s). */
export async function openHarness(options: { start?: number; step?: number } = {}): Promise<Harness> {
  const root = await tempDir('loch-write-');
  const clock = new FixedClock(options.start ?? START, options.step ?? 1000);
  const loch = await Loch.open({ warehouse: join(root, 'warehouse'), clock, threads: 2 });
  const rows = async (sql: string) => {
    const result = await loch.sql(sql);
    return canonicalRows(result.columns, await result.all());
  };
  return {
    loch,
    clock,
    root,
    path: (name) => join(root, name),
    ref: (path) => `delta.\`${path}\``,
    rows,
    error: async (sql) => {
      const error = await rows(sql).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (error === undefined) throw new Error(`expected an error from: ${sql}`);
      return error as { code: string; message: string };
    },
    close: () => loch.close(),
  };
}

/** Rows expected at each version of one table. */
export class RoundTrip {
  private readonly expected = new Map<number, Record<string, unknown>[]>();

  constructor(
    private readonly h: Harness,
    readonly path: string,
  ) {}

  /** Records the rows the latest version must hold; returns that version. */
  async expectLatest(rows: readonly Record<string, unknown>[]): Promise<number> {
    const version = (await (await this.h.loch.deltaTable(this.path)).snapshot()).version;
    this.expected.set(version, [...rows]);
    await expectRows(this.h, `SELECT * FROM ${this.h.ref(this.path)}`, rows);
    return version;
  }

  /** Stops checking `version` (e.g. after log clean-up removed it). */
  forget(version: number): void {
    this.expected.delete(version);
  }

  /** The rows recorded for `version`. */
  rowsAt(version: number): Record<string, unknown>[] {
    const rows = this.expected.get(version);
    if (rows === undefined) throw new Error(`no rows recorded for version ${version}`);
    return rows;
  }

  /**
   * Validates the log and reads every recorded version back by version and by timestamp (Loch)
   * and through the minimal reader, which must agree with Loch value for value.
   */
  async verify(options: { minimal?: boolean } = {}): Promise<LogReport> {
    const report = await validateTableLog(this.path);
    const ref = this.h.ref(this.path);
    for (const [version, rows] of this.expected) {
      await expectRows(this.h, `SELECT * FROM ${ref} VERSION AS OF ${version}`, rows, `version ${version}`);
      const info = report.commitInfos.get(version);
      if (info !== undefined) {
        const ms = Number(info['inCommitTimestamp'] ?? info['timestamp']);
        await expectRows(this.h, `SELECT * FROM ${ref} TIMESTAMP AS OF '${new Date(ms).toISOString()}'`, rows, `timestamp of version ${version}`);
      }
      if (options.minimal !== false) await expectMinimalAgrees(this.h, this.path, version);
    }
    return report;
  }
}

/** The query's rows equal `expected` as multisets of canonical values. */
export async function expectRows(h: Harness, sql: string, expected: readonly Record<string, unknown>[], what = sql): Promise<void> {
  const actual = await h.rows(sql);
  expect(sortedJson(actual), what).toEqual(sortedJson(expected));
}

/** The minimal reader and Loch agree on every value (compared as DuckDB VARCHAR text). */
export async function expectMinimalAgrees(h: Harness, path: string, version?: number): Promise<void> {
  const minimal = await minimalRead(path, version);
  const at = version === undefined ? '' : ` VERSION AS OF ${version}`;
  const result = await h.loch.sql(`SELECT CAST(COLUMNS(*) AS VARCHAR) FROM ${h.ref(path)}${at}`);
  const loch = (await result.all()) as unknown[][];
  expect(result.columns.length, `columns at version ${String(version)}`).toBe(minimal.columns.length);
  expect(sortedJson(minimal.rows), `minimal reader vs Loch at version ${String(version)}`).toEqual(sortedJson(loch));
}

/** Builds row objects from column names and value arrays (canonical values). */
export function table(columns: readonly string[], ...rows: readonly unknown[][]): Record<string, unknown>[] {
  return rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] === undefined ? null : r[i]])));
}

export const TYPES_DDL = `(bo BOOLEAN, ti BYTE, sm SHORT, i INT, bi LONG, f FLOAT, d DOUBLE, dec DECIMAL(10,2), dec38 DECIMAL(38,18),
  s STRING, bin BINARY, dt DATE, ts TIMESTAMP, ntz TIMESTAMP_NTZ, st STRUCT<a: INT, b: ARRAY<STRING>, c: STRUCT<x: DOUBLE>>,
  ar ARRAY<STRUCT<k: STRING, v: BIGINT>>, m MAP<STRING, ARRAY<INT>>)`;
/** A table of every type (Spark names), rows at the edges of each type, and the values Loch reads back. */
export const TYPE_COLUMNS = ['bo', 'ti', 'sm', 'i', 'bi', 'f', 'd', 'dec', 'dec38', 's', 'bin', 'dt', 'ts', 'ntz', 'st', 'ar', 'm'];

export const ROW_MAX = `(true, 127, 32767, 2147483647, 9223372036854775807, 1.5, 'NaN'::DOUBLE, 12345678.91, '12345678901234567890.123456789012345678'::DECIMAL(38,18),
  'héllo 世界 🎉', '\\x00\\xFF'::BLOB, DATE '0001-01-01', TIMESTAMPTZ '2020-02-29 12:34:56.123456+00', TIMESTAMP '2020-02-29 12:34:56.123456',
  {'a': 1, 'b': ['x', NULL], 'c': {'x': 2.5}}, [{'k': 'a', 'v': 1}, NULL], MAP {'k': [1, NULL]})`;
export const ROW_MIN = `(false, -128, -32768, -2147483648, -9223372036854775808, 'Infinity'::FLOAT, '-Infinity'::DOUBLE, -0.01, '-12345678901234567890.123456789012345678'::DECIMAL(38,18),
  '', ''::BLOB, DATE '9999-12-31', TIMESTAMPTZ '0001-01-01 00:00:00+00', TIMESTAMP '9999-12-31 23:59:59.999999',
  {'a': NULL, 'b': [], 'c': NULL}, [], MAP {})`;
export const ROW_NULL = `(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`;

export const EXPECT_MAX = [true, 127, 32767, 2147483647, '9223372036854775807', 1.5, 'NaN', '12345678.91', '12345678901234567890.123456789012345678',
  'héllo 世界 🎉', '00ff', '0001-01-01', '2020-02-29T12:34:56.123456Z', '2020-02-29T12:34:56.123456',
  { a: 1, b: ['x', null], c: { x: 2.5 } }, [{ k: 'a', v: 1 }, null], [{ key: 'k', value: [1, null] }]];
export const EXPECT_MIN = [false, -128, -32768, -2147483648, '-9223372036854775808', 'Infinity', '-Infinity', '-0.01', '-12345678901234567890.123456789012345678',
  '', '', '9999-12-31', '0001-01-01T00:00:00.000000Z', '9999-12-31T23:59:59.999999',
  { a: null, b: [], c: null }, [], []];
export const EXPECT_NULL = TYPE_COLUMNS.map(() => null);
