/**
 * Table routes other than create, register and commit: list, load, exists, drop, rename.
 * Every call acts as the caller through the governed catalog: listings hold only what the caller
 * may see, loading needs SELECT, dropping and renaming need ownership (or MANAGE).
 */
import type { Context, Hono } from 'hono';
import type { TableInfo } from '../../catalog/catalog-types.js';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import { notFound, unsupported } from './errors.js';
import { handler, json, jsonText, noContent } from './handler.js';
import type { RestContext } from './handler.js';
import { objectName, objectOfPath, schemaOfBody, schemaOfPath } from './identifiers.js';
import { etagOf, loadResultText, matchesEtag, selectSnapshots, snapshotsMode } from './load-result.js';
import { paginate } from './paging.js';
import { booleanParam, objectMember, readJsonObject, tableIdentifier } from './request.js';
import { classify, currentMetadata, fullName, refusePolicies, refuseReadOnly, servedTable } from './table-access.js';

const LIST_CONCURRENCY = 8;

/** Registers list/load/exists/drop and rename on `app` (paths relative to `/v1[/{prefix}]`). */
export function tableRoutes(app: Hono<ServerEnv>, deps: ApiDeps): void {
  app.get('/namespaces/:namespace/tables', handler(deps, 'namespace', 'listTables', async (c, rc) => {
    const names = await listServedTables(rc, schemaOfPath(c));
    const page = paginate(c, names, (n) => n);
    const namespace = [schemaOfPath(c)];
    return json(c, { identifiers: page.items.map((name) => ({ namespace, name })), 'next-page-token': page.nextPageToken });
  }));
  // Also tableExists: hono answers HEAD with the GET route (c.req.method stays HEAD); existing
  // needs only visibility, loading needs SELECT.
  app.get('/namespaces/:namespace/tables/:table', handler(deps, 'table', 'loadTable', async (c, rc) => {
    if (c.req.method !== 'HEAD') return loadTable(c, rc);
    await servedTable(rc.deps.loch, rc.catalog, pathName(c, rc));
    return noContent(c);
  }));
  app.delete('/namespaces/:namespace/tables/:table', handler(deps, 'table', 'dropTable', async (c, rc) => {
    const name = pathName(c, rc);
    // purgeRequested is accepted either way: a dropped managed table's files are deleted when
    // the catalog purges it after its UNDROP window; an external table's files are never deleted.
    booleanParam(c, 'purgeRequested', false);
    refuseReadOnly(await servedTable(rc.deps.loch, rc.catalog, name), 'dropTable');
    const outcome = await rc.catalog.dropTable(name, 'table');
    if (outcome === 'missing') throw notFound('table', `table ${fullName(name)} does not exist`);
    return noContent(c);
  }));
  app.post('/tables/rename', handler(deps, 'table', 'renameTable', async (c, rc) => {
    await renameTable(c, rc);
    return noContent(c);
  }));
}

function pathName(c: Context, rc: RestContext): ReturnType<typeof objectName> {
  return objectName(rc.warehouse, schemaOfPath(c), objectOfPath(c, 'table'));
}

/** Iceberg tables and UniForm Delta tables of the schema the caller may see, sorted by name. */
async function listServedTables(rc: RestContext, schema: string): Promise<string[]> {
  const tables = await rc.catalog.listTables(rc.warehouse, schema);
  const served: string[] = [];
  for (let i = 0; i < tables.length; i += LIST_CONCURRENCY) {
    const batch = tables.slice(i, i + LIST_CONCURRENCY);
    const kinds = await Promise.all(batch.map((t) => servedKind(rc, t)));
    batch.forEach((t, j) => {
      if (kinds[j] !== undefined) served.push(t.name);
    });
  }
  return served.sort();
}

async function servedKind(rc: RestContext, info: TableInfo): Promise<string | undefined> {
  if (info.deletedAt !== undefined) return undefined;
  try {
    return (await classify(rc.deps.loch, info))?.kind;
  } catch {
    // A Delta table whose log cannot be read is not listed rather than failing the listing.
    return undefined;
  }
}

async function loadTable(c: Context, rc: RestContext): Promise<Response> {
  const served = await servedTable(rc.deps.loch, rc.catalog, pathName(c, rc), 'SELECT');
  refusePolicies(served.info, 'loadTable');
  const mode = snapshotsMode(c.req.query('snapshots'));
  const { metadata, metadataLocation } = await currentMetadata(rc.deps.loch, served);
  const etag = etagOf(metadataLocation, mode);
  if (matchesEtag(c.req.header('if-none-match'), etag)) return c.body(null, 304, { etag });
  return jsonText(c, loadResultText(metadataLocation, selectSnapshots(metadata, mode)), { etag });
}

/**
 * Renames within one namespace (a Loch rename keeps the table in its schema); moving a table to
 * another namespace is 406 UnsupportedOperationException.
 */
async function renameTable(c: Context, rc: RestContext): Promise<void> {
  const body = await readJsonObject(c, rc.deps.maxBodyBytes, 'renameTable');
  const source = tableIdentifier(objectMember(body, 'source', 'renameTable'), 'renameTable: source');
  const destination = tableIdentifier(objectMember(body, 'destination', 'renameTable'), 'renameTable: destination');
  const from = objectName(rc.warehouse, schemaOfBody(source.namespace, 'renameTable: source'), source.name);
  const to = objectName(rc.warehouse, schemaOfBody(destination.namespace, 'renameTable: destination'), destination.name);
  if (from.schema !== to.schema) {
    throw unsupported(`renameTable: ${fullName(from)} → ${fullName(to)}: Loch renames a table within its namespace only; moving it to another namespace is not supported`);
  }
  refuseReadOnly(await servedTable(rc.deps.loch, rc.catalog, from), 'renameTable');
  if (from.name !== to.name) await rc.catalog.alterTable(from, { newName: to.name });
}
