import { LochError } from '../../core/errors.js';
import { parseFilters } from '../../ai/vector/search-sql/filters-json.js';
import { DEFAULT_RESULTS, MAX_RESULTS } from '../../ai/vector/search-sql/search-arguments.js';
import type { QueryType, VectorQuery, VectorSearchResult } from '../../ai/vector/vector-types.js';

type Json = Readonly<Record<string, unknown>>;

/** A query request: the search, plus Databricks' score_threshold applied to the results. */
export interface QueryIndexRequest {
  readonly query: VectorQuery;
  readonly scoreThreshold?: number;
}

/**
 * POST /indexes/{name}/query in Databricks' shape: `columns` (optional in Loch: default every
 * column the caller can read), `query_text` and/or `query_vector`, `num_results` (default 10, at
 * most 10000), `filters_json` (JSON text or object; see parseFilters), `query_type` ANN | HYBRID,
 * `score_threshold`. INVALID_ARGUMENT naming the field for anything malformed.
 */
export function queryIndexRequest(body: Json): QueryIndexRequest {
  const text = body['query_text'];
  if (text !== undefined && text !== null && typeof text !== 'string') throw invalid('query_text', 'must be a string');
  const vector = vectorOf(body['query_vector']);
  const queryText = typeof text === 'string' ? text : undefined;
  if (queryText === undefined && vector === undefined) throw invalid('query_text', 'or query_vector is required');
  const queryType = queryTypeOf(body['query_type']);
  if (queryType === 'HYBRID' && queryText === undefined) throw invalid('query_type', 'HYBRID needs query_text for its keyword part');
  const columns = columnsOf(body['columns']);
  const filters = parseFilters(body['filters_json'], 'filters_json');
  const threshold = body['score_threshold'];
  if (threshold !== undefined && threshold !== null && (typeof threshold !== 'number' || !Number.isFinite(threshold))) throw invalid('score_threshold', 'must be a number');
  const query: VectorQuery = {
    numResults: numResultsOf(body['num_results']),
    ...(queryText === undefined ? {} : { queryText }),
    ...(vector === undefined ? {} : { queryVector: vector }),
    ...(queryType === undefined ? {} : { queryType }),
    ...(columns === undefined ? {} : { columns }),
    ...(filters === undefined ? {} : { filters }),
  };
  return { query, ...(typeof threshold === 'number' ? { scoreThreshold: threshold } : {}) };
}

/**
 * The answer of a query in Databricks' shape: `manifest` {column_count, columns [{name, type}]}
 * and `result` {row_count, data_array}, the score last and named `score` as Databricks names it
 * (SQL names it search_score). Rows below `scoreThreshold` are left out. Values are JSON:
 * 64-bit integers as numbers when exact, else strings; binary as base64.
 */
export function queryResponse(result: VectorSearchResult, scoreThreshold?: number): Record<string, unknown> {
  const last = result.columns.length - 1;
  const columns = result.columns.map((c, i) => ({ name: i === last && c.name === 'search_score' ? 'score' : c.name, type: c.type }));
  const rows = result.rows.filter((row) => scoreThreshold === undefined || Number(row[last]) >= scoreThreshold);
  return {
    manifest: { column_count: columns.length, columns },
    result: { row_count: rows.length, data_array: rows.map((row) => row.map(jsonValue)) },
  };
}

function jsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(jsonValue);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]));
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value ?? null;
}

function vectorOf(value: unknown): number[] | undefined {
  if (value === undefined || value === null) return undefined;
  const ok = Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!ok) throw invalid('query_vector', 'must be a non-empty list of finite numbers');
  return value as number[];
}

function numResultsOf(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_RESULTS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_RESULTS) throw invalid('num_results', `must be an integer from 0 to ${MAX_RESULTS}`);
  return value;
}

function queryTypeOf(value: unknown): QueryType | undefined {
  if (value === undefined || value === null) return undefined;
  const upper = typeof value === 'string' ? value.toUpperCase() : undefined;
  if (upper !== 'ANN' && upper !== 'HYBRID') throw invalid('query_type', "must be 'ANN' or 'HYBRID'");
  return upper;
}

function columnsOf(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const ok = Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v.trim() !== '');
  if (!ok) throw invalid('columns', 'must be a non-empty list of column names');
  const names = (value as string[]).map((n) => n.trim());
  if (new Set(names.map((n) => n.toLowerCase())).size !== names.length) throw invalid('columns', 'names a column twice');
  return names;
}

function invalid(field: string, why: string): LochError {
  return new LochError('INVALID_ARGUMENT', `vector search: ${field} ${why}`, { context: { field } });
}
