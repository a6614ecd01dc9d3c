import type { DeltaSnapshot } from '../../formats/delta/snapshot.js';
import type { DomainMetadata, Metadata, Protocol } from '../../formats/delta/spec/actions.js';
import { TABLE_FEATURES, protocolSupports, requiredProtocol } from '../../formats/delta/write/protocol-for.js';

const MAX_COLUMN_ID = 'delta.columnMapping.maxColumnId';
const CLUSTERING_DOMAIN = 'delta.clustering';

/** In-commit timestamp properties: a restore never turns them off (see restoredMetadata). */
const ICT_KEYS = ['delta.enableInCommitTimestamps', 'delta.enableInCommitTimestamps-preview', 'delta.inCommitTimestampEnablementVersion', 'delta.inCommitTimestampEnablementTimestamp'];

/**
 * The target version's metadata, with two things kept from the current one: the column mapping
 * id high-water mark keeps the larger value (ids handed out after the target are used by files
 * of newer versions, so a later ADD COLUMN must not hand them out again), and in-commit
 * timestamps stay enabled when they are now (commit times after the restore must keep growing
 * for timestamp time travel; turning them off takes an explicit ALTER TABLE).
 */
export function restoredMetadata(latest: DeltaSnapshot, old: DeltaSnapshot): Metadata {
  const configuration: Record<string, string> = { ...old.metadata.configuration };
  const now = Number(latest.metadata.configuration[MAX_COLUMN_ID] ?? 0);
  if (now > Number(configuration[MAX_COLUMN_ID] ?? 0)) configuration[MAX_COLUMN_ID] = String(now);
  if (latest.inCommitTimestamps) {
    for (const key of ICT_KEYS) {
      const value = latest.metadata.configuration[key];
      if (value !== undefined) configuration[key] = value;
    }
  }
  return { ...old.metadata, configuration };
}

/**
 * The protocol after a restore: everything the current protocol supports (a protocol is never
 * downgraded: readers of newer versions rely on it) plus whatever the target version's protocol,
 * properties and schema need, as Delta's `Protocol.merge`.
 */
export function restoredProtocol(latest: DeltaSnapshot, old: DeltaSnapshot): Protocol {
  const requests: Record<string, string> = {};
  for (const feature of TABLE_FEATURES.keys()) {
    if (protocolSupports(old.protocol, feature) && !protocolSupports(latest.protocol, feature)) requests[`delta.feature.${feature}`] = 'supported';
  }
  return requiredProtocol({
    properties: { ...old.metadata.configuration, ...requests },
    schema: old.schema,
    hasCheckConstraints: false,
    current: latest.protocol,
  });
}

/**
 * The clustering domain after a restore (Delta's DomainMetadataUtils for RESTORE): the target's
 * clustering columns, or none when the target was not clustered but the table is now. Undefined
 * when nothing changes. Other domains are left as they are.
 */
export function restoredClustering(latest: DeltaSnapshot, old: DeltaSnapshot): DomainMetadata | undefined {
  const now = latest.domainMetadata.get(CLUSTERING_DOMAIN);
  const then = old.domainMetadata.get(CLUSTERING_DOMAIN);
  if (then !== undefined) return now?.configuration === then.configuration ? undefined : { domain: CLUSTERING_DOMAIN, configuration: then.configuration, removed: false };
  if (now === undefined || clusteringIsEmpty(now.configuration)) return undefined;
  return { domain: CLUSTERING_DOMAIN, configuration: JSON.stringify({ clusteringColumns: [] }), removed: false };
}

function clusteringIsEmpty(configuration: string): boolean {
  try {
    const parsed = JSON.parse(configuration) as { clusteringColumns?: unknown };
    return Array.isArray(parsed.clusteringColumns) && parsed.clusteringColumns.length === 0;
  } catch {
    return false;
  }
}
