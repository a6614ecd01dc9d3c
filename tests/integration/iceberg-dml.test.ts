import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import roaring from 'roaring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness } from './delta-write-support.js';
import type { Harness } from './delta-write-support.js';

/**
 * DELETE / UPDATE / MERGE INTO on Iceberg tables through SQL, for every strategy (copy-on-write,
 * merge-on-read) × format version (2: position delete files, 3: deletion vectors), on
 * unpartitioned and partitioned tables. After every statement the table is read back through
 * the Iceberg read path and compared with a plain DuckDB table that ran the same statement (the
 * oracle), and what was written is checked independently: position delete files read with
 * DuckDB (field ids, sort order, referenced_data_file), deletion vectors decoded from the Puffin
 * bytes with the roaring package and node's CRC-32, snapshot operations as Java writes them.
 */

let h: Harness;
let oracleDb: DuckDBInstance;
let oracle: DuckDBConnection;

beforeAll(async () => {
  h = await openHarness();
  oracleDb = await DuckDBInstance.create(':memory:');
  oracle = await oracleDb.connect();
});
afterAll(async () => {
  oracle?.closeSync();
  await h?.close();
});

type Mode = 'copy-on-write' | 'merge-on-read';

interface Case {
  readonly version: 2 | 3;
  readonly mode: Mode;
  readonly partitioned: boolean;
}

const CASES: Case[] = [
  { version: 2, mode: 'copy-on-write', partitioned: false },
  { version: 2, mode: 'merge-on-read', partitioned: false },
  { version: 3, mode: 'copy-on-write', partitioned: false },
  { version: 3, mode: 'merge-on-read', partitioned: false },
  { version: 2, mode: 'merge-on-read', partitioned: true },
  { version: 3, mode: 'merge-on-read', partitioned: true },
  { version: 3, mode: 'copy-on-write', partitioned: true },
];

let tableCounter = 0;

/** One Iceberg table and its oracle twin; statements use `{T}` for the target. */
class Pair {
  readonly oracleName: string;
  constructor(readonly dir: string) {
    tableCounter += 1;
    this.oracleName = `oracle_${tableCounter}`;
  }

  get ref(): string {
    return `iceberg.\`${this.dir}\``;
  }

  /** Runs the statement on both; returns Loch's first result row and the oracle's count. */
  async run(template: string): Promise<{ loch: Record<string, unknown>; oracle: number }> {
    const lochRows = await h.rows(template.replaceAll('{T}', `${this.ref} AS t`));
    const result = await oracle.runAndReadAll(template.replaceAll('{T}', `${this.oracleName} AS t`));
    const count = result.getRows()[0]?.[0];
    return { loch: lochRows[0] ?? {}, oracle: Number(count ?? 0) };
  }

  async expectSameRows(what: string): Promise<void> {
    const lochResult = await h.loch.sql(`SELECT CAST(COLUMNS(*) AS VARCHAR) FROM ${this.ref}`);
    const lochRows = ((await lochResult.all()) as unknown[][]).map((r) => JSON.stringify(r)).sort();
    const expected = (await oracle.runAndReadAll(`SELECT CAST(COLUMNS(*) AS VARCHAR) FROM ${this.oracleName}`)).getRows().map((r) => JSON.stringify(r)).sort();
    expect(lochRows, `rows after ${what}`).toEqual(expected);
  }
}

interface FileRow {
  readonly content: number;
  readonly file_path: string;
  readonly file_format: string;
  readonly partition: string;
  readonly record_count: number;
  readonly referenced_data_file: string | null;
}

async function liveFiles(p: Pair): Promise<FileRow[]> {
  const rows = await h.rows(`SELECT content, file_path, file_format, partition, record_count, referenced_data_file FROM ${p.ref}.files`);
  return rows.map((r) => ({ ...r, content: Number(r['content']), record_count: Number(r['record_count']) }) as unknown as FileRow);
}

async function lastOperation(p: Pair): Promise<string> {
  const rows = await h.rows(`SELECT operation FROM ${p.ref}.snapshots`);
  return String(rows[rows.length - 1]?.['operation']);
}

function localPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

/** Deleted positions of one deletion-vector blob, decoded without Loch's code. */
function decodeDv(bytes: Buffer): number[] {
  const len = bytes.readUInt32BE(0);
  expect(len, 'DV length field = blob length - 8').toBe(bytes.length - 8);
  expect([...bytes.subarray(4, 8)], 'DV magic').toEqual([0xd1, 0xd3, 0x39, 0x64]);
  const body = bytes.subarray(4, bytes.length - 4);
  expect(bytes.readUInt32BE(bytes.length - 4), 'DV CRC-32 over magic + vector').toBe(crc32(body));
  const vector = bytes.subarray(8, bytes.length - 4);
  expect(Number(vector.readBigUInt64LE(0)), 'one 32-bit bucket').toBe(1);
  expect(vector.readUInt32LE(8), 'bucket key').toBe(0);
  return Array.from(roaring.RoaringBitmap32.deserialize(vector.subarray(12), true).toArray());
}

interface PuffinBlobMeta {
  readonly type: string;
  readonly offset: number;
  readonly length: number;
  readonly properties: Record<string, string>;
  readonly 'snapshot-id': number;
  readonly 'compression-codec'?: string;
}

function puffinFooter(bytes: Buffer): PuffinBlobMeta[] {
  expect(bytes.subarray(0, 4).toString('latin1'), 'puffin head magic').toBe('PFA1');
  expect(bytes.subarray(bytes.length - 4).toString('latin1'), 'puffin tail magic').toBe('PFA1');
  const size = bytes.readInt32LE(bytes.length - 12);
  const payload = bytes.subarray(bytes.length - 12 - size, bytes.length - 12).toString('utf8');
  return (JSON.parse(payload) as { blobs: PuffinBlobMeta[] }).blobs;
}

/** What the written delete files must look like for the table's mode and version. */
async function checkDeleteFiles(p: Pair, c: Case): Promise<void> {
  const files = await liveFiles(p);
  const data = files.filter((f) => f.content === 0);
  const deletes = files.filter((f) => f.content !== 0);
  const dataPartition = new Map(data.map((f) => [f.file_path, f.partition]));
  if (c.mode === 'copy-on-write') {
    expect(deletes, 'copy-on-write writes no delete files').toEqual([]);
    return;
  }
  if (c.version === 3) {
    expect(deletes.filter((d) => d.file_format !== 'PUFFIN'), 'v3 writes deletion vectors only').toEqual([]);
    const perData = new Map<string, number>();
    for (const d of deletes) {
      expect(d.referenced_data_file, 'a DV names its data file').not.toBeNull();
      const ref = d.referenced_data_file as string;
      expect(dataPartition.has(ref), `DV for live data file ${ref}`).toBe(true);
      expect(d.partition, 'a DV carries its data file partition').toBe(dataPartition.get(ref));
      perData.set(ref, (perData.get(ref) ?? 0) + 1);
    }
    for (const [ref, n] of perData) expect(n, `one live DV for ${ref}`).toBe(1);
    await checkDvBlobs(deletes);
    return;
  }
  for (const d of deletes) {
    expect(d.file_format, 'v2 position delete files are parquet').toBe('PARQUET');
    const local = localPath(d.file_path);
    const schema = (await oracle.runAndReadAll(`SELECT name, field_id FROM parquet_schema('${local}') WHERE name IN ('file_path', 'pos')`)).getRows();
    expect(new Map(schema.map((r) => [String(r[0]), Number(r[1])])), 'reserved field ids').toEqual(new Map([['file_path', 2147483546], ['pos', 2147483545]]));
    const rows = (await oracle.runAndReadAll(`SELECT file_path, pos FROM read_parquet('${local}')`)).getRows().map((r) => [String(r[0]), Number(r[1])] as const);
    expect(rows.length, 'record_count').toBe(d.record_count);
    const sorted = [...rows].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
    expect(rows, 'sorted by file_path, pos').toEqual(sorted);
    const targets = new Set(rows.map((r) => r[0]));
    expect(d.referenced_data_file, 'referenced_data_file iff the file covers one data file').toBe(targets.size === 1 ? [...targets][0] : null);
    for (const t of targets) {
      if (dataPartition.has(t)) expect(d.partition, 'a position delete file holds one partition').toBe(dataPartition.get(t));
    }
  }
}

