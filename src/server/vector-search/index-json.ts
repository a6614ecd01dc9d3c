import type { VectorIndexInfo } from '../../ai/vector/vector-types.js';
import { fullName } from './index-names.js';

/** Loch has no vector-search endpoints to manage: every index is reported under this one. */
export const LOCH_ENDPOINT = 'loch';

/**
 * An index in the shape of Databricks' `VectorIndex` (GET /indexes/{name}, create's answer):
 * name, endpoint_name, primary_key, index_type DELTA_SYNC, creator, delta_sync_index_spec
 * (source_table, pipeline_type, embedding_source_columns or embedding_vector_columns) and
 * status (ready, detailed_state, indexed_row_count, message). What Databricks has no field for
 * (owner, metric, synced version, last sync time, comment, text column) is under `loch`.
 */
export function indexJson(info: VectorIndexInfo): Record<string, unknown> {
  return {
    ...miniIndexJson(info),
    delta_sync_index_spec: {
      source_table: fullName(info.source),
      pipeline_type: info.pipeline,
      ...(info.kind === 'text'
        ? { embedding_source_columns: [{ name: info.column, embedding_model_endpoint_name: info.endpoint ?? null }] }
        : { embedding_vector_columns: [{ name: info.column, embedding_dimension: info.dimensions }] }),
    },
    status: {
      ready: info.status.state === 'ONLINE',
      detailed_state: detailedState(info.status.state),
      indexed_row_count: info.status.rows,
      message: info.status.message ?? (info.status.state === 'ONLINE' ? `index is online at source version ${info.status.syncedVersion}` : `index is ${info.status.state.toLowerCase()}`),
    },
    loch: {
      owner: info.owner,
      metric: info.metric,
      dimensions: info.dimensions,
      synced_version: info.status.syncedVersion,
      created_at: new Date(info.createdAt).toISOString(),
      ...(info.status.lastSyncAt === undefined ? {} : { last_sync_time: new Date(info.status.lastSyncAt).toISOString() }),
      ...(info.textColumn === undefined ? {} : { text_column: info.textColumn }),
      ...(info.comment === undefined ? {} : { comment: info.comment }),
    },
  };
}

/** Databricks' `MiniVectorIndex`, one entry of GET /indexes. */
export function miniIndexJson(info: VectorIndexInfo): Record<string, unknown> {
  return { name: fullName(info.name), endpoint_name: LOCH_ENDPOINT, primary_key: info.primaryKey, index_type: 'DELTA_SYNC', creator: info.createdBy };
}

function detailedState(state: VectorIndexInfo['status']['state']): string {
  if (state === 'ONLINE') return 'ONLINE_NO_PENDING_UPDATE';
  if (state === 'FAILED') return 'OFFLINE_FAILED';
  return 'PROVISIONING_INITIAL_SNAPSHOT';
}
