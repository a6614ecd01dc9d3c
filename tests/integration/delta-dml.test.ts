import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch, col, eq, lit, primitive } from '../../src/index.js';
import { S3Store } from '../../src/storage/s3/s3-store.js';
import { canonicalRows } from '../support/canonical.js';
import { actionsOf, changesOf, dvFileName, dvFilesOnDisk, expectSameRows, historyMetrics, historyParameters, latestVersion, readDv, Versions } from './delta-dml-support.js';
import type { DvDescriptor, Json } from './delta-dml-support.js';
import { expectRows, openHarness, table } from './delta-write-support.js';
import type { Harness } from './delta-write-support.js';
import { localS3 } from '../support/local-s3.js';

/**
 * DELETE and UPDATE through SQL and the TS API, with deletion vectors on and off, checked against
 * Databricks semantics and the written log (validated whole, DVs decoded independently, every
 * version read back by version, by timestamp and by an independent reader).
 */

const MODES = [
  { mode: 'deletion vectors', dv: true },
  { mode: 'copy-on-write', dv: false },
] as const;

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => h?.close());

function props(dv: boolean, extra = ''): string {
  return `TBLPROPERTIES ('delta.enableDeletionVectors' = '${dv}'${extra})`;
}

async function affected(sql: string): Promise<number> {
  const rows = await h.rows(sql);
  return Number(rows[0]?.['num_affected_rows']);
}

/** Every add of the version has a DV or none has, as the mode demands; COW commits write none. */
function expectStrategy(dir: string, version: number, dv: boolean): void {
  const { adds, removes } = actionsOf(dir, version);
  const reAdded = adds.filter((a) => removes.some((r) => r['path'] === a['path']));
  if (dv) expect(reAdded.every((a) => a['deletionVector'] !== undefined), `version ${version}: re-added files carry DVs`).toBe(true);
  else expect(adds.some((a) => a['deletionVector'] !== undefined) || reAdded.length > 0, `version ${version}: copy-on-write`).toBe(false);
}

