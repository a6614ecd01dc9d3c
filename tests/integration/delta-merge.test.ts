import { readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionsOf, changesOf, expectSameRows, historyMetrics, latestVersion, Versions } from './delta-dml-support.js';
import { openHarness, table } from './delta-write-support.js';
import type { Harness } from './delta-write-support.js';

/**
 * MERGE INTO through SQL and the TS API, deletion vectors on and off: every clause kind and
 * their order, the several-source-rows rule, schema evolution, the kinds of source, result
 * columns and history metrics, file pruning by the ON keys, change data, constraints and
 * column-mapped tables. Every table's log is validated and every version read back.
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

interface MergeCounts {
  num_affected_rows: number;
  num_updated_rows: number;
  num_deleted_rows: number;
  num_inserted_rows: number;
}

async function merge(sql: string): Promise<MergeCounts> {
  const rows = await h.rows(sql);
  expect(rows).toHaveLength(1);
  return rows[0] as unknown as MergeCounts;
}

function counts(updated: number, deleted: number, inserted: number): MergeCounts {
  return { num_affected_rows: updated + deleted + inserted, num_updated_rows: updated, num_deleted_rows: deleted, num_inserted_rows: inserted };
}

describe.each(MODES)('MERGE with $mode', ({ mode, dv }) => {
  const name = (what: string) => `merge-${what}-${dv ? 'dv' : 'cow'}`;

  it('every clause kind; the first clause whose condition holds acts; NULL keys never match', async () => {
    const path = h.path(name('clauses'));
    const t = h.ref(path);
    const source = h.ref(h.path(name('clauses-source')));
    await h.rows(`CREATE TABLE ${t} (id INT, v STRING, n INT) ${props(dv)}`);
    await h.rows(`INSERT INTO ${t} SELECT range::INT, 'v' || range, range::INT * 10 FROM range(1, 5)`);
    await h.rows(`INSERT INTO ${t} SELECT range::INT, 'v' || range, range::INT * 10 FROM range(5, 9)`);
    await h.rows(`CREATE TABLE ${source} (id INT, v STRING, n INT, op STRING)`);
    await h.rows(`INSERT INTO ${source} VALUES (1, 'u1', 1, 'upd'), (2, 'x', 2, 'del'), (3, 'a3', 33, 'all'), (4, 'x', 1000, 'upd'),
      (5, 'x', 5, 'keep'), (10, 'i10', 100, 'ins'), (11, 's11', 110, 'x'), (12, NULL, NULL, 'ins'), (NULL, 'nk', 0, 'x')`);
    const vs = new Versions(h, path);
    await vs.expectLatest(table(['id', 'v', 'n'], ...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => [i, `v${i}`, i * 10])));
    const result = await merge(`MERGE INTO ${t} AS t USING ${source} AS s ON t.id = s.id
      WHEN MATCHED AND s.n > 100 THEN DELETE
      WHEN MATCHED AND s.op = 'upd' THEN UPDATE SET v = s.v, t.n = t.n + s.n
      WHEN MATCHED AND s.op = 'all' THEN UPDATE SET *
      WHEN MATCHED AND s.op = 'del' THEN DELETE
      WHEN NOT MATCHED BY TARGET AND s.op = 'ins' THEN INSERT (id, v) VALUES (s.id, 'ins-' || s.v)
      WHEN NOT MATCHED THEN INSERT *
      WHEN NOT MATCHED BY SOURCE AND t.id = 6 THEN UPDATE SET v = 'orphan', n = t.n + 1
      WHEN NOT MATCHED BY SOURCE AND t.id = 7 THEN DELETE`);
    expect(result).toEqual(counts(3, 3, 4));
    const v = await vs.expectLatest(
      table(['id', 'v', 'n'], [1, 'u1', 11], [3, 'a3', 33], [5, 'v5', 50], [6, 'orphan', 61], [8, 'v8', 80], [10, 'ins-i10', null], [11, 's11', 110], [12, null, null], [null, 'nk', 0]),
    );
    expect(await historyMetrics(h, path, v)).toMatchObject({
      numSourceRows: '9',
      numTargetRowsInserted: '4',
      numTargetRowsUpdated: '3',
      numTargetRowsMatchedUpdated: '2',
      numTargetRowsNotMatchedBySourceUpdated: '1',
      numTargetRowsDeleted: '3',
      numTargetRowsMatchedDeleted: '2',
      numTargetRowsNotMatchedBySourceDeleted: '1',
    });
    const { adds, removes } = actionsOf(path, v);
    // Every row of the first file was updated or deleted: it goes whole; the second keeps rows 5 and 8.
    expect(removes).toHaveLength(2);
    expect(adds.filter((a) => a['deletionVector'] !== undefined)).toHaveLength(dv ? 1 : 0);
    // Only unconditional clauses of one kind: an upsert.
    expect(await merge(`MERGE INTO ${t} t USING (SELECT * FROM VALUES (1, 'up'), (20, 'new') AS x(id, v)) s ON t.id = s.id
      WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT (id, v, n) VALUES (s.id, s.v, -1)`)).toEqual(counts(1, 0, 1));
    await vs.expectLatest(
      table(['id', 'v', 'n'], [1, 'up', 11], [3, 'a3', 33], [5, 'v5', 50], [6, 'orphan', 61], [8, 'v8', 80], [10, 'ins-i10', null], [11, 's11', 110], [12, null, null], [null, 'nk', 0], [20, 'new', -1]),
    );
    // Nothing acts: no commit.
    const before = latestVersion(path);
    expect(await merge(`MERGE INTO ${t} t USING (SELECT 99 AS id) s ON t.id = s.id WHEN MATCHED THEN DELETE`)).toEqual(counts(0, 0, 0));
    // NOT MATCHED clauses see only the source, NOT MATCHED BY SOURCE clauses only the target (as in Databricks).
    for (const [clause, side] of [
      ['WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, t.v)', 'source'],
      ['WHEN NOT MATCHED AND t.n > 0 THEN INSERT *', 'source'],
      ['WHEN NOT MATCHED BY SOURCE THEN UPDATE SET v = s.v', 'target'],
      ['WHEN NOT MATCHED BY SOURCE AND s.n IS NULL THEN DELETE', 'target'],
    ]) {
      const error = await h.error(`MERGE INTO ${t} t USING ${source} s ON t.id = s.id ${clause}`);
      expect(error.code, clause).toBe('INVALID_ARGUMENT');
      expect(error.message, clause).toContain(`may use only ${String(side)} columns`);
    }
    expect(latestVersion(path)).toBe(before);
    await vs.verify();
  });

  it('several source rows matching one target row: an error unless the only MATCHED clause is an unconditional DELETE', async () => {
    const path = h.path(name('duplicates'));
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, v STRING) ${props(dv)}`);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'a'), (2, 'b'), (3, 'c')`);
    const vs = new Versions(h, path);
    const start = await vs.expectLatest(table(['id', 'v'], [1, 'a'], [2, 'b'], [3, 'c']));
    const dupes = `(SELECT * FROM VALUES (1, 'x'), (1, 'y'), (2, 'z'), (7, 'n'), (7, 'm') AS d(id, v))`;
    for (const clauses of ['WHEN MATCHED THEN UPDATE SET v = s.v', 'WHEN MATCHED AND s.v = \'x\' THEN DELETE WHEN MATCHED THEN UPDATE SET v = s.v', 'WHEN MATCHED AND s.v <> \'q\' THEN DELETE']) {
      const error = await h.error(`MERGE INTO ${t} t USING ${dupes} s ON t.id = s.id ${clauses}`);
      expect(error.code, clauses).toBe('INVALID_ARGUMENT');
      expect(error.message, clauses).toMatch(/DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE/);
      expect(error.message, clauses).toContain(path);
    }
    expect(latestVersion(path), 'nothing committed').toBe(start);
    // Only one of the duplicate pairs satisfies a clause: allowed (as in Delta).
    expect(await merge(`MERGE INTO ${t} t USING ${dupes} s ON t.id = s.id WHEN MATCHED AND s.v IN ('x', 'z') THEN UPDATE SET v = s.v`)).toEqual(counts(2, 0, 0));
    await vs.expectLatest(table(['id', 'v'], [1, 'x'], [2, 'z'], [3, 'c']));
    // Unconditional DELETE as the only MATCHED clause: deleting twice is deleting once; unmatched duplicates are both inserted.
    expect(await merge(`MERGE INTO ${t} t USING ${dupes} s ON t.id = s.id WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN INSERT *`)).toEqual(counts(0, 2, 2));
    const v = await vs.expectLatest(table(['id', 'v'], [3, 'c'], [7, 'n'], [7, 'm']));
    expect(await historyMetrics(h, path, v)).toMatchObject({ numTargetRowsDeleted: '2', numTargetRowsMatchedDeleted: '2', numTargetRowsInserted: '2' });
    await vs.verify();
  });

  it('WITH SCHEMA EVOLUTION adds source columns through INSERT * and UPDATE SET *; without it they are ignored', async () => {
    const path = h.path(name('evolution'));
    const t = h.ref(path);
    const source = h.ref(h.path(name('evolution-source')));
    await h.rows(`CREATE TABLE ${t} (id INT, v STRING) ${props(dv)}`);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'a'), (2, 'b')`);
    await h.rows(`CREATE TABLE ${source} (id INT, v STRING, score DOUBLE)`);
    await h.rows(`INSERT INTO ${source} VALUES (2, 'B', 2.5), (3, 'C', 3.5)`);
    const vs = new Versions(h, path);
    await vs.expectLatest(table(['id', 'v'], [1, 'a'], [2, 'b']));
    // Extra source columns are ignored without evolution.
    expect(await merge(`MERGE INTO ${t} t USING ${source} s ON t.id = s.id WHEN MATCHED THEN UPDATE SET *`)).toEqual(counts(1, 0, 0));
    await vs.expectLatest(table(['id', 'v'], [1, 'a'], [2, 'B']));
    expect((await (await h.loch.deltaTable(path)).snapshot()).columns.map((c) => c.name)).toEqual(['id', 'v']);
    const evolved = await merge(`MERGE WITH SCHEMA EVOLUTION INTO ${t} t USING ${source} s ON t.id = s.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *`);
    expect(evolved).toEqual(counts(1, 0, 1));
    const v = await vs.expectLatest(table(['id', 'v', 'score'], [1, 'a', null], [2, 'B', 2.5], [3, 'C', 3.5]));
    expect((await (await h.loch.deltaTable(path)).snapshot()).columns).toEqual([
      { name: 'id', type: 'integer', nullable: true },
      { name: 'v', type: 'string', nullable: true },
      { name: 'score', type: 'double', nullable: true },
    ]);
    expect(actionsOf(path, v).info['operation']).toBe('MERGE');
    // A source lacking a target column: UPDATE SET * needs it, unless evolution keeps the old value.
    const narrow = `(SELECT * FROM VALUES (1, 'A') AS n(id, v))`;
    const missing = await h.error(`MERGE INTO ${t} t USING ${narrow} s ON t.id = s.id WHEN MATCHED THEN UPDATE SET *`);
    expect(missing.message).toMatch(/score/);
    expect(await merge(`MERGE WITH SCHEMA EVOLUTION INTO ${t} t USING ${narrow} s ON t.id = s.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *`)).toEqual(counts(1, 0, 0));
    await vs.expectLatest(table(['id', 'v', 'score'], [1, 'A', null], [2, 'B', 2.5], [3, 'C', 3.5]));
    await vs.verify();
  });

  it('sources: a subquery over two Delta tables, a Delta table at an older version, a VALUES list', async () => {
    const path = h.path(name('sources'));
    const t = h.ref(path);
    const a = h.ref(h.path(name('sources-a')));
    await h.rows(`CREATE TABLE ${t} (id INT, v STRING) ${props(dv)}`);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'a'), (2, 'b'), (3, 'c')`);
    await h.rows(`CREATE TABLE ${a} (k INT, w STRING)`);
    await h.rows(`INSERT INTO ${a} VALUES (1, 'one'), (4, 'four')`);
    await h.rows(`INSERT INTO ${a} VALUES (2, 'two')`);
    const vs = new Versions(h, path);
    await vs.expectLatest(table(['id', 'v'], [1, 'a'], [2, 'b'], [3, 'c']));
    // The target read inside its own source is the version before the MERGE.
    expect(await merge(`MERGE INTO ${t} t USING (SELECT a.k AS id, a.w || '/' || x.v AS v FROM ${a} a JOIN ${t} x ON x.id = a.k) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v`)).toEqual(counts(2, 0, 0));
    await vs.expectLatest(table(['id', 'v'], [1, 'one/a'], [2, 'two/b'], [3, 'c']));
    expect(await merge(`MERGE INTO ${t} t USING ${a} VERSION AS OF 1 s ON t.id = s.k WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.k, s.w)`)).toEqual(counts(0, 1, 1));
    await vs.expectLatest(table(['id', 'v'], [2, 'two/b'], [3, 'c'], [4, 'four']));
    expect(await merge(`MERGE INTO ${t} USING (VALUES (3, 'three'), (5, 'five')) AS s ON id = s.col0 WHEN MATCHED THEN UPDATE SET v = s.col1 WHEN NOT MATCHED THEN INSERT VALUES (s.col0, s.col1)`)).toEqual(counts(1, 0, 1));
    await vs.expectLatest(table(['id', 'v'], [2, 'two/b'], [3, 'three'], [4, 'four'], [5, 'five']));
    await vs.verify();
  });

  it('pruning: with an ON key equality only the file whose range holds the source keys is read and changed', async () => {
    const path = h.path(name('pruning'));
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, v STRING) ${props(dv)}`);
    for (let f = 0; f < 4; f++) await h.rows(`INSERT INTO ${t} SELECT range::INT, 'f${f}' FROM range(${f * 10}, ${f * 10 + 10})`);
    const vs = new Versions(h, path);
    const all = (changed: Record<number, string>, extra: [number, string][] = []) =>
      table(['id', 'v'], ...Array.from({ length: 40 }, (_, i): [number, string] => [i, changed[i] ?? `f${Math.floor(i / 10)}`]), ...extra);
    await vs.expectLatest(all({}));
    const files = actionsOf(path, 1).adds.concat(actionsOf(path, 2).adds, actionsOf(path, 3).adds, actionsOf(path, 4).adds).map((a) => String(a['path']));
    // The other three files are unreadable while the MERGE runs: reading any of them would fail it.
    const hide = (on: boolean) => files.filter((_, i) => i !== 2).forEach((f) => (on ? renameSync(join(path, f), join(path, `${f}.hidden`)) : renameSync(join(path, `${f}.hidden`), join(path, f))));
    hide(true);
    let result: MergeCounts;
    try {
      result = await merge(`MERGE INTO ${t} AS t USING (SELECT * FROM VALUES (21, 'x'), (23, 'y') AS u(key, w)) AS s ON t.id = s.key AND t.v <> 'zz' WHEN MATCHED THEN UPDATE SET v = s.w`);
    } finally {
      hide(false);
    }
    expect(result).toEqual(counts(2, 0, 0));
    const v = await vs.expectLatest(all({ 21: 'x', 23: 'y' }));
    const { removes } = actionsOf(path, v);
    expect(removes.map((r) => r['path'])).toEqual([files[2]]);
    const metrics = await historyMetrics(h, path, v);
    if (dv) expect(metrics).toMatchObject({ numTargetDeletionVectorsAdded: '1', numTargetFilesRemoved: '0', numTargetRowsCopied: '0' });
    else expect(metrics).toMatchObject({ numTargetFilesRemoved: '1', numTargetRowsCopied: '8', numTargetDeletionVectorsAdded: '0' });
    // Source keys outside every file's range: nothing read, rows inserted.
    hide(true);
    try {
      result = await merge(`MERGE INTO ${t} t USING (SELECT 100 AS id, 'new' AS v) s ON t.id = s.id WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN INSERT *`);
    } finally {
      hide(false);
    }
    expect(result).toEqual(counts(0, 0, 1));
    await vs.expectLatest(all({ 21: 'x', 23: 'y' }, [[100, 'new']]));
    // A nondeterministic source is evaluated once: the key range that prunes and the join agree,
    // so the one source row (always an existing id) updates and never inserts a duplicate.
    for (let i = 0; i < 4; i++) {
      expect(await merge(`MERGE INTO ${t} t USING (SELECT (floor(random() * 4) * 10 + 5)::INT AS id) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = 'hit' WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, 'dup')`)).toEqual(counts(1, 0, 0));
    }
    expect(await h.rows(`SELECT count(*) AS n, count(DISTINCT id) AS ids FROM ${t}`)).toEqual([{ n: 41, ids: 41 }]);
    await vs.verify();
  });

  it('change data feed: MERGE writes update pre/post images, deletes and inserts (one delete per target row)', async () => {
    const path = h.path(name('cdf'));
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, v STRING) ${props(dv, ", 'delta.enableChangeDataFeed' = 'true'")}`);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')`);
    const vs = new Versions(h, path);
    const v1 = await vs.expectLatest(table(['id', 'v'], [1, 'a'], [2, 'b'], [3, 'c'], [4, 'd']));
    await merge(`MERGE INTO ${t} t USING (SELECT * FROM VALUES (1, 'A'), (2, NULL), (5, 'E') AS x(id, v)) s ON t.id = s.id
      WHEN MATCHED AND s.v IS NULL THEN DELETE WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *
      WHEN NOT MATCHED BY SOURCE AND t.id = 4 THEN UPDATE SET v = 'dd'`);
    const cols = ['id', 'v', '_change_type'];
    expectSameRows(
      await changesOf(h, path, v1 + 1),
      table(cols, [1, 'a', 'update_preimage'], [1, 'A', 'update_postimage'], [2, 'b', 'delete'], [5, 'E', 'insert'], [4, 'd', 'update_preimage'], [4, 'dd', 'update_postimage']),
      'MERGE changes',
    );
    await vs.expectLatest(table(['id', 'v'], [1, 'A'], [3, 'c'], [4, 'dd'], [5, 'E']));
    expect(await merge(`MERGE INTO ${t} t USING (SELECT * FROM VALUES (3), (3), (3) AS x(id)) s ON t.id = s.id WHEN MATCHED THEN DELETE`)).toEqual(counts(0, 1, 0));
    expectSameRows(await changesOf(h, path, v1 + 2), table(cols, [3, 'c', 'delete']), 'duplicate-matched DELETE changes');
    await vs.expectLatest(table(['id', 'v'], [1, 'A'], [4, 'dd'], [5, 'E']));
    await vs.verify();
  });

  it(`constraints, column mapping with renamed / dropped columns, append-only (${mode})`, async () => {
    const path = h.path(name('mapped'));
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT NOT NULL, v STRING, old INT, n INT) ${props(dv, ", 'delta.columnMapping.mode' = 'name'")}`);
    await h.rows(`ALTER TABLE ${t} ADD CONSTRAINT small CHECK (n < 100)`);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'a', 0, 1), (2, 'b', 0, 2)`);
    await h.rows(`ALTER TABLE ${t} RENAME COLUMN v TO label`);
    await h.rows(`ALTER TABLE ${t} DROP COLUMN old`);
    const vs = new Versions(h, path);
    const start = await vs.expectLatest(table(['id', 'label', 'n'], [1, 'a', 1], [2, 'b', 2]));
    const filesBefore = readdirSync(path).sort();
    const check = await h.error(`MERGE INTO ${t} t USING (SELECT 1 AS id) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET n = 100`);
    expect(check.code).toBe('CONSTRAINT_VIOLATION');
    expect(check.message).toMatch(/small/);
    const notNull = await h.error(`MERGE INTO ${t} t USING (SELECT 9 AS k) s ON t.id = s.k WHEN NOT MATCHED THEN INSERT (id, n) VALUES (NULL, 5)`);
    expect(notNull.code).toBe('CONSTRAINT_VIOLATION');
    const unknown = await h.error(`MERGE INTO ${t} t USING (SELECT 1 AS id) s ON t.id = s.id WHEN MATCHED AND t.v = 'a' THEN DELETE`);
    expect(unknown.message, 'the old name is gone').toContain(path);
    expect(unknown.message).toMatch(/no column named "v"/);
    expect(latestVersion(path), 'violations commit nothing').toBe(start);
    expect(readdirSync(path).sort(), 'and leave no data or DV files behind').toEqual(filesBefore);
    expect(await merge(`MERGE INTO ${t} t USING (SELECT * FROM VALUES (2, 'B', 20), (3, 'C', 30) AS x(id, label, n)) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *`)).toEqual(counts(1, 0, 1));
    await vs.expectLatest(table(['id', 'label', 'n'], [1, 'a', 1], [2, 'B', 20], [3, 'C', 30]));
    expect(await merge(`MERGE INTO ${t} t USING (SELECT 1 AS id) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET label = t.label || '!' WHEN NOT MATCHED BY SOURCE AND t.label = 'C' THEN DELETE`)).toEqual(counts(1, 1, 0));
    await vs.expectLatest(table(['id', 'label', 'n'], [1, 'a!', 1], [2, 'B', 20]));
    await h.rows(`ALTER TABLE ${t} SET TBLPROPERTIES ('delta.appendOnly' = 'true')`);
    const refused = await h.error(`MERGE INTO ${t} t USING (SELECT 50 AS id) s ON t.id = s.id WHEN NOT MATCHED THEN INSERT (id) VALUES (s.id)`);
    expect(refused.message).toMatch(/append-only/);
    await vs.verify();
  });
});

describe('MERGE through the TS API', () => {
  it('DeltaTable.merge with clause objects and keys; TableTransaction.merge', async () => {
    const path = h.path('merge-api');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, v STRING)`);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'a'), (2, 'b')`);
    const vs = new Versions(h, path);
    await vs.expectLatest(table(['id', 'v'], [1, 'a'], [2, 'b']));
    const tbl = await h.loch.deltaTable(path);
    const outcome = await tbl.merge({
      sourceSql: "SELECT * FROM (VALUES (2, 'B'), (3, 'C')) AS x(id, v)",
      sourceAlias: 's',
      targetAlias: 't',
      onSql: 't.id = s.id',
      keys: [{ target: 'id', sourceSql: 's.id' }],
      clauses: [
        { when: 'matched', action: { kind: 'update', assignments: [{ path: ['v'], valueSql: "s.v || '!'" }] } },
        { when: 'not_matched', action: { kind: 'insert_all' } },
        { when: 'not_matched_by_source', conditionSql: 't.id = 1', action: { kind: 'delete' } },
      ],
    });
    expect(outcome.result).toMatchObject({ inserted: 1, updated: 1, deleted: 1 });
    expect(outcome.commit?.version).toBe(latestVersion(path));
    await vs.expectLatest(table(['id', 'v'], [2, 'B!'], [3, 'C']));
    const tx = await tbl.begin();
    const staged = await tx.merge({ sourceSql: 'SELECT 3 AS id', sourceAlias: 's', targetAlias: 't', onSql: 't.id = s.id', clauses: [{ when: 'matched', action: { kind: 'delete' } }] });
    expect(staged.deleted).toBe(1);
    expect((await tx.commit()).kind).toBe('committed');
    await vs.expectLatest(table(['id', 'v'], [2, 'B!']));
    await vs.verify();
  });
});
