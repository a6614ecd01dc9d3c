import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IcebergError, IcebergRestCatalog } from 'iceberg-js';
import type { TableSchema } from 'iceberg-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, Privilege, SecurableRef } from '../../../src/catalog/governance/governance-types.js';
import { startServer } from '../../../src/server/server.js';
import type { RunningServer } from '../../../src/server/server.js';
import { Loch } from '../../../src/sql/loch.js';
import { loadOpenApi } from '../../support/openapi.js';

/**
 * The Iceberg REST catalog through real clients: iceberg-js runs the whole namespace/table life
 * cycle with and without a warehouse; raw fetch covers the rest. Every response body, from
 * either client, is validated against the Iceberg REST OpenAPI spec by operation and status.
 */
const SPEC = loadOpenApi('/work/shared/specs/iceberg-rest-catalog-open-api.yaml');
const BASE = '/api/2.1/unity-catalog/iceberg-rest';

let dir: string;
let loch: Loch;
let server: RunningServer;
const tokens: Record<string, string> = {};
/** Spec violations and content-type problems seen by the validating fetch, checked after each test. */
const violations: string[] = [];
let checkedResponses = 0;
const audit: AuditEvent[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-irc-'));
  loch = await Loch.open({ warehouse: join(dir, 'wh'), metastore: 'memory:', threads: 2 });
  await loch.identity.createUser('ada', { admin: true });
  await loch.identity.createUser('bob');
  await loch.identity.createUser('rita');
  await loch.identity.createUser('cara');
  for (const who of ['ada', 'bob', 'rita', 'cara']) tokens[who] = (await loch.identity.createToken(who)).token;
  await loch.sql(`CREATE CATALOG shop; CREATE SCHEMA shop.sales; CREATE SCHEMA shop.hidden;
    CREATE TABLE shop.sales.events (id BIGINT, kind STRING) USING ICEBERG;
    INSERT INTO shop.sales.events VALUES (1, 'click'), (2, 'view');
    CREATE TABLE shop.sales.secret (id BIGINT) USING ICEBERG;
    CREATE TABLE shop.hidden.h (id BIGINT) USING ICEBERG;
    CREATE TABLE shop.sales.plain (id INT);
    CREATE TABLE shop.sales.uni (id INT, v STRING) TBLPROPERTIES ('delta.universalFormat.enabledFormats' = 'iceberg');
    INSERT INTO shop.sales.uni VALUES (1, 'a'), (2, 'b');
    CREATE VIEW shop.sales.events_v AS SELECT id FROM shop.sales.events`);
  const grant = (principal: string, securable: SecurableRef, ...add: Privilege[]) => loch.catalog.updateGrants(securable, [{ principal, add }]);
  for (const who of ['rita', 'cara']) {
    await grant(who, { type: 'CATALOG', catalog: 'shop' }, 'USE CATALOG');
    await grant(who, { type: 'SCHEMA', catalog: 'shop', schema: 'sales' }, 'USE SCHEMA');
  }
  await grant('rita', { type: 'TABLE', name: { catalog: 'shop', schema: 'sales', name: 'events' } }, 'SELECT');
  await grant('rita', { type: 'TABLE', name: { catalog: 'shop', schema: 'sales', name: 'uni' } }, 'SELECT');
  await grant('cara', { type: 'SCHEMA', catalog: 'shop', schema: 'sales' }, 'CREATE TABLE');
  loch.audit = { record: (event) => void audit.push(event), flush: async () => {} };
  server = await startServer({ loch, port: 0, pgPort: null, log: () => {}, maxBodyBytes: 256 * 1024 });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await loch?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  expect(violations.splice(0)).toEqual([]);
});

// ---- validation of every response by operation and status

