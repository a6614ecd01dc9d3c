import type { ObjectName } from '../../catalog/catalog-types.js';
import { LochError } from '../../core/errors.js';
import type { PipelineType, VectorIndexSpec, VectorMetric } from '../../ai/vector/vector-types.js';
import { indexName } from './index-names.js';

type Json = Readonly<Record<string, unknown>>;

/** A create request read from its body. */
export interface CreateIndexRequest {
  readonly name: ObjectName;
  readonly spec: VectorIndexSpec;
}

/**
 * POST /indexes in Databricks' shape: `name`, `primary_key`, `index_type` 'DELTA_SYNC' (the
 * only kind Loch has; DIRECT_ACCESS is UNSUPPORTED_FEATURE), `delta_sync_index_spec`
 * {source_table, exactly one of embedding_source_columns [{name, embedding_model_endpoint_name}]
 * or embedding_vector_columns [{name, embedding_dimension?}] (one column each), pipeline_type
 * TRIGGERED | CONTINUOUS}. `endpoint_name` and `columns_to_sync` are accepted and ignored (one
 * implicit endpoint; rows are read from the source). Loch's own settings may come in `loch`:
 * {metric, connectivity, expansion_add, expansion_search, text_column, comment}.
 * INVALID_ARGUMENT naming the field for anything malformed.
 */
export function createIndexRequest(body: Json): CreateIndexRequest {
  const name = indexName(body['name'], 'name');
  const type = body['index_type'] ?? 'DELTA_SYNC';
  if (type === 'DIRECT_ACCESS') throw new LochError('UNSUPPORTED_FEATURE', 'vector search: index_type DIRECT_ACCESS is not supported; Loch indexes follow a Delta table (DELTA_SYNC)');
  if (type !== 'DELTA_SYNC') throw invalid('index_type', "must be 'DELTA_SYNC'");
  const sync = objectField(body, 'delta_sync_index_spec', true) as Json;
  const source = indexName(sync['source_table'], 'delta_sync_index_spec.source_table');
  const column = sourceColumn(sync);
  const loch = (objectField(body, 'loch', false) ?? {}) as Json;
  const primaryKey = optionalString(body, 'primary_key', 'primary_key');
  const pipeline = pipelineOf(sync['pipeline_type']);
  const spec: VectorIndexSpec = {
    source,
    column: column.name,
    ...(column.endpoint === undefined ? {} : { endpoint: column.endpoint }),
    ...(primaryKey === undefined ? {} : { primaryKey }),
    ...(pipeline === undefined ? {} : { pipeline }),
    ...lochSettings(loch),
  };
  return { name, spec };
}

function sourceColumn(sync: Json): { name: string; endpoint?: string } {
  const texts = sync['embedding_source_columns'];
  const vectors = sync['embedding_vector_columns'];
  if ((texts === undefined) === (vectors === undefined)) throw invalid('delta_sync_index_spec', 'needs exactly one of embedding_source_columns or embedding_vector_columns');
  const field = texts !== undefined ? 'embedding_source_columns' : 'embedding_vector_columns';
  const list = texts ?? vectors;
  if (!Array.isArray(list) || list.length !== 1 || typeof list[0] !== 'object' || list[0] === null) throw invalid(`delta_sync_index_spec.${field}`, 'must be a list of one column object');
  const entry = list[0] as Json;
  const name = optionalString(entry, 'name', `delta_sync_index_spec.${field}[0].name`);
  if (name === undefined) throw invalid(`delta_sync_index_spec.${field}[0].name`, 'is required');
  if (texts === undefined) return { name };
  const endpoint = optionalString(entry, 'embedding_model_endpoint_name', `delta_sync_index_spec.${field}[0].embedding_model_endpoint_name`);
  if (endpoint === undefined) throw invalid(`delta_sync_index_spec.${field}[0].embedding_model_endpoint_name`, 'is required for a text column');
  return { name, endpoint };
}

function pipelineOf(value: unknown): PipelineType | undefined {
  if (value === undefined || value === null) return undefined;
  const upper = typeof value === 'string' ? value.toUpperCase() : value;
  if (upper !== 'TRIGGERED' && upper !== 'CONTINUOUS') throw invalid('delta_sync_index_spec.pipeline_type', "must be 'TRIGGERED' or 'CONTINUOUS'");
  return upper;
}

function lochSettings(loch: Json): Partial<VectorIndexSpec> {
  const metric = loch['metric'];
  if (metric !== undefined && metric !== 'cosine' && metric !== 'l2' && metric !== 'ip') throw invalid('loch.metric', "must be 'cosine', 'l2' or 'ip'");
  const int = (key: string): number | undefined => {
    const v = loch[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw invalid(`loch.${key}`, 'must be a positive integer');
    return v;
  };
  const pairs: [keyof VectorIndexSpec, unknown][] = [
    ['metric', metric as VectorMetric | undefined],
    ['connectivity', int('connectivity')],
    ['expansionAdd', int('expansion_add')],
    ['expansionSearch', int('expansion_search')],
    ['textColumn', optionalString(loch, 'text_column', 'loch.text_column')],
    ['comment', optionalString(loch, 'comment', 'loch.comment')],
  ];
  return Object.fromEntries(pairs.filter(([, v]) => v !== undefined)) as Partial<VectorIndexSpec>;
}

function objectField(body: Json, key: string, required: boolean): Json | undefined {
  const value = body[key];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(key, required ? 'is required and must be an object' : 'must be an object');
  return value as Json;
}

function optionalString(body: Json, key: string, field: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw invalid(field, 'must be a non-empty string');
  return value.trim();
}

function invalid(field: string, why: string): LochError {
  return new LochError('INVALID_ARGUMENT', `vector search: ${field} ${why}`, { context: { field } });
}
