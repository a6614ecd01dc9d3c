import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/catalog/governance/governance-types.js';
import { isLochError } from '../../src/core/errors.js';
import { Loch } from '../../src/index.js';
import type { LochSession } from '../../src/sql/loch.js';
import { tempDir } from '../support/delta-fixture.js';

/**
 * Governance through SQL: GRANT/REVOKE/SHOW GRANTS, users and groups, MODIFY/ownership checks on
 * every write statement, volume privileges, and the lockdown that keeps non-admin sessions away
 * from the host and from DuckDB's own statements (admins keep them).
 */

let loch: Loch;
let root: string;
let alice: LochSession;
let bob: LochSession;
const V = '/Volumes/main/shop/files';
const T = 'main.shop.t';

const admin = async (sql: string): Promise<unknown[][]> => (await loch.sql(sql)).all();
const as = async (s: LochSession, sql: string): Promise<unknown[][]> => (await s.sql(sql)).all();
const session = async (name: string): Promise<LochSession> => loch.session({ principal: (await loch.identity.resolve(name)) as Principal });
const version = async (name = T): Promise<number | undefined> => (await (await loch.table(name)).snapshot()).version;
const icebergPointer = async (): Promise<string | undefined> => (await loch.catalog.getTable({ catalog: 'main', schema: 'shop', name: 'ice' })).metadataLocation;

/** Runs `sql` in `s`, expects PERMISSION_DENIED, and returns the message. */
async function denied(s: LochSession, sql: string): Promise<string> {
  try {
    await as(s, sql);
  } catch (error) {
    if (isLochError(error, 'PERMISSION_DENIED')) return error.message;
    throw new Error(`${sql}: expected PERMISSION_DENIED, got ${String(error)}`);
  }
  throw new Error(`${sql}: expected PERMISSION_DENIED, but it ran`);
}

beforeAll(async () => {
  root = await tempDir('loch-governance-sql-');
  loch = await Loch.open({ warehouse: join(root, 'wh'), metastore: 'memory:', threads: 2 });
  for (const user of ['alice', 'bob']) await loch.identity.createUser(user);
  await admin('CREATE GROUP analysts WITH USER bob');
  await admin('CREATE SCHEMA main.shop');
  await admin(`CREATE TABLE ${T} (id INT, v STRING)`);
  await admin(`INSERT INTO ${T} VALUES (1, 'a'), (2, 'b')`);
  await admin('CREATE TABLE main.shop.src (id INT, v STRING)');
  await admin("INSERT INTO main.shop.src VALUES (2, 'z'), (3, 'c')");
  await admin('CREATE TABLE main.shop.ice (id INT) USING ICEBERG');
  await admin('INSERT INTO main.shop.ice VALUES (1)');
  await admin('CREATE VOLUME main.shop.files');
  const file = await loch.catalog.resolveVolumePath(`${V}/in.csv`);
  await file.store.put(file.key, new TextEncoder().encode('id,v\n7,vol\n'));
  await writeFile(join(root, 'host.csv'), 'id,v\n9,host\n');
  await admin(`CREATE TABLE delta.\`${join(root, 'pathtable')}\` AS SELECT 1 AS id`);
  await admin('GRANT USE CATALOG ON CATALOG main TO `account users`');
  await admin('GRANT USE SCHEMA ON SCHEMA main.shop TO `account users`');
  await admin(`GRANT SELECT ON SCHEMA main.shop TO alice`);
  alice = await session('alice');
  bob = await session('bob');
}, 30_000);

afterAll(async () => {
  await loch?.close();
  await rm(root, { recursive: true, force: true });
});