const OPERATIONS: readonly [method: string, path: RegExp, schema: string][] = [
  ['GET', /^\/v1\/config$/, 'CatalogConfig'],
  ['GET', /^\/v1(\/[^/]+)?\/namespaces$/, 'ListNamespacesResponse'],
  ['POST', /^\/v1(\/[^/]+)?\/namespaces$/, 'CreateNamespaceResponse'],
  ['GET', /^\/v1(\/[^/]+)?\/namespaces\/[^/]+$/, 'GetNamespaceResponse'],
  ['POST', /^\/v1(\/[^/]+)?\/namespaces\/[^/]+\/properties$/, 'UpdateNamespacePropertiesResponse'],
  ['GET', /^\/v1(\/[^/]+)?\/namespaces\/[^/]+\/tables$/, 'ListTablesResponse'],
  ['POST', /^\/v1(\/[^/]+)?\/namespaces\/[^/]+\/tables$/, 'LoadTableResult'],
  ['POST', /^\/v1(\/[^/]+)?\/namespaces\/[^/]+\/register$/, 'LoadTableResult'],
  ['GET', /^\/v1(\/[^/]+)?\/namespaces\/[^/]+\/tables\/[^/]+$/, 'LoadTableResult'],
  ['POST', /^\/v1(\/[^/]+)?\/namespaces\/[^/]+\/tables\/[^/]+$/, 'CommitTableResponse'],
  ['GET', /^\/v1(\/[^/]+)?\/namespaces\/[^/]+\/views$/, 'ListTablesResponse'],
  ['GET', /^\/v1(\/[^/]+)?\/namespaces\/[^/]+\/views\/[^/]+$/, 'LoadViewResult'],
];

/** Checks one response against the spec (by a clone, so the caller still reads the body). */
async function checkResponse(method: string, url: string, response: Response): Promise<void> {
  checkedResponses += 1;
  const path = new URL(url).pathname.slice(BASE.length);
  const where = `${method} ${path} → ${response.status}`;
  if (response.status === 204 || response.status === 304 || method === 'HEAD') {
    if ((await response.clone().text()) !== '') violations.push(`${where}: expected no body`);
    return;
  }
  if (!(response.headers.get('content-type') ?? '').includes('application/json')) violations.push(`${where}: content-type ${response.headers.get('content-type')}`);
  const body: unknown = JSON.parse(await response.clone().text());
  const schema = response.status >= 400 ? 'IcebergErrorResponse' : OPERATIONS.find(([m, p]) => m === method && p.test(path))?.[2];
  if (schema === undefined) return void violations.push(`${where}: no schema known for this operation`);
  for (const error of SPEC.validate(schema, body)) violations.push(`${where}: ${schema}: ${error}`);
  if (response.status >= 400) {
    const code = (body as { error: { code: number } }).error.code;
    if (code !== response.status) violations.push(`${where}: error.code ${code}`);
  }
}

const validatingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  await checkResponse(init?.method ?? 'GET', url, response);
  return response;
};