async function checkDvBlobs(deletes: readonly FileRow[]): Promise<void> {
  const byFile = new Map<string, FileRow[]>();
  for (const d of deletes) byFile.set(d.file_path, [...(byFile.get(d.file_path) ?? []), d]);
  for (const [path, entries] of byFile) {
    const bytes = readFileSync(localPath(path));
    const blobs = puffinFooter(bytes);
    for (const e of entries) {
      const blob = blobs.find((b) => b.properties['referenced-data-file'] === e.referenced_data_file);
      expect(blob, `blob for ${e.referenced_data_file}`).toBeDefined();
      const b = blob as PuffinBlobMeta;
      expect(b.type).toBe('deletion-vector-v1');
      expect(b['snapshot-id']).toBe(-1);
      expect(b['compression-codec']).toBeUndefined();
      const positions = decodeDv(bytes.subarray(b.offset, b.offset + b.length));
      expect(positions.length, 'record_count = DV cardinality').toBe(e.record_count);
      expect(b.properties['cardinality']).toBe(String(e.record_count));
    }
  }
}

const COLUMNS = '(id BIGINT, grp STRING, n INT, s STRING)';
const ORACLE_COLUMNS = '(id BIGINT, grp VARCHAR, n INTEGER, s VARCHAR)';
const rowsOf = (from: number, to: number, prefix: string) => `SELECT i::BIGINT AS id, 'g' || (i % 3) AS grp, (i * 10)::INT AS n, '${prefix}' || i AS s FROM range(${from}, ${to}) r(i)`;

async function createPair(c: Case, name: string): Promise<Pair> {
  const p = new Pair(h.path(name));
  const props = `'format-version' = '${c.version}', 'write.delete.mode' = '${c.mode}', 'write.update.mode' = '${c.mode}', 'write.merge.mode' = '${c.mode}'`;
  await h.rows(`CREATE TABLE ${p.ref} ${COLUMNS} USING ICEBERG ${c.partitioned ? 'PARTITIONED BY (grp) ' : ''}TBLPROPERTIES (${props})`);
  await oracle.run(`CREATE TABLE ${p.oracleName} ${ORACLE_COLUMNS}`);
  for (const [from, to, prefix] of [[0, 40, 'a'], [40, 60, 'b']] as const) {
    await h.rows(`INSERT INTO ${p.ref} ${rowsOf(from, to, prefix)}`);
    await oracle.run(`INSERT INTO ${p.oracleName} ${rowsOf(from, to, prefix)}`);
  }
  await p.expectSameRows('the inserts');
  return p;
}

const label = (c: Case) => `v${c.version} ${c.mode}${c.partitioned ? ' partitioned' : ''}`;

