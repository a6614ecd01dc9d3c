import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GrantChange, Privilege, SecurableRef } from '../../../src/catalog/governance/governance-types.js';
import { isLochError } from '../../../src/core/errors.js';
import { startServer } from '../../../src/server/server.js';
import type { RunningServer } from '../../../src/server/server.js';
import { Loch } from '../../../src/sql/loch.js';

/**
 * The grants matrix of issue 7: principals × securables × privileges, each action tried through
 * every door that offers it (embedded SQL, the statement API, the Unity Catalog API, the Iceberg
 * REST catalog, the PostgreSQL wire protocol, the Files API for volumes). The expectation is data: the set of principals
 * allowed each action. Allowed → success; refused → 403 / PERMISSION_DENIED / SQLSTATE 42501, an
 * audit row, and nothing of the object in the error text or in listings.
 */

type Door = 'sql' | 'statements' | 'unity' | 'iceberg' | 'pgwire' | 'files';
type Outcome = 'ok' | 'denied' | `error: ${string}`;

const PRINCIPALS = ['admin2', 'owner', 'reader', 'writer', 'creator', 'schemaMaker', 'volReader', 'volWriter', 'analyst', 'noUse', 'nobody'] as const;
type Who = (typeof PRINCIPALS)[number];

interface Action {
  readonly name: string;
  readonly allowed: readonly Who[];
  /** Per door: performs the action as `who` (a unique suffix keeps creates independent). */
  readonly doors: Partial<Record<Door, (who: Who, unique: string) => Promise<Outcome>>>;
}

let dir: string;
let loch: Loch;
let server: RunningServer;
const tokens = new Map<Who, string>();
const pgClients = new Map<Who, pg.Client>();

const SELECT_ORDERS = 'SELECT count(*) AS n FROM shop.sales.orders';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-grants-'));
  loch = await Loch.open({ warehouse: join(dir, 'wh'), metastore: 'memory:', governanceLog: true });
  for (const who of PRINCIPALS) {
    await loch.identity.createUser(who, who === 'admin2' ? { admin: true } : {});
    tokens.set(who, (await loch.identity.createToken(who)).token);
  }
  await loch.identity.createGroup('analysts');
  await loch.identity.addMember('analysts', 'analyst');
  await loch.sql(`CREATE CATALOG shop; CREATE SCHEMA shop.sales;
    CREATE TABLE shop.sales.orders (id INT, region STRING, amount DOUBLE);
    INSERT INTO shop.sales.orders VALUES (1, 'EU', 10.5), (2, 'US', 20.0);
    CREATE TABLE shop.sales.events (id INT, kind STRING) USING ICEBERG;
    INSERT INTO shop.sales.events VALUES (1, 'click');
    CREATE VIEW shop.sales.orders_v AS SELECT id, amount FROM shop.sales.orders;
    CREATE VOLUME shop.sales.files;
    COPY (SELECT 1 AS x, 'a' AS y) TO '/Volumes/shop/sales/files/a.csv' (HEADER)`);
  const grant = async (securable: SecurableRef, principal: string, ...privileges: Privilege[]) => {
    const change: GrantChange = { principal, add: privileges };
    await loch.catalog.updateGrants(securable, [change]);
  };
  const catalog: SecurableRef = { type: 'CATALOG', catalog: 'shop' };
  const schema: SecurableRef = { type: 'SCHEMA', catalog: 'shop', schema: 'sales' };
  const table = (name: string): SecurableRef => ({ type: 'TABLE', name: { catalog: 'shop', schema: 'sales', name } });
  const volume: SecurableRef = { type: 'VOLUME', name: { catalog: 'shop', schema: 'sales', name: 'files' } };
  for (const who of ['reader', 'writer', 'creator', 'schemaMaker', 'volReader', 'volWriter'] as const) await grant(catalog, who, 'USE CATALOG');
  for (const who of ['reader', 'writer', 'creator', 'volReader', 'volWriter'] as const) await grant(schema, who, 'USE SCHEMA');
  await grant(table('orders'), 'reader', 'SELECT');
  await grant(table('events'), 'reader', 'SELECT');
  await grant(table('orders_v'), 'reader', 'SELECT');
  await grant(table('orders'), 'writer', 'MODIFY');
  await grant(table('events'), 'writer', 'MODIFY');
  await grant(schema, 'creator', 'CREATE TABLE');
  await grant(catalog, 'schemaMaker', 'CREATE SCHEMA');
  await grant(volume, 'volReader', 'READ VOLUME');
  await grant(volume, 'volWriter', 'WRITE VOLUME');
  await grant(catalog, 'analysts', 'USE CATALOG');
  await grant(schema, 'analysts', 'USE SCHEMA', 'SELECT');
  await grant(table('orders'), 'noUse', 'SELECT');
  // 'owner' owns the catalog it creates and everything below.
  await loch.catalog.updateGrants({ type: 'METASTORE' }, [{ principal: 'owner', add: ['CREATE CATALOG'] }]);
  const ownerSession = loch.session({ principal: (await loch.identity.resolve('owner'))! });
  await ownerSession.sql(`CREATE CATALOG owned; CREATE SCHEMA owned.s; CREATE TABLE owned.s.t (id INT); INSERT INTO owned.s.t VALUES (7)`);
  server = await startServer({ loch, port: 0, pgPort: 0, log: () => {} });
}, 120_000);