/** A raw request as `who` (null: no token); the response is validated like iceberg-js's. */
async function call(method: string, path: string, options: { who?: string | null; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: any; text: string; headers: Headers }> {
  const who = options.who === undefined ? 'ada' : options.who;
  const raw = typeof options.body === 'string' ? options.body : options.body === undefined ? undefined : JSON.stringify(options.body);
  const response = await validatingFetch(`${server.url}${BASE}${path}`, {
    method,
    headers: { ...(who === null ? {} : { authorization: `Bearer ${tokens[who]}` }), ...(raw === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    ...(raw === undefined ? {} : { body: raw }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text), text, headers: response.headers };
}

function client(who: string, warehouse?: string): IcebergRestCatalog {
  return new IcebergRestCatalog({ baseUrl: `${server.url}${BASE}`, auth: { type: 'bearer', token: tokens[who] as string }, fetch: validatingFetch, ...(warehouse === undefined ? {} : { warehouse }) });
}

async function rejection(promise: Promise<unknown>): Promise<IcebergError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof IcebergError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const rows = async (sql: string) => (await (await loch.sql(sql)).all()) as unknown[][];

const SCHEMA: TableSchema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', type: 'long', required: true },
    { id: 2, name: 'name', type: 'string', required: false },
    { id: 3, name: 'ts', type: 'timestamptz', required: false },
  ],
};

// ---- the life cycle

describe.each([
  ['with warehouse shop', 'shop'],
  ['without warehouse (catalog main)', undefined],
])('iceberg-js life cycle %s', (_title, warehouse) => {
  const catalogName = warehouse ?? 'main';
  const ns = { namespace: [`lc_${catalogName}`] };
  const ident = (name: string) => ({ namespace: ns.namespace, name });

  it('config, namespaces and their properties', async () => {
    const ice = client('ada', warehouse);
    if (warehouse !== undefined) expect((await ice.loadConfig()).overrides).toEqual({ prefix: 'shop' });
    await ice.createNamespace(ns, { properties: { owner_team: 'data', comment: 'life cycle' } });
    expect((await rejection(ice.createNamespace(ns))).status).toBe(409);
    expect((await ice.listNamespaces()).namespaces).toContainEqual(ns);
    expect(await ice.loadNamespaceMetadata(ns)).toEqual({ properties: { owner_team: 'data', comment: 'life cycle' } });
    expect(await ice.namespaceExists(ns)).toBe(true);
    expect(await ice.namespaceExists({ namespace: ['nope'] })).toBe(false);
    const updated = await ice.updateNamespaceProperties(ns, { updates: { tier: 'gold' }, removals: ['owner_team', 'missing_key'] });
    expect(updated).toEqual({ updated: ['tier'], removed: ['owner_team'], missing: ['missing_key'] });
    expect((await ice.loadNamespaceMetadata(ns)).properties).toEqual({ tier: 'gold', comment: 'life cycle' });
    expect((await ice.listNamespaces({ parent: ns })).namespaces).toEqual([]);
    expect(await rows(`SHOW SCHEMAS IN ${catalogName}`)).toContainEqual([ns.namespace[0]]);
  });

  it('create, load, commit, stale commit, register, rename, list, drop', async () => {
    const ice = client('ada', warehouse);
    const created = await ice.createTable(ns, {
      name: 'orders',
      schema: SCHEMA,
      'partition-spec': { 'spec-id': 0, fields: [{ 'source-id': 1, 'field-id': 1000, name: 'id_bucket', transform: 'bucket[4]' }] },
      properties: { 'write.format.default': 'parquet' },
    });
    expect(created['format-version']).toBe(2);
    expect(created['partition-specs'][0]?.fields[0]?.transform).toBe('bucket[4]');
    expect((await rejection(ice.createTable(ns, { name: 'orders', schema: SCHEMA }))).status).toBe(409);
    const loaded = await ice.loadTableResult(ident('orders'));
    expect(loaded?.metadata['table-uuid']).toBe(created['table-uuid']);
    expect(loaded?.['metadata-location']).toMatch(/\/metadata\/00000-[0-9a-f-]+\.metadata\.json$/);
    expect(await ice.tableExists(ident('orders'))).toBe(true);

    const props = await ice.commitTable(ident('orders'), { requirements: [{ type: 'assert-table-uuid', uuid: created['table-uuid'] }], updates: [{ action: 'set-properties', updates: { owner: 'ada' } }] });
    expect(props.metadata.properties).toMatchObject({ owner: 'ada', 'write.format.default': 'parquet' });
    expect(props['metadata-location']).toMatch(/00001-[0-9a-f-]+\.metadata\.json$/);
    const evolved = await ice.commitTable(ident('orders'), {
      requirements: [{ type: 'assert-current-schema-id', 'current-schema-id': 0 }, { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': 3 }],
      updates: [
        { action: 'add-schema', schema: { ...SCHEMA, 'schema-id': 1, fields: [...SCHEMA.fields, { id: 4, name: 'amount', type: 'double', required: false }] } },
        { action: 'set-current-schema', 'schema-id': -1 },
      ],
    });
    expect(evolved.metadata['current-schema-id']).toBe(1);
    expect(evolved.metadata['last-column-id']).toBe(4);
    const stale = await rejection(ice.commitTable(ident('orders'), { requirements: [{ type: 'assert-current-schema-id', 'current-schema-id': 0 }], updates: [{ action: 'set-properties', updates: { lost: 'yes' } }] }));
    expect(stale.status).toBe(409);
    expect(stale.icebergType).toBe('CommitFailedException');
    expect(stale.message).toContain('current schema id is 1, expected 0');
    expect((await ice.loadTable(ident('orders'))).properties).not.toHaveProperty('lost');
    expect(await rows(`SELECT * FROM ${catalogName}.${ns.namespace[0]}.orders`)).toEqual([]);

    // register: adopt a table written elsewhere (a path table) by its metadata file
    const external = join(dir, `ext_${catalogName}`);
    await rows(`CREATE TABLE iceberg.\`${external}\` (a INT) USING ICEBERG; INSERT INTO iceberg.\`${external}\` VALUES (7)`);
    const hint = (await readFile(join(external, 'metadata', 'version-hint.text'), 'utf8')).trim();
    const registered = await ice.registerTable(ns, { name: 'adopted', 'metadata-location': join(external, 'metadata', `v${hint}.metadata.json`) });
    expect(registered.snapshots).toHaveLength(1);
    expect(await rows(`SELECT a FROM ${catalogName}.${ns.namespace[0]}.adopted`)).toEqual([[7]]);

    await ice.renameTable({ source: ident('adopted'), destination: ident('adopted2') });
    const moved = await rejection(ice.renameTable({ source: ident('adopted2'), destination: { namespace: ['default'], name: 'x' } }));
    expect(moved.status).toBe(406);
    expect((await ice.listTables(ns)).identifiers).toEqual([ident('adopted2'), ident('orders')]);

    const notEmpty = await rejection(ice.dropNamespace(ns));
    expect([notEmpty.status, notEmpty.icebergType]).toEqual([409, 'NamespaceNotEmptyException']);
    await ice.dropTable(ident('orders'), { purge: true });
    await ice.dropTable(ident('adopted2'));
    expect(await ice.tableExists(ident('orders'))).toBe(false);
    expect((await rejection(ice.loadTable(ident('orders')))).status).toBe(404);
    expect((await ice.listTables(ns)).identifiers).toEqual([]);
    await ice.dropNamespace(ns);
    expect(await ice.namespaceExists(ns)).toBe(false);
    // Dropping an adopted (external) table never deletes its files.
    expect(await readdir(external)).toEqual(expect.arrayContaining(['data', 'metadata']));
  });
});

// ---- SQL and REST see the same tables

describe('interplay with SQL', () => {
  it('a table created through REST is read and appended by SQL; the append is the next load’s snapshot', async () => {
    const ice = client('ada', 'shop');
    await ice.createTable({ namespace: ['sales'] }, { name: 'both', schema: SCHEMA });
    expect(await rows('SELECT count(*) FROM shop.sales.both')).toEqual([[0n]]);
    await rows(`INSERT INTO shop.sales.both VALUES (9007199254740993, 'x', TIMESTAMPTZ '2024-01-01 00:00:00+00')`);
    const raw = await call('GET', '/v1/shop/namespaces/sales/tables/both');
    expect(raw.status).toBe(200);
    expect(raw.body.metadata.snapshots).toHaveLength(1);
    const idText = /"current-snapshot-id":(-?\d+)/.exec(raw.text)?.[1] as string;
    const file = await readFile(fileURLToPath(raw.body['metadata-location'] as string), 'utf8');
    expect(file).toContain(`"current-snapshot-id":${idText}`);
    expect(raw.text).toContain(`"snapshot-id":${idText}`);
    const location = raw.body.metadata.location as string;
    const [[sqlId]] = (await rows(`SELECT snapshot_id FROM iceberg.\`${location.startsWith('file:') ? fileURLToPath(location) : location}\`.snapshots`)) as [[bigint]];
    expect(String(sqlId)).toBe(idText);
    expect(await rows('SELECT id FROM shop.sales.both')).toEqual([[9007199254740993n]]);

    const again = await call('GET', '/v1/shop/namespaces/sales/tables/both', { headers: { 'if-none-match': raw.headers.get('etag') as string } });
    expect(again.status).toBe(304);
    const refs = await call('GET', '/v1/shop/namespaces/sales/tables/both?snapshots=refs');
    expect(refs.headers.get('etag')).not.toBe(raw.headers.get('etag'));
  });

  it('concurrent commits: each succeeds after retries or fails with 409, none is lost', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) => call('POST', '/v1/shop/namespaces/sales/tables/both', { body: { requirements: [], updates: [{ action: 'set-properties', updates: { [`k${i}`]: String(i) } }] } })),
    );
    for (const o of outcomes) expect([200, 409]).toContain(o.status);
    for (const o of outcomes.filter((r) => r.status === 409)) expect(o.body.error.type).toBe('CommitFailedException');
    const committed = outcomes.flatMap((o, i) => (o.status === 200 ? [`k${i}`] : []));
    expect(committed.length).toBeGreaterThan(0);
    const properties = (await call('GET', '/v1/shop/namespaces/sales/tables/both')).body.metadata.properties as Record<string, string>;
    expect(Object.keys(properties).filter((k) => /^k\d$/.test(k)).sort()).toEqual(committed.sort());
  });

  it('stage-create returns metadata without registering; the assert-create commit creates the table', async () => {
    const staged = await call('POST', '/v1/shop/namespaces/sales/tables', { body: { name: 'staged', schema: SCHEMA, 'stage-create': true } });
    expect(staged.status).toBe(200);
    expect(staged.body['metadata-location']).toBeUndefined();
    expect((await call('HEAD', '/v1/shop/namespaces/sales/tables/staged')).status).toBe(404);
    const commit = await call('POST', '/v1/shop/namespaces/sales/tables/staged', {
      body: {
        requirements: [{ type: 'assert-create' }],
        updates: [
          { action: 'assign-uuid', uuid: staged.body.metadata['table-uuid'] },
          { action: 'upgrade-format-version', 'format-version': 2 },
          { action: 'add-schema', schema: SCHEMA },
          { action: 'set-current-schema', 'schema-id': -1 },
          { action: 'add-spec', spec: { 'spec-id': 0, fields: [] } },
          { action: 'set-default-spec', 'spec-id': -1 },
          { action: 'add-sort-order', 'sort-order': { 'order-id': 0, fields: [] } },
          { action: 'set-default-sort-order', 'sort-order-id': -1 },
          { action: 'set-location', location: staged.body.metadata.location },
          { action: 'set-properties', updates: { staged: 'true' } },
        ],
      },
    });
    expect(commit.status).toBe(200);
    expect(commit.body.metadata.properties).toEqual({ staged: 'true' });
    expect(await rows('SELECT count(*) FROM shop.sales.staged')).toEqual([[0n]]);
    const twice = await call('POST', '/v1/shop/namespaces/sales/tables/staged', { body: { requirements: [{ type: 'assert-create' }], updates: [] } });
    expect([twice.status, twice.body.error.type]).toEqual([409, 'CommitFailedException']);
  });

  it('transactions/commit: one table change commits, several are refused before anything is written', async () => {
    const change = (name: string, value: string) => ({ identifier: { namespace: ['sales'], name }, requirements: [], updates: [{ action: 'set-properties', updates: { tx: value } }] });
    expect((await call('POST', '/v1/shop/transactions/commit', { body: { 'table-changes': [change('both', 'one')] } })).status).toBe(204);
    const two = await call('POST', '/v1/shop/transactions/commit', { body: { 'table-changes': [change('both', 'two'), change('staged', 'two')] } });
    expect([two.status, two.body.error.type]).toEqual([406, 'UnsupportedOperationException']);
    expect((await call('GET', '/v1/shop/namespaces/sales/tables/both')).body.metadata.properties.tx).toBe('one');
  });

  it('a UniForm Delta table is listed and loadable, read-only; plain Delta tables and views are not tables here', async () => {
    const list = await call('GET', '/v1/shop/namespaces/sales/tables');
    const names = (list.body.identifiers as { name: string }[]).map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(['events', 'uni']));
    expect(names).not.toContain('plain');
    expect(names).not.toContain('events_v');
    const uni = await call('GET', '/v1/shop/namespaces/sales/tables/uni');
    expect(uni.status).toBe(200);
    expect(uni.body['metadata-location']).toMatch(/\/metadata\/v\d+\.metadata\.json$/);
    expect(uni.body.metadata.properties['delta-version']).toBe('1');
    const refusals = [
      await call('POST', '/v1/shop/namespaces/sales/tables/uni', { body: { requirements: [], updates: [{ action: 'set-properties', updates: { a: 'b' } }] } }),
      await call('DELETE', '/v1/shop/namespaces/sales/tables/uni?purgeRequested=false'),
      await call('POST', '/v1/shop/tables/rename', { body: { source: { namespace: ['sales'], name: 'uni' }, destination: { namespace: ['sales'], name: 'uni2' } } }),
    ];
    for (const r of refusals) expect([r.status, r.body.error.message]).toEqual([403, expect.stringContaining('read-only')]);
    expect(await rows('SELECT count(*) FROM shop.sales.uni')).toEqual([[2n]]);
    for (const name of ['plain', 'events_v']) expect((await call('GET', `/v1/shop/namespaces/sales/tables/${name}`)).status).toBe(404);
  });

  it('views are listed and loaded read-only as synthesised view metadata', async () => {
    const list = await call('GET', '/v1/shop/namespaces/sales/views');
    expect(list.body.identifiers).toEqual([{ namespace: ['sales'], name: 'events_v' }]);
    const view = await call('GET', '/v1/shop/namespaces/sales/views/events_v');
    expect(view.status).toBe(200);
    expect(view.body.metadata.versions[0].representations[0]).toMatchObject({ type: 'sql', dialect: 'spark', sql: expect.stringContaining('shop.sales.events') });
    expect(view.body.metadata.schemas[0].fields).toEqual([{ id: 1, name: 'id', type: 'long', required: false }]);
    expect((await call('HEAD', '/v1/shop/namespaces/sales/views/events_v')).status).toBe(204);
    expect((await call('GET', '/v1/shop/namespaces/sales/views/events')).status).toBe(404);
  });

  it('/v1/config lists exactly the implemented endpoints; an unknown warehouse is 404', async () => {
    const config = await call('GET', '/v1/config?warehouse=shop');
    expect(config.body.endpoints).toContain('POST /v1/{prefix}/namespaces/{namespace}/tables/{table}');
    expect(config.body.endpoints).not.toContain('POST /v1/{prefix}/namespaces/{namespace}/views');
    expect(config.body).not.toHaveProperty('idempotency-key-lifetime');
    const unknown = await call('GET', '/v1/config?warehouse=nowhere');
    expect([unknown.status, unknown.body.error.type]).toEqual([404, 'NoSuchWarehouseException']);
    expect((await call('GET', '/v1/config')).body.overrides).toEqual({});
  });
});