describe.each(MODES)('DELETE and UPDATE with $mode', ({ mode, dv }) => {
  const name = (what: string) => `${what}-${dv ? 'dv' : 'cow'}`;

  it('DELETE: counts, no commit when nothing matches, NULL never matches, alias, subqueries, whole table', async () => {
    const path = h.path(name('delete'));
    const t = h.ref(path);
    const other = h.ref(h.path(name('delete-keys')));
    await h.rows(`CREATE TABLE ${t} (id INT, v STRING, n INT) ${props(dv)}`);
    await h.rows(`CREATE TABLE ${other} (k INT)`);
    await h.rows(`INSERT INTO ${other} VALUES (2), (5), (NULL)`);
    const vs = new Versions(h, path);
    const cols = ['id', 'v', 'n'];
    let rows = [[1, 'a', 10], [2, 'b', null], [3, null, 30], [4, 'd', 40], [5, 'e', 50], [6, 'f', 60]];
    await h.rows(`INSERT INTO ${t} VALUES ${rows.map((r) => `(${r.map((x) => (x === null ? 'NULL' : typeof x === 'string' ? `'${x}'` : x)).join(', ')})`).join(', ')}`);
    const v1 = await vs.expectLatest(table(cols, ...rows));
    expect(await affected(`DELETE FROM ${t} WHERE id > 100`)).toBe(0);
    expect(await affected(`DELETE FROM ${t} WHERE v = NULL OR n > NULL`)).toBe(0);
    expect(latestVersion(path), 'a DELETE that matches nothing commits nothing').toBe(v1);
    // id 2 (n NULL) and id 3 (v NULL) make the condition NULL: not deleted.
    expect(await affected(`DELETE FROM ${t} WHERE n <> 10 AND v <> 'e' AND id < 5`)).toBe(1);
    rows = rows.filter((r) => r[0] !== 4);
    expect(await vs.expectLatest(table(cols, ...rows))).toBe(v1 + 1);
    expectStrategy(path, v1 + 1, dv);
    expect(await affected(`DELETE FROM ${t} AS x WHERE x.id = 1`)).toBe(1);
    rows = rows.filter((r) => r[0] !== 1);
    await vs.expectLatest(table(cols, ...rows));
    // NOT IN over a list holding NULL is never true; IN reads the other Delta table.
    expect(await affected(`DELETE FROM ${t} WHERE id NOT IN (SELECT k FROM ${other})`)).toBe(0);
    expect(await affected(`DELETE FROM ${t} WHERE id IN (SELECT k FROM ${other})`)).toBe(2);
    rows = rows.filter((r) => r[0] !== 2 && r[0] !== 5);
    const sub = await vs.expectLatest(table(cols, ...rows));
    // The history keeps the predicate as written, not as rewritten to read the other table's files.
    expect(await historyParameters(h, path, sub)).toEqual({ predicate: JSON.stringify([`id IN (SELECT k FROM ${other})`]) });
    expect(await affected(`DELETE FROM ${t} AS x WHERE EXISTS (SELECT 1 FROM ${other} AS o WHERE o.k + 4 = x.id)`)).toBe(1);
    rows = rows.filter((r) => r[0] !== 6);
    await vs.expectLatest(table(cols, ...rows));
    // Without WHERE: every file removed, nothing read or written (metadata-only).
    expect(await affected(`DELETE FROM ${t}`)).toBe(rows.length);
    const last = await vs.expectLatest([]);
    const { adds, removes, cdcs } = actionsOf(path, last);
    expect(adds).toEqual([]);
    expect(cdcs).toEqual([]);
    expect(removes.length).toBeGreaterThan(0);
    expect((await historyMetrics(h, path, last))['numDeletedRows']).toBe(String(rows.length));
    await vs.verify();
  });

  it('UPDATE: old values on the right, nested field, NULL struct, partition column moves rows, no-op', async () => {
    const path = h.path(name('update'));
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, a INT, b INT, p STRING, st STRUCT<x: INT, y: STRING>) PARTITIONED BY (p) ${props(dv)}`);
    await h.rows(`INSERT INTO ${t} VALUES (1, 10, 100, 'x', {'x': 1, 'y': 'one'}), (2, 20, 200, 'x', NULL), (3, 30, 300, 'y', {'x': 3, 'y': 'three'}), (4, NULL, 400, 'y', {'x': 4, 'y': NULL})`);
    const vs = new Versions(h, path);
    const cols = ['id', 'a', 'b', 'p', 'st'];
    const rows = new Map<number, unknown[]>([
      [1, [1, 10, 100, 'x', { x: 1, y: 'one' }]],
      [2, [2, 20, 200, 'x', null]],
      [3, [3, 30, 300, 'y', { x: 3, y: 'three' }]],
      [4, [4, null, 400, 'y', { x: 4, y: null }]],
    ]);
    const now = () => table(cols, ...rows.values());
    await vs.expectLatest(now());
    // Every right-hand side sees the old row: a swap.
    expect(await affected(`UPDATE ${t} SET a = b, b = a WHERE id <= 2`)).toBe(2);
    rows.set(1, [1, 100, 10, 'x', { x: 1, y: 'one' }]).set(2, [2, 200, 20, 'x', null]);
    await vs.expectLatest(now());
    // a > 25 is NULL for id 4: not updated.
    expect(await affected(`UPDATE ${t} SET a = a + 1 WHERE a > 25 AND p = 'y'`)).toBe(1);
    rows.set(3, [3, 31, 300, 'y', { x: 3, y: 'three' }]);
    await vs.expectLatest(now());
    // A field of a NULL struct: the struct becomes one of NULLs and that field (as in Spark).
    expect(await affected(`UPDATE ${t} SET st.x = 5 WHERE id IN (1, 2)`)).toBe(2);
    rows.set(1, [1, 100, 10, 'x', { x: 5, y: 'one' }]).set(2, [2, 200, 20, 'x', { x: 5, y: null }]);
    await vs.expectLatest(now());
    expect(await affected(`UPDATE ${t} AS u SET u.p = 'z', u.st = NULL WHERE u.id = 3`)).toBe(1);
    rows.set(3, [3, 31, 300, 'z', null]);
    const moved = await vs.expectLatest(now());
    const { adds } = actionsOf(path, moved);
    expect(adds.filter((a) => a['deletionVector'] === undefined).map((a) => a['partitionValues']['p'])).toContain('z');
    expectStrategy(path, moved, dv);
    expect(await affected(`UPDATE ${t} SET p = NULL WHERE id = 4`)).toBe(1);
    rows.set(4, [4, null, 400, null, { x: 4, y: null }]);
    await vs.expectLatest(now());
    expect(await h.rows(`SELECT id FROM ${t} WHERE p IS NULL`)).toEqual([{ id: 4 }]);
    const before = latestVersion(path);
    expect(await affected(`UPDATE ${t} SET a = 0 WHERE id = 99 OR a = NULL`)).toBe(0);
    expect(latestVersion(path), 'an UPDATE that matches nothing commits nothing').toBe(before);
    await vs.verify();
  });

  it('constraint violations, unknown columns and append-only tables: errors, nothing committed', async () => {
    const path = h.path(name('errors'));
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT NOT NULL, v INT, st STRUCT<x: INT>) ${props(dv)}`);
    await h.rows(`ALTER TABLE ${t} ADD CONSTRAINT positive CHECK (v > 0)`);
    await h.rows(`INSERT INTO ${t} VALUES (1, 10, {'x': 1}), (2, 20, NULL)`);
    const vs = new Versions(h, path);
    const rows = table(['id', 'v', 'st'], [1, 10, { x: 1 }], [2, 20, null]);
    const version = await vs.expectLatest(rows);
    const filesBefore = readdirSync(path).sort();
    const check = await h.error(`UPDATE ${t} SET v = v - 15`);
    expect(check.code).toBe('CONSTRAINT_VIOLATION');
    expect(check.message).toMatch(/positive/);
    expect((await h.error(`UPDATE ${t} SET id = NULL WHERE id = 2`)).code).toBe('CONSTRAINT_VIOLATION');
    for (const [sql, column] of [
      [`UPDATE ${t} SET nope = 1`, 'nope'],
      [`UPDATE ${t} SET st.nope = 1`, 'st.nope'],
      [`DELETE FROM ${t} WHERE nope = 1`, 'nope'],
      [`DELETE FROM ${t} AS x WHERE x.nope = 1`, 'nope'],
      [`UPDATE ${t} SET v = nope + 1 WHERE id = 1`, 'nope'],
    ] as const) {
      const error = await h.error(sql);
      expect(error.message, sql).toContain(path);
      expect(error.message, sql).toContain(column);
      expect(error.message, sql).not.toMatch(/__loch/);
    }
    expect((await h.error(`UPDATE ${t} SET id.x = 1`)).message).toMatch(/not a struct/);
    expect(latestVersion(path), 'failed statements commit nothing').toBe(version);
    expect(readdirSync(path).sort(), 'failed statements leave no data or DV files behind').toEqual(filesBefore);
    await vs.expectLatest(rows);
    // Append-only: DELETE / UPDATE refused up front, even when they would match nothing; INSERT works.
    await h.rows(`ALTER TABLE ${t} SET TBLPROPERTIES ('delta.appendOnly' = 'true')`);
    const appendOnly = latestVersion(path);
    for (const sql of [`DELETE FROM ${t} WHERE id = 99`, `UPDATE ${t} SET v = 5`, `DELETE FROM ${t}`]) {
      const error = await h.error(sql);
      expect(error.code, sql).toBe('INVALID_ARGUMENT');
      expect(error.message, sql).toMatch(/append-only/);
    }
    expect(latestVersion(path)).toBe(appendOnly);
    await h.rows(`INSERT INTO ${t} VALUES (3, 30, NULL)`);
    await vs.expectLatest([...rows, ...table(['id', 'v', 'st'], [3, 30, null])]);
    await vs.verify();
  });

  it('change data feed: DELETE and UPDATE give exactly their changes', async () => {
    const path = h.path(name('cdf'));
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, v STRING, p STRING) PARTITIONED BY (p) ${props(dv, ", 'delta.enableChangeDataFeed' = 'true'")}`);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'a', 'x'), (2, 'b', 'x'), (3, 'c', 'y'), (4, 'd', 'y')`);
    const vs = new Versions(h, path);
    const cols = ['id', 'v', 'p', '_change_type'];
    const v1 = await vs.expectLatest(table(['id', 'v', 'p'], [1, 'a', 'x'], [2, 'b', 'x'], [3, 'c', 'y'], [4, 'd', 'y']));
    expect(await affected(`DELETE FROM ${t} WHERE id = 2`)).toBe(1);
    expectSameRows(await changesOf(h, path, v1 + 1), table(cols, [2, 'b', 'x', 'delete']), 'DELETE changes');
    expect(actionsOf(path, v1 + 1).cdcs.length).toBeGreaterThan(0);
    expect(await affected(`UPDATE ${t} SET v = upper(v), p = 'x' WHERE id = 3`)).toBe(1);
    const changes = table(cols, [3, 'c', 'y', 'update_preimage'], [3, 'C', 'x', 'update_postimage']);
    expectSameRows(await changesOf(h, path, v1 + 2), changes, 'UPDATE changes');
    await vs.expectLatest(table(['id', 'v', 'p'], [1, 'a', 'x'], [3, 'C', 'x'], [4, 'd', 'y']));
    expect(await affected(`DELETE FROM ${t} WHERE id = 42`)).toBe(0);
    // Without WHERE the change feed still needs the deleted rows, so they are read.
    expect(await affected(`DELETE FROM ${t}`)).toBe(3);
    expectSameRows(await changesOf(h, path, v1 + 3), table(cols, [1, 'a', 'x', 'delete'], [3, 'C', 'x', 'delete'], [4, 'd', 'y', 'delete']), 'DELETE all changes');
    expect(latestVersion(path)).toBe(v1 + 3);
    await vs.expectLatest([]);
    await vs.verify();
  });

  it(`column mapping by name with renamed and dropped columns (${mode})`, async () => {
    const path = h.path(name('mapped'));
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, v STRING, w INT, p STRING) PARTITIONED BY (p) ${props(dv, ", 'delta.columnMapping.mode' = 'name', 'delta.enableChangeDataFeed' = 'true'")}`);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'a', 10, 'x'), (2, 'b', 20, 'x'), (3, 'c', 30, 'y')`);
    const vs = new Versions(h, path);
    await vs.expectLatest(table(['id', 'v', 'w', 'p'], [1, 'a', 10, 'x'], [2, 'b', 20, 'x'], [3, 'c', 30, 'y']));
    await h.rows(`ALTER TABLE ${t} RENAME COLUMN v TO name`);
    await h.rows(`ALTER TABLE ${t} RENAME COLUMN p TO part`);
    await h.rows(`ALTER TABLE ${t} DROP COLUMN w`);
    await h.rows(`ALTER TABLE ${t} ADD COLUMNS (w INT)`);
    const cols = ['id', 'name', 'part', 'w'];
    await vs.expectLatest(table(cols, [1, 'a', 'x', null], [2, 'b', 'x', null], [3, 'c', 'y', null]));
    expect(await affected(`DELETE FROM ${t} WHERE name = 'b'`)).toBe(1);
    await vs.expectLatest(table(cols, [1, 'a', 'x', null], [3, 'c', 'y', null]));
    expect(await affected(`UPDATE ${t} SET name = upper(name), w = id * 7, part = 'z' WHERE part = 'x'`)).toBe(1);
    const v = await vs.expectLatest(table(cols, [1, 'A', 'z', 7], [3, 'c', 'y', null]));
    const changes = table([...cols, '_change_type'], [1, 'a', 'x', null, 'update_preimage'], [1, 'A', 'z', 7, 'update_postimage']);
    expectSameRows(await changesOf(h, path, v), changes, 'change data under column mapping, by today\'s names');
    // New files use the physical names: the dropped w's old values cannot come back.
    for (const add of actionsOf(path, v).adds.filter((a: Json) => a['deletionVector'] === undefined)) {
      expect(Object.keys(add['partitionValues'] as object)).not.toContain('part');
    }
    expect(await affected(`DELETE FROM ${t} WHERE w IS NULL`)).toBe(1);
    await vs.expectLatest(table(cols, [1, 'A', 'z', 7]));
    await vs.verify();
  });
});

