import { LochError } from '../../../core/errors.js';
import type { Span } from '../../functions/sql-structure.js';
import type { QueryType, VectorQuery } from '../vector-types.js';
import { parseFilters } from './filters-json.js';
import type { VectorSearchCall } from './search-calls.js';

/** Positional order, as Databricks' vector_search takes them. */
export const POSITIONAL = ['index', 'query', 'num_results', 'query_type'] as const;
/** Every argument name; `filters_json` is an alias of `filters`. */
export const ARGUMENTS = ['index', 'query', 'query_text', 'query_vector', 'num_results', 'filters', 'filters_json', 'query_type', 'columns'] as const;

export const DEFAULT_RESULTS = 10;
export const MAX_RESULTS = 10_000;

/** The value of a constant argument as parsed JSON (CallContext.constant's contract). */
export type ConstantOf = (span: Span, what: string) => Promise<unknown>;

/** A vector_search call's arguments, evaluated and checked. */
export interface SearchArguments {
  /** The index name as written (1–3 dotted parts). */
  readonly index: string;
  readonly query: VectorQuery;
}

/**
 * Evaluates a call's arguments (all constants) and checks them: the index name, exactly one of
 * query / query_text (text) and/or query_vector, num_results (default 10, 0 – 10000), filters
 * (JSON text or a map/struct, see parseFilters), query_type ANN | HYBRID (HYBRID needs text) and
 * columns (distinct names). INVALID_ARGUMENT naming the argument for anything else.
 */
export async function searchArguments(call: VectorSearchCall, constant: ConstantOf): Promise<SearchArguments> {
  const spans = argumentSpans(call);
  const value = async (name: string): Promise<unknown> => {
    const span = spans.get(name);
    return span === undefined ? undefined : ((await constant(span, `vector_search: ${name}`)) ?? undefined);
  };
  const index = await value('index');
  if (typeof index !== 'string' || index.trim() === '') throw invalid('index', "must name the index as a string, e.g. index => 'main.default.docs_index'");
  const query = await value('query');
  const queryText = await value('query_text');
  if (query !== undefined && queryText !== undefined) throw invalid('query', 'and query_text are the same argument; give one');
  const text = textArgument(query ?? queryText, query !== undefined ? 'query' : 'query_text');
  const vector = vectorArgument(await value('query_vector'));
  if (text === undefined && vector === undefined) throw invalid('query', "is missing: give query => 'text' or query_vector => array(…)");
  const queryType = queryTypeArgument(await value('query_type'));
  if (queryType === 'HYBRID' && text === undefined) throw invalid('query_type', "HYBRID needs query text (query => '…') for its keyword part");
  const columns = columnsArgument(await value('columns'));
  const filters = parseFilters(await value('filters'), 'vector_search: filters');
  return {
    index: index.trim(),
    query: {
      numResults: numResultsArgument(await value('num_results')),
      ...(text === undefined ? {} : { queryText: text }),
      ...(vector === undefined ? {} : { queryVector: vector }),
      ...(queryType === undefined ? {} : { queryType }),
      ...(columns === undefined ? {} : { columns }),
      ...(filters === undefined ? {} : { filters }),
    },
  };
}

/** Positional and named arguments by name; too many, unknown, repeated or a missing index are errors. */
function argumentSpans(call: VectorSearchCall): Map<string, Span> {
  if (call.positional.length > POSITIONAL.length) {
    throw new LochError('INVALID_ARGUMENT', `vector search: vector_search takes at most ${POSITIONAL.length} positional arguments (${POSITIONAL.join(', ')}), got ${call.positional.length}; name the others (filters => …, columns => …)`);
  }
  const twice = call.repeated[0];
  if (twice !== undefined) throw invalid(twice, 'is given twice');
  const spans = new Map<string, Span>();
  call.positional.forEach((span, i) => spans.set(POSITIONAL[i] as string, span));
  for (const [name, span] of call.named) {
    const canonical = name === 'filters_json' ? 'filters' : name;
    if (!(ARGUMENTS as readonly string[]).includes(name)) throw invalid(name, `is not an argument of vector_search (arguments: ${ARGUMENTS.join(', ')})`);
    if (spans.has(canonical)) throw invalid(canonical, 'is given twice');
    spans.set(canonical, span);
  }
  if (!spans.has('index')) throw invalid('index', "is missing: vector_search(index => 'catalog.schema.index', query => '…', num_results => 10)");
  return spans;
}

function textArgument(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(name, 'must be a string');
  return value;
}

function vectorArgument(value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  const ok = Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!ok) throw invalid('query_vector', 'must be a non-empty array of finite numbers, e.g. array(0.1, 0.2, 0.3)');
  return value as number[];
}

function numResultsArgument(value: unknown): number {
  if (value === undefined) return DEFAULT_RESULTS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_RESULTS) throw invalid('num_results', `must be an integer from 0 to ${MAX_RESULTS} (got ${JSON.stringify(value)})`);
  return value;
}

function queryTypeArgument(value: unknown): QueryType | undefined {
  if (value === undefined) return undefined;
  const upper = typeof value === 'string' ? value.trim().toUpperCase() : undefined;
  if (upper !== 'ANN' && upper !== 'HYBRID') throw invalid('query_type', `must be 'ANN' or 'HYBRID' (got ${JSON.stringify(value)})`);
  return upper;
}

function columnsArgument(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  const ok = Array.isArray(list) && list.length > 0 && list.every((v) => typeof v === 'string' && v.trim() !== '');
  if (!ok) throw invalid('columns', "must be a non-empty array of column names, e.g. array('id', 'text')");
  const names = (list as string[]).map((n) => n.trim());
  if (new Set(names.map((n) => n.toLowerCase())).size !== names.length) throw invalid('columns', 'names a column twice');
  return names;
}

function invalid(argument: string, why: string): LochError {
  return new LochError('INVALID_ARGUMENT', `vector search: vector_search argument ${argument} ${why}`, { context: { function: 'vector_search', argument } });
}
