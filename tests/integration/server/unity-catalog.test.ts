import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../../src/server/server.js';
import type { RunningServer } from '../../../src/server/server.js';
import type { AuditEvent } from '../../../src/catalog/governance/governance-types.js';
import { Loch } from '../../../src/sql/loch.js';
import { expectValid, loadOpenApi } from '../../support/openapi.js';

/**
 * The Unity Catalog REST API against a real server: plain `fetch`, every successful body
 * validated against the UC OpenAPI schemas, every error body `{error_code, message}`.
 * Principals: `admin` (the Loch's own admin principal), `alice` (granted what each test needs),
 * `bob` (nothing).
 */

const SPEC = loadOpenApi('/work/shared/specs/unity-catalog-api.yaml');
const UC = '/api/2.1/unity-catalog';
const MAX_BODY = 64 * 1024;

let dir: string;
let loch: Loch;
let server: RunningServer;
const tokens: Record<'admin' | 'alice' | 'bob', string> = { admin: '', alice: '', bob: '' };
type Who = keyof typeof tokens;

interface Reply {
  readonly status: number;
  readonly json: Record<string, unknown>;
}

async function call(who: Who | 'none', method: string, path: string, body?: unknown, raw?: string): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (who !== 'none') headers['authorization'] = `Bearer ${tokens[who]}`;
  const init: RequestInit = { method, headers };
  if (raw !== undefined) init.body = raw;
  else if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(`${server.url}${UC}${path}`, init);
  const text = await response.text();
  return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** A 200 whose body matches `schema`. */
async function ok(who: Who, method: string, path: string, schema: string | undefined, body?: unknown): Promise<Record<string, unknown>> {
  const reply = await call(who, method, path, body);
  if (reply.status !== 200) throw new Error(`${method} ${path} as ${who}: ${reply.status} ${JSON.stringify(reply.json)}`);
  if (schema !== undefined) expectValid(SPEC, schema, reply.json);
  return reply.json;
}

/** An error with this status and error_code, in the `{error_code, message}` shape. */
async function fails(who: Who | 'none', method: string, path: string, status: number, code: string, body?: unknown, raw?: string): Promise<string> {
  const reply = await call(who, method, path, body, raw);
  expect({ status: reply.status, code: reply.json['error_code'] }, `${method} ${path} as ${who}: ${JSON.stringify(reply.json)}`).toEqual({ status, code });
  expect(typeof reply.json['message']).toBe('string');
  return reply.json['message'] as string;
}

async function grant(securable: string, name: string, principal: string, ...privileges: string[]): Promise<void> {
  await ok('admin', 'PATCH', `/permissions/${securable}/${name}`, 'PermissionsList', { changes: [{ principal, add: privileges, remove: [] }] });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-uc-'));
  loch = await Loch.open({ warehouse: join(dir, 'wh'), metastore: 'memory:' });
  tokens.admin = (await loch.identity.createToken(loch.catalog.principal)).token;
  for (const who of ['alice', 'bob'] as const) {
    await loch.identity.createUser(who);
    tokens[who] = (await loch.identity.createToken(who)).token;
  }
  server = await startServer({ loch, port: 0, pgPort: null, log: () => {}, maxBodyBytes: MAX_BODY });
});

