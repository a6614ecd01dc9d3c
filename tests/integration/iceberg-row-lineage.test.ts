import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness } from './delta-write-support.js';
import type { Harness } from './delta-write-support.js';

/**
 * v3 row lineage across rewrites (spec §Row Lineage): after every statement the table's
 * `_row_id` / `_last_updated_sequence_number` are compared with a model kept by the test:
 * untouched rows (also those copied by copy-on-write or compaction) keep both, updated rows keep
 * their id and take the statement's sequence number, inserted rows take fresh ids (never seen
 * before in the table) and the statement's sequence number; ids stay unique. The data files are
 * read with plain DuckDB to check where the lineage is stored: copied rows store both columns
 * (reserved field ids, after the table's columns), updated rows only `_row_id`, appends neither.
 */

let h: Harness;
let db: DuckDBInstance;
let duck: DuckDBConnection;

beforeAll(async () => {
  h = await openHarness();
  db = await DuckDBInstance.create(':memory:');
  duck = await db.connect();
});
afterAll(async () => {
  duck?.closeSync();
  await h?.close();
});

interface Lineage {
  readonly rowId: number;
  readonly seq: number;
}

/** The expected lineage of each live row by id, and every row id the table ever handed out. */
class Model {
  readonly rows = new Map<number, Lineage>();
  readonly everSeen = new Set<number>();
  seq = 0;

  constructor(readonly ref: string) {}

  async actual(): Promise<Map<number, Lineage>> {
    const rows = await h.rows(`SELECT id, _row_id, _last_updated_sequence_number FROM ${this.ref} ORDER BY id`);
    return new Map(rows.map((r) => [Number(r['id']), { rowId: Number(r['_row_id']), seq: Number(r['_last_updated_sequence_number']) }]));
  }

  /**
   * Checks the table after a statement that committed one snapshot: `updated` ids keep their row
   * ids with the new sequence number, `inserted` ids are new, `deleted` ids are gone.
   */
  async step(what: string, change: { inserted?: number[]; updated?: number[]; deleted?: number[] } = {}): Promise<void> {
    this.seq += 1;
    for (const id of change.deleted ?? []) this.rows.delete(id);
    for (const id of change.updated ?? []) this.rows.set(id, { rowId: (this.rows.get(id) as Lineage).rowId, seq: this.seq });
    const actual = await this.actual();
    const fresh = change.inserted ?? [];
    for (const id of fresh) {
      const got = actual.get(id);
      expect(got, `${what}: inserted row ${id}`).toBeDefined();
      expect(this.everSeen.has((got as Lineage).rowId), `${what}: row ${id} gets a row id never used before`).toBe(false);
      this.rows.set(id, { rowId: (got as Lineage).rowId, seq: this.seq });
    }
    expect([...actual.entries()].sort((a, b) => a[0] - b[0]), `${what}: lineage of every row`).toEqual([...this.rows.entries()].sort((a, b) => a[0] - b[0]));
    const ids = [...actual.values()].map((l) => l.rowId);
    expect(new Set(ids).size, `${what}: row ids unique`).toBe(ids.length);
    for (const l of actual.values()) this.everSeen.add(l.rowId);
    // Sequence numbers count snapshots (none expire here): the statement committed exactly one.
    const snapshots = await h.rows(`SELECT count(*) AS n FROM ${this.ref}.snapshots`);
    expect(Number(snapshots[0]?.['n']), `${what}: one snapshot per statement`).toBe(this.seq);
  }
}

function localPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

interface StoredFile {
  /** Column names and field ids in file order. */
  readonly columns: [string, number | null][];
  /** Rows (id, stored _row_id, stored sequence number); the lineage values undefined when the file lacks them. */
  readonly rows: { id: number; rowId: number | null | undefined; seq: number | null | undefined }[];
}

