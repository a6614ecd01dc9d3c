/**
 * updateTable (commit): requirements are checked against the table's current metadata, updates
 * applied with the one pure `applyUpdates`, and the result committed through the catalog's
 * compare-and-swap of the metadata pointer (CatalogCommitter). A lost race re-reads the table
 * and, while the requirements still hold, re-applies the updates on the new base; failed
 * requirements or too many lost races are 409 CommitFailedException. Only a failure of the swap
 * itself leaves the outcome unknown (500 CommitStateUnknownException): every failure known to
 * have committed nothing is a 4xx, so clients may clean up their files.
 */
import type { Context, Hono } from 'hono';
import type { ObjectName } from '../../catalog/catalog-types.js';
import { isLochError } from '../../core/errors.js';
import { isJsonObject } from '../../core/json-exact.js';
import type { TableMetadata } from '../../formats/iceberg/model.js';
import { checkRequirements } from '../../formats/iceberg/spec/updates.js';
import type { TableRequirement, TableUpdate } from '../../formats/iceberg/spec/updates.js';
import { requirementFromRestJson, updateFromRestJson } from '../../formats/iceberg/spec/updates-json.js';
import type { IcebergPointer } from '../../table/iceberg/write/catalog-committer.js';
import { CatalogCommitter } from '../../table/iceberg/write/catalog-committer.js';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import { applyChecked, createByCommit } from './commit-create.js';
import { IcebergRestError, badRequest, commitFailed, forbidden, icebergFailure, notFound, unsupported } from './errors.js';
import { handler, jsonText, noContent } from './handler.js';
import type { RestContext } from './handler.js';
import { objectName, objectOfPath, schemaOfBody, schemaOfPath } from './identifiers.js';
import { commitResultText, etagOf } from './load-result.js';
import type { JsonRecord } from './request.js';
import { arrayMember, readJsonObject, tableIdentifier } from './request.js';
import type { IcebergTableInfo } from './table-access.js';
import { classify, fullName, refusePolicies, refuseReadOnly } from './table-access.js';
import { tableLocation } from './uniform.js';

/** Attempts of one commit against concurrent writers before 409. */
const MAX_ATTEMPTS = 4;

export interface CommitRequest {
  readonly identifier?: { readonly namespace: readonly string[]; readonly name: string };
  readonly requirements: readonly TableRequirement[];
  readonly updates: readonly TableUpdate[];
}

export interface CommitResult {
  readonly metadataLocation: string;
  readonly metadata: TableMetadata;
}

/** Registers updateTable on `app` (paths relative to `/v1[/{prefix}]`). */
export function commitRoutes(app: Hono<ServerEnv>, deps: ApiDeps): void {
  app.post('/namespaces/:namespace/tables/:table', handler(deps, 'table', 'updateTable', async (c: Context, rc) => {
    const name = objectName(rc.warehouse, schemaOfPath(c), objectOfPath(c, 'table'));
    const request = parseCommitRequest(await readJsonObject(c, rc.deps.maxBodyBytes, 'updateTable'), 'updateTable');
    if (request.identifier !== undefined) {
      const named = request.identifier;
      if (named.namespace.length !== 1 || named.namespace[0]?.toLowerCase() !== name.schema || named.name.toLowerCase() !== name.name) {
        throw badRequest(`updateTable ${fullName(name)}: the body's identifier names another table`);
      }
    }
    const result = await commitTable(rc, name, request);
    return jsonText(c, commitResultText(result.metadataLocation, result.metadata), { etag: etagOf(result.metadataLocation, 'all') });
  }));
  app.post('/transactions/commit', handler(deps, 'table', 'commitTransaction', async (c: Context, rc) => {
    await commitTransaction(rc, await readJsonObject(c, rc.deps.maxBodyBytes, 'commitTransaction'));
    return noContent(c);
  }));
}

/**
 * commitTransaction with one table change is that table's commit. Several tables cannot be
 * committed atomically (each table has its own compare-and-swap in the metastore), so a
 * transaction over more than one table is 406 before anything is written.
 */
