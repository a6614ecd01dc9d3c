import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import roaring from 'roaring';
import { expect } from 'vitest';
import { canonicalRows, sortedJson } from '../support/canonical.js';
import { inspectTableLog } from '../support/log-validator.js';
import type { LogReport } from '../support/log-validator.js';
import { expectMinimalAgrees, expectRows } from './delta-write-support.js';
import type { Harness } from './delta-write-support.js';

/**
 * Support of the DML integration tests (delta-dml, delta-merge): an independent look at what
 * DELETE / UPDATE / MERGE wrote. Deletion vectors are decoded here without Loch's code (Z85,
 * the portable RoaringBitmapArray via the roaring package, CRC-32 from node:zlib), and a small
 * log replay applies them to read a table the way PROTOCOL.md says a reader must.
 */

// Log actions as parsed JSON: the tests index into them freely.
export type Json = Record<string, any>;

export interface DvDescriptor {
  readonly storageType: string;
  readonly pathOrInlineDv: string;
  readonly offset?: number;
  readonly sizeInBytes: number;
  readonly cardinality: number;
}

const PAD = (v: number) => String(v).padStart(20, '0');

/** The actions of one commit file, in order (commitInfo included). */
export function commitActions(dir: string, version: number): Json[] {
  const text = readFileSync(join(dir, '_delta_log', `${PAD(version)}.json`), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Json);
}

/** The add / remove / cdc payloads of one commit. */
export function actionsOf(dir: string, version: number): { adds: Json[]; removes: Json[]; cdcs: Json[]; info: Json } {
  const actions = commitActions(dir, version);
  const pick = (k: string) => actions.flatMap((a) => (a[k] !== undefined ? [a[k] as Json] : []));
  return { adds: pick('add'), removes: pick('remove'), cdcs: pick('cdc'), info: pick('commitInfo')[0] ?? {} };
}

/** The newest version of the table (the last commit file). */
export function latestVersion(dir: string): number {
  let v = 0;
  while (existsSync(join(dir, '_delta_log', `${PAD(v + 1)}.json`))) v++;
  return v;
}

const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

function z85Decode(text: string): Uint8Array {
  const out = new Uint8Array((text.length / 5) * 4);
  for (let c = 0; c < text.length / 5; c++) {
    let value = 0;
    for (let i = 0; i < 5; i++) value = value * 85 + Z85.indexOf(text[c * 5 + i] as string);
    for (let b = 3; b >= 0; b--) {
      out[c * 4 + b] = value % 256;
      value = Math.floor(value / 256);
    }
  }
  return out;
}

/** The file a 'u' descriptor points at (no random prefix expected: Loch writes at the root). */
export function dvFileName(d: DvDescriptor): string {
  expect(d.storageType, 'Loch writes deletion vectors as files').toBe('u');
  expect(d.pathOrInlineDv.length, 'a root-level DV path is a bare 20-character Z85 UUID').toBe(20);
  const hex = Buffer.from(z85Decode(d.pathOrInlineDv)).toString('hex');
  return `deletion_vector_${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}.bin`;
}

/**
 * The deleted positions of a descriptor, read independently: the DV file's version byte, the
 * big-endian size and CRC around the bitmap, the portable RoaringBitmapArray (one bucket per
 * high 32 bits). Checks size, CRC and cardinality against the descriptor.
 */
export function readDv(dir: string, d: DvDescriptor): number[] {
  const bytes = readFileSync(join(dir, dvFileName(d)));
  expect(bytes[0], 'DV file format version').toBe(1);
  const offset = d.offset ?? 1;
  const size = bytes.readUInt32BE(offset);
  expect(size, 'DV size prefix equals sizeInBytes').toBe(d.sizeInBytes);
  const bitmap = bytes.subarray(offset + 4, offset + 4 + size);
  expect(bytes.readUInt32BE(offset + 4 + size), 'DV CRC-32').toBe(crc32(bitmap));
  expect(bitmap.readUInt32LE(0), 'portable RoaringBitmapArray magic').toBe(1681511377);
  const buckets = Number(bitmap.readBigUInt64LE(4));
  expect(buckets, 'Loch test tables have positions below 2^32').toBe(1);
  expect(bitmap.readUInt32LE(12), 'bucket key').toBe(0);
  const positions = Array.from(roaring.RoaringBitmap32.deserialize(bitmap.subarray(16), true).toArray());
  expect(positions.length, 'DV cardinality').toBe(d.cardinality);
  return positions;
}

function dvId(d: DvDescriptor | undefined): string {
  return d === undefined ? '' : `${d.storageType}${d.pathOrInlineDv}@${String(d.offset)}`;
}

