import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecurableRef } from '../../src/catalog/governance/governance-types.js';
import type { Privilege } from '../../src/catalog/governance/governance-types.js';
import { isLochError } from '../../src/core/errors.js';
import { Loch } from '../../src/sql/loch.js';
import type { LochSession } from '../../src/sql/loch.js';
import { tempDir } from '../support/delta-fixture.js';

/**
 * Governed reads through the SQL front end: SELECT on every table and view a statement reads
 * (views with their owner's rights), SQL functions with EXECUTE, row filters and column masks
 * evaluated for the invoker on Delta and Iceberg catalog tables, through views and time travel.
 */

let dir: string;
let loch: Loch;
const sessions: Record<string, LochSession> = {};

async function rows(who: string, sql: string): Promise<unknown[][]> {
  const s = who === 'admin' ? loch : (sessions[who] as LochSession);
  return (await (await s.sql(sql)).all()) as unknown[][];
}

async function denied(who: string, sql: string, ...secrets: string[]): Promise<string> {
  const error = await rows(who, sql).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isLochError(error, 'PERMISSION_DENIED'), `${who}: ${sql} → ${String(error)}`).toBe(true);
  const message = (error as Error).message;
  for (const secret of secrets) expect(message).not.toContain(secret);
  return message;
}

function table(name: string): SecurableRef {
  const [catalog, schema, n] = name.split('.') as [string, string, string];
  return { type: 'TABLE', name: { catalog, schema, name: n } };
}

async function grant(securable: SecurableRef, principal: string, ...privileges: Privilege[]): Promise<void> {
  await loch.catalog.updateGrants(securable, [{ principal, add: privileges }]);
}

beforeAll(async () => {
  dir = await tempDir('loch-governance-read-');
  loch = await Loch.open({ warehouse: join(dir, 'wh'), metastore: 'memory:', principal: 'root' });
  for (const user of ['bob', 'carol', 'dave']) await loch.identity.createUser(user);
  await loch.identity.createGroup('hr');
  await loch.identity.createGroup('analysts');
  await loch.identity.addMember('hr', 'carol');
  await loch.identity.addMember('analysts', 'bob');
  for (const user of ['bob', 'carol', 'dave']) {
    sessions[user] = loch.session({ principal: (await loch.identity.resolve(user))!, catalog: 'main', schema: 'shop' });
  }
  await rows('admin', 'CREATE SCHEMA main.shop');
  await rows('admin', 'CREATE SCHEMA main.scratch');
  await rows('admin', 'CREATE TABLE main.shop.people (id INT, name STRING, region STRING, ssn STRING)');
  await rows('admin', "INSERT INTO main.shop.people VALUES (1, 'ann', 'US', '111-11'), (2, 'ben', 'EU', '222-22'), (3, 'cy', 'US', '333-33')");
  await rows('admin', 'CREATE TABLE main.shop.secret (id INT, note STRING)');
  await rows('admin', "INSERT INTO main.shop.secret VALUES (1, 'launch codes')");
  await rows('admin', "CREATE VIEW main.shop.people_us AS SELECT id, name FROM main.shop.people WHERE region = 'US'");
  await rows('admin', 'CREATE VIEW main.shop.everyone AS SELECT * FROM main.shop.people');
  await grant({ type: 'CATALOG', catalog: 'main' }, 'account users', 'USE CATALOG');
  await grant({ type: 'SCHEMA', catalog: 'main', schema: 'shop' }, 'account users', 'USE SCHEMA');
  await grant({ type: 'SCHEMA', catalog: 'main', schema: 'scratch' }, 'account users', 'USE SCHEMA', 'CREATE TABLE');
  await grant(table('main.shop.people'), 'analysts', 'SELECT');
  await grant(table('main.shop.people_us'), 'carol', 'SELECT');
  await grant(table('main.shop.everyone'), 'account users', 'SELECT');
}, 30_000);

