import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, GrantChange, Privilege, SecurableRef } from '../../../src/catalog/governance/governance-types.js';
import { systemClock } from '../../../src/core/clock.js';
import { randomIds } from '../../../src/core/ids.js';
import type { ApiDeps, ServerEnv } from '../../../src/server/http/context.js';
import { errorResponse, failureResponse } from '../../../src/server/http/error-shape.js';
import { filesApi } from '../../../src/server/files/routes.js';
import { Loch } from '../../../src/sql/loch.js';

/**
 * The Files API (Databricks' `/api/2.0/fs/files` and `/directories`) over real HTTP against a
 * real Loch: bytes exact, streaming, overwrite, grants (READ VOLUME / WRITE VOLUME / USE path),
 * traversal, limits, authentication, and SQL reading what HTTP wrote.
 */

const SMALL_LIMIT = 1024 * 1024;
const USERS = ['boss', 'reader', 'writer', 'nouse', 'nobody'] as const;
type Who = (typeof USERS)[number];

let dir: string;
let loch: Loch;
let http: ServerType;
let base: string;
const tokens = new Map<Who, string>();
const audit: AuditEvent[] = [];

const LANDING = '/Volumes/lake/raw/landing';
const SECRET = '/Volumes/lake/other/secret';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-files-api-'));
  loch = await Loch.open({ warehouse: join(dir, 'wh'), metastore: 'memory:' });
  loch.audit = { record: (event) => audit.push(event), flush: async () => {} };
  for (const who of USERS) {
    await loch.identity.createUser(who, who === 'boss' ? { admin: true } : {});
    tokens.set(who, (await loch.identity.createToken(who)).token);
  }
  await loch.sql(`CREATE CATALOG lake; CREATE SCHEMA lake.raw; CREATE VOLUME lake.raw.landing;
    CREATE SCHEMA lake.other; CREATE VOLUME lake.other.secret`);
  const grant = (securable: SecurableRef, principal: string, ...add: Privilege[]) => {
    const change: GrantChange = { principal, add };
    return loch.catalog.updateGrants(securable, [change]);
  };
  const volume: SecurableRef = { type: 'VOLUME', name: { catalog: 'lake', schema: 'raw', name: 'landing' } };
  for (const who of ['reader', 'writer', 'nouse'] as const) await grant({ type: 'CATALOG', catalog: 'lake' }, who, 'USE CATALOG');
  for (const who of ['reader', 'writer'] as const) await grant({ type: 'SCHEMA', catalog: 'lake', schema: 'raw' }, who, 'USE SCHEMA');
  await grant(volume, 'reader', 'READ VOLUME');
  await grant(volume, 'nouse', 'READ VOLUME', 'WRITE VOLUME');
  await grant(volume, 'writer', 'WRITE VOLUME');

  const deps: ApiDeps = { loch, clock: systemClock, ids: randomIds, maxBodyBytes: 16 * 1024 * 1024 };
  const root = new Hono<ServerEnv>();
  root.route('/api/2.0/fs', filesApi(deps, { maxUploadBytes: 64 * 1024 * 1024 }));
  root.route('/small/fs', filesApi(deps, { maxUploadBytes: SMALL_LIMIT }));
  root.notFound((c) => errorResponse(c, 404, 'ENDPOINT_NOT_FOUND', 'no such endpoint'));
  root.onError((error, c) => failureResponse(c, error, () => {}));
  await new Promise<void>((resolve) => {
    http = serve({ fetch: root.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      base = `http://127.0.0.1:${info.port}`;
      resolve();
    });
  });
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
  await loch?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function filesUrl(path: string, query = '', mount = '/api/2.0/fs'): string {
  return `${base}${mount}/files${path}${query}`;
}

async function call(who: Who | undefined, method: string, url: string, body?: RequestInit['body'], headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method,
    headers: { ...(who === undefined ? {} : { authorization: `Bearer ${tokens.get(who)}` }), ...headers },
    ...(body === undefined ? {} : { body }),
  });
}

async function put(who: Who, path: string, bytes: Uint8Array | string, query = ''): Promise<Response> {
  return call(who, 'PUT', filesUrl(path, query), typeof bytes === 'string' ? bytes : Buffer.from(bytes));
}