/**
 * validateTableLog, knowing deletion vectors: a file removed and added again in one commit is
 * one logical file leaving and another (same path, new DV) arriving, as PROTOCOL.md's
 * (path, deletionVector) key allows. Every DV written is read back (file, CRC, cardinality),
 * lies within the file's numRecords, and keeps every position the replaced DV had: deleted rows
 * never come back.
 */
export async function validateDmlLog(dir: string): Promise<LogReport> {
  const report = await inspectTableLog(dir);
  const problems = report.problems.filter((p) => {
    const m = /^version (\d+): (.+) is both removed and added$/.exec(p);
    if (m === null) return true;
    const { adds, removes } = actionsOf(dir, Number(m[1]));
    const add = adds.find((a) => a['path'] === m[2]);
    const remove = removes.find((r) => r['path'] === m[2]);
    return add === undefined || remove === undefined || add['deletionVector'] === undefined || dvId(add['deletionVector']) === dvId(remove['deletionVector']);
  });
  if (problems.length > 0) throw new Error(`log validator: table ${dir}:\n  ${problems.join('\n  ')}`);
  for (const v of report.versions) {
    const { adds, removes } = actionsOf(dir, v);
    for (const add of adds) {
      if (add['deletionVector'] === undefined) continue;
      const positions = readDv(dir, add['deletionVector'] as DvDescriptor);
      const stats = JSON.parse(String(add['stats'])) as Json;
      expect(stats['tightBounds'], `version ${v}: stats of ${String(add['path'])} with a DV`).toBe(false);
      expect(Math.max(...positions), `version ${v}: DV of ${String(add['path'])} within numRecords`).toBeLessThan(Number(stats['numRecords']));
      expect(positions.length, `version ${v}: a DV may not delete every row (the file is removed instead)`).toBeLessThan(Number(stats['numRecords']));
      const old = removes.find((r) => r['path'] === add['path'])?.['deletionVector'] as DvDescriptor | undefined;
      if (old !== undefined) {
        const kept = new Set(positions);
        expect(readDv(dir, old).filter((p) => !kept.has(p)), `version ${v}: rows deleted before stay deleted`).toEqual([]);
      }
    }
  }
  return report;
}