// ---- authentication and grants

describe('authentication and grants', () => {
  it('no or a bad token is 401 in Iceberg’s error shape', async () => {
    for (const who of [null, 'nobody']) {
      const response = await call('GET', '/v1/shop/namespaces', { who });
      expect([response.status, response.body.error.type]).toEqual([401, 'NotAuthorizedException']);
    }
  });

  it('listings show only what the caller may see; loading needs SELECT; changes need MODIFY or ownership', async () => {
    const rita = client('rita', 'shop');
    expect((await rita.listNamespaces()).namespaces).toEqual([{ namespace: ['sales'] }]);
    const names = (await rita.listTables({ namespace: ['sales'] })).identifiers.map((i) => i.name);
    expect(names).toEqual(['events', 'uni']);
    expect((await rita.loadTable({ namespace: ['sales'], name: 'events' })).snapshots).toHaveLength(1);
    const denied = [
      await rejection(rita.loadTable({ namespace: ['sales'], name: 'secret' })),
      await rejection(rita.loadTable({ namespace: ['hidden'], name: 'h' })),
      await rejection(rita.commitTable({ namespace: ['sales'], name: 'events' }, { requirements: [], updates: [{ action: 'set-properties', updates: { x: 'y' } }] })),
      await rejection(rita.dropTable({ namespace: ['sales'], name: 'events' })),
      await rejection(rita.createTable({ namespace: ['sales'] }, { name: 'mine', schema: SCHEMA })),
      await rejection(rita.createNamespace({ namespace: ['new_ns'] })),
      await rejection(rita.registerTable({ namespace: ['sales'] }, { name: 'r', 'metadata-location': '/etc/passwd' })),
    ];
    expect(denied.map((e) => e.status)).toEqual([403, 403, 403, 403, 403, 403, 403]);
    for (const e of denied) expect(e.message).not.toMatch(/metadata\/|snapshot|"id"/);
    const refused = audit.filter((e) => e.principal === 'rita' && e.statusCode === 403 && e.request.service === 'iceberg-rest');
    expect(refused).toContainEqual(expect.objectContaining({ action: 'loadTable', objectType: 'TABLE', objectName: 'shop.sales.secret', allowed: false }));
    expect(refused).toContainEqual(expect.objectContaining({ action: 'getTable', objectName: 'shop.sales.secret' }));
    expect(refused).toContainEqual(expect.objectContaining({ action: 'registerTable', objectName: 'shop.sales' }));
    const bob = client('bob', 'shop');
    expect((await rejection(bob.listNamespaces())).status).toBe(403);
    expect((await rejection(bob.loadTable({ namespace: ['sales'], name: 'events' }))).status).toBe(403);
    expect((await call('GET', '/v1/config?warehouse=shop', { who: 'bob' })).status).toBe(403);
    expect(await rows('SHOW TABLES IN shop.sales')).not.toContainEqual(expect.arrayContaining(['mine']));
  });

  it('a creator makes managed tables only: no chosen locations, no registering, no snapshots pointing elsewhere', async () => {
    const located = await call('POST', '/v1/shop/namespaces/sales/tables', { who: 'cara', body: { name: 'placed', schema: SCHEMA, location: join(dir, 'placed') } });
    expect([located.status, located.body.error.message]).toEqual([403, expect.stringContaining('only a metastore admin')]);
    const events = (await call('GET', '/v1/shop/namespaces/sales/tables/events')).body.metadata;
    const register = await call('POST', '/v1/shop/namespaces/sales/register', { who: 'cara', body: { name: 'copy', 'metadata-location': `${events.location}/metadata/x.metadata.json` } });
    expect(register.status).toBe(403);
    const created = await call('POST', '/v1/shop/namespaces/sales/tables', { who: 'cara', body: { name: 'caras', schema: SCHEMA } });
    expect(created.status).toBe(200);
    const snapshot = { 'snapshot-id': 1, 'sequence-number': 1, 'timestamp-ms': Date.now(), 'manifest-list': `${events.location}/metadata/snap.avro`, summary: { operation: 'append' } };
    for (const update of [
      { action: 'add-snapshot', snapshot },
      { action: 'set-location', location: events.location },
    ]) {
      const commit = await call('POST', '/v1/shop/namespaces/sales/tables/caras', { who: 'cara', body: { requirements: [], updates: [update] } });
      expect([commit.status, commit.body.error.type]).toEqual([403, 'ForbiddenException']);
    }
    const own = await call('POST', '/v1/shop/namespaces/sales/tables/caras', { who: 'cara', body: { requirements: [], updates: [{ action: 'set-properties', updates: { mine: 'yes' } }] } });
    expect(own.status).toBe(200);
  });

  it('a table with a row filter or a column mask is refused to every Iceberg client, admins included', async () => {
    await loch.catalog.createFunction({ catalog: 'shop', schema: 'sales', name: 'only_one' }, { parameters: [{ name: 'i', type: 'BIGINT' }], returnType: 'BOOLEAN', body: 'i = 1' });
    await loch.sql('CREATE TABLE shop.sales.filtered (id BIGINT) USING ICEBERG');
    await loch.catalog.setRowFilter({ catalog: 'shop', schema: 'sales', name: 'filtered' }, { function: 'shop.sales.only_one', columns: ['id'] });
    const load = await call('GET', '/v1/shop/namespaces/sales/tables/filtered');
    expect([load.status, load.body.error.message]).toEqual([403, expect.stringContaining('row filter')]);
    const commit = await call('POST', '/v1/shop/namespaces/sales/tables/filtered', { body: { requirements: [], updates: [] } });
    expect(commit.status).toBe(403);
  });
});