describe('GRANT, REVOKE and SHOW GRANTS', () => {
  it('round-trips direct and inherited grants with Databricks columns', async () => {
    await admin(`GRANT MODIFY, select ON TABLE ${T} TO \`alice\``);
    const result = await loch.sql(`SHOW GRANTS ON TABLE ${T}`);
    expect(result.columns.map((c) => c.name)).toEqual(['principal', 'action_type', 'object_type', 'object_key']);
    const rows = await result.all();
    expect(rows).toContainEqual(['alice', 'MODIFY', 'TABLE', T]);
    expect(rows).toContainEqual(['alice', 'SELECT', 'TABLE', T]);
    // Inherited: shown where it was granted.
    expect(rows).toContainEqual(['alice', 'SELECT', 'SCHEMA', 'main.shop']);
    expect(await admin(`SHOW GRANTS \`alice\` ON TABLE ${T}`)).not.toContainEqual(expect.arrayContaining(['account users']));
    expect(await admin('SHOW GRANT alice ON SCHEMA shop')).toEqual([['alice', 'SELECT', 'SCHEMA', 'main.shop']]);
    await admin(`REVOKE MODIFY, SELECT ON ${T} FROM alice`);
    expect(await admin(`SHOW GRANTS alice ON TABLE ${T}`)).toEqual([['alice', 'SELECT', 'SCHEMA', 'main.shop']]);
  });

  it('grants on the metastore, catalog, volume and with ALL PRIVILEGES; SHOW GRANTS TO', async () => {
    await admin('GRANT CREATE CATALOG ON METASTORE TO bob');
    await admin('GRANT ALL PRIVILEGES ON VOLUME main.shop.files TO analysts');
    expect(await admin('SHOW GRANTS bob ON METASTORE')).toEqual([['bob', 'CREATE CATALOG', 'METASTORE', null]]);
    expect(await admin('SHOW GRANTS analysts ON VOLUME main.shop.files')).toEqual([['analysts', 'ALL PRIVILEGES', 'VOLUME', 'main.shop.files']]);
    expect(await as(bob, 'SHOW GRANTS TO bob')).toEqual([['bob', 'CREATE CATALOG', 'METASTORE', null]]);
    expect(await admin('SHOW GRANTS TO analysts')).toEqual([['analysts', 'ALL PRIVILEGES', 'VOLUME', 'main.shop.files']]);
    expect(await denied(alice, 'SHOW GRANTS TO bob')).toMatch(/alice may not list the grants of bob/);
    await admin('REVOKE CREATE CATALOG ON METASTORE FROM bob');
    await admin('REVOKE ALL PRIVILEGES ON VOLUME main.shop.files FROM analysts');
    expect(await admin('SHOW GRANTS TO bob')).toEqual([]);
  });

  it('refuses grants by non-owners, unknown privileges and unknown principals', async () => {
    expect(await denied(alice, `GRANT SELECT ON TABLE ${T} TO bob`)).toMatch(/PERMISSION_DENIED/);
    await expect(admin(`GRANT FLY ON TABLE ${T} TO bob`)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/unknown privilege FLY/) });
    await expect(admin(`GRANT SELECT ON TABLE ${T} TO nobody`)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(admin(`GRANT SELECT ON TABLE ${T}`)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('group grants reach members, and not others', async () => {
    await admin('CREATE TABLE main.shop.g AS SELECT 1 AS id');
    await admin('GRANT SELECT ON TABLE main.shop.g TO analysts');
    expect(await as(bob, 'SELECT id FROM main.shop.g')).toEqual([[1]]);
    expect(await denied(bob, 'INSERT INTO main.shop.g VALUES (2)')).toMatch(/bob lacks MODIFY/);
    await admin('GRANT MODIFY ON TABLE main.shop.g TO analysts');
    expect(await as(bob, 'INSERT INTO main.shop.g VALUES (2)')).toEqual([[1n, 1n]]);
  });
});

describe('writes need MODIFY (or ownership)', () => {
  const refusedWithoutModify = [
    `INSERT INTO ${T} VALUES (3, 'c')`,
    `INSERT OVERWRITE ${T} SELECT * FROM main.shop.src`,
    `INSERT INTO ${T} REPLACE WHERE id = 1 SELECT 1, 'x'`,
    `UPDATE ${T} SET v = 'x'`,
    `DELETE FROM ${T} WHERE id = 1`,
    `TRUNCATE TABLE ${T}`,
    `MERGE INTO ${T} AS t USING main.shop.src AS s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v`,
    `OPTIMIZE ${T}`,
    `VACUUM ${T} RETAIN 200 HOURS`,
    `RESTORE TABLE ${T} TO VERSION AS OF 0`,
    `ALTER TABLE ${T} ADD COLUMNS (w INT)`,
    `ALTER TABLE ${T} SET TBLPROPERTIES ('k' = 'v')`,
    `COPY INTO ${T} FROM '${V}' FILEFORMAT = CSV FORMAT_OPTIONS ('header' = 'true')`,
  ];
  it.each(refusedWithoutModify)('%s is refused and changes nothing', async (sql) => {
    const before = await version();
    expect(await denied(alice, sql)).toMatch(/alice lacks MODIFY on TABLE main\.shop\.t/);
    expect(await version()).toBe(before);
  });

  it('Iceberg writes and CALL system.* need MODIFY too', async () => {
    const before = await icebergPointer();
    await denied(alice, 'INSERT INTO main.shop.ice VALUES (2)');
    await denied(alice, "CALL system.expire_snapshots(table => 'main.shop.ice')");
    await denied(alice, "CALL system.rewrite_data_files('main.shop.ice')");
    expect(await icebergPointer()).toBe(before);
  });

  it('with MODIFY data changes work; ownership-only ALTER forms and REPLACE stay refused', async () => {
    await admin(`GRANT MODIFY ON TABLE ${T} TO alice`);
    try {
      expect(await as(alice, `INSERT INTO ${T} VALUES (3, 'c')`)).toEqual([[1n, 1n]]);
      expect(await as(alice, `DELETE FROM ${T} WHERE id = 3`)).toEqual([[1n]]);
      const before = await version();
      expect(await denied(alice, `ALTER TABLE ${T} ADD CONSTRAINT c CHECK (id > 0)`)).toMatch(/alice lacks MANAGE on TABLE main\.shop\.t/);
      await denied(alice, `ALTER TABLE ${T} CLUSTER BY (id)`);
      await denied(alice, `CREATE OR REPLACE TABLE ${T} (id INT)`);
      expect(await version()).toBe(before);
    } finally {
      await admin(`REVOKE MODIFY ON TABLE ${T} FROM alice`);
    }
  });
});

describe('volumes', () => {
  it('READ VOLUME gates LIST, read_files, DuckDB readers and COPY INTO sources; WRITE VOLUME alone does not read', async () => {
    const reads = [`LIST '${V}'`, `SELECT * FROM read_files('${V}/in.csv')`, `SELECT * FROM read_csv('${V}/in.csv')`];
    for (const sql of reads) expect(await denied(alice, sql)).toMatch(/READ VOLUME/);
    await admin('GRANT WRITE VOLUME ON VOLUME main.shop.files TO alice');
    for (const sql of reads) await denied(alice, sql);
    await admin('GRANT READ VOLUME ON VOLUME main.shop.files TO alice');
    expect(await as(alice, `LIST '${V}'`)).toHaveLength(1);
    expect(await as(alice, `SELECT id, v FROM read_files('${V}/in.csv', header => true)`)).toEqual([[7n, 'vol']]);
    expect(await as(alice, `SELECT count(*) FROM read_csv('${V}/*.csv')`)).toEqual([[1n]]);
    const copy = `COPY INTO main.shop.src FROM (SELECT id::INT AS id, v FROM '${V}') FILEFORMAT = CSV FORMAT_OPTIONS ('header' = 'true')`;
    expect(await denied(alice, copy)).toMatch(/alice lacks MODIFY on TABLE main\.shop\.src/);
    await admin('GRANT MODIFY ON TABLE main.shop.src TO alice');
    expect(await as(alice, copy)).toEqual([[1n, 1n, 0n]]);
    await admin('REVOKE MODIFY ON TABLE main.shop.src FROM alice');
    await admin('DELETE FROM main.shop.src WHERE id = 7');
  });
});

describe('lockdown of non-admin sessions (admins keep it all)', () => {
  const host = () => join(root, 'host.csv');
  const pathTable = () => join(root, 'pathtable');

  it('host files and path tables: refused for alice, working for the admin', async () => {
    expect(await denied(alice, "SELECT * FROM read_text('/etc/passwd')")).toMatch(/alice may not read \/etc\/passwd with read_text/);
    expect(await admin("SELECT count(*) FROM read_text('/etc/passwd')")).toEqual([[1n]]);
    await denied(alice, "SELECT * FROM '/etc/passwd'");
    await denied(alice, `FROM '${host()}'`);
    expect(await admin(`SELECT id FROM '${host()}'`)).toEqual([[9n]]);
    await denied(alice, `SELECT * FROM read_csv(['${V}/in.csv', '${host()}'])`);
    await denied(alice, `SELECT * FROM read_csv('${V}/x' || '.csv')`);
    await denied(alice, `SELECT * FROM main.read_text('${V}/in.csv')`);
    await denied(alice, `SELECT (SELECT count(*) FROM read_blob('${host()}')) AS n`);
    await denied(alice, `WITH x AS (SELECT * FROM read_parquet('${host()}')) SELECT * FROM x`);
    await denied(alice, `SELECT * FROM ${T} WHERE id IN (SELECT id FROM '${host()}')`);
    expect(await denied(alice, `SELECT * FROM delta.\`${pathTable()}\``)).toMatch(/by path/);
    expect(await admin(`SELECT id FROM delta.\`${pathTable()}\``)).toEqual([[1]]);
    await denied(alice, `SELECT * FROM delta."${pathTable()}"`);
    await denied(alice, `SELECT * FROM delta_scan('${pathTable()}')`);
    await denied(alice, `SELECT * FROM iceberg_scan('${pathTable()}')`);
    await denied(alice, `DESCRIBE HISTORY delta.\`${pathTable()}\``);
    await denied(alice, `DESCRIBE DETAIL '${pathTable()}'`);
    await denied(alice, `DESCRIBE TABLE delta.\`${pathTable()}\``);
    await denied(alice, `INSERT INTO delta.\`${pathTable()}\` VALUES (2)`);
    await denied(alice, `LIST '${root}'`);
    expect(await admin(`LIST '${root}'`)).not.toHaveLength(0);
  });

  it("DuckDB's own statements and table functions: refused for alice, working for the admin", async () => {
    const out = join(root, 'out.csv');
    expect(await denied(alice, `COPY (SELECT 1 AS x) TO '${out}'`)).toMatch(/alice may not run COPY/);
    expect(existsSync(out)).toBe(false);
    await admin(`COPY (SELECT 1 AS x) TO '${out}'`);
    expect(existsSync(out)).toBe(true);
    await denied(alice, "ATTACH ':memory:' AS elsewhere");
    await admin("ATTACH ':memory:' AS elsewhere");
    await admin('DETACH elsewhere');
    for (const sql of ['INSTALL httpfs', 'LOAD json', 'SET threads = 1', 'RESET threads', 'PRAGMA version', 'CALL pragma_version()', 'CREATE MACRO m(x) AS x', "CREATE SECRET s (TYPE s3, KEY_ID 'k', SECRET 'x')", "EXPORT DATABASE '/tmp/x'", 'CREATE TEMP TABLE tmp AS SELECT 1', "SUMMARIZE '/etc/passwd'", 'SHOW ALL TABLES', 'SELECT 1; ATTACH \':memory:\' AS e']) {
      await denied(alice, sql);
    }
    for (const sql of ["SELECT * FROM query('SELECT 1')", "SELECT * FROM glob('/*')", 'SELECT * FROM duckdb_settings()', "SELECT * FROM sniff_csv('/etc/hosts')"]) await denied(alice, sql);
    expect(await admin("SELECT * FROM query('SELECT 42')")).toEqual([[42]]);
    expect(await admin('PRAGMA version')).toHaveLength(1);
  });

  it('plain queries, generators and EXPLAIN still work for alice', async () => {
    expect(await as(alice, 'SELECT sum(range) FROM range(4)')).toEqual([[6n]]);
    expect(await as(alice, 'SELECT unnest([1, 2]) AS x')).toEqual([[1], [2]]);
    expect(await as(alice, `SELECT count(*) FROM ${T}`)).toEqual([[2n]]);
    expect((await as(alice, `EXPLAIN SELECT * FROM ${T}`)).length).toBeGreaterThan(0);
    await expect(as(alice, 'SELEC 1')).rejects.toMatchObject({ code: 'SQL_ERROR' });
  });

  it('write statements cannot smuggle host reads or locations', async () => {
    await admin(`GRANT MODIFY ON TABLE ${T} TO alice`);
    await admin('GRANT CREATE TABLE ON SCHEMA main.shop TO alice');
    try {
      const before = await version();
      await denied(alice, `INSERT INTO ${T} SELECT 1, content FROM read_text('/etc/passwd')`);
      await denied(alice, `UPDATE ${T} SET v = (SELECT content FROM read_text('/etc/passwd'))`);
      await denied(alice, `MERGE INTO ${T} AS t USING (SELECT * FROM '${host()}') AS s ON t.id = s.id WHEN MATCHED THEN DELETE`);
      await denied(alice, `DELETE FROM ${T} WHERE id IN (SELECT id FROM '${host()}')`);
      await denied(alice, `COPY INTO ${T} FROM (SELECT id, (SELECT content FROM read_text('/etc/passwd')) AS v FROM '${V}') FILEFORMAT = CSV`);
      expect(await version()).toBe(before);
      expect(await denied(alice, `CREATE TABLE main.shop.stolen AS SELECT * FROM read_text('/etc/passwd')`)).toMatch(/may not read \/etc\/passwd/);
      expect(await denied(alice, `CREATE TABLE main.shop.ext (id INT) LOCATION '${join(root, 'ext')}'`)).toMatch(/LOCATION/);
      expect(await denied(alice, "CREATE VIEW main.shop.leak AS SELECT * FROM read_text('/etc/passwd')")).toMatch(/may not read \/etc\/passwd/);
      await denied(alice, `CREATE TABLE delta.\`${join(root, 'mine')}\` (id INT)`);
      expect(await admin("SHOW TABLES IN main.shop LIKE 'stolen|ext|leak'")).toEqual([]);
      await as(alice, 'CREATE TABLE main.shop.mine (id INT)');
      expect(await as(alice, 'INSERT INTO main.shop.mine VALUES (1)')).toEqual([[1n, 1n]]);
    } finally {
      await admin(`REVOKE MODIFY ON TABLE ${T} FROM alice`);
    }
  });
});

describe('users and groups', () => {
  it('admins manage them; others may only list', async () => {
    await admin('CREATE USER `carol@example.com`');
    await admin('CREATE USER IF NOT EXISTS `carol@example.com`');
    await expect(admin('CREATE USER `carol@example.com`')).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await admin('CREATE GROUP `data team` WITH USER `carol@example.com`, alice GROUP analysts');
    expect(await admin("SHOW USERS LIKE 'carol*'")).toEqual([['carol@example.com']]);
    expect(await as(alice, 'SHOW GROUPS')).toEqual(expect.arrayContaining([['analysts'], ['data team'], ['account users']]));
    const withBob = await loch.sql('SHOW GROUPS WITH USER bob');
    expect(withBob.columns.map((c) => c.name)).toEqual(['name', 'directGroup']);
    expect(await withBob.all()).toEqual(expect.arrayContaining([['analysts', true], ['data team', false]]));
    await admin('ALTER GROUP `data team` REMOVE USER alice');
    await admin('ALTER GROUP `data team` ADD USER bob');
    await expect(admin('ALTER GROUP `data team` ADD USER analysts')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(admin('ALTER GROUP `data team` ADD USER nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    for (const sql of ['CREATE USER mallory', 'CREATE GROUP g', 'ALTER GROUP analysts ADD USER alice', 'DROP USER bob', 'DROP GROUP analysts']) {
      expect(await denied(alice, sql)).toMatch(/only admins manage users and groups/);
    }
    expect(await loch.identity.getPrincipalInfo('mallory')).toBeUndefined();
    await admin('DROP GROUP `data team`');
    await admin('DROP USER `carol@example.com`');
    await admin('DROP USER IF EXISTS `carol@example.com`');
    await expect(admin('DROP GROUP alice')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await admin("SHOW USERS LIKE 'carol*'")).toEqual([]);
  });
});

describe('hostile names', () => {
  it('principal names and identifiers are data, never SQL', async () => {
    const evil = "x'); DROP TABLE main.shop.t; --";
    await admin(`CREATE USER \`${evil}\``);
    await admin(`GRANT SELECT ON TABLE ${T} TO \`${evil}\``);
    expect(await admin(`SHOW GRANTS \`${evil}\` ON TABLE ${T}`)).toEqual([[evil, 'SELECT', 'TABLE', T]]);
    const tick = 'a`b"c';
    await admin(`CREATE USER \`${tick.replaceAll('`', '``')}\``);
    await admin(`GRANT MODIFY ON TABLE ${T} TO '${tick}'`);
    expect(await admin(`SHOW GRANTS TO '${tick}'`)).toEqual([[tick, 'MODIFY', 'TABLE', T]]);
    await expect(admin(`GRANT SELECT ON TABLE \`t; DROP TABLE main.shop.t\` TO alice`)).rejects.toSatisfy((e: unknown) => isLochError(e));
    await expect(admin(`GRANT SELECT ON TABLE ${T} TO 'nobody; DROP TABLE main.shop.src'`)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await admin(`SELECT count(*) FROM ${T}`)).toEqual([[2n]]);
    expect(await admin('SELECT count(*) FROM main.shop.src')).toEqual([[2n]]);
    await admin(`DROP USER \`${evil}\``);
  });
});