function sql(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * The table at `version` read independently of Loch: JSON commits replayed from version 0,
 * each live file read with DuckDB minus the rows its DV marks, partition values filled in,
 * columns found by physical name (column mapping 'name'; top-level only) and columns missing
 * from older files read as NULL. Values as VARCHAR text.
 */
export async function independentRead(dir: string, version: number): Promise<{ columns: string[]; rows: (string | null)[][] }> {
  const live = new Map<string, Json>();
  let schema: Json | undefined;
  for (let v = 0; v <= version; v++) {
    for (const a of commitActions(dir, v)) {
      if (a['metaData'] !== undefined) schema = JSON.parse(String(a['metaData']['schemaString'])) as Json;
      if (a['remove'] !== undefined) live.delete(String(a['remove']['path']));
      if (a['add'] !== undefined) live.set(String(a['add']['path']), a['add'] as Json);
    }
  }
  const fields = ((schema?.['fields'] ?? []) as Json[]).map((f) => ({ name: String(f['name']), physical: String(f['metadata']?.['delta.columnMapping.physicalName'] ?? f['name']) }));
  const rows: (string | null)[][] = [];
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  const duckRows = async (text: string) => (await connection.runAndReadAll(text)).getRowsJS() as unknown[][];
  try {
    for (const add of live.values()) {
      const file = sql(join(dir, decodeURIComponent(String(add['path']))));
      const present = new Set((await duckRows(`DESCRIBE SELECT * FROM read_parquet(${file})`)).map((r) => String(r[0])));
      const parts = add['partitionValues'] as Record<string, string | null>;
      const items = fields.map(({ physical }) => {
        if (physical in parts) return parts[physical] === null ? 'NULL' : sql(String(parts[physical]));
        return present.has(physical) ? `CAST("${physical}" AS VARCHAR)` : 'NULL';
      });
      const deleted = add['deletionVector'] === undefined ? [] : readDv(dir, add['deletionVector'] as DvDescriptor);
      const where = deleted.length === 0 ? '' : ` WHERE file_row_number NOT IN (${deleted.join(', ')})`;
      const got = await duckRows(`SELECT ${items.join(', ')} FROM read_parquet(${file}, file_row_number = true)${where}`);
      rows.push(...(got as (string | null)[][]));
    }
  } finally {
    connection.closeSync();
    db.closeSync();
  }
  return { columns: fields.map((f) => f.name), rows };
}

/** Loch's read of `version` equals the independent read, value for value (as VARCHAR). */
export async function expectIndependentAgrees(h: Harness, dir: string, version: number): Promise<void> {
  const mine = await independentRead(dir, version);
  const result = await h.loch.sql(`SELECT CAST(COLUMNS(*) AS VARCHAR) FROM ${h.ref(dir)} VERSION AS OF ${version}`);
  expect(result.columns.length, `columns at version ${version}`).toBe(mine.columns.length);
  expect(sortedJson((await result.all()) as unknown[][]), `independent reader vs Loch at version ${version}`).toEqual(sortedJson(mine.rows));
}

/**
 * Rows expected at each version of one table, checked at the end: the DV-aware log validation,
 * every version by number and by commit timestamp through Loch, and through an independent
 * reader (`independentRead`, and the write tests' minimal reader until the first DV).
 */
export class Versions {
  private readonly expected = new Map<number, Record<string, unknown>[]>();

  constructor(
    private readonly h: Harness,
    readonly dir: string,
  ) {}

  /** Records (and checks now) the rows the latest version holds; returns that version. */
  async expectLatest(rows: readonly Record<string, unknown>[]): Promise<number> {
    const version = latestVersion(this.dir);
    this.expected.set(version, [...rows]);
    await expectRows(this.h, `SELECT * FROM ${this.h.ref(this.dir)}`, rows);
    return version;
  }

  rowsAt(version: number): Record<string, unknown>[] {
    const rows = this.expected.get(version);
    if (rows === undefined) throw new Error(`no rows recorded for version ${version}`);
    return rows;
  }

  async verify(): Promise<LogReport> {
    const report = await validateDmlLog(this.dir);
    const ref = this.h.ref(this.dir);
    for (const [version, rows] of this.expected) {
      await expectRows(this.h, `SELECT * FROM ${ref} VERSION AS OF ${version}`, rows, `version ${version}`);
      const info = report.commitInfos.get(version);
      const ms = Number(info?.['inCommitTimestamp'] ?? info?.['timestamp']);
      await expectRows(this.h, `SELECT * FROM ${ref} TIMESTAMP AS OF '${new Date(ms).toISOString()}'`, rows, `timestamp of version ${version}`);
      await expectIndependentAgrees(this.h, this.dir, version);
      // The write tests' minimal reader as a second opinion where it applies (no DV written yet).
      if (!dvWrittenBy(this.dir, version)) await expectMinimalAgrees(this.h, this.dir, version);
    }
    return report;
  }
}

/** Whether any commit up to `version` added a file with a DV (the minimal reader refuses those). */
function dvWrittenBy(dir: string, version: number): boolean {
  for (let v = 0; v <= version; v++) {
    if (actionsOf(dir, v).adds.some((a) => a['deletionVector'] !== undefined)) return true;
  }
  return false;
}

async function historyMap(h: Harness, dir: string, version: number, column: string): Promise<Record<string, string>> {
  const rows = await h.rows(`DESCRIBE HISTORY ${h.ref(dir)}`);
  const row = rows.find((r) => Number(r['version']) === version);
  if (row === undefined) throw new Error(`no history entry for version ${version}`);
  const map = row[column] as { key: string; value: string }[];
  return Object.fromEntries(map.map((e) => [e.key, e.value]));
}

/** operationMetrics of one version, from DESCRIBE HISTORY. */
export function historyMetrics(h: Harness, dir: string, version: number): Promise<Record<string, string>> {
  return historyMap(h, dir, version, 'operationMetrics');
}

/** operationParameters of one version, from DESCRIBE HISTORY. */
export function historyParameters(h: Harness, dir: string, version: number): Promise<Record<string, string>> {
  return historyMap(h, dir, version, 'operationParameters');
}

/** table_changes of versions from..to: the table's columns and _change_type (no commit columns). */
export async function changesOf(h: Harness, dir: string, from: number, to = from): Promise<Record<string, unknown>[]> {
  const result = await h.loch.sql(`SELECT * EXCLUDE (_commit_version, _commit_timestamp) FROM table_changes('${dir.replaceAll("'", "''")}', ${from}, ${to})`);
  return canonicalRows(result.columns, await result.all());
}

/** Multiset equality of canonical rows. */
export function expectSameRows(actual: readonly Record<string, unknown>[], expected: readonly Record<string, unknown>[], what: string): void {
  expect(sortedJson(actual), what).toEqual(sortedJson(expected));
}

/** The files of the table's root folder named like deletion vectors. */
export function dvFilesOnDisk(dir: string): string[] {
  return readdirSync(dir).filter((n) => /^deletion_vector_[0-9a-f-]{36}\.bin$/.test(n));
}