afterAll(async () => {
  await loch?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('SELECT on tables and views', () => {
  it('lets a grantee read and refuses everyone else without revealing data or columns', async () => {
    expect(await rows('bob', 'SELECT count(*) FROM people')).toEqual([[3n]]);
    const message = await denied('bob', 'SELECT note FROM secret', 'launch', 'note');
    expect(message).toMatch(/bob lacks SELECT on TABLE main\.shop\.secret/);
    await denied('dave', 'SELECT * FROM main.shop.people', 'ann', 'ssn');
  });

  it('checks every table of joins, subqueries and CTEs', async () => {
    await denied('bob', 'SELECT p.name FROM people p JOIN secret s ON p.id = s.id', 'launch');
    await denied('bob', 'SELECT name FROM people WHERE id IN (SELECT id FROM main.shop.secret)');
    await denied('bob', 'WITH s AS (SELECT * FROM secret) SELECT count(*) FROM s');
    await denied('bob', 'SELECT (SELECT max(note) FROM secret) AS x', 'launch');
  });

  it('reads a view with its owner rights: SELECT on the view is enough', async () => {
    expect(await rows('carol', 'SELECT name FROM people_us ORDER BY id')).toEqual([['ann'], ['cy']]);
    await denied('carol', 'SELECT name FROM people');
    await denied('dave', 'SELECT * FROM people_us');
  });

  it("runs a user's view with that user's rights, which can be revoked", async () => {
    await rows('bob', 'CREATE VIEW main.scratch.bobs AS SELECT name FROM main.shop.people');
    await grant(table('main.scratch.bobs'), 'dave', 'SELECT');
    expect(await rows('dave', 'SELECT count(*) FROM main.scratch.bobs')).toEqual([[3n]]);
    await loch.catalog.updateGrants(table('main.shop.people'), [{ principal: 'analysts', remove: ['SELECT'] }]);
    expect(await denied('dave', 'SELECT * FROM main.scratch.bobs', 'ann')).toMatch(/bob lacks SELECT on TABLE main\.shop\.people/);
    await grant(table('main.shop.people'), 'analysts', 'SELECT');
  });

  it('checks the sources of CTAS, INSERT … SELECT and MERGE', async () => {
    await denied('bob', 'CREATE TABLE main.scratch.copy AS SELECT * FROM main.shop.secret', 'launch');
    await rows('bob', 'CREATE TABLE main.scratch.mine (id INT, note STRING)');
    await denied('bob', 'INSERT INTO main.scratch.mine SELECT * FROM main.shop.secret');
    await denied('bob', 'MERGE INTO main.scratch.mine t USING main.shop.secret s ON t.id = s.id WHEN NOT MATCHED THEN INSERT *');
    await denied('bob', 'UPDATE main.scratch.mine SET note = (SELECT max(note) FROM main.shop.secret)');
    expect(await rows('bob', 'SELECT count(*) FROM main.scratch.mine')).toEqual([[0n]]);
    await rows('bob', 'INSERT INTO main.scratch.mine SELECT id, name FROM main.shop.people WHERE id = 1');
    expect(await rows('bob', 'SELECT * FROM main.scratch.mine')).toEqual([[1, 'ann']]);
  });
});

describe('SQL functions', () => {
  beforeAll(async () => {
    await rows('admin', "CREATE FUNCTION main.shop.double_it(x INT COMMENT 'a number') RETURNS INT COMMENT 'twice' RETURN x * 2");
    await rows('admin', "CREATE FUNCTION main.shop.greet(who STRING) RETURN 'hi ' || who || ' from ' || current_user()");
    await rows('admin', "CREATE FUNCTION main.shop.secret_note(i INT) RETURNS STRING RETURN SELECT max(note) FROM secret WHERE id = i");
  });

  it('expands calls inline with qualified and unqualified names, casting to the return type', async () => {
    expect(await rows('admin', 'SELECT main.shop.double_it(21), shop.double_it(double_it_arg) FROM (SELECT 2 AS double_it_arg)')).toEqual([[42, 4]]);
    expect(await rows('admin', 'USE main.shop')).toEqual([]);
    expect(await rows('admin', 'SELECT double_it(id), greet(name) FROM people WHERE id = 2')).toEqual([[4, 'hi ben from root']]);
    expect(await rows('admin', 'SELECT typeof(double_it(1.6))')).toEqual([['INTEGER']]);
    await rows('admin', 'USE main.default');
  });

  it('needs EXECUTE; the body reads with its owner rights while current_user() is the caller', async () => {
    await denied('bob', 'SELECT main.shop.double_it(1)');
    await grant({ type: 'FUNCTION', name: { catalog: 'main', schema: 'shop', name: 'double_it' } }, 'bob', 'EXECUTE');
    expect(await rows('bob', 'SELECT double_it(id) FROM people ORDER BY id')).toEqual([[2], [4], [6]]);
    await grant({ type: 'SCHEMA', catalog: 'main', schema: 'shop' }, 'bob', 'EXECUTE');
    expect(await rows('bob', "SELECT greet('x'), secret_note(1)")).toEqual([['hi x from bob', 'launch codes']]);
    await denied('dave', 'SELECT main.shop.greet(1)');
  });

  it('lets built-ins win over a function of the same name, and refuses recursion and wrong arity', async () => {
    await rows('admin', "CREATE FUNCTION main.shop.upper(s STRING) RETURNS STRING RETURN 'shadowed'");
    expect(await rows('bob', "SELECT upper('a'), main.shop.upper('a')")).toEqual([['A', 'shadowed']]);
    await rows('admin', 'CREATE FUNCTION main.shop.ping(x INT) RETURNS INT RETURN x');
    await rows('admin', 'CREATE FUNCTION main.shop.pong(x INT) RETURNS INT RETURN main.shop.ping(x)');
    await rows('admin', 'CREATE OR REPLACE FUNCTION main.shop.ping(x INT) RETURNS INT RETURN main.shop.pong(x)');
    await expect(rows('admin', 'SELECT main.shop.ping(1)')).rejects.toThrow(/calls itself/);
    await expect(rows('admin', 'SELECT main.shop.double_it(1, 2)')).rejects.toThrow(/takes 1 argument, not 2/);
  });

  it('checks the body when created and describes, lists and drops functions', async () => {
    await expect(rows('admin', 'CREATE FUNCTION main.shop.bad(x INT) RETURNS INT RETURN no_such_column + x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(rows('admin', 'CREATE FUNCTION main.shop.bad(x INT) RETURNS INT RETURN (SELECT 1 FROM no_such_table)')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const described = (await rows('admin', 'DESCRIBE FUNCTION EXTENDED main.shop.double_it')).map((r) => r[0]);
    expect(described).toEqual(expect.arrayContaining(['Function: main.shop.double_it', "Input:    x INT 'a number'", 'Returns:  INT', 'Comment:  twice', 'Body:     x * 2']));
    expect(await rows('admin', "SHOW USER FUNCTIONS IN main.shop LIKE 'double*|greet'")).toEqual([['main.shop.double_it'], ['main.shop.greet']]);
    expect((await rows('admin', "SHOW SYSTEM FUNCTIONS LIKE 'abs'"))).toEqual([['abs']]);
    await rows('admin', 'DROP FUNCTION main.shop.greet');
    await expect(rows('admin', "SELECT main.shop.greet('x')")).rejects.toThrow();
    await rows('admin', 'DROP FUNCTION IF EXISTS main.shop.greet');
  });
});

describe('row filters and column masks', () => {
  beforeAll(async () => {
    await rows('admin', "CREATE FUNCTION main.shop.us_or_hr(r STRING) RETURNS BOOLEAN RETURN is_account_group_member('hr') OR r = 'US'");
    await rows('admin', "CREATE FUNCTION main.shop.mask_ssn(s STRING) RETURNS STRING RETURN CASE WHEN is_member('hr') THEN s ELSE '***' END");
    await rows('admin', "CREATE FUNCTION main.shop.us_only(s STRING, r STRING) RETURNS STRING RETURN IF(r = 'US', s, 'hidden')");
    await rows('admin', 'CREATE TABLE main.shop.staff (id INT, name STRING, region STRING, ssn STRING)');
    await rows('admin', "INSERT INTO main.shop.staff VALUES (1, 'ann', 'US', '111-11'), (2, 'ben', 'EU', '222-22'), (3, 'cy', 'US', '333-33')");
    await rows('admin', 'ALTER TABLE main.shop.staff SET ROW FILTER main.shop.us_or_hr ON (region)');
    await rows('admin', 'ALTER TABLE main.shop.staff ALTER COLUMN ssn SET MASK main.shop.mask_ssn');
    await rows('admin', 'CREATE VIEW main.shop.staff_view AS SELECT name, ssn FROM main.shop.staff');
    await grant(table('main.shop.staff'), 'account users', 'SELECT');
    await grant(table('main.shop.staff_view'), 'dave', 'SELECT');
  });

  it('hides rows and masks values for the invoker, admins and owners included', async () => {
    expect(await rows('bob', 'SELECT id, ssn FROM staff ORDER BY id')).toEqual([[1, '***'], [3, '***']]);
    expect(await rows('carol', 'SELECT id, ssn FROM staff ORDER BY id')).toEqual([[1, '111-11'], [2, '222-22'], [3, '333-33']]);
    expect(await rows('admin', 'SELECT id, ssn FROM main.shop.staff ORDER BY id')).toEqual([[1, '***'], [3, '***']]);
    expect(await rows('bob', "SELECT count(*), count(*) FILTER (WHERE s.ssn = '111-11') FROM staff s JOIN people p USING (id)")).toEqual([[2n, 0n]]);
    expect(await rows('bob', "SELECT name FROM staff WHERE region = 'EU' OR id = 2")).toEqual([]);
    // Hidden rows never reach the caller's predicates (an error would show their values).
    expect(await rows('bob', "SELECT id FROM staff WHERE region = 'EU' AND error(name) IS NULL")).toEqual([]);
  });

  it('applies through views (the view owner reads, the invoker is filtered) and time travel', async () => {
    expect(await rows('dave', 'SELECT name, ssn FROM staff_view ORDER BY name')).toEqual([['ann', '***'], ['cy', '***']]);
    expect(await rows('dave', 'SELECT count(*) FROM staff')).toEqual([[2n]]);
    expect(await rows('bob', 'SELECT id FROM staff VERSION AS OF 1 ORDER BY id')).toEqual([[1], [3]]);
    expect(await rows('bob', "SELECT DISTINCT ssn FROM main.shop.staff TIMESTAMP AS OF '2999-01-01'")).toEqual([['***']]);
  });

  it('masks with USING COLUMNS and drops masks and filters', async () => {
    await rows('admin', 'ALTER TABLE main.shop.staff ALTER COLUMN name SET MASK main.shop.us_only USING COLUMNS (region)');
    expect(await rows('carol', 'SELECT name FROM staff ORDER BY id')).toEqual([['ann'], ['hidden'], ['cy']]);
    await rows('admin', 'ALTER TABLE main.shop.staff ALTER COLUMN name DROP MASK');
    expect(await rows('carol', 'SELECT name FROM staff ORDER BY id')).toEqual([['ann'], ['ben'], ['cy']]);
  });

  it('refuses UPDATE, DELETE, MERGE and INSERT OVERWRITE while the policies hide data from the caller', async () => {
    await grant(table('main.shop.staff'), 'hr', 'MODIFY');
    const message = await denied('admin', 'DELETE FROM main.shop.staff WHERE id = 2', 'ben', '222');
    expect(message).toMatch(/row filter or column masks hide data/);
    await denied('admin', "UPDATE main.shop.staff SET name = 'x'");
    await denied('admin', 'MERGE INTO main.shop.staff t USING (SELECT 2 AS id) s ON t.id = s.id WHEN MATCHED THEN DELETE');
    await denied('admin', 'INSERT OVERWRITE main.shop.staff SELECT * FROM main.shop.staff');
    expect(await rows('carol', "UPDATE staff SET name = upper(name) WHERE region = 'EU'")).toEqual([[1n]]);
    expect(await rows('carol', 'SELECT name FROM staff WHERE id = 2')).toEqual([['BEN']]);
  });

  it('checks policy assignments', async () => {
    await rows('admin', 'CREATE FUNCTION main.shop.not_bool(r STRING) RETURNS STRING RETURN r');
    const alter = (sql: string) => rows('admin', `ALTER TABLE main.shop.people ${sql}`);
    await expect(alter('SET ROW FILTER main.shop.not_bool ON (region)')).rejects.toThrow(/returns STRING; a row filter returns BOOLEAN/i);
    await expect(alter('SET ROW FILTER main.shop.us_or_hr ON (region, id)')).rejects.toThrow(/takes 1 parameter but 2 columns/);
    await expect(alter('SET ROW FILTER main.shop.us_or_hr ON (nope)')).rejects.toThrow(/has no column nope/);
    await expect(alter('ALTER COLUMN id SET MASK main.shop.mask_ssn')).rejects.toThrow(/returns string but the column is int/);
    await expect(alter('SET ROW FILTER main.shop.missing ON (region)')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(rows('admin', 'ALTER TABLE main.shop.people_us SET ROW FILTER main.shop.us_or_hr ON (region)')).rejects.toThrow(/is a view/);
    await denied('bob', 'ALTER TABLE main.shop.people SET ROW FILTER main.shop.us_or_hr ON (region)');
  });

  it('filters and masks catalog Iceberg tables', async () => {
    await rows('admin', 'CREATE TABLE main.shop.ice (id INT, region STRING, ssn STRING) USING ICEBERG');
    await rows('admin', "INSERT INTO main.shop.ice VALUES (1, 'US', 'a'), (2, 'EU', 'b')");
    await rows('admin', 'ALTER TABLE main.shop.ice SET ROW FILTER main.shop.us_or_hr ON (region)');
    await rows('admin', 'ALTER TABLE main.shop.ice ALTER COLUMN ssn SET MASK main.shop.mask_ssn');
    await grant(table('main.shop.ice'), 'account users', 'SELECT');
    expect(await rows('bob', 'SELECT * FROM ice')).toEqual([[1, 'US', '***']]);
    expect(await rows('carol', 'SELECT * FROM ice ORDER BY id')).toEqual([[1, 'US', 'a'], [2, 'EU', 'b']]);
    await denied('admin', 'DELETE FROM main.shop.ice');
    await rows('admin', 'ALTER TABLE main.shop.ice DROP ROW FILTER');
    expect(await rows('bob', 'SELECT id, ssn FROM ice ORDER BY id')).toEqual([[1, '***'], [2, '***']]);
  });

  it('declares policies in CREATE TABLE', async () => {
    await rows('admin', 'CREATE TABLE main.shop.born (id INT, region STRING, ssn STRING MASK main.shop.mask_ssn) WITH ROW FILTER main.shop.us_or_hr ON (region)');
    await rows('admin', "INSERT INTO main.shop.born VALUES (1, 'US', 'a'), (2, 'EU', 'b')");
    await grant(table('main.shop.born'), 'account users', 'SELECT');
    expect(await rows('bob', 'SELECT * FROM born')).toEqual([[1, 'US', '***']]);
    await expect(rows('admin', 'CREATE TABLE main.shop.unborn (id INT) WITH ROW FILTER main.shop.us_or_hr ON (region)')).rejects.toThrow(/has no column region/);
    expect(await rows('admin', "SHOW TABLES IN main.shop LIKE 'unborn'")).toEqual([]);
  });

  it('answers current_user() and group tests per session', async () => {
    expect(await rows('bob', "SELECT current_user(), is_account_group_member('analysts'), is_member('hr'), is_member('account users')")).toEqual([['bob', true, false, true]]);
    expect(await rows('admin', "SELECT current_user(), is_account_group_member('admins')")).toEqual([['root', false]]);
  });
});
