/**
 * createTable and registerTable. A new table gets its location from the catalog (managed, under
 * the schema's, catalog's or warehouse's storage root) and is registered by its first metadata
 * commit: the catalog's compare-and-swap from "no table" takes the name and the metadata file
 * at once, so a name taken meanwhile is 409 and a failed create registers nothing.
 *
 * Locations chosen by the client (`location` of createTable, registerTable's metadata file) adopt
 * storage outside the catalog's managed area, which could hold another table's files: only
 * metastore admins may give them (403 otherwise), as Unity Catalog requires a privilege on an
 * external location.
 */
import type { Context, Hono } from 'hono';
import type { ObjectName, TablePlan } from '../../catalog/catalog-types.js';
import { isLochError } from '../../core/errors.js';
import type { TableMetadata } from '../../formats/iceberg/model.js';
import { newTableMetadata } from '../../formats/iceberg/spec/updates.js';
import { catalogPointer } from '../../sql/iceberg-catalog-target.js';
import { listMetadataNames, loadMetadata } from '../../table/iceberg/load-metadata.js';
import { CatalogCommitter } from '../../table/iceberg/write/catalog-committer.js';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import { parseCreateRequest } from './create-request.js';
import type { CreateRequest } from './create-request.js';
import { alreadyExists, badRequest, commitFailed, forbidden } from './errors.js';
import { handler, jsonText } from './handler.js';
import type { RestContext } from './handler.js';
import { objectName, schemaOfPath } from './identifiers.js';
import { etagOf, loadResultText } from './load-result.js';
import { optionalBoolean, readJsonObject, stringMember } from './request.js';
import { classify, fullName } from './table-access.js';
import { tableLocation } from './uniform.js';

/** Registers createTable and registerTable on `app` (paths relative to `/v1[/{prefix}]`). */
export function createRoutes(app: Hono<ServerEnv>, deps: ApiDeps): void {
  app.post('/namespaces/:namespace/tables', handler(deps, 'namespace', 'createTable', (c, rc) => createTable(c, rc)));
  app.post('/namespaces/:namespace/register', handler(deps, 'namespace', 'registerTable', (c, rc) => registerTable(c, rc)));
}

async function createTable(c: Context, rc: RestContext): Promise<Response> {
  const schema = schemaOfPath(c);
  const request = parseCreateRequest(await readJsonObject(c, rc.deps.maxBodyBytes, 'createTable'));
  const name = objectName(rc.warehouse, schema, request.name);
  if (request.location !== undefined && !rc.caller.principal.admin) {
    throw forbidden(`createTable ${fullName(name)}: only a metastore admin may choose a table location; omit "location" for a managed table`);
  }
  if ((await rc.catalog.findTable(name)) !== undefined) throw alreadyExists(`table ${fullName(name)} already exists`);
  // planTable checks CREATE TABLE on the schema (governed catalog) and writes nothing.
  const plan = await rc.catalog.planTable(name, request.location);
  const metadata = initialMetadata(rc, plan, request);
  if (request.stageCreate) return jsonText(c, loadResultText(undefined, metadata));
  const metadataLocation = await commitNewTable(rc, plan, metadata);
  return jsonText(c, loadResultText(metadataLocation, metadata), { etag: etagOf(metadataLocation, 'all') });
}

function initialMetadata(rc: RestContext, plan: TablePlan, request: CreateRequest): TableMetadata {
  try {
    return newTableMetadata({
      location: plan.location,
      schema: request.schema,
      spec: request.spec,
      sortOrder: request.sortOrder,
      properties: request.properties,
      formatVersion: request.formatVersion,
      tableUuid: rc.deps.ids.uuid(),
      nowMs: rc.deps.clock.now(),
    });
  } catch (error) {
    if (isLochError(error, 'INVALID_ARGUMENT')) throw badRequest(`createTable ${fullName(plan.name)}: ${error.message}`);
    throw error;
  }
}

/**
 * Writes the first metadata file and registers the table with it. A name taken meanwhile is
 * 409 AlreadyExistsException; any failure removes what a managed plan left behind.
 */
