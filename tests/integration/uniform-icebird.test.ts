import { icebergRead } from 'icebird';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redirectFileUrls, serveFolder } from '../support/http-folder.js';
import type { ServedFolder } from '../support/http-folder.js';
import { openHarness } from './delta-write-support.js';
import type { Harness } from './delta-write-support.js';

/**
 * icebird (a JS Iceberg reader, independent of Loch) reads a UniForm table. The Iceberg metadata
 * names files by `file:///` URLs, which icebird fetches verbatim: a fetch shim maps them onto the
 * local HTTP server, which is how a real deployment's object store URLs would be served.
 */
describe('UniForm tables read by icebird', () => {
  let h: Harness;
  let served: ServedFolder;
  let restore: () => void;
  beforeAll(async () => {
    h = await openHarness();
    served = await serveFolder(h.root);
    restore = redirectFileUrls(h.root, served);
  });
  afterAll(async () => {
    restore?.();
    await served?.close();
    await h?.close();
  });

  async function icebirdRows(dir: string): Promise<Record<string, unknown>[]> {
    const rows = await icebergRead({ tableUrl: `${served.url}${dir.slice(h.root.length)}` });
    return rows.map((r) => ({ id: r['id'], name: r['name'] ?? null, tags: r['tags'] ?? null, region: r['region'] ?? null })).sort((a, b) => Number(a.id) - Number(b.id));
  }

  async function deltaRows(dir: string): Promise<Record<string, unknown>[]> {
    return h.rows(`SELECT id, name, tags, region FROM delta.\`${dir}\` ORDER BY id`);
  }

  it('reads what Delta holds after appends, a copy-on-write update and a delete', async () => {
    const dir = h.path('uniform-icebird');
    const t = `delta.\`${dir}\``;
    await h.rows(`CREATE TABLE ${t} (id INT, name STRING, tags ARRAY<STRING>, region STRING) PARTITIONED BY (region) TBLPROPERTIES ('delta.universalFormat.enabledFormats' = 'iceberg')`);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'a', array('x', 'y'), 'EU'), (2, 'b', array(), 'US'), (3, NULL, NULL, 'EU')`);
    await h.rows(`INSERT INTO ${t} VALUES (4, 'd', array('z'), 'US')`);
    expect(await icebirdRows(dir)).toEqual(await deltaRows(dir));
    await h.rows(`UPDATE ${t} SET name = 'bb' WHERE id = 2`);
    await h.rows(`DELETE FROM ${t} WHERE id = 3`);
    const expected = await deltaRows(dir);
    expect(expected.map((r) => r['id'])).toEqual([1, 2, 4]);
    expect(await icebirdRows(dir)).toEqual(expected);
  });
});
