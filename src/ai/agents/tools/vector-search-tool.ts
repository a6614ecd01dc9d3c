import type { ObjectName } from '../../../catalog/catalog-types.js';
import { LochError } from '../../../core/errors.js';
import type { VectorIndexInfo, VectorIndexService } from '../../vector/vector-types.js';
import { jsonValue, toolName, type AgentTool, type ToolRun } from './agent-tool.js';

/** Rows a search returns unless the tool reference or the model asks otherwise. */
export const DEFAULT_SEARCH_RESULTS = 5;
const MAX_SEARCH_RESULTS = 20;

/**
 * vector_search over one index as a tool (`'vector_search:c.s.idx'`), named `search_<index>`.
 * The search runs through the vector service with the caller's catalog (SELECT on the source,
 * row filters and masks apply; a refusal comes back to the model as the tool's error). Every
 * row returned becomes a Citation; the model sees `[n] {row}` lines and is asked to cite `[n]`.
 */
export function vectorSearchTool(vectors: VectorIndexService, index: string, numResults = DEFAULT_SEARCH_RESULTS): AgentTool {
  const name = toolName(`search_${index.split('.').pop() ?? index}`);
  return {
    name,
    spanType: 'RETRIEVER',
    definition: {
      type: 'function',
      function: {
        name,
        description: `Searches the documents of the vector index ${index} for passages relevant to a question (semantic and keyword search). Returns the best rows, each numbered [n]; cite the numbers of the rows you use.`,
        parameters: {
          type: 'object',
          properties: {
            query: { type: 'string', description: 'What to look for, in natural language.' },
            num_results: { type: 'integer', description: `How many rows to return (default ${numResults}, at most ${MAX_SEARCH_RESULTS}).` },
          },
          required: ['query'],
          additionalProperties: false,
        },
      },
    },
    run: (args, run) => search(vectors, index, numResults, args, run),
  };
}

async function search(vectors: VectorIndexService, index: string, defaultK: number, args: Readonly<Record<string, unknown>>, run: ToolRun): Promise<string> {
  const query = args['query'];
  if (typeof query !== 'string' || query.trim() === '') throw new LochError('INVALID_ARGUMENT', `agents: vector search tool ${index}: argument query must be a non-empty string`);
  const asked = args['num_results'];
  const k = typeof asked === 'number' && Number.isInteger(asked) && asked > 0 ? Math.min(asked, MAX_SEARCH_RESULTS) : defaultK;
  const name = objectName(index);
  const info = await vectors.describe(run.catalog, name);
  const result = await vectors.search(run.catalog, name, { queryText: query, numResults: k, queryType: info.kind === 'text' || info.textColumn !== undefined ? 'HYBRID' : 'ANN' }, {
    trace: run.trace,
    ...(run.signal === undefined ? {} : { signal: run.signal }),
    ...(run.requestId === undefined ? {} : { requestId: run.requestId }),
  });
  const names = result.columns.map((c) => c.name);
  const lines = result.rows.map((row) => {
    const record = Object.fromEntries(names.map((n, i) => [n, jsonValue(row[i])]));
    const marker = run.cite(`vector_search:${index}`, idOf(record, info), textOf(record, info));
    return `[${marker}] ${JSON.stringify(record)}`;
  });
  return lines.length === 0 ? 'No rows matched.' : lines.join('\n');
}

function idOf(record: Readonly<Record<string, unknown>>, info: VectorIndexInfo): string {
  const value = record[info.primaryKey];
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}

function textOf(record: Readonly<Record<string, unknown>>, info: VectorIndexInfo): string {
  const column = info.kind === 'text' ? info.column : info.textColumn;
  const value = column === undefined ? undefined : record[column];
  if (typeof value === 'string') return value;
  const { search_score: _score, ...rest } = record;
  void _score;
  return JSON.stringify(rest);
}

function objectName(full: string): ObjectName {
  const [catalog = '', schema = '', name = ''] = full.split('.');
  return { catalog, schema, name };
}
