import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/catalog/governance/governance-types.js';
import type { Row } from '../../src/engine/index.js';
import type { LochSession } from '../../src/sql/loch.js';
import { Loch } from '../../src/sql/loch.js';

/**
 * Audit and lineage as governed Loch tables (system.access.*): what statements of a user and of
 * the admin leave there, who may read them, that nobody writes them through SQL, that secrets
 * stay out, and that events are written in batches (one commit per flush).
 */

const SECRET_PARAM = 'secret-param-value-7f3a';

let dir: string;
let loch: Loch;
let ann: LochSession;
let token: string;

async function rows(session: LochSession, sql: string): Promise<Row[]> {
  return (await session.sql(sql)).all();
}

async function user(name: string): Promise<Principal> {
  const principal = await loch.identity.resolve(name);
  if (principal === undefined) throw new Error(`no principal ${name}`);
  return principal;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-govlog-'));
  loch = await Loch.open({ warehouse: join(dir, 'wh'), metastore: 'memory:', principal: 'admin', governanceLog: true });
  await loch.sql(`CREATE TABLE orders (id INT, customer STRING, amount DOUBLE);
    INSERT INTO orders VALUES (1, 'a', 10.0), (2, 'b', 20.0), (3, 'c', 5.0);
    CREATE TABLE customers (id INT, name STRING, tier INT);
    INSERT INTO customers VALUES (1, 'Ann', 1)`);
  for (const name of ['ann', 'bob', 'carl']) await loch.identity.createUser(name);
  await loch.identity.createGroup('auditors');
  await loch.identity.addMember('auditors', 'carl');
  token = (await loch.identity.createToken('ann')).token;
  await loch.sql(`GRANT USE CATALOG ON CATALOG main TO ann;
    GRANT USE SCHEMA, CREATE TABLE ON SCHEMA main.default TO ann;
    GRANT SELECT ON TABLE main.default.orders TO ann`);
  ann = loch.session({ principal: await user('ann'), request: { requestId: 'req-ann', service: 'statements', sourceIp: '10.0.0.7', userAgent: 'test-agent' } });

  await rows(ann, 'CREATE TABLE ann_big AS SELECT id, amount * 2 AS doubled FROM orders WHERE amount > 6');
  await rows(ann, 'INSERT INTO ann_big SELECT id, amount FROM orders');
  await rows(ann, 'INSERT OVERWRITE ann_big SELECT o.id, o.amount + 1 FROM orders AS o');
  await rows(ann, 'MERGE INTO ann_big t USING orders s ON t.id = s.id WHEN MATCHED THEN UPDATE SET doubled = s.amount * 3 WHEN NOT MATCHED THEN INSERT (id, doubled) VALUES (s.id, s.amount)');
  await rows(ann, 'CREATE VIEW ann_v AS SELECT id, upper(customer) AS who FROM orders');
  await rows(ann, 'SELECT count(*) FROM ann_v');
  await (await ann.sql('SELECT id FROM orders WHERE customer = :c', { params: { c: SECRET_PARAM } })).all();
  await expect(rows(ann, 'SELECT * FROM customers')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  await rows(loch, 'CREATE TABLE admin_copy AS SELECT c.name, o.amount FROM customers c JOIN orders o ON c.id = o.id');
  await loch.sql(`CREATE VIEW admin_v AS SELECT id FROM orders;
    ALTER VIEW admin_v AS SELECT name AS label FROM customers;
    CREATE VOLUME files;
    COPY (SELECT 2 AS id, 'Bo' AS name, 2 AS tier) TO '/Volumes/main/default/files/more.csv' (HEADER);
    COPY INTO customers FROM '/Volumes/main/default/files/' FILEFORMAT = CSV FORMAT_OPTIONS ('header' = 'true')`);
  // What a door records about a login: the token itself must never reach the table.
  loch.audit.record({
    time: Date.now(),
    request: { requestId: 'req-login', service: 'statements' },
    principal: 'ann',
    action: 'login',
    objectType: 'TOKEN',
    allowed: true,
    statusCode: 200,
    errorMessage: `token ${token} accepted`,
    params: { token, access_token: token, note: `Bearer ${token}`, comment: 'ok' },
  });
  await loch.audit.flush();
}, 60_000);