/** The live data files read with plain DuckDB. */
async function storedFiles(ref: string): Promise<StoredFile[]> {
  const files = await h.rows(`SELECT file_path FROM ${ref}.files WHERE content = 0`);
  const out: StoredFile[] = [];
  for (const f of files) {
    const local = localPath(String(f['file_path']));
    const schema = (await duck.runAndReadAll(`SELECT name, field_id FROM parquet_schema('${local}') WHERE num_children IS NULL OR num_children = 0`)).getRows();
    const columns = schema.map((r) => [String(r[0]), r[1] === null ? null : Number(r[1])] as [string, number | null]);
    const has = columns.some((c) => c[0] === '_row_id');
    const select = has ? 'id, _row_id, _last_updated_sequence_number' : 'id, NULL, NULL';
    const rows = (await duck.runAndReadAll(`SELECT ${select} FROM read_parquet('${local}')`)).getRows();
    const value = (v: unknown) => (has ? (v === null ? null : Number(v)) : undefined);
    out.push({ columns, rows: rows.map((r) => ({ id: Number(r[0]), rowId: value(r[1]), seq: value(r[2]) })) });
  }
  return out;
}

const storedOf = (files: readonly StoredFile[], id: number) => files.flatMap((f) => f.rows).find((r) => r.id === id);

const PROPS = (mode: string) => `'format-version' = '3', 'write.delete.mode' = '${mode}', 'write.update.mode' = '${mode}', 'write.merge.mode' = '${mode}'`;
const insertRows = (from: number, to: number) => `SELECT i::BIGINT AS id, 'v' || i AS v FROM range(${from}, ${to}) r(i)`;