describe.each(CASES)('Iceberg DML $version $mode partitioned=$partitioned', (c) => {
  it('DELETE, UPDATE and MERGE agree with the oracle after every statement', async () => {
    const p = await createPair(c, `dml-${c.version}-${c.mode}-${c.partitioned}`);
    const steps: { sql: string; op: string; kind: 'delete' | 'update' | 'merge' }[] = [
      { sql: `DELETE FROM {T} WHERE id % 7 = 0`, op: c.mode === 'merge-on-read' ? 'delete' : 'overwrite', kind: 'delete' },
      { sql: `DELETE FROM {T} WHERE t.id < 10 OR t.id = 45`, op: c.mode === 'merge-on-read' ? 'delete' : 'overwrite', kind: 'delete' },
      { sql: `UPDATE {T} SET n = n + 1, s = s || '!' WHERE id % 5 = 1`, op: 'overwrite', kind: 'update' },
      {
        sql: `MERGE INTO {T} USING (${rowsOf(50, 70, 'm')}) AS src ON t.id = src.id
              WHEN MATCHED AND t.id % 2 = 0 THEN DELETE
              WHEN MATCHED THEN UPDATE SET n = src.n + t.n, s = src.s
              WHEN NOT MATCHED THEN INSERT (id, grp, n, s) VALUES (src.id, src.grp, src.n, src.s)`,
        op: 'overwrite',
        kind: 'merge',
      },
      {
        sql: `MERGE INTO {T} USING (SELECT 11::BIGINT AS id, 'x' AS s) AS src ON t.id = src.id
              WHEN MATCHED THEN UPDATE SET s = src.s
              WHEN NOT MATCHED BY SOURCE AND t.id < 20 THEN UPDATE SET s = 'orphan'
              WHEN NOT MATCHED BY SOURCE AND t.id > 65 THEN DELETE`,
        op: 'overwrite',
        kind: 'merge',
      },
      { sql: `UPDATE {T} SET grp = 'moved' WHERE id = 12`, op: 'overwrite', kind: 'update' },
    ];
    for (const [i, step] of steps.entries()) {
      const filesBefore = await liveFiles(p);
      const result = await p.run(step.sql);
      expect(Number(result.loch['num_affected_rows']), `${label(c)}: count of ${step.sql}`).toBe(result.oracle);
      await p.expectSameRows(step.sql);
      expect(await lastOperation(p), `${label(c)}: snapshot operation of ${step.sql}`).toBe(step.op);
      await checkDeleteFiles(p, c);
      const filesAfter = await liveFiles(p);
      if (i === 0 && c.mode === 'merge-on-read') {
        expect(filesAfter.filter((f) => f.content === 1).length, 'merge-on-read DELETE adds delete files').toBeGreaterThan(0);
        expect(filesAfter.filter((f) => f.content === 0), 'and keeps the data files').toEqual(filesBefore.filter((f) => f.content === 0));
      }
      if (i === 0 && c.mode === 'copy-on-write') {
        const paths = new Set(filesAfter.map((f) => f.file_path));
        expect(filesBefore.every((f) => !paths.has(f.file_path)), 'copy-on-write DELETE rewrote every touched file').toBe(true);
      }
    }
  });
});

