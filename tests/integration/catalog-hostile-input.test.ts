import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch, LochError } from '../../src/index.js';
import type { QueryParams } from '../../src/index.js';
import { tempDir } from '../support/delta-fixture.js';
import { runLoch } from '../support/pty.js';

/**
 * Bad input through Loch.sql, parameters and the CLI: unknown objects in every statement family,
 * names with quotes, spaces and Unicode, SQL injection through identifiers, literals and
 * parameters, and escapes from /Volumes paths. Every refusal is a LochError with the expected
 * code and a one-line message that starts with Loch's subsystem and names the object — never a
 * stack trace or DuckDB's raw text — and after every refusal the warehouse folder (and the folder
 * around it) and the catalog are exactly as before.
 */
let loch: Loch;
let root: string;
let wh: string;
const V = '/Volumes/main/default/vol';
const SECRET = 'id,s\n666,stolen\n';
const VICTIM = [[1, 'a'], [2, 'b']];

type Row = unknown[];

async function rows(sql: string, params?: QueryParams): Promise<Row[]> {
  const result = await loch.sql(sql, params === undefined ? {} : { params });
  return (await result.all()).map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
}

/** Every file and folder under the test's root (sizes of files), minus caches and SQLite's side files. */
async function tree(dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const rel = relative(root, path);
    if (entry.name === '.cache' || /-(wal|shm|journal)$/.test(entry.name)) continue;
    if (entry.isDirectory()) out.push(`${rel}/`, ...(await tree(path)));
    // The metastore file's size changes when SQLite checkpoints its WAL, not only when it is written.
    else out.push(entry.name === 'metastore.db' ? rel : `${rel} ${(await stat(path)).size}`);
  }
  return out.sort();
}

/** Every catalog object with its id and last change, dropped tables included. */
async function catalogState(): Promise<string[]> {
  const out: string[] = [];
  for (const c of await loch.catalog.listCatalogs()) {
    out.push(`catalog ${c.name} ${c.id} ${c.updatedAt} ${c.comment ?? ''}`);
    for (const s of await loch.catalog.listSchemas(c.name)) {
      out.push(`schema ${c.name}.${s.name} ${s.id} ${s.updatedAt} ${s.comment ?? ''}`);
      for (const t of await loch.catalog.listTables(c.name, s.name)) out.push(`${t.tableType} ${c.name}.${s.name}.${t.name} ${t.id} ${t.updatedAt}`);
      for (const t of await loch.catalog.listDroppedTables(c.name, s.name)) out.push(`dropped ${t.name} ${t.id} ${t.deletedAt}`);
      for (const v of await loch.catalog.listVolumes(c.name, s.name)) out.push(`volume ${c.name}.${s.name}.${v.name} ${v.id} ${v.updatedAt}`);
    }
  }
  return out;
}

async function snapshot(): Promise<{ tree: string[]; catalog: string[]; hostVolumes: boolean }> {
  return { tree: await tree(), catalog: await catalogState(), hostVolumes: existsSync('/Volumes') };
}

async function victimIntact(): Promise<void> {
  expect(await rows('SELECT id, s FROM main.default.victim ORDER BY id')).toEqual(VICTIM);
  expect((await rows('DESCRIBE HISTORY main.default.victim')).length).toBe(2);
}

/** A one-line message of Loch's own: subsystem prefix, no stack, no raw DuckDB error text. */
function expectCleanMessage(error: LochError): void {
  expect(error.message).toMatch(/^[a-z][a-z ]*: /);
  expect(error.message).not.toMatch(/[\n\r]/);
  expect(error.message).not.toMatch(/(Catalog|Parser|Binder|IO|Conversion|Invalid Input|Internal|Not implemented) Error|Did you mean|\bat .*\.(js|ts):\d+/);
}

interface Refusal {
  readonly codes: readonly string[];
  /** Fragments the message must contain (the object's full name, the path). */
  readonly names?: readonly string[];
  readonly params?: QueryParams;
  /** Raw DuckDB syntax errors are tolerated (for text Loch leaves to DuckDB's parser). */
  readonly syntax?: boolean;
}