describe('iceberg v3 row lineage across rewrites', () => {
  it('keeps row ids and sequence numbers through INSERT, UPDATE, DELETE, MERGE and OPTIMIZE', async () => {
    const ref = `iceberg.\`${h.path('lineage')}\``;
    const m = new Model(ref);
    await h.rows(`CREATE TABLE ${ref} (id BIGINT, v STRING) USING ICEBERG TBLPROPERTIES (${PROPS('copy-on-write')})`);
    await h.rows(`INSERT INTO ${ref} ${insertRows(0, 10)}`);
    await m.step('first insert', { inserted: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
    expect([...m.rows.values()].map((l) => l.rowId), 'first_row_id 0 + position').toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const appended = await storedFiles(ref);
    expect(appended.flatMap((f) => f.columns.map((c) => c[0])), 'appends store no lineage').not.toContain('_row_id');
    await h.rows(`INSERT INTO ${ref} ${insertRows(10, 15)}`);
    await m.step('second insert', { inserted: [10, 11, 12, 13, 14] });

    await h.rows(`UPDATE ${ref} SET v = 'cow' WHERE id IN (2, 11)`);
    await m.step('copy-on-write update', { updated: [2, 11] });
    const afterCow = await storedFiles(ref);
    const rewritten = afterCow.filter((f) => f.columns.some((c) => c[0] === '_row_id'));
    expect(rewritten.length, 'the update wrote files with lineage').toBeGreaterThan(0);
    for (const f of rewritten) {
      expect(f.columns, 'lineage columns after the table columns, with their reserved field ids').toEqual([
        ['id', 1],
        ['v', 2],
        ['_row_id', 2147483540],
        ['_last_updated_sequence_number', 2147483539],
      ]);
    }
    expect(storedOf(afterCow, 2), 'an updated row stores its id, no sequence number').toEqual({ id: 2, rowId: 2, seq: null });
    expect(storedOf(afterCow, 3), 'a copied row stores both').toEqual({ id: 3, rowId: 3, seq: 1 });

    await h.rows(`ALTER TABLE ${ref} SET TBLPROPERTIES ('write.update.mode' = 'merge-on-read')`);
    await h.rows(`UPDATE ${ref} SET v = 'mor' WHERE id IN (5, 12)`);
    await m.step('merge-on-read update', { updated: [5, 12] });
    const afterMor = await storedFiles(ref);
    expect(storedOf(afterMor, 12), 'the re-inserted row stores its id').toEqual({ id: 12, rowId: 12, seq: null });

    await h.rows(`DELETE FROM ${ref} WHERE id IN (3, 13)`);
    await m.step('copy-on-write delete', { deleted: [3, 13] });

    await h.rows(`MERGE INTO ${ref} AS t USING (SELECT * FROM (VALUES (4::BIGINT, 'm'), (14::BIGINT, 'm'), (100::BIGINT, 'new'), (101::BIGINT, 'new')) AS s(id, v)) AS s
      ON t.id = s.id WHEN MATCHED AND s.id = 14 THEN DELETE WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT *`);
    await m.step('copy-on-write merge', { updated: [4], deleted: [14], inserted: [100, 101] });

    await h.rows(`ALTER TABLE ${ref} SET TBLPROPERTIES ('write.merge.mode' = 'merge-on-read')`);
    await h.rows(`MERGE INTO ${ref} AS t USING (SELECT * FROM (VALUES (0::BIGINT, 'm2'), (200::BIGINT, 'new')) AS s(id, v)) AS s
      ON t.id = s.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *`);
    await m.step('merge-on-read merge', { updated: [0], inserted: [200] });

    await h.rows(`OPTIMIZE ${ref}`);
    await m.step('optimize');
    const compacted = await storedFiles(ref);
    for (const r of compacted.flatMap((f) => f.rows)) {
      expect(r, `compaction stores row ${r.id}'s lineage`).toEqual({ id: r.id, rowId: m.rows.get(r.id)?.rowId, seq: m.rows.get(r.id)?.seq });
    }
    expect((await h.rows(`SELECT v FROM ${ref} WHERE id IN (0, 2, 4, 5) ORDER BY id`)).map((r) => r['v'])).toEqual(['m2', 'cow', 'm', 'mor']);
  });

  it('v3 rows inserted after rewrites take ids beyond every stored one', async () => {
    const ref = `iceberg.\`${h.path('lineage-next')}\``;
    const m = new Model(ref);
    await h.rows(`CREATE TABLE ${ref} (id BIGINT, v STRING) USING ICEBERG TBLPROPERTIES (${PROPS('copy-on-write')})`);
    await h.rows(`INSERT INTO ${ref} ${insertRows(0, 4)}`);
    await m.step('insert', { inserted: [0, 1, 2, 3] });
    await h.rows(`INSERT INTO ${ref} ${insertRows(4, 6)}`);
    await m.step('second insert', { inserted: [4, 5] });
    await h.rows(`UPDATE ${ref} SET v = 'x' WHERE id = 1`);
    await m.step('update', { updated: [1] });
    await h.rows(`OPTIMIZE ${ref}`);
    await m.step('optimize');
    const before = Math.max(...[...m.rows.values()].map((l) => l.rowId));
    await h.rows(`INSERT INTO ${ref} ${insertRows(6, 8)}`);
    await m.step('insert after rewrites', { inserted: [6, 7] });
    const added = [6, 7].map((id) => (m.rows.get(id) as Lineage).rowId);
    expect(Math.min(...added), 'new ids above the old ones').toBeGreaterThan(before);
  });

  it('v2 tables store no lineage columns when rows are rewritten', async () => {
    const ref = `iceberg.\`${h.path('lineage-v2')}\``;
    await h.rows(`CREATE TABLE ${ref} (id BIGINT, v STRING) USING ICEBERG TBLPROPERTIES ('format-version' = '2')`);
    await h.rows(`INSERT INTO ${ref} ${insertRows(0, 5)}`);
    await h.rows(`UPDATE ${ref} SET v = 'x' WHERE id = 1`);
    await h.rows(`INSERT INTO ${ref} ${insertRows(5, 7)}`);
    await h.rows(`OPTIMIZE ${ref}`);
    const files = await storedFiles(ref);
    expect(files.flatMap((f) => f.columns), 'only the table columns').toEqual(files.flatMap(() => [['id', 1], ['v', 2]]));
    expect(await h.rows(`SELECT count(*) AS n FROM ${ref}`)).toEqual([{ n: 7 }]);
  });
});
