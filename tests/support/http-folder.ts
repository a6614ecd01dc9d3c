import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';

/** A folder served read-only over HTTP on 127.0.0.1 (GET with Range, HEAD), for readers that fetch. */
export interface ServedFolder {
  /** `http://127.0.0.1:<port>` (no trailing slash): URL paths are paths under the folder. */
  readonly url: string;
  close(): Promise<void>;
}

export async function serveFolder(root: string): Promise<ServedFolder> {
  const server = createServer((req, res) => {
    void (async () => {
      const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
      if (path !== root && !path.startsWith(root.endsWith(sep) ? root : root + sep)) return void res.writeHead(403).end();
      const info = await stat(path).catch(() => undefined);
      if (info === undefined || !info.isFile()) return void res.writeHead(404).end();
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
      if (req.method === 'HEAD') return void res.writeHead(200, { 'content-length': info.size, 'accept-ranges': 'bytes' }).end();
      if (range === null) {
        res.writeHead(200, { 'content-length': info.size });
        return void createReadStream(path).pipe(res);
      }
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), info.size - 1) : info.size - 1;
      res.writeHead(206, { 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${info.size}` });
      createReadStream(path, { start, end }).pipe(res);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Makes `fetch` of `file://<root>/…` URLs (what Loch writes into Iceberg metadata for a local
 * table) go to the served folder instead; returns the function that restores `fetch`.
 */
export function redirectFileUrls(root: string, served: ServedFolder): () => void {
  const original = globalThis.fetch;
  const prefix = `file://${root.replace(/\/+$/, '')}`;
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const mapped = url.startsWith(prefix) ? served.url + url.slice(prefix.length) : url.startsWith(root) ? served.url + url.slice(root.length) : url;
    return original(mapped, init);
  };
  return () => {
    globalThis.fetch = original;
  };
}
