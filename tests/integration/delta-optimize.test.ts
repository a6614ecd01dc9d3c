import { cp, readFile, readdir } from 'node:fs/promises';
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/core/clock.js';
import { Loch, and, cmp, col, lit, primitive } from '../../src/index.js';
import type { DeltaTable } from '../../src/index.js';
import { copyCorpusTable } from '../support/corpus.js';
import { tempDir } from '../support/delta-fixture.js';
import { validateTableLog } from '../support/log-validator.js';
import { RoundTrip, START, openHarness } from './delta-write-support.js';
import type { Harness } from './delta-write-support.js';

/** OPTIMIZE (bin-packing, WHERE, ZORDER BY) and liquid clustering, through SQL and the table API. */

interface LoggedFile {
  readonly path: string;
  readonly size: number;
  readonly dataChange: boolean;
  readonly clusteringProvider?: string;
  readonly stats: { numRecords: number; minValues: Record<string, number>; maxValues: Record<string, number> };
}

async function liveFiles(t: DeltaTable): Promise<LoggedFile[]> {
  const snapshot = await t.snapshot();
  return snapshot.delta.files.map((f) => ({ ...f, stats: JSON.parse(f.stats ?? '{}') as LoggedFile['stats'] }));
}

/** Mean width (max - min) of a column over the files' statistics. */
function spread(files: readonly LoggedFile[], column: string): number {
  return files.reduce((n, f) => n + ((f.stats.maxValues[column] ?? 0) - (f.stats.minValues[column] ?? 0)), 0) / files.length;
}