describe('deletion vectors', () => {
  it('DELETE writes remove + add of the same file with a DV; later DELETEs union it; an emptied file is removed', async () => {
    const path = h.path('dv-lifecycle');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, v STRING) ${props(true)}`);
    await h.rows(`INSERT INTO ${t} SELECT range::INT, 'r' || range FROM range(10)`);
    await h.rows(`INSERT INTO ${t} SELECT range::INT, 's' || range FROM range(100, 104)`);
    const vs = new Versions(h, path);
    let ids = [...Array.from({ length: 10 }, (_, i) => i), 100, 101, 102, 103];
    const expected = () => table(['id', 'v'], ...ids.map((i) => [i, i >= 100 ? `s${i}` : `r${i}`]));
    const v2 = await vs.expectLatest(expected());
    expect(await affected(`DELETE FROM ${t} WHERE id IN (2, 5)`)).toBe(1 + 1);
    ids = ids.filter((i) => i !== 2 && i !== 5);
    const v3 = await vs.expectLatest(expected());
    const first = actionsOf(path, v3);
    expect(first.removes).toHaveLength(1);
    expect(first.adds).toHaveLength(1);
    const [remove, add] = [first.removes[0] as Json, first.adds[0] as Json];
    expect(add['path']).toBe(remove['path']);
    expect(remove['deletionVector']).toBeUndefined();
    expect(add['dataChange']).toBe(true);
    expect(JSON.parse(add['stats'] as string)['tightBounds']).toBe(false);
    expect(existsSync(join(path, dvFileName(add['deletionVector'] as DvDescriptor)))).toBe(true);
    expect(readDv(path, add['deletionVector'] as DvDescriptor)).toEqual([2, 5]);
    expect(await historyMetrics(h, path, v3)).toMatchObject({ numDeletedRows: '2', numDeletionVectorsAdded: '1', numRemovedFiles: '0', numAddedFiles: '0' });
    // Row 5 is already gone: only 7 matches, and the new DV keeps 2 and 5.
    expect(await affected(`DELETE FROM ${t} WHERE id IN (5, 7)`)).toBe(1);
    ids = ids.filter((i) => i !== 7);
    const v4 = await vs.expectLatest(expected());
    const second = actionsOf(path, v4);
    expect(second.removes[0]?.['deletionVector']).toEqual(add['deletionVector']);
    expect(readDv(path, second.adds[0]?.['deletionVector'] as DvDescriptor)).toEqual([2, 5, 7]);
    expect(await historyMetrics(h, path, v4)).toMatchObject({ numDeletionVectorsAdded: '1', numDeletionVectorsRemoved: '1' });
    // One statement touching both files: one DV file, one vector per file at its own offset.
    expect(await affected(`UPDATE ${t} SET v = 'u' WHERE id IN (0, 103)`)).toBe(2);
    ids = ids.filter((i) => i !== 103);
    ids.push(103);
    const v5 = await vs.expectLatest(table(['id', 'v'], ...ids.map((i) => [i, i === 0 || i === 103 ? 'u' : i >= 100 ? `s${i}` : `r${i}`])));
    const both = actionsOf(path, v5).adds.filter((a) => a['deletionVector'] !== undefined).map((a) => a['deletionVector'] as DvDescriptor);
    expect(both).toHaveLength(2);
    expect(both[0]?.pathOrInlineDv).toBe(both[1]?.pathOrInlineDv);
    expect(both[0]?.offset).not.toBe(both[1]?.offset);
    // CHECKPOINT, then read through it: DVs survive the checkpoint.
    await (await h.loch.deltaTable(path)).checkpoint();
    await expectRows(h, `SELECT * FROM ${t}`, vs.rowsAt(v5), 'read through the checkpoint');
    // Every remaining row of the first file: the file is removed, not re-added with a full DV.
    const firstFile = add['path'] as string;
    expect(await affected(`DELETE FROM ${t} WHERE v LIKE 'r%' OR (id = 0)`)).toBe(7);
    const v6 = await vs.expectLatest(table(['id', 'v'], [100, 's100'], [101, 's101'], [102, 's102'], [103, 'u']));
    const emptied = actionsOf(path, v6);
    expect(emptied.removes.map((r) => r['path'])).toContain(firstFile);
    expect(emptied.adds.map((a) => a['path'])).not.toContain(firstFile);
    expect((await historyMetrics(h, path, v6))['numRemovedFiles']).toBe('1');
    expect(dvFilesOnDisk(path).length).toBeGreaterThanOrEqual(3);
    for (const v of [v2, v3, v4, v5]) await expectRows(h, `SELECT * FROM ${t} VERSION AS OF ${v}`, vs.rowsAt(v), `version ${v} after the checkpoint`);
    await vs.verify();
  });

  it('switching delta.enableDeletionVectors off: later changes rewrite files, dropping rows their DVs hid', async () => {
    const path = h.path('dv-then-cow');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, v STRING) ${props(true)}`);
    await h.rows(`INSERT INTO ${t} SELECT range::INT, 'r' || range FROM range(6)`);
    const vs = new Versions(h, path);
    expect(await affected(`DELETE FROM ${t} WHERE id IN (1, 4)`)).toBe(2);
    await vs.expectLatest(table(['id', 'v'], [0, 'r0'], [2, 'r2'], [3, 'r3'], [5, 'r5']));
    await h.rows(`ALTER TABLE ${t} SET TBLPROPERTIES ('delta.enableDeletionVectors' = 'false')`);
    expect(await affected(`UPDATE ${t} SET v = 'x' WHERE id = 2`)).toBe(1);
    const v = await vs.expectLatest(table(['id', 'v'], [0, 'r0'], [2, 'x'], [3, 'r3'], [5, 'r5']));
    const { adds, removes } = actionsOf(path, v);
    expect(removes[0]?.['deletionVector']).toBeDefined();
    expect(adds.every((a) => a['deletionVector'] === undefined && a['path'] !== removes[0]?.['path'])).toBe(true);
    expect(adds.reduce((n, a) => n + Number(JSON.parse(a['stats'] as string)['numRecords']), 0), 'only live rows are copied').toBe(4);
    expect(await historyMetrics(h, path, v)).toMatchObject({ numCopiedRows: '3', numUpdatedRows: '1', numRemovedFiles: '1' });
    await vs.verify();
  });
});