/** Runs a statement that must fail as described and change nothing at all. */
async function refused(sql: string, refusal: Refusal): Promise<LochError> {
  const before = await snapshot();
  const error = await rows(sql, refusal.params).then(
    () => new Error(`expected a refusal of: ${sql}`),
    (e: unknown) => e,
  );
  expect(error, sql).toBeInstanceOf(LochError);
  const e = error as LochError;
  expect(refusal.codes, `${sql} → ${e.code}: ${e.message}`).toContain(e.code);
  if (refusal.syntax === true) expect(e.message, sql).not.toMatch(/[\n\r]/);
  else expectCleanMessage(e);
  for (const name of refusal.names ?? []) expect(e.message, sql).toContain(name);
  expect(await snapshot(), `${sql} changed something`).toEqual(before);
  return e;
}

/** A name written as a backtick identifier. */
const q = (name: string): string => `\`${name.replaceAll('`', '``')}\``;

beforeAll(async () => {
  root = await tempDir('loch-hostile-catalog-');
  wh = join(root, 'wh');
  loch = await Loch.open({ warehouse: wh, threads: 2 });
  await rows('CREATE TABLE main.default.victim (id INT, s STRING)');
  await rows("INSERT INTO main.default.victim VALUES (1, 'a'), (2, 'b')");
  await rows('CREATE TABLE main.default.target (id INT, s STRING)');
  await rows('CREATE VOLUME main.default.vol');
  const file = await loch.catalog.resolveVolumePath(`${V}/in.csv`);
  await file.store.put(file.key, new TextEncoder().encode('id,s\n1,in\n'));
  // Where a `..` that slipped through would land: beside the volume's folder, and beside the warehouse.
  await writeFile(join((await loch.catalog.getVolume({ catalog: 'main', schema: 'default', name: 'vol' })).location, '..', 'secret.csv'), SECRET);
  await writeFile(join(root, 'secret.csv'), SECRET);
}, 30_000);

afterAll(async () => {
  await loch?.close();
  await rm(root, { recursive: true, force: true });
});