async function commitActions(path: string, version: number): Promise<Record<string, Record<string, unknown>>[]> {
  const text = await readFile(join(path, '_delta_log', `${String(version).padStart(20, '0')}.json`), 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
}

const between = (column: string, lo: number, hi: number) => and(cmp('>=', col(column), lit(primitive('integer'), lo)), cmp('<=', col(column), lit(primitive('integer'), hi)));

/** Rows with x, y spread over [0, 1000) by a hash, so every inserted file covers the whole square. */
const scattered = (from: number, n: number) =>
  `SELECT (${from} + range)::INT AS id, (hash(${from} + range) % 1000)::INT AS x, (hash((${from} + range) * 31 + 7) % 1000)::INT AS y FROM range(${n})`;

describe('delta OPTIMIZE', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => h?.close());

  it('bin-packs small files into one, keeping every version readable', async () => {
    const path = h.path('compact');
    const ref = h.ref(path);
    await h.rows(`CREATE TABLE ${ref} (id INT, s STRING) TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')`);
    const rt = new RoundTrip(h, path);
    const expected: Record<string, unknown>[] = [];
    for (let i = 0; i < 5; i++) {
      await h.rows(`INSERT INTO ${ref} SELECT (${i * 10} + range)::INT, 's' || range FROM range(10)`);
      for (let j = 0; j < 10; j++) expected.push({ id: i * 10 + j, s: `s${j}` });
      await rt.expectLatest(expected);
    }
    const t = await h.loch.deltaTable(path);
    expect((await t.snapshot()).fileCount).toBe(5);
    const result = await h.loch.sql(`OPTIMIZE ${ref}`);
    expect(result.columns.map((c) => c.name)).toEqual(['path', 'metrics']);
    const [[location, metrics]] = (await result.all()) as [[string, Record<string, unknown>]];
    expect(location).toContain(path);
    expect(metrics).toMatchObject({ numFilesAdded: 1n, numFilesRemoved: 5n, partitionsOptimized: 1n, totalConsideredFiles: 5n });
    expect(metrics['filesRemoved']).toMatchObject({ totalFiles: 5n });
    const version = await rt.expectLatest(expected);
    expect(version).toBe(6);
    expect((await t.snapshot()).fileCount).toBe(1);

    const actions = await commitActions(path, version);
    const info = actions.find((a) => a['commitInfo'])?.['commitInfo'] as Record<string, Record<string, string>>;
    expect(info['operation']).toBe('OPTIMIZE');
    expect(info['operationParameters']).toEqual({ predicate: '[]', zOrderBy: '[]', auto: 'false' });
    expect(info['operationMetrics']).toMatchObject({ numAddedFiles: '1', numRemovedFiles: '5', numDeletionVectorsRemoved: '0' });
    for (const key of ['minFileSize', 'p25FileSize', 'p50FileSize', 'p75FileSize', 'maxFileSize', 'numAddedBytes', 'numRemovedBytes']) expect(info['operationMetrics']).toHaveProperty(key);
    expect(actions.filter((a) => a['remove']).map((a) => a['remove']?.['dataChange'])).toEqual([false, false, false, false, false]);
    expect(actions.filter((a) => a['add']).map((a) => a['add']?.['dataChange'])).toEqual([false]);
    // A rearrangement changes no data: the change feed has nothing for it.
    expect(await h.rows(`SELECT count(*) AS n FROM table_changes('${path}', ${version}, ${version})`)).toEqual([{ n: 0 }]);
    const history = await h.rows(`DESCRIBE HISTORY ${ref}`);
    expect(history[0]).toMatchObject({ version: 6, operation: 'OPTIMIZE' });

    // Nothing left to compact: no commit.
    const again = await t.optimize();
    expect(again.version).toBeUndefined();
    expect(again.metrics).toMatchObject({ numFilesAdded: 0, numFilesRemoved: 0, totalConsideredFiles: 1, totalFilesSkipped: 1 });
    await rt.verify();
  });

  it('compacts only bins worth it: large files stay, small ones pack up to the target size', async () => {
    const path = h.path('bins');
    const t = await h.loch.deltaTable(path);
    await t.create({ mode: 'create', schema: { kind: 'struct', fields: [{ name: 'id', type: primitive('long'), nullable: true, physicalName: 'id' }] } });
    await t.write({ sql: 'SELECT range AS id FROM range(200000)' });
    for (let i = 0; i < 4; i++) await t.write({ sql: `SELECT range + ${1_000_000 * (i + 1)} AS id FROM range(10)` });
    const before = await liveFiles(t);
    const big = before.find((f) => f.stats.numRecords === 200000) as LoggedFile;
    const small = before.filter((f) => f !== big);
    // Target: the big file counts as large; two small files fit a bin.
    const target = Math.max(...small.map((f) => f.size)) * 2 + 1;
    expect(big.size).toBeGreaterThan(target);
    const { metrics } = await t.optimize({ targetFileSize: target });
    expect(metrics).toMatchObject({ numFilesRemoved: 4, numFilesAdded: 2, numBatches: 2 });
    const after = await liveFiles(t);
    expect(after.map((f) => f.path)).toContain(big.path);
    expect(after.map((f) => f.stats.numRecords).sort((a, b) => a - b)).toEqual([20, 20, 200000]);
    expect(await h.rows(`SELECT count(*) AS n, sum(id) AS s FROM ${h.ref(path)}`)).toEqual([{ n: 200040, s: (199999 * 200000) / 2 + 4 * 45 + 10 * 1_000_000 * 10 }]);
    await validateTableLog(path);
  });

  it('WHERE selects partitions and may reference partition columns only', async () => {
    const path = h.path('where');
    const ref = h.ref(path);
    await h.rows(`CREATE TABLE ${ref} (id INT, p INT, q STRING) PARTITIONED BY (p, q)`);
    for (let i = 0; i < 3; i++) await h.rows(`INSERT INTO ${ref} SELECT range::INT + ${i * 100}, (range % 3)::INT, 'a' FROM range(6)`);
    const t = await h.loch.deltaTable(path);
    const count = async () => {
      const files = await liveFiles(t);
      return [0, 1, 2].map((p) => files.filter((f) => (f as unknown as { partitionValues: Record<string, string> }).partitionValues['p'] === String(p)).length);
    };
    expect(await count()).toEqual([3, 3, 3]);
    const rows = await h.rows(`SELECT * FROM ${ref}`);
    await h.rows(`OPTIMIZE ${ref} WHERE p = 1 AND q = 'a'`);
    expect(await count()).toEqual([3, 1, 3]);
    await h.rows(`OPTIMIZE ${ref} WHERE p IN (0, 7) OR q IS NULL`);
    expect(await count()).toEqual([1, 1, 3]);
    const actions = await commitActions(path, 5);
    expect((actions[0]?.['commitInfo']?.['operationParameters'] as Record<string, string>)['predicate']).toBe(JSON.stringify(["p IN (0, 7) OR q IS NULL"]));
    expect(sortedIds(await h.rows(`SELECT * FROM ${ref}`))).toEqual(sortedIds(rows));

    const dataColumn = await h.error(`OPTIMIZE ${ref} WHERE id > 3`);
    expect(dataColumn.code).toBe('INVALID_ARGUMENT');
    expect(dataColumn.message).toMatch(/partition columns \(p, q\).*data column id/);
    expect((await h.error(`OPTIMIZE ${ref} WHERE nope = 1`)).message).toMatch(/not a valid condition/);
    const flat = h.path('where-flat');
    await h.rows(`CREATE TABLE ${h.ref(flat)} (id INT)`);
    expect((await h.error(`OPTIMIZE ${h.ref(flat)} WHERE id = 1`)).message).toMatch(/the table has none/);
    await validateTableLog(path);
  });

  it('purges rows hidden by deletion vectors', async () => {
    const path = await copyCorpusTable('deltars-table-with-dv-small', await tempDir());
    const t = await h.loch.deltaTable(path);
    const before = await h.rows(`SELECT value FROM ${h.ref(path)} ORDER BY value`);
    expect(before.map((r) => r['value'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const { version, metrics } = await t.optimize();
    expect(version).toBe(2);
    expect(metrics).toMatchObject({ numFilesRemoved: 1, numFilesAdded: 1, deletionVectorStats: { numDeletionVectorsRemoved: 1, numDeletionVectorRowsRemoved: 2 } });
    const files = await liveFiles(t);
    expect(files).toHaveLength(1);
    expect((files[0] as unknown as { deletionVector?: unknown }).deletionVector).toBeUndefined();
    expect(files[0]?.stats.numRecords).toBe(8);
    expect(await h.rows(`SELECT value FROM ${h.ref(path)} ORDER BY value`)).toEqual(before);
    expect(await h.rows(`SELECT count(*) AS n FROM ${h.ref(path)} VERSION AS OF 1`)).toEqual([{ n: 8 }]);
    const remove = (await commitActions(path, 2)).find((a) => a['remove'])?.['remove'];
    expect(remove).toMatchObject({ dataChange: false, deletionVector: { cardinality: 2 } });
    const info = (await commitActions(path, 2))[0]?.['commitInfo'] as Record<string, Record<string, string>>;
    expect(info['operationMetrics']).toMatchObject({ numDeletionVectorsRemoved: '1', numDeletionVectorRowsRemoved: '2' });
  });
});

async function clusteringOf(h: Harness, ref: string): Promise<unknown> {
  const [detail] = await h.rows(`DESCRIBE DETAIL ${ref}`);
  return detail?.['clusteringColumns'];
}

function sortedIds(rows: readonly Record<string, unknown>[]): unknown[] {
  return rows.map((r) => r['id']).sort((a, b) => Number(a) - Number(b));
}

describe('delta OPTIMIZE ZORDER BY', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => h?.close());

  it('gives files much tighter min/max on every Z-order column, same rows', async () => {
    const path = h.path('zorder');
    const ref = h.ref(path);
    await h.rows(`CREATE TABLE ${ref} (id INT, x INT, y INT)`);
    const rt = new RoundTrip(h, path);
    for (let i = 0; i < 16; i++) await h.rows(`INSERT INTO ${ref} ${scattered(i * 500, 500)}`);
    const rows = await h.rows(`SELECT * FROM ${ref}`);
    await rt.expectLatest(rows);
    const t = await h.loch.deltaTable(path);
    const before = await liveFiles(t);
    expect(spread(before, 'x')).toBeGreaterThan(950);
    expect(spread(before, 'y')).toBeGreaterThan(950);
    const slab = between('x', 100, 110);
    const planned = async () => {
      const plan = await (await t.snapshot()).plan({ filter: slab });
      plan.release();
      return plan.spec.files.length;
    };
    expect(await planned()).toBe(16);

    const total = before.reduce((n, f) => n + f.size, 0);
    const { version, metrics } = await t.optimize({ zorderBy: ['x', 'y'], targetFileSize: Math.ceil(total / 16) });
    expect(metrics).toMatchObject({ numFilesRemoved: 16, numFilesAdded: 16 });
    await rt.expectLatest(rows);
    const after = await liveFiles(t);
    expect(after.reduce((n, f) => n + f.stats.numRecords, 0)).toBe(8000);
    expect(after.every((f) => f.stats.numRecords > 400 && f.stats.numRecords < 600)).toBe(true);
    // 16 files of a uniform square: a 4 x 4 grid of boxes, each a quarter wide in x and in y.
    expect(spread(after, 'x')).toBeLessThan(280);
    expect(spread(after, 'y')).toBeLessThan(280);
    expect(await planned()).toBe(4);
    const info = (await commitActions(path, version as number))[0]?.['commitInfo'] as Record<string, Record<string, string>>;
    expect(info['operationParameters']).toMatchObject({ zOrderBy: '["x","y"]' });
    await rt.verify();
  });

  it('orders each partition on its own, through SQL', async () => {
    const path = h.path('zorder-parts');
    const ref = h.ref(path);
    await h.rows(`CREATE TABLE ${ref} (id INT, x INT, y INT, p STRING) PARTITIONED BY (p)`);
    for (let i = 0; i < 4; i++) await h.rows(`INSERT INTO ${ref} SELECT *, CASE WHEN id % 2 = 0 THEN 'even' ELSE 'odd' END FROM (${scattered(i * 400, 400)})`);
    const rows = await h.rows(`SELECT * FROM ${ref}`);
    await h.rows(`OPTIMIZE ${ref} ZORDER BY (X, y)`);
    expect(sortedIds(await h.rows(`SELECT * FROM ${ref}`))).toEqual(sortedIds(rows));
    const t = await h.loch.deltaTable(path);
    const parts = (await t.snapshot()).delta.files.map((f) => f.partitionValues['p']).sort();
    expect(parts).toEqual(['even', 'odd']);
    await validateTableLog(path);
  });

  it('refuses partition columns, unknown columns and columns without statistics', async () => {
    const path = h.path('zorder-errors');
    const ref = h.ref(path);
    await h.rows(`CREATE TABLE ${ref} (a INT, b INT, p INT) PARTITIONED BY (p) TBLPROPERTIES ('delta.dataSkippingNumIndexedCols' = '1')`);
    await h.rows(`INSERT INTO ${ref} VALUES (1, 2, 3)`);
    expect((await h.error(`OPTIMIZE ${ref} ZORDER BY (p)`)).message).toMatch(/p is a partition column/);
    expect((await h.error(`OPTIMIZE ${ref} ZORDER BY (nope)`)).message).toMatch(/column nope does not exist/);
    const noStats = await h.error(`OPTIMIZE ${ref} ZORDER BY (a, b)`);
    expect(noStats.code).toBe('INVALID_ARGUMENT');
    expect(noStats.message).toMatch(/on b would be ineffective: no statistics/);
  });
});