afterAll(async () => {
  await server?.close();
  await loch?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('catalogs and schemas', () => {
  it('create, get, list, update, rename and delete a catalog', async () => {
    const created = await ok('admin', 'POST', '/catalogs', 'CatalogInfo', { name: 'Cat1', comment: 'first', properties: { team: 'data' } });
    expect(created).toMatchObject({ name: 'cat1', comment: 'first', properties: { team: 'data' }, owner: loch.catalog.principal });
    expect(typeof created['created_at']).toBe('number');
    await fails('admin', 'POST', '/catalogs', 409, 'RESOURCE_ALREADY_EXISTS', { name: 'cat1' });
    expect(await ok('admin', 'GET', '/catalogs/CAT1', 'CatalogInfo')).toMatchObject({ name: 'cat1', id: created['id'] });
    const list = await ok('admin', 'GET', '/catalogs', 'ListCatalogsResponse');
    expect((list['catalogs'] as { name: string }[]).map((c) => c.name)).toEqual(expect.arrayContaining(['main', 'cat1']));
    const updated = await ok('admin', 'PATCH', '/catalogs/cat1', 'CatalogInfo', { comment: 'changed', properties: { owner_team: 'x' } });
    expect(updated).toMatchObject({ comment: 'changed', properties: { owner_team: 'x' } });
    expect((updated['properties'] as Record<string, string>)['team']).toBeUndefined();
    expect(await ok('admin', 'PATCH', '/catalogs/cat1', 'CatalogInfo', { new_name: 'cat1b' })).toMatchObject({ name: 'cat1b' });
    await fails('admin', 'GET', '/catalogs/cat1', 404, 'RESOURCE_DOES_NOT_EXIST');
    expect(await ok('admin', 'DELETE', '/catalogs/cat1b', undefined)).toEqual({});
    await fails('admin', 'GET', '/catalogs/cat1b', 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('schemas: create, get, list, update, delete; force deletes a catalog with content', async () => {
    await ok('admin', 'POST', '/catalogs', 'CatalogInfo', { name: 'cat2' });
    const schema = await ok('admin', 'POST', '/schemas', 'SchemaInfo', { name: 's1', catalog_name: 'cat2', comment: 'c', properties: { a: '1' } });
    expect(schema).toMatchObject({ name: 's1', catalog_name: 'cat2', full_name: 'cat2.s1', comment: 'c', properties: { a: '1' } });
    await fails('admin', 'POST', '/schemas', 409, 'RESOURCE_ALREADY_EXISTS', { name: 's1', catalog_name: 'cat2' });
    await fails('admin', 'POST', '/schemas', 404, 'RESOURCE_DOES_NOT_EXIST', { name: 's1', catalog_name: 'nope' });
    expect(await ok('admin', 'GET', '/schemas/cat2.s1', 'SchemaInfo')).toMatchObject({ schema_id: schema['schema_id'] });
    const list = await ok('admin', 'GET', '/schemas?catalog_name=cat2', 'ListSchemasResponse');
    expect((list['schemas'] as { name: string }[]).map((s) => s.name)).toContain('s1');
    expect(await ok('admin', 'PATCH', '/schemas/cat2.s1', 'SchemaInfo', { comment: '', new_name: 's2' })).toMatchObject({ name: 's2', full_name: 'cat2.s2' });
    expect((await ok('admin', 'GET', '/schemas/cat2.s2', 'SchemaInfo'))['comment']).toBeUndefined();
    await fails('admin', 'GET', '/schemas?catalog_name=', 400, 'INVALID_PARAMETER_VALUE');
    await fails('admin', 'DELETE', '/catalogs/cat2', 400, 'INVALID_PARAMETER_VALUE');
    await ok('admin', 'DELETE', '/catalogs/cat2?force=true', undefined);
    await fails('admin', 'GET', '/schemas/cat2.s2', 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});

describe('tables', () => {
  beforeAll(async () => {
    await ok('admin', 'POST', '/catalogs', 'CatalogInfo', { name: 'shop' });
    await ok('admin', 'POST', '/schemas', 'SchemaInfo', { name: 'sales', catalog_name: 'shop' });
  });

  const columns = [
    { name: 'id', type_text: 'bigint', type_name: 'LONG', position: 0, nullable: false },
    { name: 'region', type_text: 'string', type_name: 'STRING', position: 1, comment: 'where', partition_index: 0 },
    { name: 'amount', type_text: 'decimal(10,2)', type_name: 'DECIMAL', type_precision: 10, type_scale: 2, position: 2 },
    { name: 'tags', type_text: 'array<string>', type_name: 'ARRAY', position: 3 },
    { name: 'info', type_json: JSON.stringify({ name: 'info', type: { type: 'struct', fields: [{ name: 'a', type: 'integer', nullable: true, metadata: {} }] }, nullable: true, metadata: {} }), type_name: 'STRUCT', position: 4 },
  ];

  it('creates a MANAGED Delta table with columns; it is queryable and reported with its schema', async () => {
    const t = await ok('admin', 'POST', '/tables', 'TableInfo', { name: 'orders', catalog_name: 'shop', schema_name: 'sales', table_type: 'MANAGED', data_source_format: 'DELTA', columns, comment: 'all orders', properties: { 'delta.appendOnly': 'false' } });
    expect(t).toMatchObject({ name: 'orders', catalog_name: 'shop', schema_name: 'sales', table_type: 'MANAGED', data_source_format: 'DELTA', comment: 'all orders' });
    const cols = t['columns'] as Record<string, unknown>[];
    expect(cols.map((c) => [c['name'], c['type_text'], c['type_name'], c['position'], c['nullable']])).toEqual([
      ['id', 'bigint', 'LONG', 0, false],
      ['region', 'string', 'STRING', 1, true],
      ['amount', 'decimal(10,2)', 'DECIMAL', 2, true],
      ['tags', 'array<string>', 'ARRAY', 3, true],
      ['info', 'struct<a:int>', 'STRUCT', 4, true],
    ]);
    expect(cols[1]).toMatchObject({ comment: 'where', partition_index: 0 });
    expect(cols[2]).toMatchObject({ type_precision: 10, type_scale: 2 });
    expect(JSON.parse(cols[0]?.['type_json'] as string)).toEqual({ name: 'id', type: 'long', nullable: false, metadata: {} });
    expect(typeof t['storage_location']).toBe('string');
    await loch.sql(`INSERT INTO shop.sales.orders VALUES (1, 'EU', 10.5, ['x'], {'a': 1})`);
    expect((await (await loch.sql('SELECT sum(amount) AS s FROM shop.sales.orders')).all())[0]?.[0]).toBeDefined();
    await fails('admin', 'POST', '/tables', 409, 'RESOURCE_ALREADY_EXISTS', { name: 'orders', catalog_name: 'shop', schema_name: 'sales', table_type: 'MANAGED', columns });
    const got = await ok('admin', 'GET', '/tables/shop.sales.orders', 'TableInfo');
    expect(got['table_id']).toBe(t['table_id']);
  });

  it('creates an EXTERNAL table at a location, and registers the Delta table a location holds', async () => {
    const location = join(dir, 'ext', 'events');
    const t = await ok('admin', 'POST', '/tables', 'TableInfo', { name: 'events', catalog_name: 'shop', schema_name: 'sales', table_type: 'EXTERNAL', storage_location: location, columns: [{ name: 'k', type_text: 'int' }] });
    expect(t).toMatchObject({ table_type: 'EXTERNAL', storage_location: location });
    await loch.sql('INSERT INTO shop.sales.events VALUES (7)');
    await ok('admin', 'DELETE', '/tables/shop.sales.events', undefined);
    const again = await ok('admin', 'POST', '/tables', 'TableInfo', { name: 'events2', catalog_name: 'shop', schema_name: 'sales', table_type: 'EXTERNAL', storage_location: location, columns: [] });
    expect((again['columns'] as { name: string }[]).map((c) => c.name)).toEqual(['k']);
    expect((await (await loch.sql('SELECT k FROM shop.sales.events2')).all()).map((r) => r[0])).toEqual([7]);
    await fails('admin', 'POST', '/tables', 400, 'INVALID_PARAMETER_VALUE', { name: 'e3', catalog_name: 'shop', schema_name: 'sales', table_type: 'EXTERNAL', storage_location: join(dir, 'ext', 'empty'), columns: [] });
    await fails('admin', 'POST', '/tables', 400, 'INVALID_PARAMETER_VALUE', { name: 'e4', catalog_name: 'shop', schema_name: 'sales', table_type: 'EXTERNAL', storage_location: 'relative/path', columns });
    await fails('admin', 'POST', '/tables', 400, 'INVALID_PARAMETER_VALUE', { name: 'e5', catalog_name: 'shop', schema_name: 'sales', table_type: 'EXTERNAL', storage_location: `${dir}/a/../b`, columns });
    await fails('admin', 'POST', '/tables', 400, 'INVALID_PARAMETER_VALUE', { name: 'e6', catalog_name: 'shop', schema_name: 'sales', table_type: 'MANAGED', columns: [{ name: 'x', type_text: 'no_such_type' }] });
    await fails('admin', 'POST', '/tables', 501, 'NOT_IMPLEMENTED', { name: 'e7', catalog_name: 'shop', schema_name: 'sales', table_type: 'MANAGED', data_source_format: 'PARQUET', columns });
    await fails('admin', 'POST', '/tables', 501, 'NOT_IMPLEMENTED', { name: 'e8', catalog_name: 'shop', schema_name: 'sales', table_type: 'VIEW', columns, view_definition: 'SELECT 1' });
  });

  it('reports Iceberg tables (table_format property, no data_source_format) and views', async () => {
    await loch.sql(`CREATE TABLE shop.sales.ice (id INT, name STRING) USING ICEBERG;
      CREATE VIEW shop.sales.big AS SELECT id, amount FROM shop.sales.orders WHERE amount > 5`);
    const ice = await ok('admin', 'GET', '/tables/shop.sales.ice', 'TableInfo');
    expect(ice['data_source_format']).toBeUndefined();
    expect(ice['properties']).toMatchObject({ table_format: 'ICEBERG' });
    expect((ice['columns'] as { name: string; type_text: string }[]).map((c) => [c.name, c.type_text])).toEqual([['id', 'int'], ['name', 'string']]);
    const view = await ok('admin', 'GET', '/tables/shop.sales.big', 'TableInfo');
    expect(view).toMatchObject({ table_type: 'VIEW' });
    expect(view['view_definition']).toContain('amount > 5');
    expect((view['columns'] as { name: string }[]).map((c) => c.name)).toEqual(['id', 'amount']);
    const list = await ok('admin', 'GET', '/tables?catalog_name=shop&schema_name=sales', 'ListTablesResponse');
    expect((list['tables'] as { name: string }[]).map((t) => t.name)).toEqual(['big', 'events2', 'ice', 'orders']);
    await ok('admin', 'DELETE', '/tables/shop.sales.big', undefined);
    await fails('admin', 'GET', '/tables/shop.sales.big', 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});

describe('volumes and functions', () => {
  beforeAll(async () => {
    await ok('admin', 'POST', '/catalogs', 'CatalogInfo', { name: 'files' });
    await ok('admin', 'POST', '/schemas', 'SchemaInfo', { name: 'raw', catalog_name: 'files' });
  });

  it('volume life cycle: managed and external, update, delete', async () => {
    const v = await ok('admin', 'POST', '/volumes', 'VolumeInfo', { catalog_name: 'files', schema_name: 'raw', name: 'landing', volume_type: 'MANAGED', comment: 'drop zone' });
    expect(v).toMatchObject({ full_name: 'files.raw.landing', volume_type: 'MANAGED', comment: 'drop zone' });
    const ext = join(dir, 'ext-volume');
    expect(await ok('admin', 'POST', '/volumes', 'VolumeInfo', { catalog_name: 'files', schema_name: 'raw', name: 'outside', volume_type: 'EXTERNAL', storage_location: ext })).toMatchObject({ volume_type: 'EXTERNAL', storage_location: ext });
    await fails('admin', 'POST', '/volumes', 400, 'INVALID_PARAMETER_VALUE', { catalog_name: 'files', schema_name: 'raw', name: 'x', volume_type: 'EXTERNAL' });
    await fails('admin', 'POST', '/volumes', 400, 'INVALID_PARAMETER_VALUE', { catalog_name: 'files', schema_name: 'raw', name: 'x', volume_type: 'OTHER' });
    await fails('admin', 'POST', '/volumes', 400, 'INVALID_PARAMETER_VALUE', { catalog_name: 'files', schema_name: 'raw', name: 'x', volume_type: 'EXTERNAL', storage_location: '/Volumes/files/raw/landing/sub' });
    await fails('admin', 'POST', '/volumes', 409, 'RESOURCE_ALREADY_EXISTS', { catalog_name: 'files', schema_name: 'raw', name: 'landing', volume_type: 'MANAGED' });
    const list = await ok('admin', 'GET', '/volumes?catalog_name=files&schema_name=raw', 'ListVolumesResponseContent');
    expect((list['volumes'] as { name: string }[]).map((x) => x.name)).toEqual(['landing', 'outside']);
    expect(await ok('admin', 'PATCH', '/volumes/files.raw.landing', 'VolumeInfo', { comment: 'renamed', new_name: 'inbox' })).toMatchObject({ name: 'inbox', comment: 'renamed' });
    await ok('admin', 'DELETE', '/volumes/files.raw.inbox', undefined);
    await ok('admin', 'DELETE', '/volumes/files.raw.outside', undefined);
    await fails('admin', 'GET', '/volumes/files.raw.inbox', 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('function life cycle: created through the API, callable in SQL, listed, deleted', async () => {
    const info = {
      name: 'add_tax',
      catalog_name: 'files',
      schema_name: 'raw',
      input_params: { parameters: [{ name: 'amount', type_text: 'double', type_name: 'DOUBLE', type_json: '"double"', position: 0 }] },
      data_type: 'DOUBLE',
      full_data_type: 'double',
      routine_body: 'SQL',
      routine_definition: 'amount * 1.2',
      parameter_style: 'S',
      is_deterministic: true,
      sql_data_access: 'CONTAINS_SQL',
      is_null_call: false,
      security_type: 'DEFINER',
      specific_name: 'add_tax',
      comment: 'VAT',
    };
    const f = await ok('admin', 'POST', '/functions', 'FunctionInfo', { function_info: info });
    expect(f).toMatchObject({ full_name: 'files.raw.add_tax', data_type: 'DOUBLE', full_data_type: 'double', routine_definition: 'amount * 1.2', comment: 'VAT' });
    expect((f['input_params'] as { parameters: unknown[] }).parameters).toEqual([expect.objectContaining({ name: 'amount', type_text: 'double', type_name: 'DOUBLE', position: 0 })]);
    expect((await (await loch.sql('SELECT files.raw.add_tax(10) AS v')).all())[0]?.[0]).toBeCloseTo(12);
    await fails('admin', 'POST', '/functions', 409, 'RESOURCE_ALREADY_EXISTS', { function_info: info });
    await fails('admin', 'POST', '/functions', 400, 'INVALID_PARAMETER_VALUE', { function_info: { ...info, name: 'bad1', routine_definition: 'no_such_column + 1' } });
    await fails('admin', 'POST', '/functions', 400, 'INVALID_PARAMETER_VALUE', { function_info: { ...info, name: 'bad2', routine_definition: '1; DROP TABLE shop.sales.orders' } });
    await fails('admin', 'POST', '/functions', 501, 'NOT_IMPLEMENTED', { function_info: { ...info, name: 'bad3', routine_body: 'EXTERNAL' } });
    await fails('admin', 'POST', '/functions', 400, 'INVALID_PARAMETER_VALUE', {});
    expect((await loch.catalog.findTable({ catalog: 'shop', schema: 'sales', name: 'orders' })) !== undefined).toBe(true);
    expect(await ok('admin', 'GET', '/functions/files.raw.add_tax', 'FunctionInfo')).toMatchObject({ function_id: f['function_id'] });
    const list = await ok('admin', 'GET', '/functions?catalog_name=files&schema_name=raw', 'ListFunctionsResponse');
    expect((list['functions'] as { name: string }[]).map((x) => x.name)).toEqual(['add_tax']);
    await ok('admin', 'DELETE', '/functions/files.raw.add_tax', undefined);
    await fails('admin', 'GET', '/functions/files.raw.add_tax', 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});

describe('permissions and principals', () => {
  beforeAll(async () => {
    await ok('admin', 'POST', '/catalogs', 'CatalogInfo', { name: 'gov' });
    await ok('admin', 'POST', '/schemas', 'SchemaInfo', { name: 's', catalog_name: 'gov' });
    await loch.sql('CREATE TABLE gov.s.t (x INT); CREATE VOLUME gov.s.v');
  });

  it('GET/PATCH round trip; ALL PRIVILEGES is shown expanded and narrows on a partial remove', async () => {
    const empty = await ok('admin', 'GET', '/permissions/table/gov.s.t', 'PermissionsList');
    expect(empty).toEqual({ privilege_assignments: [] });
    const after = await ok('admin', 'PATCH', '/permissions/table/gov.s.t', 'PermissionsList', { changes: [{ principal: 'alice', add: ['SELECT', 'modify'], remove: [] }] });
    expect(after['privilege_assignments']).toEqual([{ principal: 'alice', privileges: ['SELECT', 'MODIFY'], loch_privileges: ['SELECT', 'MODIFY'] }]);
    await ok('admin', 'PATCH', '/permissions/table/gov.s.t', 'PermissionsList', { changes: [{ principal: 'alice', add: [], remove: ['MODIFY'] }] });
    expect(await ok('admin', 'GET', '/permissions/table/gov.s.t?principal=alice', 'PermissionsList')).toEqual({ privilege_assignments: [{ principal: 'alice', privileges: ['SELECT'], loch_privileges: ['SELECT'] }] });
    expect(await ok('admin', 'GET', '/permissions/table/gov.s.t?principal=bob', 'PermissionsList')).toEqual({ privilege_assignments: [] });

    const all = await ok('admin', 'PATCH', '/permissions/schema/gov.s', 'PermissionsList', { changes: [{ principal: 'bob', add: ['ALL_PRIVILEGES'], remove: [] }] });
    const bob = (all['privilege_assignments'] as { principal: string; privileges: string[]; loch_privileges: string[] }[])[0];
    expect(bob?.loch_privileges).toEqual(['ALL PRIVILEGES']);
    expect(bob?.privileges).toEqual(expect.arrayContaining(['USE SCHEMA', 'CREATE TABLE', 'SELECT', 'MODIFY', 'READ VOLUME', 'EXECUTE']));
    expect(bob?.privileges).not.toContain('WRITE VOLUME');
    const narrowed = await ok('admin', 'PATCH', '/permissions/schema/gov.s', 'PermissionsList', { changes: [{ principal: 'bob', add: [], remove: ['MODIFY'] }] });
    const bob2 = (narrowed['privilege_assignments'] as { privileges: string[]; loch_privileges: string[] }[])[0];
    expect(bob2?.loch_privileges).not.toContain('ALL PRIVILEGES');
    expect(bob2?.loch_privileges).toContain('WRITE VOLUME');
    expect(bob2?.privileges).toContain('SELECT');
    expect(bob2?.privileges).not.toContain('MODIFY');
    await ok('admin', 'PATCH', '/permissions/schema/gov.s', 'PermissionsList', { changes: [{ principal: 'bob', add: [], remove: bob2?.loch_privileges ?? [] }] });
    expect(await ok('admin', 'GET', '/permissions/schema/gov.s', 'PermissionsList')).toEqual({ privilege_assignments: [] });

    const metastore = (await ok('admin', 'GET', '/metastore_summary', 'GetMetastoreSummaryResponse'))['metastore_id'] as string;
    await ok('admin', 'GET', `/permissions/metastore/${metastore}`, 'PermissionsList');
    await fails('admin', 'GET', '/permissions/metastore/other', 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails('admin', 'PATCH', '/permissions/table/gov.s.t', 400, 'INVALID_PARAMETER_VALUE', { changes: [{ principal: 'alice', add: ['FLY'], remove: [] }] });
    await fails('admin', 'PATCH', '/permissions/table/gov.s.t', 400, 'INVALID_PARAMETER_VALUE', { changes: [{ principal: 'alice', add: ['CREATE MODEL'], remove: [] }] });
    await fails('admin', 'PATCH', '/permissions/table/gov.s.t', 400, 'INVALID_PARAMETER_VALUE', { changes: [{ principal: 'ghost', add: ['SELECT'], remove: [] }] });
    await fails('admin', 'PATCH', '/permissions/table/gov.s.t', 400, 'INVALID_PARAMETER_VALUE', { changes: 'all' });
    await fails('admin', 'GET', '/permissions/widget/gov.s.t', 400, 'INVALID_PARAMETER_VALUE');
    await fails('admin', 'GET', '/permissions/external_location/x', 501, 'NOT_IMPLEMENTED');
  });

  it('a principal without privileges sees empty lists and 403 on get; grants open the path step by step', async () => {
    const catalogs = await ok('bob', 'GET', '/catalogs', 'ListCatalogsResponse');
    expect((catalogs['catalogs'] as { name: string }[]).map((c) => c.name)).not.toContain('gov');
    await fails('bob', 'GET', '/catalogs/gov', 403, 'PERMISSION_DENIED');
    await fails('bob', 'GET', '/catalogs/does_not_exist', 403, 'PERMISSION_DENIED');
    await fails('bob', 'GET', '/tables/gov.s.t', 403, 'PERMISSION_DENIED');
    await fails('bob', 'GET', '/permissions/table/gov.s.t', 403, 'PERMISSION_DENIED');
    await fails('bob', 'PATCH', '/permissions/table/gov.s.t', 403, 'PERMISSION_DENIED', { changes: [{ principal: 'bob', add: ['SELECT'], remove: [] }] });
    await fails('bob', 'DELETE', '/tables/gov.s.t', 403, 'PERMISSION_DENIED');
    await fails('bob', 'POST', '/catalogs', 403, 'PERMISSION_DENIED', { name: 'bobs' });

    await grant('catalog', 'gov', 'bob', 'USE CATALOG');
    expect((await ok('bob', 'GET', '/catalogs', 'ListCatalogsResponse'))['catalogs']).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'gov' })]));
    expect((await ok('bob', 'GET', '/schemas?catalog_name=gov', 'ListSchemasResponse'))['schemas']).toEqual([]);
    await grant('schema', 'gov.s', 'bob', 'USE SCHEMA');
    expect((await ok('bob', 'GET', '/tables?catalog_name=gov&schema_name=s', 'ListTablesResponse'))['tables']).toEqual([]);
    await fails('bob', 'POST', '/tables', 403, 'PERMISSION_DENIED', { name: 'u', catalog_name: 'gov', schema_name: 's', table_type: 'MANAGED', columns: [{ name: 'x', type_text: 'int' }] });
    await grant('table', 'gov.s.t', 'bob', 'SELECT');
    const tables = await ok('bob', 'GET', '/tables?catalog_name=gov&schema_name=s', 'ListTablesResponse');
    expect((tables['tables'] as { name: string }[]).map((t) => t.name)).toEqual(['t']);
    expect(await ok('bob', 'GET', '/tables/gov.s.t', 'TableInfo')).toMatchObject({ name: 't', columns: [expect.objectContaining({ name: 'x', type_text: 'int' })] });
    await fails('bob', 'GET', '/tables/gov.s.missing', 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('audits every request with the operation, object and status', async () => {
    const events: AuditEvent[] = [];
    const previous = loch.audit;
    loch.audit = { record: (e) => events.push(e), flush: async () => {} };
    try {
      await fails('bob', 'GET', '/volumes/gov.s.v', 403, 'PERMISSION_DENIED');
      await ok('admin', 'GET', '/catalogs/gov', 'CatalogInfo');
    } finally {
      loch.audit = previous;
    }
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ principal: 'bob', action: 'getVolume', objectType: 'VOLUME', objectName: 'gov.s.v', allowed: false, statusCode: 403, request: expect.objectContaining({ service: 'unity-catalog' }) }),
        expect.objectContaining({ principal: loch.catalog.principal, action: 'getCatalog', objectType: 'CATALOG', objectName: 'gov', allowed: true, statusCode: 200 }),
      ]),
    );
    expect(JSON.stringify(events)).not.toContain(tokens.bob);
  });

  it('a creator owns what it creates; EXTERNAL locations and storage roots are for admins only', async () => {
    await grant('schema', 'gov.s', 'alice', 'USE SCHEMA', 'CREATE TABLE', 'CREATE VOLUME', 'CREATE FUNCTION');
    await grant('catalog', 'gov', 'alice', 'USE CATALOG', 'CREATE SCHEMA');
    await fails('alice', 'POST', '/schemas', 403, 'PERMISSION_DENIED', { name: 'rooted', catalog_name: 'gov', storage_root: join(dir, 'alice-root') });
    expect(await ok('alice', 'POST', '/schemas', 'SchemaInfo', { name: 'plain', catalog_name: 'gov' })).toMatchObject({ owner: 'alice' });
    const t = await ok('alice', 'POST', '/tables', 'TableInfo', { name: 'mine', catalog_name: 'gov', schema_name: 's', table_type: 'MANAGED', columns: [{ name: 'x', type_text: 'int' }] });
    expect(t['owner']).toBe('alice');
    await fails('alice', 'POST', '/tables', 403, 'PERMISSION_DENIED', { name: 'ext', catalog_name: 'gov', schema_name: 's', table_type: 'EXTERNAL', storage_location: join(dir, 'alice-ext'), columns: [{ name: 'x', type_text: 'int' }] });
    await fails('alice', 'POST', '/volumes', 403, 'PERMISSION_DENIED', { catalog_name: 'gov', schema_name: 's', name: 'ev', volume_type: 'EXTERNAL', storage_location: join(dir, 'wh') });
    await ok('alice', 'POST', '/volumes', 'VolumeInfo', { catalog_name: 'gov', schema_name: 's', name: 'av', volume_type: 'MANAGED' });
    // The owner grants on its own table; bob can then read it.
    await ok('alice', 'PATCH', '/permissions/table/gov.s.mine', 'PermissionsList', { changes: [{ principal: 'bob', add: ['SELECT'], remove: [] }] });
    expect(await ok('bob', 'GET', '/tables/gov.s.mine', 'TableInfo')).toMatchObject({ owner: 'alice' });
    await fails('bob', 'DELETE', '/tables/gov.s.mine', 403, 'PERMISSION_DENIED');
    await ok('alice', 'DELETE', '/tables/gov.s.mine', undefined);
  });
});

describe('pagination', () => {
  beforeAll(async () => {
    await ok('admin', 'POST', '/catalogs', 'CatalogInfo', { name: 'paged' });
    for (let i = 0; i < 7; i += 1) await ok('admin', 'POST', '/schemas', 'SchemaInfo', { name: `s${i}`, catalog_name: 'paged' });
  });

  async function allPages(who: Who, path: string, key: string, size: number): Promise<string[][]> {
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await ok(who, 'GET', `${path}&max_results=${size}${token === undefined ? '' : `&page_token=${encodeURIComponent(token)}`}`, 'ListSchemasResponse');
      pages.push((page[key] as { name: string }[]).map((x) => x.name));
      token = page['next_page_token'] as string | undefined;
    } while (token !== undefined && pages.length < 20);
    return pages;
  }

  it('pages through a listing with opaque tokens; the last page has no token', async () => {
    const whole = await ok('admin', 'GET', '/schemas?catalog_name=paged&max_results=0', 'ListSchemasResponse');
    expect(whole['next_page_token']).toBeUndefined();
    const names = (whole['schemas'] as { name: string }[]).map((x) => x.name);
    expect(names).toEqual(expect.arrayContaining(['s0', 's1', 's2', 's3', 's4', 's5', 's6']));
    const pages = await allPages('admin', '/schemas?catalog_name=paged', 'schemas', 3);
    expect(pages.flat()).toEqual(names);
    expect(pages.map((p) => p.length)).toEqual(Array.from({ length: Math.ceil(names.length / 3) }, (_, i) => Math.min(3, names.length - 3 * i)));
  });

  it('hidden objects neither shorten pages nor appear in tokens', async () => {
    await grant('catalog', 'paged', 'alice', 'USE CATALOG');
    for (const s of ['s1', 's3', 's5', 's6']) await grant('schema', `paged.${s}`, 'alice', 'USE SCHEMA');
    const pages = await allPages('alice', '/schemas?catalog_name=paged', 'schemas', 2);
    expect(pages).toEqual([['s1', 's3'], ['s5', 's6']]);
  });

  it('refuses bad max_results and page tokens with 400', async () => {
    const base = '/schemas?catalog_name=paged';
    for (const bad of ['-1', '1001', 'abc', '1e3', '99999999999999999999']) await fails('admin', 'GET', `${base}&max_results=${bad}`, 400, 'INVALID_PARAMETER_VALUE');
    await fails('admin', 'GET', '/tables?catalog_name=paged&schema_name=s0&max_results=51', 400, 'INVALID_PARAMETER_VALUE');
    await fails('admin', 'GET', `${base}&page_token=not-a-token`, 400, 'INVALID_PARAMETER_VALUE');
    await fails('admin', 'GET', `${base}&page_token=${'A'.repeat(5000)}`, 400, 'INVALID_PARAMETER_VALUE');
    const first = await ok('admin', 'GET', `${base}&max_results=2`, 'ListSchemasResponse');
    const token = first['next_page_token'] as string;
    await fails('admin', 'GET', `/schemas?catalog_name=shop&page_token=${token}`, 400, 'INVALID_PARAMETER_VALUE');
    await fails('admin', 'GET', `/catalogs?page_token=${token}`, 400, 'INVALID_PARAMETER_VALUE');
  });
});

describe('hostile requests', () => {
  it('needs a valid bearer token', async () => {
    await fails('none', 'GET', '/catalogs', 401, 'UNAUTHENTICATED');
    const forged = await fetch(`${server.url}${UC}/catalogs`, { headers: { authorization: 'Bearer dapi0000' } });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error_code: 'UNAUTHENTICATED' });
  });

  it('refuses traversal, NUL, wrong part counts and control characters in names with 400, writing nothing', async () => {
    const before = JSON.stringify(await ok('admin', 'GET', '/catalogs', 'ListCatalogsResponse'));
    for (const path of [
      '/tables/shop.sales..%2F..%2Fetc',
      '/tables/shop.sales.%2e%2e',
      '/tables/..%2F..%2F..%2Fetc%2Fpasswd',
      '/schemas/shop.%00',
      '/schemas/shop',
      '/schemas/shop.sales.orders',
      '/catalogs/a.b',
      '/volumes/files.raw.v%2F..%2F..',
      '/functions/a.b.c.d',
      `/catalogs/${'x'.repeat(300)}`,
      '/tables/shop.sales.a%1Fb',
    ]) {
      await fails('admin', 'GET', path, 400, 'INVALID_PARAMETER_VALUE');
      await fails('admin', 'DELETE', path, 400, 'INVALID_PARAMETER_VALUE');
    }
    await fails('admin', 'POST', '/catalogs', 400, 'INVALID_PARAMETER_VALUE', { name: '../../etc' });
    await fails('admin', 'POST', '/catalogs', 400, 'INVALID_PARAMETER_VALUE', { name: 'a\u0000b' });
    await fails('admin', 'POST', '/schemas', 400, 'INVALID_PARAMETER_VALUE', { name: 'x', catalog_name: 'shop.sales' });
    await fails('admin', 'POST', '/catalogs', 400, 'INVALID_PARAMETER_VALUE', { name: 'has space' });
    expect(JSON.stringify(await ok('admin', 'GET', '/catalogs', 'ListCatalogsResponse'))).toBe(before);
  });

  it('treats quotes and semicolons in names as names: nothing runs', async () => {
    const version = (await (await loch.table('shop.sales.orders')).snapshot()).version;
    for (const name of ["orders';DROP", 'orders";DROP', 'orders`;DROP', "x'--"]) {
      await fails('admin', 'GET', `/tables/${encodeURIComponent(`shop.sales.${name}`)}`, 404, 'RESOURCE_DOES_NOT_EXIST');
      await fails('admin', 'DELETE', `/tables/${encodeURIComponent(`shop.sales.${name}`)}`, 404, 'RESOURCE_DOES_NOT_EXIST');
    }
    const quoted = await ok('admin', 'POST', '/tables', 'TableInfo', { name: "it's;ok", catalog_name: 'shop', schema_name: 'sales', table_type: 'MANAGED', columns: [{ name: 'a;b', type_text: 'int' }] });
    expect(quoted['name']).toBe("it's;ok");
    await ok('admin', 'DELETE', `/tables/${encodeURIComponent("shop.sales.it's;ok")}`, undefined);
    expect((await (await loch.table('shop.sales.orders')).snapshot()).version).toBe(version);
  });

  it('refuses malformed, mistyped and oversized bodies', async () => {
    await fails('admin', 'POST', '/catalogs', 400, 'MALFORMED_REQUEST', undefined, '{"name": ');
    await fails('admin', 'POST', '/catalogs', 400, 'MALFORMED_REQUEST', undefined, '["x"]');
    await fails('admin', 'POST', '/catalogs', 400, 'INVALID_PARAMETER_VALUE', undefined, '');
    await fails('admin', 'POST', '/catalogs', 400, 'INVALID_PARAMETER_VALUE', { name: 42 });
    await fails('admin', 'POST', '/catalogs', 400, 'INVALID_PARAMETER_VALUE', { name: 'typed', properties: { a: 1 } });
    await fails('admin', 'POST', '/catalogs', 400, 'INVALID_PARAMETER_VALUE', { name: 'typed', properties: ['a'] });
    await fails('admin', 'PATCH', '/schemas/shop.sales', 400, 'INVALID_PARAMETER_VALUE', { comment: false });
    await fails('admin', 'POST', '/tables', 400, 'INVALID_PARAMETER_VALUE', { name: 'cols', catalog_name: 'shop', schema_name: 'sales', table_type: 'MANAGED', columns: 'id int' });
    await fails('admin', 'POST', '/tables', 400, 'INVALID_PARAMETER_VALUE', { name: 'cols', catalog_name: 'shop', schema_name: 'sales', table_type: 'MANAGED', columns: [{ name: 'a', type_text: 'int' }, { name: 'A', type_text: 'int' }] });
    await fails('admin', 'POST', '/tables', 400, 'INVALID_PARAMETER_VALUE', { name: 'cols', catalog_name: 'shop', schema_name: 'sales', table_type: 'MANAGED', columns: [{ name: 'a', type_text: 'int); DROP TABLE x; --' }] });
    const huge = JSON.stringify({ name: 'huge', comment: 'x'.repeat(MAX_BODY + 10) });
    const reply = await call('admin', 'POST', '/catalogs', undefined, huge);
    expect(reply.status).toBe(413);
    expect(reply.json['error_code']).toBe('RESOURCE_EXHAUSTED');
    await fails('admin', 'GET', '/catalogs/huge', 404, 'RESOURCE_DOES_NOT_EXIST');
    await fails('admin', 'GET', '/tables/shop.sales.cols', 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it('answers unsupported parts with 501 and unknown endpoints with 404', async () => {
    const t = await ok('admin', 'GET', '/tables/shop.sales.orders', 'TableInfo');
    const message = await fails('admin', 'POST', '/temporary-table-credentials', 501, 'NOT_IMPLEMENTED', { table_id: t['table_id'], operation: 'READ' });
    expect(message).toContain('does not vend storage credentials');
    await fails('admin', 'POST', '/temporary-path-credentials', 501, 'NOT_IMPLEMENTED', { url: dir, operation: 'PATH_READ' });
    await fails('admin', 'GET', '/models', 501, 'NOT_IMPLEMENTED');
    await fails('admin', 'POST', '/staging-tables', 501, 'NOT_IMPLEMENTED', { name: 'x', catalog_name: 'shop', schema_name: 'sales' });
    await fails('admin', 'GET', '/no-such-thing', 404, 'ENDPOINT_NOT_FOUND');
    await fails('admin', 'PUT', '/catalogs/shop', 404, 'ENDPOINT_NOT_FOUND');
  });
});