// ---- hostile input

/** POST on a connection of its own, as ada. */
function postOnFreshSocket(path: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${server.url}${BASE}${path}`, { method: 'POST', agent: false, headers: { authorization: `Bearer ${tokens['ada']}`, 'content-type': 'application/json' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    // The server may answer and close before the whole body is sent.
    request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    request.end(body);
  });
}

describe('hostile input', () => {
  async function warehouseState(): Promise<string> {
    const files = (await readdir(join(dir, 'wh'), { recursive: true })).filter((f) => !f.includes('.cache')).sort();
    const schemas = await rows('SHOW SCHEMAS IN shop');
    const tables = await rows('SHOW TABLES IN shop.sales');
    const events = (await call('GET', '/v1/shop/namespaces/sales/tables/events')).body['metadata-location'] as string;
    return JSON.stringify({ files, schemas, tables, events }, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  }

  it('traversal, NUL, multi-level namespaces, malformed and oversized bodies, wrong types: 4xx and nothing written', async () => {
    const before = await warehouseState();
    const attempts: [string, string, unknown?][] = [
      ['GET', '/v1/shop/namespaces/..%2F..%2Fetc/tables/t'],
      ['GET', '/v1/shop/namespaces/sales/tables/..%2F..%2Fevents'],
      ['GET', '/v1/shop/namespaces/sales%00/tables/events'],
      ['GET', '/v1/shop/namespaces/sales%1Fx/tables/events'],
      ['GET', '/v1/..%2F/namespaces'],
      ['POST', '/v1/shop/namespaces', { namespace: ['../x'] }],
      ['POST', '/v1/shop/namespaces', { namespace: ['a', 'b'] }],
      ['POST', '/v1/shop/namespaces', { namespace: 'sales' }],
      ['POST', '/v1/shop/namespaces', { namespace: ['ok'], properties: { a: 1 } }],
      ['POST', '/v1/shop/namespaces', '{"namespace": ["x"'],
      ['POST', '/v1/shop/namespaces', '[]'],
      ['POST', '/v1/shop/namespaces/sales/tables', { name: '../../etc', schema: SCHEMA }],
      ['POST', '/v1/shop/namespaces/sales/tables', { name: 'bad\u0000', schema: SCHEMA }],
      ['POST', '/v1/shop/namespaces/sales/tables', { name: 'typed', schema: { type: 'struct', fields: [{ id: 'one', name: 'a', type: 'int', required: true }] } }],
      ['POST', '/v1/shop/namespaces/sales/tables', { name: 'typed', schema: SCHEMA, 'partition-spec': { fields: [{ 'source-id': 1, name: 'p', transform: 'nonsense[3]' }] } }],
      ['POST', '/v1/shop/namespaces/sales/tables', { name: 'typed', schema: SCHEMA, properties: { 'format-version': '9' } }],
      ['POST', '/v1/shop/namespaces/sales/tables/events', { requirements: [{ type: 'assert-nothing' }], updates: [] }],
      ['POST', '/v1/shop/namespaces/sales/tables/events', { requirements: [], updates: [{ action: 'explode' }] }],
      ['POST', '/v1/shop/namespaces/sales/tables/events', { requirements: 'all', updates: [] }],
      ['POST', '/v1/shop/namespaces/sales/tables/events', { requirements: [], updates: [{ action: 'set-current-schema', 'schema-id': 42 }] }],
      ['POST', '/v1/shop/namespaces/sales/register', { name: 'stolen', 'metadata-location': 'relative/v1.metadata.json' }],
      ['POST', '/v1/shop/namespaces/sales/register', { name: 'stolen', 'metadata-location': join(dir, 'nothing.metadata.json') }],
      ['POST', '/v1/shop/namespaces/sales/properties', { updates: { a: 'b' }, removals: ['a'] }],
      ['POST', '/v1/shop/tables/rename', { source: { namespace: ['sales'], name: 'events' }, destination: { namespace: ['sales'], name: '../x' } }],
      ['GET', '/v1/shop/namespaces?pageToken=!!&pageSize=-1'],
    ];
    for (const [method, path, body] of attempts) {
      const response = await call(method, path, body === undefined ? {} : { body });
      expect(response.status, `${method} ${path} ${String(JSON.stringify(body)).slice(0, 80)}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${method} ${path}`).toBeLessThan(500);
    }
    // An oversized body on its own connection (the server may close it before reading the rest).
    const huge = await postOnFreshSocket('/v1/shop/namespaces/sales/tables', JSON.stringify({ name: 'huge', schema: SCHEMA, properties: { blob: 'x'.repeat(300_000) } }));
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.text).error.code).toBe(413);
    expect(await warehouseState()).toBe(before);
  });

  it('pagination hands out opaque tokens and ends with null', async () => {
    const first = await call('GET', '/v1/shop/namespaces?pageToken=&pageSize=2');
    expect(first.body.namespaces).toEqual([['default'], ['hidden']]);
    const second = await call('GET', `/v1/shop/namespaces?pageToken=${first.body['next-page-token']}&pageSize=5`);
    expect(second.body.namespaces).toEqual([['sales']]);
    expect(second.body['next-page-token']).toBeNull();
    expect((await call('GET', '/v1/shop/namespaces')).body['next-page-token']).toBeNull();
    expect(checkedResponses).toBeGreaterThan(100);
  });
});