async function errorOf(response: Response): Promise<{ status: number; code: unknown; message: unknown }> {
  const json = (await response.json()) as Record<string, unknown>;
  return { status: response.status, code: json['error_code'], message: json['message'] };
}

/** A request sent byte for byte as written (fetch would resolve dot segments before sending). */
function raw(who: Who, method: string, path: string, body = 'x'): Promise<{ status: number; text: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: { authorization: `Bearer ${tokens.get(who)}`, 'content-length': String(body.length) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Every file name under a directory of the host, recursively. */
async function hostFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

function sha(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('files: upload, download, list, delete', () => {
  it('round-trips binary bytes exactly, with metadata headers and listings', async () => {
    const bytes = new Uint8Array(70_000);
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
    const path = `${LANDING}/bin/sub/data%20file.bin`;
    const before = Date.now();
    expect((await put('boss', path, bytes)).status).toBe(204);

    const got = await call('boss', 'GET', filesUrl(path));
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(got.headers.get('content-length')).toBe(String(bytes.length));
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);

    const head = await call('boss', 'HEAD', filesUrl(path));
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    const modified = Date.parse(head.headers.get('last-modified') ?? '');
    expect(modified).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);

    const ranged = await call('boss', 'GET', filesUrl(path), undefined, { range: 'bytes=1000-1999' });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 1000-1999/${bytes.length}`);
    expect(new Uint8Array(await ranged.arrayBuffer())).toEqual(bytes.subarray(1000, 2000));
    const outside = await call('boss', 'GET', filesUrl(path), undefined, { range: `bytes=${bytes.length}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${bytes.length}`);

    const top = await call('boss', 'GET', `${base}/api/2.0/fs/directories${LANDING}/bin`);
    expect(top.status).toBe(200);
    expect(await top.json()).toEqual({ contents: [{ path: `${LANDING}/bin/sub/`, is_directory: true, last_modified: expect.any(Number), name: 'sub' }] });
    const sub = (await (await call('boss', 'GET', `${base}/api/2.0/fs/directories${LANDING}/bin/sub/`)).json()) as { contents: Record<string, unknown>[] };
    expect(sub.contents).toEqual([
      { path: `${LANDING}/bin/sub/data file.bin`, is_directory: false, file_size: bytes.length, last_modified: expect.any(Number), name: 'data file.bin' },
    ]);
    // last-modified is the same time, to the second of an HTTP date.
    expect(Math.floor((sub.contents[0]?.['last_modified'] as number) / 1000) * 1000).toBe(modified);

    expect((await call('boss', 'DELETE', filesUrl(path))).status).toBe(204);
    expect(await errorOf(await call('boss', 'GET', filesUrl(path)))).toMatchObject({ status: 404, code: 'RESOURCE_DOES_NOT_EXIST' });
    expect((await call('boss', 'DELETE', filesUrl(path))).status).toBe(404);
  });

  it('streams a 20 MB upload and download', async () => {
    const bytes = randomBytes(20 * 1024 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= bytes.length) return controller.close();
        const next = Math.min(bytes.length, sent + 1024 * 1024);
        controller.enqueue(bytes.subarray(sent, next));
        sent = next;
      },
    });
    const path = `${LANDING}/big/twenty.bin`;
    const uploaded = await fetch(filesUrl(path), { method: 'PUT', headers: { authorization: `Bearer ${tokens.get('boss')}` }, body, duplex: 'half' } as RequestInit);
    expect(uploaded.status).toBe(204);
    const got = await call('boss', 'GET', filesUrl(path));
    expect(got.headers.get('content-length')).toBe(String(bytes.length));
    const reader = got.body!.getReader();
    const hash = createHash('sha256');
    let chunks = 0;
    let received = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      hash.update(r.value);
      received += r.value.byteLength;
      chunks += 1;
    }
    expect(received).toBe(bytes.length);
    expect(chunks).toBeGreaterThan(1);
    expect(hash.digest('hex')).toBe(sha(bytes));
    const landing = join(dir, 'wh');
    expect((await hostFiles(landing)).some((f) => f.includes('.loch-tmp-'))).toBe(false);
  });

  it('survives clients that leave mid-download and mid-upload, leaving no partial file', async () => {
    const path = `${LANDING}/big/twenty.bin`;
    const leaving = new AbortController();
    const got = await fetch(filesUrl(path), { headers: { authorization: `Bearer ${tokens.get('boss')}` }, signal: leaving.signal });
    await got.body!.getReader().read();
    leaving.abort();

    const quitting = new AbortController();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent >= 4 * 1024 * 1024) {
          quitting.abort();
          return;
        }
        sent += 1024 * 1024;
        controller.enqueue(new Uint8Array(1024 * 1024));
      },
    });
    const partial = `${LANDING}/partial/half.bin`;
    const init = { method: 'PUT', headers: { authorization: `Bearer ${tokens.get('boss')}` }, body, duplex: 'half', signal: quitting.signal };
    await expect(fetch(filesUrl(partial), init as RequestInit)).rejects.toThrow();
    // The server notices the closed connection a moment later; its audit record comes once the request is over.
    const done = () => audit.find((e) => e.action === 'uploadFile' && e.params?.['path'] === '/Volumes/lake/raw/landing/partial/half.bin');
    for (let i = 0; i < 200 && done() === undefined; i += 1) await new Promise((r) => setTimeout(r, 25));
    expect(done()).toMatchObject({ statusCode: 400, errorMessage: expect.stringMatching(/interrupted/) });
    expect((await hostFiles(join(dir, 'wh'))).some((f) => f.includes('.loch-tmp-'))).toBe(false);
    expect((await call('boss', 'HEAD', filesUrl(partial))).status).toBe(404);
    expect((await call('boss', 'HEAD', filesUrl(path))).status).toBe(200);
  });

  it('refuses overwrite=false on an existing file with 409 and keeps its bytes', async () => {
    const path = `${LANDING}/keep.txt`;
    expect((await put('boss', path, 'first', '?overwrite=false')).status).toBe(204);
    expect(await errorOf(await put('boss', path, 'second', '?overwrite=false'))).toMatchObject({ status: 409, code: 'RESOURCE_ALREADY_EXISTS' });
    expect(await (await call('boss', 'GET', filesUrl(path))).text()).toBe('first');
    expect((await put('boss', path, 'third')).status).toBe(204);
    expect(await (await call('boss', 'GET', filesUrl(path))).text()).toBe('third');
    expect((await put('boss', path, 'x', '?overwrite=maybe')).status).toBe(400);
    // A file where a directory is (and the reverse) is a conflict too.
    expect((await put('boss', `${LANDING}/keep.txt/inner`, 'x')).status).toBe(409);
    expect((await put('boss', `${LANDING}/big`, 'x')).status).toBe(409);
  });

  it('bounds uploads: 413 past the limit, announced or streamed, and nothing is left behind', async () => {
    const path = `${LANDING}/limits/too-big.bin`;
    const announced = await call('boss', 'PUT', filesUrl(path, '', '/small/fs'), Buffer.alloc(SMALL_LIMIT + 1));
    expect(await errorOf(announced)).toMatchObject({ status: 413, code: 'RESOURCE_EXHAUSTED' });
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 3 * SMALL_LIMIT) return controller.close();
        sent += 256 * 1024;
        controller.enqueue(new Uint8Array(256 * 1024));
      },
    });
    const streamed = await fetch(filesUrl(path, '', '/small/fs'), { method: 'PUT', headers: { authorization: `Bearer ${tokens.get('boss')}` }, body, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await call('boss', 'HEAD', filesUrl(path))).status).toBe(404);
    expect((await call('boss', 'PUT', filesUrl(path, '', '/small/fs'), Buffer.alloc(SMALL_LIMIT))).status).toBe(204);
    expect((await hostFiles(join(dir, 'wh'))).some((f) => f.includes('.loch-tmp-'))).toBe(false);
  });
});

describe('files: directories', () => {
  it('creates, lists in pages, refuses to remove a non-empty one, removes an empty one', async () => {
    const d = `${LANDING}/dirs`;
    const dirs = `${base}/api/2.0/fs/directories`;
    expect((await call('boss', 'PUT', `${dirs}${d}/empty/deeper`)).status).toBe(204);
    expect((await call('boss', 'PUT', `${dirs}${d}/empty/deeper`)).status).toBe(204);
    expect((await call('boss', 'HEAD', `${dirs}${d}/empty/deeper`)).status).toBe(200);
    expect((await call('boss', 'HEAD', `${dirs}${d}/nope`)).status).toBe(404);
    expect(await (await call('boss', 'GET', `${dirs}${d}/empty/deeper`)).json()).toEqual({ contents: [] });
    for (const name of ['e.csv', 'a.csv', 'c.csv', 'b.csv']) expect((await put('boss', `${d}/${name}`, name)).status).toBe(204);

    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query = `?page_size=2${token === undefined ? '' : `&page_token=${token}`}`;
      const page = (await (await call('boss', 'GET', `${dirs}${d}${query}`)).json()) as { contents: { name: string }[]; next_page_token?: string };
      names.push(...page.contents.map((e) => e.name));
      token = page.next_page_token;
      pages += 1;
    } while (token !== undefined && pages < 10);
    expect(names).toEqual(['a.csv', 'b.csv', 'c.csv', 'e.csv', 'empty']);
    expect(pages).toBe(3);
    expect((await call('boss', 'GET', `${dirs}${d}?page_token=forged!`)).status).toBe(400);

    expect(await errorOf(await call('boss', 'DELETE', `${dirs}${d}/empty`))).toMatchObject({ status: 409 });
    expect((await call('boss', 'DELETE', `${dirs}${d}/empty/deeper`)).status).toBe(204);
    expect((await call('boss', 'DELETE', `${dirs}${d}/empty`)).status).toBe(204);
    expect((await call('boss', 'GET', `${dirs}${d}/empty`)).status).toBe(404);
    expect((await call('boss', 'PUT', `${dirs}${d}/a.csv`)).status).toBe(409);
    expect((await call('boss', 'GET', `${dirs}${d}/a.csv`)).status).toBe(404);
    expect((await call('boss', 'DELETE', `${dirs}${LANDING}`)).status).toBe(400);
  });
});

describe('files: grants', () => {
  it('lets a READ VOLUME holder download and list but not upload or delete', async () => {
    const path = `${LANDING}/shared/r.txt`;
    expect((await put('boss', path, 'readable')).status).toBe(204);
    expect(await (await call('reader', 'GET', filesUrl(path))).text()).toBe('readable');
    expect((await call('reader', 'HEAD', filesUrl(path))).status).toBe(200);
    expect((await call('reader', 'GET', `${base}/api/2.0/fs/directories${LANDING}/shared`)).status).toBe(200);
    expect(await errorOf(await put('reader', path, 'overwritten'))).toMatchObject({ status: 403, code: 'PERMISSION_DENIED' });
    expect((await call('reader', 'DELETE', filesUrl(path))).status).toBe(403);
    expect((await call('reader', 'PUT', `${base}/api/2.0/fs/directories${LANDING}/shared/new`)).status).toBe(403);
    expect((await call('reader', 'DELETE', `${base}/api/2.0/fs/directories${LANDING}/shared`)).status).toBe(403);
    expect(await (await call('boss', 'GET', filesUrl(path))).text()).toBe('readable');
    const refused = audit.filter((e) => e.principal === 'reader' && e.action === 'uploadFile');
    expect(refused.at(-1)).toMatchObject({ allowed: false, statusCode: 403 });
  });

  it('lets a WRITE VOLUME holder upload and delete but not read (WRITE VOLUME does not imply READ VOLUME)', async () => {
    const path = `${LANDING}/drop/w.txt`;
    expect((await put('writer', path, 'written')).status).toBe(204);
    expect(await (await call('boss', 'GET', filesUrl(path))).text()).toBe('written');
    expect((await call('writer', 'GET', filesUrl(path))).status).toBe(403);
    expect((await call('writer', 'HEAD', filesUrl(path))).status).toBe(403);
    expect((await call('writer', 'GET', `${base}/api/2.0/fs/directories${LANDING}/drop`)).status).toBe(403);
    expect((await call('writer', 'DELETE', filesUrl(path))).status).toBe(204);
    expect(audit.some((e) => e.principal === 'writer' && e.action === 'uploadFile' && e.allowed && e.objectName === 'lake.raw.landing')).toBe(true);
  });

  it('refuses without USE SCHEMA, without any grant, and on another volume', async () => {
    expect(await errorOf(await call('nouse', 'GET', filesUrl(`${LANDING}/keep.txt`)))).toMatchObject({ status: 403, code: 'PERMISSION_DENIED' });
    expect((await put('nouse', `${LANDING}/n.txt`, 'n')).status).toBe(403);
    expect((await call('nobody', 'GET', filesUrl(`${LANDING}/keep.txt`))).status).toBe(403);
    expect((await put('writer', `${SECRET}/w.txt`, 'w')).status).toBe(403);
    expect((await call('boss', 'HEAD', filesUrl(`${LANDING}/n.txt`))).status).toBe(404);
    // A volume that does not exist: the admin learns so; others are refused on what they may not see.
    expect((await call('boss', 'GET', filesUrl('/Volumes/lake/raw/missing/x'))).status).toBe(404);
  });

  it('refuses requests without a valid token with 401', async () => {
    expect(await errorOf(await call(undefined, 'GET', filesUrl(`${LANDING}/keep.txt`)))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    const forged = await fetch(filesUrl(`${LANDING}/x.txt`), { method: 'PUT', headers: { authorization: 'Bearer dapi0000' }, body: 'x' });
    expect(forged.status).toBe(401);
    expect((await call('boss', 'HEAD', filesUrl(`${LANDING}/x.txt`))).status).toBe(404);
  });
});

describe('files: hostile paths', () => {
  it('never writes outside the volume, whatever the encoding', async () => {
    const before = await hostFiles(dir);
    const prefix = '/api/2.0/fs/files';
    const attempts: [Who, string, number][] = [
      // Dot segments are resolved by the server's URL parser: this names the secret volume, which writer may not write.
      ['writer', `${prefix}${LANDING}/../../other/secret/x1`, 403],
      ['boss', `${prefix}${LANDING}/../../../../../../../tmp/x2`, 404],
      ['boss', `${prefix}${LANDING}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/x3`, 404],
      ['boss', `${prefix}${LANDING}/%252e%252e/%252e%252e/x4`, 400],
      ['boss', `${prefix}${LANDING}/..%2F..%2F..%2Fx5`, 400],
      ['boss', `${prefix}${LANDING}/%2e%2e%2f%2e%2e%2fx6`, 400],
      ['boss', `${prefix}${LANDING}/x7%00.txt`, 400],
      ['boss', `${prefix}${LANDING}/..%5C..%5Cx8`, 400],
      ['boss', `${prefix}${LANDING}/..\\..\\x9`, 400],
      ['boss', `${prefix}/Volumes/lake/raw/landing%2F..%2F..%2Fx10`, 400],
      ['boss', `${prefix}/etc/passwd`, 400],
      ['boss', `${prefix}${LANDING}/.loch-tmp-abc`, 400],
    ];
    for (const [who, path, status] of attempts) {
      const response = await raw(who, 'PUT', path);
      expect({ path, status: response.status }).toEqual({ path, status });
      expect(response.text).not.toContain(dir); // no host path in any error
    }
    const after = await hostFiles(dir);
    expect(after.filter((f) => !before.includes(f))).toEqual([]);
    const listing = (await (await call('boss', 'GET', `${base}/api/2.0/fs/directories${SECRET}`)).json()) as { contents: unknown[] };
    expect(listing.contents).toEqual([]);
    // And reads: the same encodings never reach a file outside the volume.
    expect((await raw('boss', 'GET', `${prefix}${LANDING}/%252e%252e/%252e%252e/%252e%252e/%252e%252e/etc/passwd`, '')).status).toBe(400);
    expect((await raw('boss', 'GET', `/api/2.0/fs/directories${LANDING}/..%2F..%2F..`, '')).status).toBe(400);
  });
});

describe('files: SQL reads what HTTP wrote', () => {
  it('reads an uploaded CSV with read_csv as a principal holding READ VOLUME', async () => {
    const path = `${LANDING}/people/people.csv`;
    expect((await put('writer', path, 'id,name\n1,ada\n2,grace\n')).status).toBe(204);
    const reader = await loch.identity.resolve('reader');
    const result = await loch.session({ principal: reader! }).sql(`SELECT id, name FROM read_csv('${path}') ORDER BY id`);
    const rows = await result.all();
    expect(rows.map((r) => [Number(r[0]), r[1]])).toEqual([
      [1, 'ada'],
      [2, 'grace'],
    ]);
    const writer = await loch.identity.resolve('writer');
    await expect(loch.session({ principal: writer! }).sql(`SELECT * FROM read_csv('${path}')`).then((r) => r.all())).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });
});