describe('liquid clustering', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => h?.close());

  it('CREATE … CLUSTER BY writes the feature and domain; OPTIMIZE clusters incrementally', async () => {
    const path = h.path('clustered');
    const ref = h.ref(path);
    // Deletion vectors (on by default) are off so the protocol is the minimal one for clustering.
    await h.rows(`CREATE TABLE ${ref} (id INT, x INT, y INT) CLUSTER BY (x, y) TBLPROPERTIES ('delta.enableDeletionVectors' = 'false')`);
    const v0 = await commitActions(path, 0);
    const protocol = v0.find((a) => a['protocol'])?.['protocol'] as { minWriterVersion: number; writerFeatures: string[] };
    expect(protocol.minWriterVersion).toBe(7);
    expect(protocol.writerFeatures).toEqual(expect.arrayContaining(['domainMetadata', 'clustering']));
    expect(v0.find((a) => a['domainMetadata'])?.['domainMetadata']).toEqual({ domain: 'delta.clustering', configuration: '{"clusteringColumns":[["x"],["y"]]}', removed: false });
    expect((v0[0]?.['commitInfo']?.['operationParameters'] as Record<string, string>)['clusterBy']).toBe('["x","y"]');
    expect(await clusteringOf(h, `${ref}`)).toEqual(['x', 'y']);

    const rt = new RoundTrip(h, path);
    for (let i = 0; i < 8; i++) await h.rows(`INSERT INTO ${ref} ${scattered(i * 500, 500)}`);
    let rows = await h.rows(`SELECT * FROM ${ref}`);
    await rt.expectLatest(rows);
    const t = await h.loch.deltaTable(path);
    const total = (await liveFiles(t)).reduce((n, f) => n + f.size, 0);
    const first = await t.optimize({ targetFileSize: Math.ceil(total / 8) });
    expect(first.metrics).toMatchObject({ numFilesRemoved: 8, numFilesAdded: 8 });
    await rt.expectLatest(rows);
    const clustered = await liveFiles(t);
    expect(clustered.every((f) => f.clusteringProvider === 'liquid' && !f.dataChange)).toBe(true);
    expect(spread(clustered, 'x') + spread(clustered, 'y')).toBeLessThan(1000);
    const info = (await commitActions(path, first.version as number))[0]?.['commitInfo'] as Record<string, Record<string, string>>;
    expect(info['operationParameters']).toMatchObject({ clusterBy: '["x","y"]' });

    // New, unclustered files: only they are clustered by the next OPTIMIZE.
    for (let i = 8; i < 10; i++) await h.rows(`INSERT INTO ${ref} ${scattered(i * 500, 500)}`);
    rows = await h.rows(`SELECT * FROM ${ref}`);
    await rt.expectLatest(rows);
    const second = await t.optimize({ targetFileSize: Math.ceil(total / 8) });
    expect(second.metrics).toMatchObject({ numFilesRemoved: 2, numFilesAdded: 2, totalConsideredFiles: 10 });
    const afterSecond = await liveFiles(t);
    expect(afterSecond.filter((f) => clustered.some((c) => c.path === f.path))).toHaveLength(8);
    expect(afterSecond.every((f) => f.clusteringProvider === 'liquid')).toBe(true);
    expect((await t.optimize({ targetFileSize: Math.ceil(total / 8) })).version).toBeUndefined();

    // New clustering columns: every file is clustered again.
    await h.rows(`ALTER TABLE ${ref} CLUSTER BY (y)`);
    expect(await clusteringOf(h, `${ref}`)).toEqual(['y']);
    const third = await t.optimize({ targetFileSize: Math.ceil(total / 8) });
    expect(third.metrics.numFilesRemoved).toBe(10);
    const byY = await liveFiles(t);
    expect(spread(byY, 'y')).toBeLessThan(200);
    await rt.expectLatest(rows);
    await rt.verify();
  });

  it('maps clustering columns to physical names under column mapping', async () => {
    const path = h.path('clustered-mapped');
    const ref = h.ref(path);
    await h.rows(`CREATE TABLE ${ref} (id INT, x INT) CLUSTER BY (x) TBLPROPERTIES ('delta.columnMapping.mode' = 'name')`);
    const domain = (await commitActions(path, 0)).find((a) => a['domainMetadata'])?.['domainMetadata'] as { configuration: string };
    const [[physical]] = (JSON.parse(domain.configuration) as { clusteringColumns: string[][] }).clusteringColumns as [[string]];
    expect(physical).toMatch(/^col-/);
    expect(await clusteringOf(h, `${ref}`)).toEqual(['x']);
    await h.rows(`INSERT INTO ${ref} ${scattered(0, 100).replace(', (hash((0 + range) * 31 + 7) % 1000)::INT AS y', '')}`);
    await h.rows(`INSERT INTO ${ref} VALUES (1000, 5)`);
    await h.rows(`OPTIMIZE ${ref}`);
    expect(await h.rows(`SELECT count(*) AS n FROM ${ref}`)).toEqual([{ n: 101 }]);
    // Replacing the table without CLUSTER BY drops the clustering columns (x may be gone).
    await h.rows(`CREATE OR REPLACE TABLE ${ref} (id INT) TBLPROPERTIES ('delta.columnMapping.mode' = 'name')`);
    expect(await clusteringOf(h, ref)).toEqual([]);
    await validateTableLog(path);
  });

  it('refuses what Databricks refuses', async () => {
    const path = h.path('clustered-errors');
    const ref = h.ref(path);
    await h.rows(`CREATE TABLE ${ref} (a INT, b INT, c INT, d INT, e INT, m MAP<STRING, INT>) CLUSTER BY (a)`);
    expect((await h.error(`OPTIMIZE ${ref} WHERE a = 1`)).message).toMatch(/clustered.*no WHERE/);
    expect((await h.error(`OPTIMIZE ${ref} ZORDER BY (b)`)).message).toMatch(/clustered.*cannot ZORDER BY/);
    expect((await h.error(`ALTER TABLE ${ref} CLUSTER BY (a, b, c, d, e)`)).message).toMatch(/at most 4 columns/);
    expect((await h.error(`ALTER TABLE ${ref} CLUSTER BY (m)`)).message).toMatch(/has type map<string,integer>/);
    const noStats = h.path('clustered-nostats');
    const failed = await h.error(`CREATE TABLE ${h.ref(noStats)} (a INT, b INT) CLUSTER BY (b) TBLPROPERTIES ('delta.dataSkippingNumIndexedCols' = '1')`);
    expect(failed.message).toMatch(/no statistics/);
    const parted = h.path('parted');
    await h.rows(`CREATE TABLE ${h.ref(parted)} (a INT, p INT) PARTITIONED BY (p)`);
    expect((await h.error(`ALTER TABLE ${h.ref(parted)} CLUSTER BY (a)`)).message).toMatch(/partitioned table/);
    const plain = h.path('plain');
    await h.rows(`CREATE TABLE ${h.ref(plain)} (a INT)`);
    expect((await h.error(`ALTER TABLE ${h.ref(plain)} CLUSTER BY NONE`)).message).toMatch(/not clustered/);
    await h.rows(`ALTER TABLE ${h.ref(plain)} CLUSTER BY (a)`);
    expect(await clusteringOf(h, `${h.ref(plain)}`)).toEqual(['a']);
    await h.rows(`ALTER TABLE ${h.ref(plain)} CLUSTER BY NONE`);
    expect(await clusteringOf(h, `${h.ref(plain)}`)).toEqual([]);
    await validateTableLog(plain);
  });
});