describe('Iceberg DML details', () => {
  it('merge-on-read v3 merges a second delete into the file’s deletion vector and drops the old one', async () => {
    const c: Case = { version: 3, mode: 'merge-on-read', partitioned: false };
    const p = await createPair(c, 'dv-merge');
    await p.run(`DELETE FROM {T} WHERE id IN (1, 2)`);
    let deletes = (await liveFiles(p)).filter((f) => f.content === 1);
    expect(deletes.map((d) => d.record_count)).toEqual([2]);
    await p.run(`DELETE FROM {T} WHERE id IN (2, 3, 30)`);
    deletes = (await liveFiles(p)).filter((f) => f.content === 1);
    expect(deletes.map((d) => d.record_count), 'one DV holding old and new positions').toEqual([4]);
    await p.expectSameRows('two deletes');
    await checkDeleteFiles(p, c);
  });

  it('after an upgrade to v3, a deletion vector takes over the file’s v2 position deletes', async () => {
    const p = await createPair({ version: 2, mode: 'merge-on-read', partitioned: false }, 'upgrade');
    await p.run(`DELETE FROM {T} WHERE id IN (1, 2, 3)`);
    let deletes = (await liveFiles(p)).filter((f) => f.content === 1);
    expect(deletes.map((d) => d.file_format)).toEqual(['PARQUET']);
    await h.rows(`ALTER TABLE ${p.ref} SET TBLPROPERTIES ('format-version' = '3')`);
    await p.run(`DELETE FROM {T} WHERE id IN (5, 50)`);
    deletes = (await liveFiles(p)).filter((f) => f.content === 1);
    expect(deletes.map((d) => `${d.file_format}:${d.record_count}`).sort(), 'old deletes merged into the DV; the file-scoped position delete file removed').toEqual(['PUFFIN:1', 'PUFFIN:4']);
    await p.expectSameRows('delete after upgrade');
    await checkDeleteFiles(p, { version: 3, mode: 'merge-on-read', partitioned: false });
  });

  it('merge-on-read rewrites files of an older partition spec and writes deletes for the current one', async () => {
    const p = await createPair({ version: 3, mode: 'merge-on-read', partitioned: false }, 'evolved');
    await h.rows(`ALTER TABLE ${p.ref} ADD PARTITION FIELD grp`);
    await h.rows(`INSERT INTO ${p.ref} ${rowsOf(100, 110, 'c')}`);
    await oracle.run(`INSERT INTO ${p.oracleName} ${rowsOf(100, 110, 'c')}`);
    await p.run(`DELETE FROM {T} WHERE id % 4 = 0`);
    await p.expectSameRows('delete across specs');
    const files = await h.rows(`SELECT content, spec_id FROM ${p.ref}.files`);
    expect(files.filter((f) => Number(f['content']) === 0 && Number(f['spec_id']) === 0), 'old-spec files were rewritten').toEqual([]);
    expect(files.filter((f) => Number(f['content']) === 1).length, 'current-spec files got deletion vectors').toBeGreaterThan(0);
    await checkDeleteFiles(p, { version: 3, mode: 'merge-on-read', partitioned: true });
  });

  it('merge-on-read removes a data file whose rows are all deleted instead of writing deletes for it', async () => {
    for (const version of [2, 3] as const) {
      const c: Case = { version, mode: 'merge-on-read', partitioned: false };
      const p = await createPair(c, `emptied-${version}`);
      await p.run(`DELETE FROM {T} WHERE id >= 40 AND id % 2 = 0`);
      const before = await liveFiles(p);
      expect(before.filter((f) => f.content === 0)).toHaveLength(2);
      await p.run(`DELETE FROM {T} WHERE id >= 40`);
      const after = await liveFiles(p);
      expect(after.filter((f) => f.content === 0), `v${version}: the emptied file is gone`).toHaveLength(1);
      expect(after.filter((f) => f.content === 1 && f.referenced_data_file !== null && !after.some((d) => d.file_path === f.referenced_data_file)), 'no delete file names a removed data file').toEqual([]);
      await p.expectSameRows('emptying a file');
    }
  });

  it('DELETE without WHERE removes every file and counts the live rows', async () => {
    const c: Case = { version: 2, mode: 'merge-on-read', partitioned: false };
    const p = await createPair(c, 'delete-all');
    await p.run(`DELETE FROM {T} WHERE id < 5`);
    const r = await p.run(`DELETE FROM {T}`);
    expect(Number(r.loch['num_affected_rows'])).toBe(55);
    expect(r.oracle).toBe(55);
    expect(await liveFiles(p)).toEqual([]);
    expect(await lastOperation(p)).toBe('delete');
    await p.expectSameRows('delete all');
  });

  it('a statement that changes no row commits nothing', async () => {
    const p = await createPair({ version: 2, mode: 'copy-on-write', partitioned: false }, 'noop');
    const before = (await h.rows(`SELECT * FROM ${p.ref}.snapshots`)).length;
    expect(Number((await p.run(`DELETE FROM {T} WHERE id > 1000`)).loch['num_affected_rows'])).toBe(0);
    expect(Number((await p.run(`UPDATE {T} SET n = 0 WHERE id > 1000`)).loch['num_affected_rows'])).toBe(0);
    expect((await h.rows(`SELECT * FROM ${p.ref}.snapshots`)).length).toBe(before);
  });

  it('MERGE result columns as on Databricks; INSERT-only MERGE is an append', async () => {
    const p = await createPair({ version: 3, mode: 'merge-on-read', partitioned: false }, 'merge-counts');
    const r = await p.run(`MERGE INTO {T} USING (${rowsOf(55, 65, 'q')}) AS src ON t.id = src.id
      WHEN MATCHED AND t.id = 55 THEN DELETE WHEN MATCHED THEN UPDATE SET s = src.s WHEN NOT MATCHED THEN INSERT *`);
    expect(r.loch).toEqual({ num_affected_rows: 10, num_updated_rows: 4, num_deleted_rows: 1, num_inserted_rows: 5 });
    await p.expectSameRows('merge');
    const ins = await h.rows(`MERGE INTO ${p.ref} AS t USING (${rowsOf(100, 103, 'z')}) AS src ON t.id = src.id WHEN NOT MATCHED THEN INSERT *`);
    expect(ins[0]).toEqual({ num_affected_rows: 3, num_updated_rows: 0, num_deleted_rows: 0, num_inserted_rows: 3 });
    expect(await lastOperation(p)).toBe('append');
  });

  it('errors name the Iceberg table', async () => {
    const p = await createPair({ version: 2, mode: 'copy-on-write', partitioned: false }, 'errors');
    const dup = await h.error(`MERGE INTO ${p.ref} AS t USING (SELECT 1::BIGINT AS id UNION ALL SELECT 1) AS src ON t.id = src.id WHEN MATCHED THEN UPDATE SET s = 'x'`);
    expect(dup.code).toBe('INVALID_ARGUMENT');
    expect(dup.message).toMatch(/^iceberg merge: table .*errors: 2 source rows matched the same target row/);
    const unknown = await h.error(`UPDATE ${p.ref} SET nope = 1`);
    expect(unknown.code).toBe('INVALID_ARGUMENT');
    expect(unknown.message).toMatch(/^iceberg update: table .*errors has no column nope/);
  });

  it('merge-on-read on a v1 table and an unknown mode are refused', async () => {
    const v1 = h.path('v1-mor');
    await h.rows(`CREATE TABLE iceberg.\`${v1}\` (id BIGINT) USING ICEBERG TBLPROPERTIES ('format-version' = '1', 'write.delete.mode' = 'merge-on-read', 'write.update.mode' = 'bogus')`);
    await h.rows(`INSERT INTO iceberg.\`${v1}\` VALUES (1), (2)`);
    const e1 = await h.error(`DELETE FROM iceberg.\`${v1}\` WHERE id = 1`);
    expect(e1.code).toBe('INVALID_ARGUMENT');
    expect(e1.message).toMatch(/write\.delete\.mode = 'merge-on-read' needs format version 2/);
    const e2 = await h.error(`UPDATE iceberg.\`${v1}\` SET id = 3`);
    expect(e2.code).toBe('INVALID_ARGUMENT');
    expect(e2.message).toMatch(/write\.update\.mode = 'bogus' is neither/);
  });

  it('a partitioned merge-on-read DELETE reads and writes deletes only for the partitions it touches', async () => {
    const p = await createPair({ version: 2, mode: 'merge-on-read', partitioned: true }, 'pruned');
    // A missing file of another partition proves the condition pruned it: reading it would fail.
    const g0 = (await liveFiles(p)).filter((f) => f.content === 0 && /=g0\}$/.test(f.partition));
    expect(g0.length).toBeGreaterThan(0);
    for (const f of g0) rmSync(localPath(f.file_path));
    const r = await h.rows(`DELETE FROM ${p.ref} WHERE grp = 'g1' AND id = 4`);
    expect(Number(r[0]?.['num_affected_rows'])).toBe(1);
    const deletes = (await liveFiles(p)).filter((f) => f.content === 1);
    expect(deletes).toHaveLength(1);
    expect(deletes[0]?.partition).toMatch(/=g1\}$/);
    await expect(h.rows(`SELECT count(*) FROM ${p.ref}`)).rejects.toThrow(/not found|No files found/);
  });

  it('MERGE reads only the target files the source keys can match', async () => {
    const p = await createPair({ version: 3, mode: 'copy-on-write', partitioned: false }, 'merge-pruned');
    const first = (await liveFiles(p)).filter((f) => f.content === 0 && f.record_count === 40);
    expect(first).toHaveLength(1);
    rmSync(localPath((first[0] as FileRow).file_path));
    const r = await h.rows(`MERGE INTO ${p.ref} AS t USING (${rowsOf(45, 48, 'k')}) AS src ON t.id = src.id WHEN MATCHED THEN UPDATE SET s = src.s`);
    expect(Number(r[0]?.['num_updated_rows'])).toBe(3);
  });
});