afterAll(async () => {
  await loch?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('system.access.audit', () => {
  it('records allowed and denied decisions with principal, action, object and status', async () => {
    const allowed = await rows(loch, `SELECT action_name, object_type, response.status_code, allowed, service_name, request_id, source_ip_address, user_agent
      FROM system.access.audit WHERE user_identity.email = 'ann' AND object_name = 'main.default.orders' AND action_name = 'SELECT' LIMIT 1`);
    expect(allowed).toEqual([['SELECT', 'TABLE', 200, true, 'statements', 'req-ann', '10.0.0.7', 'test-agent']]);
    // Without any privilege on the table, the lookup itself is refused (getTable) before SELECT is decided.
    const denied = await rows(loch, `SELECT action_name IN ('SELECT', 'getTable'), object_type, response.status_code, allowed, response.error_message LIKE '%PERMISSION_DENIED%' OR response.error_message LIKE '%lacks%', user_identity.subject_name
      FROM system.access.audit WHERE user_identity.email = 'ann' AND object_name = 'main.default.customers' AND NOT allowed`);
    expect(denied.length).toBeGreaterThan(0);
    expect(denied[0]).toEqual([true, 'TABLE', 403, false, true, 'ann']);
    const admin = await rows(loch, `SELECT count(*) FROM system.access.audit WHERE user_identity.email = 'admin' AND allowed AND object_name = 'main.default.customers'`);
    expect(Number(admin[0]?.[0])).toBeGreaterThan(0);
    const shape = await rows(loch, `SELECT DISTINCT workspace_id, version, audit_level, typeof(event_time), typeof(event_date) FROM system.access.audit`);
    expect(shape).toEqual([['loch', '2.0', 'WORKSPACE_LEVEL', 'TIMESTAMP WITH TIME ZONE', 'DATE']]);
  });

  it('never holds tokens or statement parameter values', async () => {
    const all = await rows(loch, `SELECT to_json(a)::VARCHAR FROM system.access.audit a`);
    const text = all.map((r) => String(r[0])).join('\n');
    expect(text).not.toContain(token);
    expect(text).not.toContain(SECRET_PARAM);
    const login = await rows(loch, `SELECT request_params['token'], request_params['access_token'], request_params['note'], request_params['comment'], response.error_message
      FROM system.access.audit WHERE action_name = 'login'`);
    expect(login).toEqual([['[REDACTED]', '[REDACTED]', '[REDACTED]', 'ok', 'token [REDACTED] accepted']]);
  });
});

describe('system.access lineage', () => {
  it('links sources to targets for CTAS, INSERT, INSERT OVERWRITE, MERGE, CREATE VIEW and reads', async () => {
    const edges = await rows(loch, `SELECT statement_type, source_table_full_name, source_type, target_table_full_name, target_type
      FROM system.access.table_lineage WHERE created_by = 'ann' ORDER BY event_time, statement_type, source_table_full_name`);
    expect(edges).toEqual([
      ['CREATE_TABLE_AS_SELECT', 'main.default.orders', 'TABLE', 'main.default.ann_big', 'TABLE'],
      ['INSERT', 'main.default.orders', 'TABLE', 'main.default.ann_big', 'TABLE'],
      ['INSERT_OVERWRITE', 'main.default.orders', 'TABLE', 'main.default.ann_big', 'TABLE'],
      ['MERGE', 'main.default.orders', 'TABLE', 'main.default.ann_big', 'TABLE'],
      ['CREATE_VIEW', 'main.default.orders', 'TABLE', 'main.default.ann_v', 'VIEW'],
      ['SELECT', 'main.default.ann_v', 'VIEW', null, null],
      ['SELECT', 'main.default.orders', 'TABLE', null, null],
    ]);
    const parts = await rows(loch, `SELECT DISTINCT source_table_catalog, source_table_schema, source_table_name, entity_type, workspace_id FROM system.access.table_lineage WHERE created_by = 'ann' AND statement_type = 'MERGE'`);
    expect(parts).toEqual([['main', 'default', 'orders', null, 'loch']]);
  });

  it('maps each written column to the source columns its expression reads', async () => {
    const pairs = await rows(loch, `SELECT statement_type, source_table_name || '.' || source_column_name, target_table_name || '.' || target_column_name
      FROM system.access.column_lineage WHERE created_by IN ('ann', 'admin') AND target_table_name <> 'admin_v' ORDER BY 1, 2, 3`);
    expect(pairs).toEqual([
      ['CREATE_TABLE_AS_SELECT', 'customers.name', 'admin_copy.name'],
      ['CREATE_TABLE_AS_SELECT', 'orders.amount', 'admin_copy.amount'],
      ['CREATE_TABLE_AS_SELECT', 'orders.amount', 'ann_big.doubled'],
      ['CREATE_TABLE_AS_SELECT', 'orders.id', 'ann_big.id'],
      ['CREATE_VIEW', 'orders.customer', 'ann_v.who'],
      ['CREATE_VIEW', 'orders.id', 'ann_v.id'],
      ['INSERT', 'orders.amount', 'ann_big.doubled'],
      ['INSERT', 'orders.id', 'ann_big.id'],
      ['INSERT_OVERWRITE', 'orders.amount', 'ann_big.doubled'],
      ['INSERT_OVERWRITE', 'orders.id', 'ann_big.id'],
      ['MERGE', 'orders.amount', 'ann_big.doubled'],
      ['MERGE', 'orders.id', 'ann_big.id'],
    ]);
  });

  it('records ALTER VIEW … AS and COPY INTO (a path source)', async () => {
    const edges = await rows(loch, `SELECT statement_type, source_table_full_name, source_path, source_type, target_table_full_name, target_type
      FROM system.access.table_lineage WHERE statement_type IN ('ALTER_VIEW', 'COPY_INTO') ORDER BY 1`);
    expect(edges).toEqual([
      ['ALTER_VIEW', 'main.default.customers', null, 'TABLE', 'main.default.admin_v', 'VIEW'],
      ['COPY_INTO', null, '/Volumes/main/default/files/', 'PATH', 'main.default.customers', 'TABLE'],
    ]);
    const columns = await rows(loch, `SELECT source_column_name, target_column_name FROM system.access.column_lineage WHERE statement_type = 'ALTER_VIEW'`);
    expect(columns).toEqual([['name', 'label']]);
  });

  it('keeps nothing of a refused read, and a write from VALUES has no source', async () => {
    const refused = await rows(loch, `SELECT count(*) FROM system.access.table_lineage WHERE created_by = 'ann' AND source_table_name = 'customers'`);
    expect(refused).toEqual([[0n]]);
    const values = await rows(loch, `SELECT source_table_full_name, target_table_full_name FROM system.access.table_lineage WHERE statement_type = 'INSERT' AND target_table_name = 'customers'`);
    expect(values).toEqual([[null, 'main.default.customers']]);
  });
});

describe('governance of the system catalog', () => {
  it('is invisible to a user without grants, readable once granted', async () => {
    const bob = loch.session({ principal: await user('bob') });
    expect((await rows(bob, 'SHOW CATALOGS')).map((r) => r[0])).not.toContain('system');
    await expect(rows(bob, 'SELECT count(*) FROM system.access.audit')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    const carl = loch.session({ principal: await user('carl') });
    await expect(rows(carl, 'SELECT count(*) FROM system.access.audit')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await loch.sql('GRANT USE CATALOG ON CATALOG system TO auditors; GRANT USE SCHEMA, SELECT ON SCHEMA system.access TO auditors');
    const seen = await rows(carl, `SELECT count(*) > 0 FROM system.access.audit WHERE user_identity.email = 'ann'`);
    expect(seen).toEqual([[true]]);
    await expect(rows(bob, 'SELECT count(*) FROM system.access.table_lineage')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('refuses every write through SQL, the admin included, and changes nothing', async () => {
    const audit = await loch.table('system.access.audit');
    const before = (await audit.snapshot()).version;
    const attempts = [
      `INSERT INTO system.access.audit (action_name) VALUES ('forged')`,
      'DELETE FROM system.access.audit',
      `UPDATE system.access.table_lineage SET created_by = 'x'`,
      'DROP TABLE system.access.audit',
      'CREATE TABLE system.access.extra (a INT)',
      'CREATE VIEW system.access.v AS SELECT 1 AS x',
      'ALTER TABLE system.access.audit SET TBLPROPERTIES (a = 1)',
      'DROP SCHEMA system.access CASCADE',
      'DROP CATALOG system CASCADE',
      'CREATE CATALOG IF NOT EXISTS system',
    ];
    for (const sql of attempts) {
      await expect(loch.sql(sql), sql).rejects.toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringContaining('system catalog') });
    }
    const admin = loch.session();
    await admin.sql('USE CATALOG system');
    await expect(admin.sql('DELETE FROM access.audit')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    expect((await audit.snapshot()).version).toBe(before);
  });
});

describe('batching', () => {
  it('writes many events in one commit per flush', async () => {
    await loch.audit.flush();
    const audit = await loch.table('system.access.audit');
    const before = (await audit.history()).length;
    // The log's own work (lookups, appends) records nothing: a flush with nothing queued commits nothing.
    await loch.audit.flush();
    expect((await audit.history()).length).toBe(before);
    const marker = `batch-${Date.now()}`;
    for (let i = 0; i < 300; i++) {
      loch.audit.record({ time: Date.now(), request: { requestId: `${marker}-${i}`, service: 'sql' }, principal: 'admin', action: 'probe', allowed: true, statusCode: 200 });
    }
    await loch.audit.flush();
    const history = await audit.history();
    expect(history.length).toBe(before + 1);
    const written = await rows(loch, `SELECT count(*) FROM system.access.audit WHERE starts_with(request_id, '${marker}')`);
    expect(written).toEqual([[300n]]);
    const described = await rows(loch, 'DESCRIBE HISTORY system.access.audit');
    expect(described.length).toBe(history.length);
  });
});
