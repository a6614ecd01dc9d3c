import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { icebergRead } from 'icebird';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness } from './delta-write-support.js';
import type { Harness } from './delta-write-support.js';

/** A static file server over `root` with HEAD and byte ranges (hyparquet reads footers by range). */
function fileServer(root: string): Server {
  return createServer((req, res) => {
    void (async () => {
      const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
      if (!path.startsWith(root)) return res.writeHead(403).end();
      const info = await stat(path).catch(() => undefined);
      if (info === undefined || !info.isFile()) return res.writeHead(404).end();
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
      const start = range ? Number(range[1]) : 0;
      const end = range && range[2] !== '' ? Math.min(Number(range[2]), info.size - 1) : info.size - 1;
      const headers = { 'content-length': String(end - start + 1), 'accept-ranges': 'bytes', ...(range ? { 'content-range': `bytes ${start}-${end}/${info.size}` } : {}) };
      res.writeHead(range ? 206 : 200, headers);
      if (req.method === 'HEAD') return res.end();
      createReadStream(path, { start, end }).pipe(res);
    })();
  });
}

/**
 * icebird (a JS Iceberg reader, independent of Loch) reads a UniForm table. The Iceberg metadata
 * names files by `file:///` URLs, which icebird fetches verbatim: a fetch shim maps them onto the
 * local HTTP server, which is how a real deployment's object store URLs would be served.
 */
describe('UniForm tables read by icebird', () => {
  let h: Harness;
  let server: Server;
  let base: string;
  const realFetch = globalThis.fetch;
  beforeAll(async () => {
    h = await openHarness();
    server = fileServer(h.root);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    globalThis.fetch = (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const local = `file://${h.root}`;
      return realFetch(url.startsWith(local) ? `${base}${url.slice(local.length)}` : url, init);
    };
  });
  afterAll(async () => {
    globalThis.fetch = realFetch;
    await new Promise((resolve) => server?.close(resolve));
    await h?.close();
  });

  async function icebirdRows(dir: string): Promise<Record<string, unknown>[]> {
    const rows = await icebergRead({ tableUrl: `${base}${dir.slice(h.root.length)}` });
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