describe('TS API', () => {
  it('DeltaTable.delete / update with expressions and SQL; TableTransaction stages several changes in one commit', async () => {
    const path = h.path('api');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, v STRING, st STRUCT<x: INT>)`);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'a', {'x': 1}), (2, 'b', NULL), (3, 'c', NULL), (4, 'd', {'x': 4})`);
    const vs = new Versions(h, path);
    await vs.expectLatest(table(['id', 'v', 'st'], [1, 'a', { x: 1 }], [2, 'b', null], [3, 'c', null], [4, 'd', { x: 4 }]));
    const tbl = await h.loch.deltaTable(path);
    const deleted = await tbl.delete(eq(col('id'), lit(primitive('integer'), 1)));
    expect(deleted.result.deletedRows).toBe(1);
    expect(deleted.commit?.version).toBe(latestVersion(path));
    expect((await tbl.delete('id > 100')).commit, 'no commit when nothing matches').toBeUndefined();
    const updated = await tbl.update({ v: "v || '!'", 'st.x': 'id * 10' }, 'id = 2');
    expect(updated.result.updatedRows).toBe(1);
    expect(await tbl.update([{ path: ['v'], valueSql: "'aliased'" }], 'y.id = 4', { alias: 'y' }).then((o) => o.result.updatedRows)).toBe(1);
    await vs.expectLatest(table(['id', 'v', 'st'], [2, 'b!', { x: 20 }], [3, 'c', null], [4, 'aliased', { x: 4 }]));
    // UPDATE then DELETE of the same (just rewritten) row, and an append, in one transaction.
    const tx = await tbl.begin();
    expect((await tx.update({ assignments: [{ path: ['v'], valueSql: "'gone'" }], condition: { sql: 'id = 3' } })).updatedRows).toBe(1);
    expect((await tx.delete({ condition: { sql: "v = 'gone'" } })).deletedRows).toBe(1);
    await tx.write({ sql: "SELECT 5 AS id, 'e' AS v, NULL::STRUCT(x INT) AS st" });
    const before = latestVersion(path);
    const outcome = await tx.commit();
    expect(outcome.kind).toBe('committed');
    expect(latestVersion(path)).toBe(before + 1);
    await vs.expectLatest(table(['id', 'v', 'st'], [2, 'b!', { x: 20 }], [4, 'aliased', { x: 4 }], [5, 'e', null]));
    await vs.verify();
  });
});