async function commitTransaction(rc: RestContext, body: JsonRecord): Promise<void> {
  const changes = arrayMember(body, 'table-changes', 'commitTransaction');
  if (changes.length === 0) throw badRequest('commitTransaction: "table-changes" is empty');
  const parsed = changes.map((change, i) => {
    if (!isJsonObject(change)) throw badRequest(`commitTransaction: table change ${i} must be an object`);
    return parseCommitRequest(change, `commitTransaction: table change ${i}`);
  });
  if (parsed.length > 1) throw unsupported(`commitTransaction: ${parsed.length} table changes: Loch commits one table atomically, not several; commit each table separately`);
  const request = parsed[0] as CommitRequest;
  if (request.identifier === undefined) throw badRequest('commitTransaction: table change 0 has no "identifier"');
  const name = objectName(rc.warehouse, schemaOfBody(request.identifier.namespace, 'commitTransaction: identifier'), request.identifier.name);
  await commitTable(rc, name, request);
}

/** A CommitTableRequest, checked; unknown requirement or update types are 400 (as the spec demands). */
export function parseCommitRequest(body: JsonRecord, where: string): CommitRequest {
  const identifier = body['identifier'] === undefined || body['identifier'] === null ? undefined : tableIdentifier(body['identifier'], `${where}: identifier`);
  try {
    const requirements = arrayMember(body, 'requirements', where).map((r, i) => requirementFromRestJson(r, `${where}: requirement ${i}`));
    const updates = arrayMember(body, 'updates', where).map((u, i) => updateFromRestJson(u, `${where}: update ${i}`));
    return { requirements, updates, ...(identifier === undefined ? {} : { identifier }) };
  } catch (error) {
    if (isLochError(error)) throw badRequest(error.message);
    throw error;
  }
}

/** Commits `request` to the table `name` (creating it for an `assert-create` on a missing name). */
export async function commitTable(rc: RestContext, name: ObjectName, request: CommitRequest): Promise<CommitResult> {
  const creates = request.requirements.some((r) => r.type === 'assert-create');
  const info = await rc.catalog.findTable(name);
  if (info === undefined) {
    if (creates) return createByCommit(rc, name, request);
    throw notFound('table', `table ${fullName(name)} does not exist`);
  }
  const served = await classify(rc.deps.loch, info);
  if (served === undefined) {
    if (creates) throw commitFailed(`commit to ${fullName(name)}: requirement assert-create failed: the name is taken by a view or a Delta table`);
    throw notFound('table', `table ${fullName(name)} is not an Iceberg table`);
  }
  refuseReadOnly(served, 'updateTable');
  await rc.catalog.authorize('MODIFY', { type: 'TABLE', name: { catalog: info.catalog, schema: info.schema, name: info.name } });
  refusePolicies(served.info, 'updateTable');
  guardUpdates(rc, served.info, request.updates);
  return commitWithRetries(rc, served.info, request);
}

/**
 * Updates that point the table at storage outside its location (moving it, or a snapshot whose
 * manifest list lies elsewhere, e.g. in another table) would let a writer make files it cannot
 * read through grants readable through this table: only admins may commit them.
 */
function guardUpdates(rc: RestContext, info: IcebergTableInfo, updates: readonly TableUpdate[]): void {
  if (rc.caller.principal.admin) return;
  const root = info.location.replace(/\/+$/, '');
  const inside = (path: string) => normalizeLocation(path).startsWith(`${normalizeLocation(root)}/`) && !/(^|\/)\.\.(\/|$)/.test(path);
  for (const u of updates) {
    if (u.action === 'set-location' && normalizeLocation(u.location.replace(/\/+$/, '')) !== normalizeLocation(root)) {
      throw forbidden(`updateTable ${fullName(info)}: only an admin may move the table to another location`);
    }
    if (u.action !== 'add-snapshot') continue;
    const outside = [...(u.snapshot.manifestList === undefined ? [] : [u.snapshot.manifestList]), ...(u.snapshot.manifests ?? [])].find((path) => !inside(path));
    if (outside !== undefined) throw forbidden(`updateTable ${fullName(info)}: the snapshot's manifest list or manifest ${outside} is outside the table location ${root}`);
  }
}

/** `file:/x`, `file:///x` and `/x` name the same local file. */
function normalizeLocation(path: string): string {
  if (path.startsWith('file://')) return path.slice('file://'.length);
  if (path.startsWith('file:')) return path.slice('file:'.length);
  return path;
}

