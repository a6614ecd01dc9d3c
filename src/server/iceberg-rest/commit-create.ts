/**
 * The second half of a staged create (createTable with `stage-create: true`, then a commit with
 * `assert-create` holding every initialising update): the updates are applied to empty
 * metadata and the table is created at a fresh managed location, registered by its first
 * metadata commit like any create. A staged create whose commit already adds snapshots (data
 * written at the staged location) is refused: Loch places a managed table at a location chosen
 * when it is registered, and would not own the staged files.
 */
import type { ObjectName } from '../../catalog/catalog-types.js';
import type { TableMetadata } from '../../formats/iceberg/model.js';
import { isLochError } from '../../core/errors.js';
import { applyUpdates, checkRequirements } from '../../formats/iceberg/spec/updates.js';
import type { TableUpdate } from '../../formats/iceberg/spec/updates.js';
import type { CommitRequest, CommitResult } from './commit.js';
import { commitNewTable } from './create.js';
import { badRequest, commitFailed } from './errors.js';
import type { RestContext } from './handler.js';
import { fullName } from './table-access.js';

const DEFAULT_FORMAT_VERSION = 2;

export async function createByCommit(rc: RestContext, name: ObjectName, request: CommitRequest): Promise<CommitResult> {
  const failure = checkRequirements(undefined, request.requirements);
  if (failure !== undefined) throw commitFailed(`commit to ${fullName(name)}: ${failure}`);
  // planTable checks CREATE TABLE on the schema and writes nothing.
  const plan = await rc.catalog.planTable(name);
  const now = rc.deps.clock.now();
  const built = applyChecked(emptyMetadata(plan.location, request, now), request.updates, now, undefined, name);
  if (built.snapshots.length > 0) {
    throw badRequest(`commit to ${fullName(name)}: a staged create that already adds snapshots is not supported; create the table, then commit its data`);
  }
  if (built.schemas.length === 0 || !built.schemas.some((s) => s.schemaId === built.currentSchemaId)) {
    throw badRequest(`commit to ${fullName(name)}: the create has no current schema (add-schema and set-current-schema are required)`);
  }
  const metadata: TableMetadata = {
    ...built,
    location: plan.location.replace(/\/+$/, ''),
    tableUuid: built.tableUuid ?? rc.deps.ids.uuid(),
    ...(built.partitionSpecs.length === 0 ? { partitionSpecs: [{ specId: 0, fields: [] }], defaultSpecId: 0 } : {}),
    ...(built.sortOrders.length === 0 ? { sortOrders: [{ orderId: 0, fields: [] }], defaultSortOrderId: 0 } : {}),
  };
  const metadataLocation = await commitNewTable(rc, plan, metadata);
  return { metadataLocation, metadata };
}

/** Java's "build from empty": nothing but a format version and the location. */
function emptyMetadata(location: string, request: CommitRequest, nowMs: number): TableMetadata {
  const upgrade = request.updates.find((u) => u.action === 'upgrade-format-version');
  const version = upgrade?.action === 'upgrade-format-version' && [1, 2, 3].includes(upgrade.formatVersion) ? (upgrade.formatVersion as 1 | 2 | 3) : DEFAULT_FORMAT_VERSION;
  return {
    formatVersion: version,
    location: location.replace(/\/+$/, ''),
    lastSequenceNumber: 0,
    lastUpdatedMs: nowMs,
    lastColumnId: 0,
    schemas: [],
    currentSchemaId: -1,
    partitionSpecs: [],
    defaultSpecId: -1,
    lastPartitionId: 999,
    properties: {},
    snapshots: [],
    snapshotLog: [],
    metadataLog: [],
    sortOrders: [],
    defaultSortOrderId: -1,
    refs: {},
    statistics: [],
    partitionStatistics: [],
    ...(version === 3 ? { nextRowId: 0 } : {}),
  };
}

/** applyUpdates; invalid updates are 400 (Java's ValidationException), nothing written. */
export function applyChecked(base: TableMetadata, updates: readonly TableUpdate[], nowMs: number, previous: string | undefined, name: ObjectName): TableMetadata {
  try {
    return applyUpdates(base, updates, nowMs, previous === undefined ? {} : { previousMetadataFile: previous });
  } catch (error) {
    if (isLochError(error, 'INVALID_ARGUMENT') || isLochError(error, 'UNSUPPORTED_FEATURE')) throw badRequest(`updateTable ${fullName(name)}: ${error.message}`);
    throw error;
  }
}