/** Copies what `from` has and `into` lacks (a commit another writer made there), synchronously. */
function copyNewFiles(from: string, into: string): void {
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
  for (const file of walk(from)) {
    const target = join(into, relative(from, file));
    try {
      statSync(target);
    } catch {
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(file, target);
    }
  }
}

/** A clock that runs `hook` once, the first time it is read after being armed. */
class HookClock extends FixedClock {
  hook: (() => void) | undefined;
  override now(): number {
    const hook = this.hook;
    this.hook = undefined;
    hook?.();
    return super.now();
  }
}

describe('OPTIMIZE racing other writers', () => {
  let loch: Loch;
  let clock: HookClock;
  let root: string;
  beforeAll(async () => {
    root = await tempDir('loch-optimize-race-');
    clock = new HookClock(START, 1000);
    loch = await Loch.open({ warehouse: join(root, 'warehouse'), clock, threads: 2 });
  });
  afterAll(async () => loch?.close());

  async function prepare(name: string, concurrent: string): Promise<{ path: string; ref: string; other: string }> {
    const path = join(root, name);
    const ref = `delta.\`${path}\``;
    await loch.sql(`CREATE TABLE ${ref} (id INT)`);
    for (let i = 0; i < 3; i++) await loch.sql(`INSERT INTO ${ref} VALUES (${i})`);
    // The other writer's commit, made on a copy and landed in the table while OPTIMIZE works.
    const other = join(root, `${name}-other`);
    await cp(path, other, { recursive: true });
    await loch.sql(concurrent.replace('$T', `delta.\`${other}\``));
    return { path, ref, other };
  }

  it('a concurrent append does not conflict', async () => {
    const { path, ref, other } = await prepare('append', 'INSERT INTO $T VALUES (100)');
    clock.hook = () => copyNewFiles(other, path);
    const result = await (await loch.deltaTable(path)).optimize();
    expect(result.version).toBe(5);
    const rows = await (await loch.sql(`SELECT id FROM ${ref} ORDER BY id`)).all();
    expect(rows.map((r) => r[0])).toEqual([0, 1, 2, 100]);
    expect((await (await loch.deltaTable(path)).snapshot()).fileCount).toBe(2);
    await validateTableLog(path);
  });

  it('a concurrent delete of a rewritten file makes OPTIMIZE fail and leaves the table intact', async () => {
    const { path, ref, other } = await prepare('overwrite', 'INSERT OVERWRITE $T VALUES (7)');
    clock.hook = () => copyNewFiles(other, path);
    const failure = await (await loch.deltaTable(path)).optimize().then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(failure?.code).toBe('CONFLICT');
    const rows = await (await loch.sql(`SELECT id FROM ${ref}`)).all();
    expect(rows).toEqual([[7]]);
    expect((await readdir(join(path, '_delta_log'))).filter((n) => n.endsWith('.json'))).toHaveLength(5);
    await validateTableLog(path);
  });
});