async function commitWithRetries(rc: RestContext, info: IcebergTableInfo, request: CommitRequest): Promise<CommitResult> {
  try {
    const swaps = swapTracker(writerPointer(rc, info));
    const committer = new CatalogCommitter(await tableLocation(rc.deps.loch, info.location), swaps.pointer, rc.deps.ids);
    for (let attempt = 1; ; attempt += 1) {
      const current = await committer.load();
      if (current === undefined) throw notFound('table', `table ${fullName(info)} was dropped`);
      const failure = checkRequirements(current.metadata, request.requirements);
      if (failure !== undefined) throw commitFailed(`commit to ${fullName(info)}: ${failure}`);
      if (request.updates.length === 0) return { metadataLocation: current.metadataFile, metadata: current.metadata };
      const next = applyChecked(current.metadata, request.updates, rc.deps.clock.now(), current.metadataFile, info);
      const outcome = await commitOnce(committer, swaps, current.metadataFile, next, info);
      if (outcome !== undefined) return { metadataLocation: outcome, metadata: next };
      if (attempt >= MAX_ATTEMPTS) throw commitFailed(`commit to ${fullName(info)}: lost ${attempt} races against concurrent commits; refresh and retry`);
    }
  } catch (error) {
    // Everything but the swap happens before the commit point: nothing was committed.
    throw error instanceof IcebergRestError ? error : commitError(error, false, info);
  }
}

/**
 * The table's pointer as a writer sees it: committing needs MODIFY only (not SELECT, which
 * Catalog.icebergMetadataLocation checks), so the current file is read from the table record,
 * which MODIFY makes visible. A table renamed or replaced meanwhile reads as gone.
 */
function writerPointer(rc: RestContext, info: IcebergTableInfo): IcebergPointer {
  const name = { catalog: info.catalog, schema: info.schema, name: info.name };
  return {
    current: async () => {
      const now = await rc.catalog.findTable(name);
      return now?.id === info.id ? now.metadataLocation : undefined;
    },
    swap: (expected, next) => rc.catalog.commitIcebergMetadata(info.id, expected, next),
  };
}

/** The new metadata file when committed, undefined when the race was lost. */
async function commitOnce(committer: CatalogCommitter, swaps: SwapTracker, base: string, next: TableMetadata, info: IcebergTableInfo): Promise<string | undefined> {
  swaps.reset();
  try {
    const outcome = await committer.commit(base, next);
    return outcome.outcome === 'committed' ? outcome.metadataFile : undefined;
  } catch (error) {
    throw commitError(error, swaps.threw, info);
  }
}

/**
 * A failure before the swap (or a refusal by it: permission, dropped table) committed nothing:
 * 4xx. Only a swap that failed in the metastore may or may not have happened.
 */
function commitError(error: unknown, swapThrew: boolean, info: IcebergTableInfo): IcebergRestError {
  const failure = icebergFailure(error, 'table');
  const known = !swapThrew || (isLochError(error) && ['PERMISSION_DENIED', 'NOT_FOUND', 'INVALID_ARGUMENT', 'UNAUTHENTICATED'].includes(error.code));
  if (!known) return new IcebergRestError(500, 'CommitStateUnknownException', `iceberg rest: commit to ${fullName(info)}: the outcome is unknown: ${failure.message}`);
  if (failure.status < 500) return new IcebergRestError(failure.status, failure.type, failure.message);
  return commitFailed(`commit to ${fullName(info)}: nothing was committed: ${failure.message}; retry`);
}

interface SwapTracker {
  readonly pointer: IcebergPointer;
  readonly threw: boolean;
  reset(): void;
}

/** Wraps a pointer to tell whether a failure came from the swap itself. */
function swapTracker(inner: IcebergPointer): SwapTracker {
  let threw = false;
  return {
    pointer: {
      current: () => inner.current(),
      swap: async (expected, next) => {
        try {
          return await inner.swap(expected, next);
        } catch (error) {
          threw = true;
          throw error;
        }
      },
    },
    get threw() {
      return threw;
    },
    reset() {
      threw = false;
    },
  };
}
