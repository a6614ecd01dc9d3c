import { LochError } from '../../core/errors.js';
import type { StructType } from '../../expr/types.js';
import type { AddFile, DomainMetadata, Protocol } from '../../formats/delta/spec/actions.js';
import { protocolSupports, requiredProtocol } from '../../formats/delta/write/protocol-for.js';
import { currentSchema, requireMetadata } from '../write/schema-change.js';
import type { DeltaTransaction } from '../write/transaction.js';
import { MAX_CLUSTERING_COLUMNS, checkOrderingColumns } from './z-order-columns.js';

/**
 * Liquid clustering (PROTOCOL.md "Clustered Table"): the writer feature `clustering` (which
 * needs `domainMetadata`), the clustering columns in the `delta.clustering` domain as physical
 * column paths, and `clusteringProvider` on the add actions of files a clustering wrote.
 */

export const CLUSTERING_DOMAIN = 'delta.clustering';
/** The provider name Delta Spark and Databricks use; their OPTIMIZE reclusters our files and we theirs. */
export const CLUSTERING_PROVIDER = 'liquid';
/** Delta's ZCube tags: which clustering (columns, curve) wrote a file, and its cube. */
export const ZCUBE_ID_TAG = 'ZCUBE_ID';
export const ZCUBE_ZORDER_BY_TAG = 'ZCUBE_ZORDER_BY';
export const ZCUBE_ZORDER_CURVE_TAG = 'ZCUBE_ZORDER_CURVE';

/** True when the table has the clustering feature (a clustered table, even with no columns left). */
export function isClusteredTable(protocol: Protocol): boolean {
  return protocolSupports(protocol, 'clustering');
}

/**
 * The logical names of the clustering columns recorded in the domain ([] when none). Paths are
 * physical names; a writer that stored flat names instead of paths is read too.
 */
export function clusteringColumnsOf(snapshot: { readonly schema: StructType; readonly domainMetadata: ReadonlyMap<string, DomainMetadata> }): string[] {
  const domain = snapshot.domainMetadata.get(CLUSTERING_DOMAIN);
  if (domain === undefined || domain.removed) return [];
  let parsed: unknown;
  try {
    parsed = (JSON.parse(domain.configuration) as { clusteringColumns?: unknown }).clusteringColumns;
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const byPhysical = new Map(snapshot.schema.fields.map((f) => [f.physicalName, f.name]));
  return parsed.map((entry: unknown) => {
    const path = Array.isArray(entry) ? entry.map(String) : [String(entry)];
    if (path.length === 1) return byPhysical.get(path[0] as string) ?? (path[0] as string);
    return path.join('.');
  });
}

/** True when OPTIMIZE on the clustering `columns` should (re)cluster `add`. */
export function needsClustering(add: AddFile, columns: readonly string[]): boolean {
  if (add.clusteringProvider === undefined) return true;
  // Files another clustering implementation wrote are theirs to recluster (PROTOCOL.md).
  if (add.clusteringProvider !== CLUSTERING_PROVIDER) return false;
  const by = add.tags?.[ZCUBE_ZORDER_BY_TAG];
  return by !== undefined && by !== JSON.stringify(columns);
}

/**
 * Liquid clustering: sets the table's clustering columns (the `delta.clustering` domain
 * metadata, writer features `clustering` and `domainMetadata`); [] removes clustering (CLUSTER BY
 * NONE), keeping the feature as Delta does. Names the operation CLUSTER BY; a caller that stages
 * it as part of another operation (CREATE TABLE) names its own operation afterwards.
 *
 * Errors (INVALID_ARGUMENT): a partitioned table; more than 4 columns; a column that does not
 * exist, has a type without statistics or no statistics collected; NONE on an unclustered table.
 */
export function stageClustering(tx: DeltaTransaction, columns: readonly string[]): void {
  const metadata = requireMetadata(tx);
  const table = tx.table.name;
  const fail = (message: string) => new LochError('INVALID_ARGUMENT', `delta clustering: table ${table}: ${message}`, { context: { table } });
  if (metadata.partitionColumns.length > 0) {
    throw fail(`CLUSTER BY cannot be used on a partitioned table (partitioned by ${metadata.partitionColumns.join(', ')}); clustering replaces partitioning`);
  }
  if (columns.length > MAX_CLUSTERING_COLUMNS) throw fail(`CLUSTER BY takes at most ${MAX_CLUSTERING_COLUMNS} columns, got ${columns.length} (${columns.join(', ')})`);
  const protocol = tx.currentProtocol;
  const before = tx.snapshot !== undefined ? clusteringColumnsOf(tx.snapshot) : [];
  if (columns.length === 0 && (protocol === undefined || !isClusteredTable(protocol))) throw fail('CLUSTER BY NONE: the table is not clustered');
  const schema = currentSchema(tx);
  const fields = checkOrderingColumns({ table, schema, partitionColumns: [], configuration: metadata.configuration }, 'CLUSTER BY', columns);
  tx.setProtocol(
    requiredProtocol({
      properties: { ...metadata.configuration, 'delta.feature.clustering': 'supported' },
      schema,
      hasCheckConstraints: false,
      ...(protocol !== undefined ? { current: protocol } : {}),
    }),
  );
  tx.setDomainMetadata({ domain: CLUSTERING_DOMAIN, configuration: JSON.stringify({ clusteringColumns: fields.map((f) => [f.physicalName]) }), removed: false });
  tx.operation = {
    name: 'CLUSTER BY',
    parameters: { oldClusteringColumns: JSON.stringify(before), newClusteringColumns: JSON.stringify(fields.map((f) => f.name)) },
    metrics: {},
  };
}

/**
 * CREATE / REPLACE TABLE: clusters by `columns` when given (see stageClustering); replacing a
 * clustered table without CLUSTER BY clears its clustering columns, which may no longer exist.
 */
export function stageCreateClustering(tx: DeltaTransaction, columns: readonly string[] | undefined): void {
  if (columns !== undefined && columns.length > 0) {
    stageClustering(tx, columns);
    return;
  }
  if (tx.snapshot !== undefined && clusteringColumnsOf(tx.snapshot).length > 0) {
    tx.setDomainMetadata({ domain: CLUSTERING_DOMAIN, configuration: JSON.stringify({ clusteringColumns: [] }), removed: false });
  }
}