describe('unknown objects', () => {
  const NF = ['NOT_FOUND'];
  const cases: [string, string][] = [
    ['SELECT * FROM nope', 'main.default.nope'],
    ['SELECT * FROM main.nos.nope', 'main.nos.nope'],
    ['SELECT * FROM nocat.default.nope', 'nocat.default.nope'],
    ['SELECT * FROM main.default.victim v JOIN (SELECT * FROM main.default.nope) n USING (id)', 'main.default.nope'],
    ['WITH c AS (SELECT * FROM nope) SELECT * FROM c', 'main.default.nope'],
    ['SELECT * FROM nope VERSION AS OF 1', 'main.default.nope'],
    ['SELECT * FROM nocat.information_schema.tables', 'nocat'],
    ['INSERT INTO nope VALUES (1)', 'main.default.nope'],
    ['INSERT INTO main.default.victim SELECT * FROM main.nos.nope', 'main.nos.nope'],
    ['INSERT OVERWRITE nocat.default.nope SELECT 1', 'nocat.default.nope'],
    ['UPDATE nope SET a = 1', 'main.default.nope'],
    ['UPDATE main.default.victim SET s = (SELECT s FROM nope)', 'main.default.nope'],
    ['DELETE FROM main.nos.nope WHERE 1 = 1', 'main.nos.nope'],
    ['MERGE INTO nope t USING main.default.victim s ON t.id = s.id WHEN MATCHED THEN DELETE', 'main.default.nope'],
    ['MERGE INTO main.default.victim t USING nope s ON t.id = s.id WHEN MATCHED THEN DELETE', 'main.default.nope'],
    ['CREATE TABLE main.default.ctas AS SELECT * FROM nope', 'main.default.nope'],
    ['CREATE TABLE main.nos.t (a INT)', 'main.nos'],
    ['CREATE TABLE nocat.nos.t (a INT)', 'nocat'],
    ['CREATE VIEW main.default.w AS SELECT * FROM nope', 'main.default.nope'],
    ['CREATE VOLUME main.nos.v', 'main.nos'],
    ['DROP TABLE nope', 'main.default.nope'],
    ['DROP VIEW main.nos.nope', 'main.nos.nope'],
    ['DROP VOLUME nope', 'main.default.nope'],
    ['DROP SCHEMA nope', 'main.nope'],
    ['DROP CATALOG nope', 'nope'],
    ['ALTER TABLE nope ADD COLUMNS (x INT)', 'main.default.nope'],
    ['ALTER TABLE nope RENAME TO x', 'main.default.nope'],
    ["ALTER TABLE nope SET TBLPROPERTIES ('a' = 'b')", 'main.default.nope'],
    ['ALTER VIEW nope AS SELECT 1', 'main.default.nope'],
    ['ALTER VOLUME nope RENAME TO x', 'main.default.nope'],
    ["ALTER SCHEMA nope SET DBPROPERTIES ('a' = 'b')", 'main.nope'],
    ["COMMENT ON TABLE nope IS 'x'", 'main.default.nope'],
    ["COMMENT ON VOLUME nope IS 'x'", 'main.default.nope'],
    ["COMMENT ON CATALOG nope IS 'x'", 'nope'],
    ['DESCRIBE nope', 'main.default.nope'],
    ['DESCRIBE TABLE EXTENDED nope.nope', 'main.nope.nope'],
    ['DESCRIBE HISTORY nocat.nos.nope', 'nocat.nos.nope'],
    ['DESCRIBE DETAIL main.nos.nope', 'main.nos.nope'],
    ['DESCRIBE SCHEMA nope', 'main.nope'],
    ['DESCRIBE CATALOG nope', 'nope'],
    ['DESCRIBE VOLUME nope', 'main.default.nope'],
    ['SHOW TABLES IN nope', 'main.nope'],
    ['SHOW TABLES IN nocat.nope', 'nocat'],
    ['SHOW VIEWS IN nope', 'main.nope'],
    ['SHOW VOLUMES IN main.nope', 'main.nope'],
    ['SHOW SCHEMAS IN nope', 'nope'],
    ['SHOW TABLES DROPPED IN nope', 'main.nope'],
    ['SHOW COLUMNS IN nope', 'main.default.nope'],
    ['SHOW COLUMNS IN victim IN main.nos', 'main.nos.victim'],
    ['SHOW TBLPROPERTIES nope', 'main.default.nope'],
    ['SHOW CREATE TABLE nope', 'main.default.nope'],
    ['USE nope', 'main.nope'],
    ['USE CATALOG nope', 'nope'],
    ['USE SCHEMA nocat.nope', 'nocat'],
    ['OPTIMIZE nope', 'main.default.nope'],
    ['VACUUM nope', 'main.default.nope'],
    ['RESTORE TABLE nope TO VERSION AS OF 0', 'main.default.nope'],
    ['UNDROP TABLE nope', 'main.default.nope'],
    ['TRUNCATE TABLE nope', 'main.default.nope'],
    [`COPY INTO nope FROM '${V}' FILEFORMAT = CSV`, 'main.default.nope'],
    ["COPY INTO main.default.target FROM '/Volumes/main/default/novol' FILEFORMAT = CSV", 'main.default.novol'],
    ["LIST '/Volumes/main/default/novol'", 'main.default.novol'],
    ["LIST '/Volumes/main/nos/novol/x'", 'main.nos.novol'],
    ["SELECT * FROM read_files('/Volumes/main/default/novol/x.csv')", 'main.default.novol'],
    ["SELECT * FROM read_csv('/Volumes/nocat/default/novol/x.csv')", 'nocat.default.novol'],
    [`SELECT * FROM read_files('${V}/missing.csv')`, `${V}/missing.csv`],
    [`SELECT * FROM read_csv('${V}/missing/*.csv')`, `${V}/missing/*.csv`],
    [`LIST '${V}/missing'`, `${V}/missing`],
  ];
  it.each(cases)('%s → NOT_FOUND naming %s', async (sql, name) => {
    await refused(sql, { codes: NF, names: [name] });
  });

  const LONG: [string, string][] = [
    ['SELECT * FROM a.b.c.d', 'a.b.c.d'],
    ['SELECT * FROM main.default.victim.x', 'main.default.victim.x'],
    ['INSERT INTO a.b.c.d VALUES (1)', 'a.b.c.d'],
    ['DROP TABLE a.b.c.d', 'a.b.c.d'],
    ['DESCRIBE a.b.c.d', 'a.b.c.d'],
  ];
  it.each(LONG)('%s → INVALID_ARGUMENT naming %s (more than three parts)', async (sql, name) => {
    await refused(sql, { codes: ['INVALID_ARGUMENT', 'NOT_FOUND'], names: [name] });
  });
});