afterAll(async () => {
  for (const client of pgClients.values()) await client.end().catch(() => {});
  await server?.close();
  await loch?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

// ---------- doors ----------

async function viaSql(who: Who, text: string): Promise<Outcome> {
  const principal = await loch.identity.resolve(who);
  try {
    const result = await loch.session({ principal: principal! }).sql(text);
    await result.all();
    return 'ok';
  } catch (error) {
    if (isLochError(error, 'PERMISSION_DENIED')) return 'denied';
    return `error: ${error instanceof Error ? error.message : String(error)}`;
  }
}

async function http(who: Who, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens.get(who)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

function httpOutcome(r: { status: number; json: unknown }): Outcome {
  if (r.status >= 200 && r.status < 300) return 'ok';
  if (r.status === 403) return 'denied';
  return `error: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`;
}

async function viaStatements(who: Who, text: string): Promise<Outcome> {
  const r = await http(who, 'POST', '/api/2.0/sql/statements', { statement: text, warehouse_id: 'loch', wait_timeout: '30s' });
  if (r.status !== 200) return httpOutcome(r);
  const status = (r.json as { status: { state: string; error?: { error_code: string; message: string } } }).status;
  if (status.state === 'SUCCEEDED') return 'ok';
  if (status.error?.error_code === 'PERMISSION_DENIED') return 'denied';
  return `error: ${status.state} ${status.error?.error_code} ${status.error?.message}`;
}

async function pgClient(who: Who): Promise<pg.Client> {
  let client = pgClients.get(who);
  if (client === undefined) {
    client = new pg.Client({ host: '127.0.0.1', port: server.pgPort!, user: 'token', password: tokens.get(who)!, database: 'main' });
    await client.connect();
    pgClients.set(who, client);
  }
  return client;
}

async function viaPg(who: Who, text: string): Promise<Outcome> {
  try {
    await (await pgClient(who)).query(text);
    return 'ok';
  } catch (error) {
    if ((error as { code?: string }).code === '42501') return 'denied';
    return `error: ${(error as Error).message}`;
  }
}

const UC = '/api/2.1/unity-catalog';
const IRC = '/api/2.1/unity-catalog/iceberg-rest/v1/shop';

/** The same SQL through the three SQL doors. */
function sqlDoors(text: (who: Who, unique: string) => string): Action['doors'] {
  return {
    sql: (who, u) => viaSql(who, text(who, `${u}_sql`)),
    statements: (who, u) => viaStatements(who, text(who, `${u}_st`)),
    pgwire: (who, u) => viaPg(who, text(who, `${u}_pg`)),
  };
}

const ACTIONS: readonly Action[] = [
  {
    name: 'SELECT a table',
    allowed: ['admin2', 'reader', 'analyst'],
    doors: sqlDoors(() => SELECT_ORDERS),
  },
  {
    name: 'SELECT a view (definer rights: no grant on the base table needed)',
    allowed: ['admin2', 'reader', 'analyst'],
    doors: sqlDoors(() => 'SELECT * FROM shop.sales.orders_v'),
  },
  {
    name: 'load an Iceberg table (Iceberg REST)',
    allowed: ['admin2', 'reader', 'analyst'],
    doors: { iceberg: async (who) => httpOutcome(await http(who, 'GET', `${IRC}/namespaces/sales/tables/events`)) },
  },
  {
    name: 'read table metadata (Unity Catalog)',
    allowed: ['admin2', 'reader', 'writer', 'analyst'],
    doors: { unity: async (who) => httpOutcome(await http(who, 'GET', `${UC}/tables/shop.sales.orders`)) },
  },
  {
    name: 'INSERT into a table',
    allowed: ['admin2', 'writer'],
    doors: sqlDoors(() => `INSERT INTO shop.sales.orders VALUES (99, 'XX', 1.0)`),
  },
  {
    name: 'commit to an Iceberg table (Iceberg REST)',
    allowed: ['admin2', 'writer'],
    doors: {
      iceberg: async (who, u) =>
        httpOutcome(await http(who, 'POST', `${IRC}/namespaces/sales/tables/events`, { requirements: [], updates: [{ action: 'set-properties', updates: { [`k_${u}`]: 'v' } }] })),
    },
  },
  {
    name: 'CREATE TABLE in a schema',
    allowed: ['admin2', 'creator'],
    doors: {
      ...sqlDoors((who, u) => `CREATE TABLE shop.sales.t_${u} (x INT)`),
      iceberg: async (who, u) =>
        httpOutcome(
          await http(who, 'POST', `${IRC}/namespaces/sales/tables`, {
            name: `it_${u}`,
            schema: { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'x', required: false, type: 'int' }] },
          }),
        ),
    },
  },
  {
    name: 'CREATE SCHEMA in a catalog',
    allowed: ['admin2', 'schemaMaker'],
    doors: {
      ...sqlDoors((who, u) => `CREATE SCHEMA shop.s_${u}`),
      unity: async (who, u) => httpOutcome(await http(who, 'POST', `${UC}/schemas`, { name: `s_${u}_uc`, catalog_name: 'shop' })),
      iceberg: async (who, u) => httpOutcome(await http(who, 'POST', `${IRC}/namespaces`, { namespace: [`s_${u}_irc`], properties: {} })),
    },
  },
  {
    name: 'read a volume file',
    allowed: ['admin2', 'volReader'],
    doors: {
      ...sqlDoors(() => `SELECT * FROM read_csv('/Volumes/shop/sales/files/a.csv')`),
      files: async (who) => httpOutcome(await http(who, 'GET', '/api/2.0/fs/files/Volumes/shop/sales/files/a.csv')),
    },
  },
  {
    name: 'write a volume file',
    allowed: ['admin2', 'volWriter'],
    doors: {
      ...sqlDoors((who, u) => `COPY (SELECT 1 AS x) TO '/Volumes/shop/sales/files/out_${u}.csv' (HEADER)`),
      files: async (who, u) => httpOutcome(await http(who, 'PUT', `/api/2.0/fs/files/Volumes/shop/sales/files/put_${u}.csv`, 'x\n1\n')),
    },
  },
  {
    name: 'GRANT on a table',
    allowed: ['admin2'],
    doors: {
      ...sqlDoors(() => 'GRANT SELECT ON TABLE shop.sales.orders TO `analysts`'),
      unity: async (who) =>
        httpOutcome(await http(who, 'PATCH', `${UC}/permissions/table/shop.sales.orders`, { changes: [{ principal: 'analysts', add: ['SELECT'] }] })),
    },
  },
  {
    name: "the owner reads and grants on what it owns, without any grant",
    allowed: ['admin2', 'owner'],
    doors: {
      ...sqlDoors(() => 'SELECT * FROM owned.s.t'),
      unity: async (who) => httpOutcome(await http(who, 'GET', `${UC}/tables/owned.s.t`)),
    },
  },
];

describe('grants matrix: principals × securables × privileges × doors', () => {
  for (const action of ACTIONS) {
    for (const [door, run] of Object.entries(action.doors) as [Door, NonNullable<Action['doors'][Door]>][]) {
      it(`${action.name} — via ${door}`, async () => {
        const outcomes: Record<string, Outcome> = {};
        for (const who of PRINCIPALS) {
          outcomes[who] = await run(who, `${who.toLowerCase()}_${door}_${ACTIONS.indexOf(action)}`);
        }
        const expected = Object.fromEntries(PRINCIPALS.map((who) => [who, action.allowed.includes(who) ? 'ok' : 'denied']));
        expect(outcomes).toEqual(expected);
      }, 60_000);
    }
  }
});

describe('no leaks through listings, errors and metadata', () => {
  it('a principal without privileges sees no catalog, schema or table of shop in any listing', async () => {
    const sqlRows = await (await loch.session({ principal: (await loch.identity.resolve('nobody'))! }).sql('SHOW CATALOGS')).all();
    expect(JSON.stringify(sqlRows)).not.toContain('shop');
    const ucCatalogs = await http('nobody', 'GET', `${UC}/catalogs`);
    expect(ucCatalogs.status).toBe(200);
    expect(JSON.stringify(ucCatalogs.json)).not.toContain('shop');
    const ucTables = await http('nobody', 'GET', `${UC}/tables?catalog_name=shop&schema_name=sales`);
    expect([200, 403]).toContain(ucTables.status);
    expect(JSON.stringify(ucTables.json)).not.toContain('orders');
    const irc = await http('nobody', 'GET', `${IRC}/namespaces/sales/tables`);
    expect([200, 403, 404]).toContain(irc.status);
    expect(JSON.stringify(irc.json)).not.toContain('events');
    const pgRows = await viaPg('nobody', 'SHOW CATALOGS');
    expect(pgRows).toBe('ok');
    const listed = await (await pgClient('nobody')).query('SHOW CATALOGS');
    expect(JSON.stringify(listed.rows)).not.toContain('shop');
  });

  it('the writer sees orders in SHOW TABLES but not the view it has no privilege on', async () => {
    const result = await loch.session({ principal: (await loch.identity.resolve('writer'))! }).sql('SHOW TABLES IN shop.sales');
    const column = result.columns.findIndex((c) => c.name === 'tableName');
    const names = (await result.all()).map((r) => String(r[column]));
    expect(names).toContain('orders');
    expect(names).not.toContain('orders_v');
  });

  it('a refusal names the principal and the object, never its columns, location or rows', async () => {
    const principal = (await loch.identity.resolve('nobody'))!;
    const error = await loch.session({ principal }).sql(SELECT_ORDERS).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/PERMISSION_DENIED/);
    for (const secret of ['region', 'amount', 'EU', join(dir, 'wh')]) expect(error?.message).not.toContain(secret);
    const refused = await http('nobody', 'GET', `${UC}/tables/shop.sales.orders`);
    expect(refused.status).toBe(403);
    for (const secret of ['region', 'amount', 'storage_location', join(dir, 'wh')]) expect(JSON.stringify(refused.json)).not.toContain(secret);
  });

  it('a missing table and a hidden table are refused alike (existence does not leak)', async () => {
    const hidden = await http('nobody', 'GET', `${UC}/tables/shop.sales.orders`);
    const missing = await http('nobody', 'GET', `${UC}/tables/shop.sales.no_such_table`);
    expect(hidden.status).toBe(403);
    expect(missing.status).toBe(403);
  });

  it('every refusal is in system.access.audit', async () => {
    // A refusal decided by the SQL front end's lockdown (not by a grant) is audited as well.
    expect(await viaPg('volReader', "SELECT * FROM read_text('/etc/passwd')")).toBe('denied');
    await loch.audit.flush();
    const lockdown = await (await loch.sql(`SELECT count(*) FROM system.access.audit WHERE user_identity.email = 'volReader' AND action_name = 'executeStatement' AND NOT allowed AND service_name = 'pgwire'`)).all();
    expect(Number(lockdown[0]?.[0])).toBeGreaterThan(0);
    const rows = await (await loch.sql(`SELECT user_identity.email AS who, count(*) AS n FROM system.access.audit WHERE response.status_code = 403 GROUP BY 1`)).all();
    const denied = new Map(rows.map((r) => [String(r[0]), Number(r[1])]));
    for (const who of ['nobody', 'noUse', 'reader', 'writer', 'creator', 'schemaMaker', 'volReader', 'volWriter', 'analyst', 'owner']) {
      expect(denied.get(who) ?? 0, `denied audit rows of ${who}`).toBeGreaterThan(0);
    }
  });
});