export async function commitNewTable(rc: RestContext, plan: TablePlan, metadata: TableMetadata): Promise<string> {
  const table = await tableLocation(rc.deps.loch, plan.location);
  try {
    if (plan.tableType === 'EXTERNAL' && (await listMetadataNames(table.store)).some((n) => n.endsWith('.metadata.json'))) {
      throw alreadyExists(`table ${fullName(plan.name)}: the location ${plan.location} already holds an Iceberg table; register it instead`);
    }
    const committer = new CatalogCommitter(table, catalogPointer(rc.catalog, plan.id, plan), rc.deps.ids);
    const outcome = await committer.commit(undefined, metadata);
    if (outcome.outcome === 'conflict') throw alreadyExists(`table ${fullName(plan.name)} was created concurrently`);
    return outcome.metadataFile;
  } catch (error) {
    if (plan.tableType === 'MANAGED') await rc.catalog.discardPlan(plan).catch(() => {});
    throw error;
  }
}

/**
 * registerTable: adopts an existing metadata file as a new (EXTERNAL) table at the location the
 * metadata names; `overwrite: true` moves an existing Iceberg table's pointer to it instead
 * (compare-and-swap; a concurrent change is 409 CommitFailedException).
 */
async function registerTable(c: Context, rc: RestContext): Promise<Response> {
  const schema = schemaOfPath(c);
  const body = await readJsonObject(c, rc.deps.maxBodyBytes, 'registerTable');
  const name = objectName(rc.warehouse, schema, stringMember(body, 'name', 'registerTable'));
  const metadataLocation = stringMember(body, 'metadata-location', 'registerTable');
  const overwrite = optionalBoolean(body, 'overwrite', 'registerTable') ?? false;
  if (!rc.caller.principal.admin) {
    throw forbidden(`registerTable ${fullName(name)}: only a metastore admin may register a table from an existing metadata file`);
  }
  if (!/^([a-zA-Z][a-zA-Z0-9+.-]*:|\/)/.test(metadataLocation) || metadataLocation.includes('\u0000')) {
    throw badRequest(`registerTable ${fullName(name)}: metadata-location must be an absolute path or URL, got ${JSON.stringify(metadataLocation.slice(0, 300))}`);
  }
  const metadata = await readMetadataFile(rc, metadataLocation, name);
  const existing = await rc.catalog.findTable(name);
  if (existing !== undefined) {
    if (!overwrite) throw alreadyExists(`table ${fullName(name)} already exists (pass overwrite to move it to the given metadata)`);
    const served = await classify(rc.deps.loch, existing);
    if (served?.kind !== 'iceberg') throw alreadyExists(`table ${fullName(name)} exists and is not an Iceberg table; it cannot be overwritten`);
    const outcome = await rc.catalog.commitIcebergMetadata(existing.id, served.info.metadataLocation, metadataLocation);
    if (outcome === 'conflict') throw commitFailed(`registerTable ${fullName(name)}: the table changed concurrently`);
  } else {
    const plan = await rc.catalog.planTable(name, metadata.location);
    const outcome = await rc.catalog.registerTable(plan, { format: 'ICEBERG', metadataLocation });
    if (outcome === 'exists') throw alreadyExists(`table ${fullName(name)} already exists`);
  }
  return jsonText(c, loadResultText(metadataLocation, metadata), { etag: etagOf(metadataLocation, 'all') });
}

async function readMetadataFile(rc: RestContext, file: string, name: ObjectName): Promise<TableMetadata> {
  const parent = file.slice(0, Math.max(file.lastIndexOf('/'), 1));
  try {
    return (await loadMetadata(await tableLocation(rc.deps.loch, parent), { metadataFile: file })).metadata;
  } catch (error) {
    if (!isLochError(error)) throw error;
    const reason = error.code === 'NOT_FOUND' ? 'the file does not exist' : error.message;
    throw badRequest(`registerTable ${fullName(name)}: cannot read the metadata file ${file}: ${reason}`);
  }
}
