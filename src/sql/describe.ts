import type { HistoryEntry } from '../formats/delta/history.js';
import type { TableSnapshot } from '../table/delta-table.js';
import { sqlBigint, sqlString, sqlStringList, sqlStringMap, sqlTimestampMs } from './sql-text.js';
import type { TableInfo } from '../catalog/catalog-types.js';
import { clusteringColumns } from './catalog/table-source.js';
import { icebergComment, icebergProperties, icebergTotals, type IcebergRelation } from './catalog/iceberg-relation.js';
import { formatName } from './sql-env.js';

/**
 * DESCRIBE HISTORY and DESCRIBE DETAIL become ordinary SELECTs over literals, so their output
 * goes through the same result path (formats, streaming, JSON rules) as any query.
 */
export function historySql(entries: readonly HistoryEntry[]): string {
  const columns =
    'version, timestamp, userId, userName, operation, operationParameters, readVersion, isolationLevel, isBlindAppend, operationMetrics, userMetadata, engineInfo';
  if (entries.length === 0) {
    return `SELECT NULL::BIGINT AS version, NULL::TIMESTAMPTZ AS timestamp, NULL::VARCHAR AS userId, NULL::VARCHAR AS userName, NULL::VARCHAR AS operation, NULL::MAP(VARCHAR, VARCHAR) AS operationParameters, NULL::BIGINT AS readVersion, NULL::VARCHAR AS isolationLevel, NULL::BOOLEAN AS isBlindAppend, NULL::MAP(VARCHAR, VARCHAR) AS operationMetrics, NULL::VARCHAR AS userMetadata, NULL::VARCHAR AS engineInfo WHERE false`;
  }
  const rows = entries.map((e) =>
    [
      sqlBigint(e.version),
      sqlTimestampMs(e.timestamp),
      sqlString(e.userId),
      sqlString(e.userName),
      sqlString(e.operation),
      sqlStringMap(e.operationParameters),
      sqlBigint(e.readVersion),
      sqlString(e.isolationLevel),
      e.isBlindAppend === undefined ? 'NULL::BOOLEAN' : String(e.isBlindAppend),
      sqlStringMap(e.operationMetrics),
      sqlString(e.userMetadata),
      sqlString(e.engineInfo ?? e.clientVersion),
    ].join(', '),
  );
  return `SELECT * FROM (VALUES (${rows.join('), (')})) AS history(${columns}) ORDER BY version DESC`;
}

/** `name` is the catalog name of a named table (Databricks shows it); otherwise the log's metadata name. */
export function detailSql(snapshot: TableSnapshot, name?: string): string {
  const d = snapshot.delta;
  const size = d.files.reduce((sum, f) => sum + f.size, 0);
  const features = [...new Set([...(d.protocol.readerFeatures ?? []), ...(d.protocol.writerFeatures ?? [])])].sort();
  const clustering = clusteringColumns(snapshot);
  return `SELECT ${[
    `'delta' AS format`,
    `${sqlString(d.metadata.id)} AS id`,
    `${sqlString(name ?? d.metadata.name)} AS name`,
    `${sqlString(d.metadata.description)} AS description`,
    `${sqlString(snapshot.location.store.url)} AS location`,
    `${sqlTimestampMs(d.metadata.createdTime)} AS createdAt`,
    `${sqlTimestampMs(d.timestamp)} AS lastModified`,
    `${sqlStringList(d.partitionColumns)} AS partitionColumns`,
    `${sqlStringList(clustering)} AS clusteringColumns`,
    `${sqlBigint(d.files.length)} AS numFiles`,
    `${sqlBigint(size)} AS sizeInBytes`,
    `${sqlStringMap(d.properties)} AS properties`,
    `${d.protocol.minReaderVersion}::INTEGER AS minReaderVersion`,
    `${d.protocol.minWriterVersion}::INTEGER AS minWriterVersion`,
    `${sqlStringList(features)} AS tableFeatures`,
    `${sqlBigint(d.version)} AS version`,
  ].join(', ')}`;
}


/**
 * DESCRIBE DETAIL of a catalog Iceberg table: Delta's columns, filled from the Iceberg metadata
 * (format 'iceberg', id the table uuid, version the current snapshot's sequence number, the
 * protocol columns NULL: Iceberg has format-version instead, shown in properties).
 */
export function icebergDetailSql(relation: IcebergRelation, info: TableInfo): string {
  const m = relation.metadata;
  const totals = icebergTotals(relation);
  const current = m.snapshots.find((s) => s.snapshotId === m.currentSnapshotId);
  return `SELECT ${[
    `'iceberg' AS format`,
    `${sqlString(m.tableUuid ?? info.id)} AS id`,
    `${sqlString(formatName(info))} AS name`,
    `${sqlString(icebergComment(relation))} AS description`,
    `${sqlString(info.location)} AS location`,
    `${sqlTimestampMs(info.createdAt)} AS createdAt`,
    `${sqlTimestampMs(totals.lastModified)} AS lastModified`,
    `${sqlStringList(relation.partitioning)} AS partitionColumns`,
    `${sqlStringList([])} AS clusteringColumns`,
    `${sqlBigint(totals.files)} AS numFiles`,
    `${sqlBigint(totals.bytes)} AS sizeInBytes`,
    `${sqlStringMap(Object.fromEntries(icebergProperties(relation)))} AS properties`,
    `NULL::INTEGER AS minReaderVersion`,
    `NULL::INTEGER AS minWriterVersion`,
    `${sqlStringList([])} AS tableFeatures`,
    `${sqlBigint(current?.sequenceNumber ?? 0)} AS version`,
  ].join(', ')}`;
}

/**
 * DESCRIBE HISTORY of a catalog Iceberg table: one row per snapshot, newest first, in Delta's
 * columns: version is the sequence number, operation the snapshot's, operationMetrics its
 * summary, readVersion the parent's sequence number, operationParameters.snapshotId the id
 * (the one VERSION AS OF takes).
 */
export function icebergHistorySql(relation: IcebergRelation, limit: number | undefined): string {
  const m = relation.metadata;
  const bySnapshot = new Map(m.snapshots.map((s) => [s.snapshotId, s]));
  const snapshots = [...m.snapshots].sort((a, b) => b.sequenceNumber - a.sequenceNumber || b.timestampMs - a.timestampMs).slice(0, limit ?? m.snapshots.length);
  const entries: HistoryEntry[] = snapshots.map((s) => {
    const parent = s.parentSnapshotId === undefined ? undefined : bySnapshot.get(s.parentSnapshotId);
    const { operation, ...metrics } = s.summary;
    return {
      version: s.sequenceNumber,
      timestamp: s.timestampMs,
      operation: (operation ?? 'unknown').toUpperCase(),
      operationParameters: { snapshotId: String(s.snapshotId) },
      ...(parent !== undefined ? { readVersion: parent.sequenceNumber } : {}),
      operationMetrics: metrics,
      commitInfo: {},
      ...(metrics['engine-name'] !== undefined ? { engineInfo: metrics['engine-name'] } : {}),
    };
  });
  return historySql(entries);
}