describe('names with quotes and Unicode work end to end', () => {
  const NAMES = ["it's", 'a"b', 'x`y', 'café', '表', '🦆', "Ünï'\"`mïx", "x');--"];
  it.each(NAMES)('table %s: create, insert, select, describe, show, update, drop, undrop', async (name) => {
    const stored = name.toLowerCase();
    const full = `main.default.${q(name)}`;
    await rows(`CREATE TABLE ${full} (id INT, ${q(`c ${name}`)} STRING) COMMENT '${name.replaceAll("'", "''")}'`);
    await rows(`INSERT INTO ${q(name.toUpperCase())} VALUES (1, :v)`, { v: name });
    expect(await rows(`SELECT id, ${q(`c ${name}`)} FROM ${full}`)).toEqual([[1, name]]);
    expect(await rows(`DESCRIBE ${full}`)).toEqual([['id', 'int', null], [`c ${name}`, 'string', null]]);
    expect(await rows('SHOW TABLES IN main.default')).toContainEqual(['default', stored, false]);
    expect(await rows('SELECT comment FROM information_schema.tables WHERE table_name = :n', { n: stored })).toEqual([[name]]);
    expect(await rows(`UPDATE ${full} SET id = 2`)).toEqual([[1]]);
    expect((await rows(`DESCRIBE HISTORY ${full}`)).length).toBe(3);
    await rows(`DROP TABLE ${full}`);
    const gone = await refused(`SELECT * FROM ${full}`, { codes: ['NOT_FOUND'] });
    expect(gone.message).toContain(stored.replaceAll('`', '``'));
    expect((await rows('SHOW TABLES DROPPED IN main.default')).map((r) => r[2])).toContain(stored);
    await rows(`UNDROP TABLE ${full}`);
    expect(await rows(`SELECT id, ${q(`c ${name}`)} FROM ${full}`)).toEqual([[2, name]]);
    await victimIntact();
  });

  it('schemas, views and volumes with such names; volume paths quote them as SQL strings', async () => {
    const schema = "schéma's";
    await rows(`CREATE SCHEMA ${q(schema)} COMMENT 'о''к'`);
    expect(await rows('SHOW SCHEMAS IN main')).toContainEqual([schema]);
    await rows(`CREATE TABLE ${q(schema)}.${q('表')} (id INT)`);
    await rows(`INSERT INTO ${q(schema)}.${q('表')} VALUES (7)`);
    await rows(`CREATE VIEW ${q(schema)}.${q('vüe"`')} AS SELECT id * 2 AS twice FROM ${q(schema)}.${q('表')}`);
    expect(await rows(`SELECT * FROM main.${q(schema)}.${q('vüe"`')}`)).toEqual([[14]]);
    expect(await rows(`SHOW VIEWS IN ${q(schema)}`)).toEqual([[schema, 'vüe"`', false, false]]);
    await rows(`CREATE VOLUME ${q(schema)}.${q('tôme`s')}`);
    const path = `/Volumes/main/${schema}/tôme\`s`;
    const file = await loch.catalog.resolveVolumePath(`${path}/ok.csv`);
    await file.store.put(file.key, new TextEncoder().encode('id\n5\n'));
    const literal = `'${path.replaceAll("'", "''")}'`;
    expect((await rows(`LIST ${literal}`)).map((r) => r[0])).toEqual([`${path}/ok.csv`]);
    expect(await rows(`SELECT id FROM read_files(${literal}, format => 'csv', header => true)`)).toEqual([[5]]);
    await rows(`DROP VIEW ${q(schema)}.${q('vüe"`')}`);
    await rows(`DROP VOLUME ${q(schema)}.${q('tôme`s')}`);
    await rows(`DROP SCHEMA ${q(schema)} CASCADE`);
    expect(await rows('SHOW SCHEMAS IN main')).not.toContainEqual([schema]);
  });
});

describe('invalid names', () => {
  const BAD: [string, RegExp][] = [
    ['a b', /'a b'/],
    ['a.b', /a\.b/],
    ['a/b', /a\/b/],
    ['a\tb', /a\\(u0009|t)b/],
    ['a\nb', /a\\(u000a|n)b/i],
    ['a\u0001b', /a\\u0001b/],
    ['a\u007fb', /a\\u007fb/i],
    ['x'.repeat(256), /x{200}/],
  ];
  const STATEMENTS: [string, (n: string) => string][] = [
    ['CREATE TABLE', (n) => `CREATE TABLE main.default.${q(n)} (x INT)`],
    ['CREATE SCHEMA', (n) => `CREATE SCHEMA ${q(n)}`],
    ['CREATE CATALOG', (n) => `CREATE CATALOG ${q(n)}`],
    ['CREATE VOLUME', (n) => `CREATE VOLUME main.default.${q(n)}`],
    ['CREATE VIEW', (n) => `CREATE VIEW main.default.${q(n)} AS SELECT 1 AS x`],
    ['RENAME TO', (n) => `ALTER TABLE main.default.victim RENAME TO ${q(n)}`],
  ];
  it.each(STATEMENTS)('%s refuses spaces, dots, slashes, control characters and long names', async (_, make) => {
    for (const [name, shown] of BAD) {
      const e = await refused(make(name), { codes: ['INVALID_ARGUMENT'] });
      expect(e.message, JSON.stringify(name)).toMatch(shown);
    }
    await refused(make(''), { codes: ['INVALID_ARGUMENT'] });
    await victimIntact();
  });
});

describe('SQL injection', () => {
  it('through identifiers: refused or taken as a name, never executed', async () => {
    const payloads = ['t; DROP TABLE main.default.victim; --', "x'); DROP TABLE victim; --", 'x"; DROP TABLE victim; --', 'victim`; DROP TABLE victim; --'];
    for (const p of payloads) {
      await refused(`CREATE TABLE ${q(p)} (x INT)`, { codes: ['INVALID_ARGUMENT'] });
      await refused(`CREATE VIEW ${q(p)} AS SELECT 1`, { codes: ['INVALID_ARGUMENT'] });
      await refused(`CREATE VOLUME ${q(p)}`, { codes: ['INVALID_ARGUMENT'] });
      await refused(`CREATE SCHEMA ${q(p)}`, { codes: ['INVALID_ARGUMENT'] });
      await refused(`SELECT * FROM ${q(p)}`, { codes: ['NOT_FOUND', 'INVALID_ARGUMENT'] });
      await refused(`INSERT INTO ${q(p)} VALUES (1)`, { codes: ['NOT_FOUND', 'INVALID_ARGUMENT'] });
      await refused(`DROP TABLE ${q(p)}`, { codes: ['NOT_FOUND', 'INVALID_ARGUMENT'] });
      await refused(`DESCRIBE HISTORY ${q(p)}`, { codes: ['NOT_FOUND', 'INVALID_ARGUMENT'] });
    }
    // Column names may hold anything; they stay names.
    const a = 'a"); DROP TABLE victim; --';
    const b = "b'); DROP TABLE victim; --";
    await rows(`CREATE TABLE main.default.cols (${q(a)} STRING, ${q(b)} INT)`);
    await rows("INSERT INTO main.default.cols VALUES ('v', 1)");
    await rows(`UPDATE main.default.cols SET ${q(b)} = ${q(b)} + 1`);
    await rows(`MERGE INTO main.default.cols t USING (SELECT 'w' AS ${q(a)}, 9 AS ${q(b)}) s ON t.${q(a)} = s.${q(a)} WHEN NOT MATCHED THEN INSERT *`);
    expect(await rows(`SELECT ${q(a)}, ${q(b)} FROM main.default.cols ORDER BY 1`)).toEqual([['v', 2], ['w', 9]]);
    expect((await rows('DESCRIBE main.default.cols')).map((r) => r[0])).toEqual([a, b]);
    expect((await rows('SHOW CREATE TABLE main.default.cols'))[0]?.[0]).toContain(q(b));
    await victimIntact();
  });

  it('through string literals: comments, properties, LIKE patterns, view text and paths stay text', async () => {
    const evil = "x'); DROP TABLE main.default.victim; --";
    const lit = `'${evil.replaceAll("'", "''")}'`;
    await rows('CREATE TABLE main.default.notes (id INT)');
    await rows(`COMMENT ON TABLE main.default.notes IS ${lit}`);
    await rows(`ALTER TABLE main.default.notes SET TBLPROPERTIES ('k' = ${lit})`);
    const details = Object.fromEntries((await rows('DESCRIBE EXTENDED main.default.notes')).map((r) => [r[0], r[1]]));
    expect(details['Comment']).toBe(evil);
    expect(await rows("SHOW TBLPROPERTIES main.default.notes ('k')")).toEqual([['k', evil]]);
    await rows(`CREATE SCHEMA s_evil COMMENT ${lit} WITH DBPROPERTIES ('p' = ${lit})`);
    expect(await rows('DESCRIBE SCHEMA s_evil')).toContainEqual(['Comment', evil]);
    await rows(`CREATE VIEW main.default.evil_view AS SELECT ${lit} AS s`);
    expect(await rows('SELECT s FROM main.default.evil_view')).toEqual([[evil]]);
    expect(await rows(`SHOW TABLES IN main.default LIKE ${lit}`)).toEqual([]);
    await refused(`LIST '${V}/${evil.replaceAll("'", "''")}'`, { codes: ['NOT_FOUND', 'PATH_ESCAPE', 'INVALID_ARGUMENT'] });
    await refused(`SELECT * FROM read_files('${V}/x'');DROP TABLE victim;--')`, { codes: ['NOT_FOUND'] });
    await victimIntact();
  });

  describe('through parameters', () => {
    const VALUES = ["'); DROP TABLE victim; --", "x' || (SELECT 1) || '", '`; DROP TABLE victim; --', '"; DROP TABLE victim; --', "\\'); DROP TABLE victim; --", ':other', '?', '$1', 'a\nb', '表🦆'];
    beforeAll(async () => {
      await rows('CREATE TABLE main.default.pt (id INT, s STRING)');
    });

    it('values land verbatim through INSERT, SELECT, UPDATE, DELETE, MERGE and CTAS', async () => {
      for (const [i, v] of VALUES.entries()) await rows('INSERT INTO main.default.pt VALUES (:id, :v)', { id: i, v, other: 'not me' });
      await rows('INSERT INTO main.default.pt VALUES (?, ?)', [100, VALUES[0] ?? '']);
      expect(await rows('SELECT id, s FROM main.default.pt ORDER BY id')).toEqual([...VALUES.map((v, i) => [i, v]), [100, VALUES[0]]]);
      for (const [i, v] of VALUES.entries()) expect(await rows('SELECT id FROM main.default.pt WHERE s = :v ORDER BY id LIMIT 1', { v }), v).toEqual([[i]]);
      expect(await rows('UPDATE main.default.pt SET s = :v WHERE id = :id', { id: 100, v: `${VALUES[1]}"` })).toEqual([[1]]);
      expect(await rows('DELETE FROM main.default.pt WHERE s = :v', { v: "' OR '1' = '1" })).toEqual([[0]]);
      expect(await rows('MERGE INTO main.default.pt t USING (SELECT :id AS id, :v AS s) src ON t.id = src.id WHEN NOT MATCHED THEN INSERT *', { id: 200, v: VALUES[2] ?? '' })).toEqual([[1, 0, 0, 1]]);
      await rows('CREATE TABLE main.default.pt_copy AS SELECT * FROM main.default.pt WHERE s = :v', { v: VALUES[0] ?? '' });
      expect(await rows('SELECT id FROM main.default.pt_copy')).toEqual([[0]]);
      expect(await rows('SELECT s FROM main.default.pt WHERE id IN (100, 200) ORDER BY id')).toEqual([[`${VALUES[1]}"`], [VALUES[2]]]);
      expect(await rows("SELECT '?', ':v', `a?b` /* :nope ? */ FROM (SELECT :v AS `a?b`) -- :nope ?\n", { v: VALUES[0] ?? '' })).toEqual([['?', ':v', VALUES[0]]]);
      await victimIntact();
    });

    it('a missing or mistyped value writes nothing', async () => {
      await refused('INSERT INTO main.default.victim VALUES (:id, :v)', { codes: ['INVALID_ARGUMENT'], names: [':v'], params: { id: 3 } });
      await refused('INSERT INTO main.default.victim VALUES (?, ?)', { codes: ['INVALID_ARGUMENT'], params: [3] });
      await refused('DELETE FROM main.default.victim WHERE id = :v', { codes: ['INVALID_ARGUMENT', 'SQL_ERROR'], params: { v: '1 OR 1=1' }, syntax: true });
      await victimIntact();
    });

    it('a parameter is never an identifier or a path Loch does not check', async () => {
      const p = { t: 'victim' };
      await refused('DROP TABLE :t', { codes: ['INVALID_ARGUMENT'], params: p });
      await refused('CREATE TABLE :t (a INT)', { codes: ['INVALID_ARGUMENT'], params: p });
      await refused('SELECT * FROM :t', { codes: ['INVALID_ARGUMENT', 'SQL_ERROR'], params: p, syntax: true });
      await refused('LIST :p', { codes: ['INVALID_ARGUMENT', 'SQL_ERROR'], params: { p: `${V}/../x` }, syntax: true });
      await refused('COPY INTO main.default.target FROM :p FILEFORMAT = CSV', { codes: ['INVALID_ARGUMENT'], params: { p: `${V}/..` } });
      await refused('SELECT * FROM read_files(:p)', { codes: ['INVALID_ARGUMENT', 'PATH_ESCAPE'], params: { p: `${V}/../secret.csv` } });
      await victimIntact();
    });
  });
});

describe('escapes from /Volumes paths', () => {
  const ESCAPES = [
    `${V}/../secret.csv`,
    `${V}/%2e%2e/secret.csv`,
    `${V}/%2E%2e/secret.csv`,
    `${V}/%252e%252e/secret.csv`,
    `${V}/sub/../../secret.csv`,
    `${V}/..\\secret.csv`,
    `${V}\\..\\secret.csv`,
    `${V}/./in.csv`,
    '/Volumes/main/default/../default/vol/in.csv',
    `dbfs:${V}/../secret.csv`,
  ];
  const BAD = ['PATH_ESCAPE', 'INVALID_ARGUMENT'];
  const lit = (path: string): string => `'${path.replaceAll("'", "''")}'`;
  it.each(ESCAPES)('%s: refused by LIST, read_files, DuckDB readers and COPY INTO', async (path) => {
    await refused(`LIST ${lit(path)}`, { codes: BAD });
    await refused(`SELECT * FROM read_files(${lit(path)}, format => 'csv')`, { codes: BAD });
    await refused(`SELECT * FROM read_csv(${lit(path)})`, { codes: BAD });
    await refused(`SELECT * FROM read_csv([${lit(`${V}/in.csv`)}, ${lit(path)}])`, { codes: BAD });
    await refused(`SELECT * FROM read_text(${lit(path)})`, { codes: BAD });
    await refused(`SELECT * FROM read_blob(${lit(path)})`, { codes: BAD });
    await refused(`COPY INTO main.default.target FROM ${lit(path)} FILEFORMAT = CSV FORMAT_OPTIONS ('header' = 'true')`, { codes: BAD });
    await refused(`COPY INTO main.default.target FROM (SELECT id, s FROM ${lit(path)}) FILEFORMAT = CSV`, { codes: BAD });
  });

  const COPY = `COPY INTO main.default.target FROM '${V}' FILEFORMAT = CSV FORMAT_OPTIONS ('header' = 'true')`;
  const OUTSIDE: string[] = ['FILES = (\'../secret.csv\')', "FILES = ('/etc/passwd')", "FILES = ('sub/../../secret.csv')", "FILES = ('a\\..\\secret.csv')", "FILES = ('%2e%2e/secret.csv')"];
  OUTSIDE.push("PATTERN = '../*.csv'", "PATTERN = '/etc/*'");
  it.each(OUTSIDE)('COPY INTO … %s stays inside the source folder', async (clause) => {
    // FILES names keys, which are never percent-decoded: '%2e%2e/secret.csv' is a (missing) file inside the folder.
    await refused(`${COPY} ${clause}`, { codes: clause.includes('%2e') ? [...BAD, 'NOT_FOUND'] : BAD });
    await refused(`${COPY} FILES = (${lit(`${root}/secret.csv`)})`, { codes: BAD });
    expect(await rows('SELECT count(*) FROM main.default.target')).toEqual([[0]]);
  });

  it('a PATTERN is matched against names inside the folder: %2e%2e matches nothing and commits nothing', async () => {
    const before = await snapshot();
    const outcome = await rows(`${COPY} PATTERN = '%2e%2e/*.csv'`).catch((e: unknown) => e);
    if (outcome instanceof LochError) expect(BAD).toContain(outcome.code);
    else expect(outcome).toEqual([[0, 0, 0]]);
    expect(await snapshot()).toEqual(before);
  });

  it('a doubled slash stays inside the volume', async () => {
    await refused(`LIST '${V}//etc/passwd'`, { codes: ['NOT_FOUND'], names: [`${V}/etc/passwd`] });
    await refused(`SELECT * FROM read_files('${V}//${root.slice(1)}/secret.csv')`, { codes: ['NOT_FOUND'] });
  });

  describe('locations and outputs under /Volumes are not host paths', () => {
    // Each case escapes to its own folder /Volumes/main/default/<leaf> (a host path) if the bug is there.
    const run = randomUUID().slice(0, 8);
    const leaves = ['location', 'delta', 'volume', 'copy'].map((k) => `esc_${k}_${run}`);
    const host = ['/Volumes', '/Volumes/main', '/Volumes/main/default', '/Volumes/main/default/vol'];
    const existed = host.map((d) => existsSync(d));
    afterAll(async () => {
      // Cleans up after the bug these tests catch: only what they could have created.
      for (const leaf of leaves) await rm(`/Volumes/main/default/${leaf}`, { recursive: true, force: true });
      for (const [i, dir] of [...host.entries()].reverse()) if (!existed[i]) await rmdir(dir).catch(() => undefined);
    });
    const escape = (i: number): string => `${V}/../${leaves[i] ?? ''}`;
    const nothingOnHost = (i: number): void => expect(existsSync(`/Volumes/main/default/${leaves[i] ?? ''}`)).toBe(false);

    it('CREATE TABLE … LOCATION', async () => {
      await refused(`CREATE TABLE main.default.esc_location (a INT) LOCATION '${escape(0)}'`, { codes: BAD });
      nothingOnHost(0);
    });
    it('CREATE TABLE delta.`path`', async () => {
      await refused(`CREATE TABLE delta.\`${escape(1)}\` (a INT)`, { codes: BAD });
      nothingOnHost(1);
    });
    it('CREATE EXTERNAL VOLUME … LOCATION', async () => {
      await refused(`CREATE EXTERNAL VOLUME main.default.esc_volume LOCATION '${escape(2)}'`, { codes: BAD });
      nothingOnHost(2);
    });
    it('COPY (query) TO a file', async () => {
      await refused(`COPY (SELECT 1 AS a) TO '${escape(3)}'`, { codes: BAD });
      nothingOnHost(3);
    });
    it('COPY (query) TO a file inside a volume writes into the volume', async () => {
      await rows(`COPY (SELECT 42 AS a) TO '${V}/exports/answer.csv' (HEADER)`);
      expect(await rows(`SELECT a FROM read_csv('${V}/exports/answer.csv')`)).toEqual([[42]]);
      expect(existsSync('/Volumes')).toBe(false);
    });
  });
});

describe('the CLI', () => {
  it('loch volume put refuses escaping paths: exit 1, one line on stderr, nothing written', async () => {
    await writeFile(join(root, 'up.csv'), 'id\n1\n');
    const before = await snapshot();
    for (const target of [`${V}/../up.csv`, `${V}/%2e%2e/up.csv`, `${V}/a\\..\\up.csv`, `${V}/sub/../../up.csv`, '/Volumes/main/default/../up.csv', `${root}/up2.csv`]) {
      const r = await runLoch(['--warehouse', wh, 'volume', 'put', join(root, 'up.csv'), target], { cwd: root });
      expect(r.code, `${target}: ${r.stderr}`).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^(PATH_ESCAPE|INVALID_ARGUMENT): [^\n]+\n$/);
    }
    const unknown = await runLoch(['--warehouse', wh, 'sql', 'SELECT * FROM main.nos.nope'], { cwd: root });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^NOT_FOUND: catalog: table main\.nos\.nope does not exist[^\n]*\n$/);
    expect(await snapshot()).toEqual(before);
    await victimIntact();
  }, 40_000);
});
