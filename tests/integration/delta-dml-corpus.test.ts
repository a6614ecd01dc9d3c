import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch } from '../../src/index.js';
import { copyCorpusTable } from '../support/corpus.js';
import { tempDir } from '../support/delta-fixture.js';

/**
 * DELETE and UPDATE on tables other writers made with deletion vectors (Spark's golden tables,
 * delta-rs, delta-kernel-rs; one with column mapping, one with a checkpoint, one with the change
 * data feed): Loch's new deletion vectors must keep the rows the old ones deleted deleted, and
 * each result must equal the previous version (read by time travel) with the change applied.
 */
const TABLES = ['golden-dv-partitioned-with-checkpoint', 'golden-dv-with-columnmapping', 'deltars-table-with-dv-small', 'kernelrs-cdf-table-with-dv'];

describe('DML on deletion-vector tables written by other engines', () => {
  let loch: Loch;
  let dir: string;
  const rows = async (sql: string) => (await loch.sql(sql)).all();
  beforeAll(async () => {
    dir = await tempDir('loch-dml-corpus-');
    loch = await Loch.open({ warehouse: join(dir, 'warehouse') });
  });
  afterAll(async () => {
    await loch.close();
  });

  /** The rows of two queries are the same multiset. */
  async function expectSame(t: string, now: string, before: string): Promise<void> {
    const diff = await rows(`SELECT (SELECT count(*) FROM (${now} EXCEPT ALL ${before})), (SELECT count(*) FROM (${before} EXCEPT ALL ${now}))`);
    expect(diff, t).toEqual([[0n, 0n]]);
  }

  for (const name of TABLES) {
    it(name, async () => {
      const path = await copyCorpusTable(name, dir);
      const t = `delta.\`${path}\``;
      const probe = await loch.sql(`SELECT * FROM ${t} LIMIT 0`);
      await probe.all();
      const first = `"${probe.columns[0]?.name ?? ''}"`;
      const start = (await (await loch.deltaTable(path)).snapshot()).version;
      const before = Number((await rows(`SELECT count(*) FROM ${t}`))[0]?.[0]);
      const cond = `hash(${first}) % 3 = 0`;
      const expected = Number((await rows(`SELECT count(*) FROM ${t} WHERE ${cond}`))[0]?.[0]);
      expect(expected, 'the condition selects some rows').toBeGreaterThan(0);
      expect(await rows(`DELETE FROM ${t} WHERE ${cond}`)).toEqual([[BigInt(expected)]]);
      await expectSame(name, `SELECT * FROM ${t}`, `SELECT * FROM ${t} VERSION AS OF ${start} WHERE NOT coalesce(${cond}, false)`);
      expect(Number((await rows(`SELECT count(*) FROM ${t}`))[0]?.[0])).toBe(before - expected);
      // An UPDATE that keeps every value moves the rows to new files and marks the old ones.
      const touched = Number((await rows(`SELECT count(*) FROM ${t} WHERE hash(${first}) % 3 = 1`))[0]?.[0]);
      expect(await rows(`UPDATE ${t} SET ${first} = ${first} WHERE hash(${first}) % 3 = 1`)).toEqual([[BigInt(touched)]]);
      await expectSame(name, `SELECT * FROM ${t}`, `SELECT * FROM ${t} VERSION AS OF ${start + 1}`);
      // Every version, old and new, still reads.
      for (let v = start; v <= start + (touched > 0 ? 2 : 1); v++) await rows(`SELECT count(*) FROM ${t} VERSION AS OF ${v}`);
    }, 60_000);
  }
});
