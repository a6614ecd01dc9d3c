import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { icebergRead } from 'icebird';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch } from '../../src/index.js';
import { redirectFileUrls, serveFolder } from '../support/http-folder.js';
import type { ServedFolder } from '../support/http-folder.js';

/**
 * Cross-reader check: Iceberg tables Loch writes are read by icebird (an independent JS Iceberg
 * reader) with the same rows Loch returns. icebird reads through fetch, so the warehouse is
 * served over HTTP on 127.0.0.1 and the `file://` URLs in the metadata are mapped onto it.
 * icebird's limits shape the tables: it ignores sequence numbers and deletion vectors, so the
 * tables are v2 with copy-on-write changes or position deletes.
 */
describe('Loch-written Iceberg tables read by icebird', () => {
  let root: string;
  let loch: Loch;
  let served: ServedFolder;
  let restore: () => void;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'loch-icebird-'));
    loch = await Loch.open({ warehouse: join(root, 'wh') });
    served = await serveFolder(root);
    restore = redirectFileUrls(root, served);
  });
  afterAll(async () => {
    restore();
    await served.close();
    await loch.close();
    await rm(root, { recursive: true, force: true });
  });

  /** One value as text on both sides: icebird gives bigint/number/Date/string, Loch its own. */
  function text(value: unknown): string | null {
    if (value === null || value === undefined) return null;
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    return String(value);
  }

  async function sameRows(dir: string, columns: readonly string[]): Promise<number> {
    const ours = (await (await loch.sql(`SELECT ${columns.join(', ')} FROM iceberg.\`${dir}\``)).all()).map((r) => JSON.stringify(r.map(text)));
    const theirs = (await icebergRead({ tableUrl: served.url + dir.slice(root.length) })).map((r) => JSON.stringify(columns.map((c) => text(r[c]))));
    expect(theirs.sort()).toEqual(ours.sort());
    return ours.length;
  }

  const cases: readonly { name: string; partition: string; properties: string }[] = [
    { name: 'unpartitioned', partition: '', properties: '' },
    { name: 'identity partitions', partition: 'PARTITIONED BY (region)', properties: '' },
    { name: 'bucket and day partitions', partition: 'PARTITIONED BY (bucket(4, id), days(day))', properties: '' },
    { name: 'merge-on-read position deletes', partition: 'PARTITIONED BY (region)', properties: `, 'write.delete.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read'` },
  ];

  for (const c of cases) {
    it(`${c.name}: after inserts, UPDATE and DELETE`, async () => {
      const dir = join(root, c.name.replace(/\W+/g, '_'));
      const t = `iceberg.\`${dir}\``;
      await loch.sql(`CREATE TABLE ${t} (id BIGINT, name STRING, region STRING, day DATE, score DOUBLE) USING ICEBERG ${c.partition} TBLPROPERTIES ('format-version' = '2'${c.properties})`);
      await loch.sql(`INSERT INTO ${t} SELECT i, 'name-' || i, CASE WHEN i % 3 = 0 THEN 'eu' WHEN i % 3 = 1 THEN 'us' ELSE NULL END, DATE '2024-01-01' + (i % 5)::INTEGER, i * 0.5 FROM range(200) t(i)`);
      await loch.sql(`INSERT INTO ${t} VALUES (1000, 'late', 'ap', DATE '2023-12-31', NULL)`);
      const columns = ['id', 'name', 'region', 'day', 'score'];
      expect(await sameRows(dir, columns)).toBe(201);
      await loch.sql(`UPDATE ${t} SET name = 'renamed' WHERE id % 7 = 0`);
      await loch.sql(`DELETE FROM ${t} WHERE id % 10 = 3`);
      expect(await sameRows(dir, columns)).toBe(181);
    });
  }
});
