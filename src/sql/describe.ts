import type { HistoryEntry } from '../formats/delta/history.js';
import type { TableSnapshot } from '../table/delta-table.js';
import { sqlBigint, sqlString, sqlStringList, sqlStringMap, sqlTimestampMs } from './sql-text.js';
import { clusteringColumns } from './catalog/table-source.js';

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