const { endpoint, credentials, available: s3Available } = await localS3('S3 DML SUITE');

describe.skipIf(!s3Available)('DELETE, UPDATE and MERGE on S3', () => {
  const bucket = `loch-dml-${Date.now().toString(36)}`;
  let loch: Loch;
  let store: S3Store;
  beforeAll(async () => {
    const client = new S3Client({ endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    store = new S3Store({ endpoint, region: 'us-east-1', credentials, bucket });
    loch = await Loch.open({ warehouse: join(h.root, 's3-warehouse'), storage: { s3: { endpoint, region: 'us-east-1', credentials } } });
  });
  afterAll(async () => loch?.close());

  const rows = async (sql: string) => {
    const result = await loch.sql(sql);
    return canonicalRows(result.columns, await result.all());
  };

  /** Copies the table's objects to a local folder, where the log validator and the independent reader can look at them. */
  async function download(prefix: string): Promise<string> {
    const dir = join(h.root, `s3-copy-${prefix.replaceAll('/', '-')}`);
    for await (const meta of store.list(prefix)) {
      const bytes = await store.get(meta.key);
      if (bytes === undefined) continue;
      const file = join(dir, meta.key.slice(prefix.length));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, bytes);
    }
    return dir;
  }

  for (const { mode, dv } of MODES) {
    it(`DELETE, UPDATE, MERGE and their change data (${mode})`, async () => {
      const prefix = `lake/dml-${dv ? 'dv' : 'cow'}/`;
      const t = `delta.\`s3://${bucket}/${prefix.slice(0, -1)}\``;
      await rows(`CREATE TABLE ${t} (id INT, v STRING) ${props(dv, ", 'delta.enableChangeDataFeed' = 'true'")}`);
      await rows(`INSERT INTO ${t} SELECT range::INT, 'v' || range FROM range(6)`);
      expect(await rows(`DELETE FROM ${t} WHERE id IN (1, 4)`)).toEqual([{ num_affected_rows: 2 }]);
      expect(await rows(`UPDATE ${t} SET v = upper(v) WHERE id >= 3`)).toEqual([{ num_affected_rows: 2 }]);
      const merged = await rows(`MERGE INTO ${t} t USING (SELECT * FROM VALUES (0, 'zero'), (2, NULL), (9, 'nine') AS s(id, v)) s ON t.id = s.id
        WHEN MATCHED AND s.v IS NULL THEN DELETE WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *`);
      expect(merged).toEqual([{ num_affected_rows: 3, num_updated_rows: 1, num_deleted_rows: 1, num_inserted_rows: 1 }]);
      const latest = table(['id', 'v'], [0, 'zero'], [3, 'V3'], [5, 'V5'], [9, 'nine']);
      expectSameRows(await rows(`SELECT * FROM ${t}`), latest, 'latest on S3');
      expectSameRows(await rows(`SELECT * FROM ${t} VERSION AS OF 2`), table(['id', 'v'], [0, 'v0'], [2, 'v2'], [3, 'v3'], [5, 'v5']), 'version 2 on S3');
      const changes = await rows(`SELECT id, v, _change_type FROM table_changes('s3://${bucket}/${prefix.slice(0, -1)}', 4, 4)`);
      expectSameRows(changes, table(['id', 'v', '_change_type'], [0, 'v0', 'update_preimage'], [0, 'zero', 'update_postimage'], [2, 'v2', 'delete'], [9, 'nine', 'insert']), 'MERGE changes on S3');
      const history = (await rows(`DESCRIBE HISTORY ${t}`)).map((r) => r['operation']);
      expect(history.slice(0, 3)).toEqual(['MERGE', 'UPDATE', 'DELETE']);
      const dir = await download(prefix);
      expect(dvFilesOnDisk(dir).length > 0).toBe(dv);
      const vs = new Versions(h, dir);
      await vs.expectLatest(latest);
      await vs.verify();
    });
  }
});
