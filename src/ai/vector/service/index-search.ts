import type { Catalog } from '../../../catalog/catalog-types.js';
import { LochError } from '../../../core/errors.js';
import type { Row } from '../../../engine/index.js';
import type { SqlValue } from '../../../sql/params.js';
import { sqlIdent } from '../../../sql/sql-text.js';
import type { AiRuntime } from '../../ai-runtime.js';
import { GovernedSql } from '../../governed-sql.js';
import type { LiveIndex } from '../core/live-index.js';
import type { LiveHit } from '../core/live-index-types.js';
import type { QueryType, SearchOptions, VectorQuery, VectorSearchResult } from '../vector-types.js';
import { embedTexts } from './embed-batches.js';
import type { IndexDocument } from './index-document.js';
import { filterSql } from './search-filters.js';
import { keyText } from './source-reader.js';

/** The hidden column carrying each result row's primary key as text. */
const PK_COLUMN = '__loch_vector_pk';
/** How many more candidates than asked for are fetched first, and by how much the fetch grows. */
const OVERFETCH = 4;
/** More than this many keys per read-back query go in several queries. */
const KEYS_PER_QUERY = 1000;

/**
 * One search as `caller`: the query embedded through the index's endpoint with the caller's
 * catalog (EXECUTE needed), candidates from the live index, then the rows read back from the
 * source through the caller's governed SQL (SELECT needed; row filters and column masks apply;
 * `filters` become bound WHERE conditions). Candidates are over-fetched (×4, growing ×4 while
 * filters or row filters drop rows) until `numResults` rows survive or the index is exhausted.
 */
export async function searchIndex(runtime: AiRuntime, caller: Catalog, doc: IndexDocument, index: LiveIndex | undefined, query: VectorQuery, options: SearchOptions = {}): Promise<VectorSearchResult> {
  const k = query.numResults;
  if (!Number.isInteger(k) || k < 0) throw new LochError('INVALID_ARGUMENT', `vector search: num_results must be a non-negative integer (got ${k})`, { context: { numResults: k } });
  const type: QueryType = query.queryType ?? 'ANN';
  const sql = new GovernedSql(runtime.host, caller);
  const source = `${sqlIdent(doc.source.catalog)}.${sqlIdent(doc.source.schema)}.${sqlIdent(doc.source.name)}`;
  const where = await filterWhere(sql, source, query.filters);
  const key = `CAST(${sqlIdent(doc.primaryKey)} AS VARCHAR)`;
  const select: Select = { sql: `SELECT ${query.columns === undefined || query.columns.length === 0 ? '*' : query.columns.map(sqlIdent).join(', ')}, ${key} AS ${PK_COLUMN} FROM ${source}`, key };
  if (k === 0 || index === undefined || index.size === 0) return shape(await sql.rows(`${select.sql} WHERE FALSE`), []);
  const vector = await queryVector(runtime, caller, doc, query, type, options);
  const text = type === 'HYBRID' ? query.queryText : undefined;
  let fetch = Math.min(index.size, k * OVERFETCH);
  for (;;) {
    const hits = index.search({ k: fetch, type, ...(vector === undefined ? {} : { vector }), ...(text === undefined ? {} : { text }) });
    const read = await readRows(sql, select, where, hits);
    if (read.rows.length >= k || fetch >= index.size || hits.length < fetch) return shape(read, hits, k);
    fetch = Math.min(index.size, fetch * OVERFETCH);
  }
}

async function filterWhere(sql: GovernedSql, source: string, filters: VectorQuery['filters']): Promise<{ sql: string; params: SqlValue[] }> {
  if (filters === undefined || Object.keys(filters).length === 0) return { sql: '', params: [] };
  const columns = (await sql.rows(`SELECT * FROM ${source} LIMIT 0`)).columns.map((c) => c.name);
  const f = filterSql(filters, columns);
  return { sql: f.sql === '' ? '' : ` AND (${f.sql})`, params: f.params };
}

async function queryVector(runtime: AiRuntime, caller: Catalog, doc: IndexDocument, query: VectorQuery, type: QueryType, options: SearchOptions): Promise<Float32Array | undefined> {
  if (query.queryVector !== undefined) return Float32Array.from(query.queryVector);
  if (query.queryText === undefined) throw new LochError('INVALID_ARGUMENT', 'vector search: give query_text or query_vector', {});
  if (doc.kind === 'text') {
    const [vector] = await embedTexts(runtime, caller, doc.endpoint ?? '', [query.queryText], { ...options, source: 'api' });
    return vector;
  }
  if (type === 'HYBRID' && doc.textColumn !== undefined) return undefined;
  throw new LochError('INVALID_ARGUMENT', 'vector search: this index holds embeddings computed elsewhere: give query_vector (or query_type HYBRID with a text_column index)', {});
}

/** The read-back SELECT without its WHERE, and the key expression the WHERE matches. */
interface Select {
  readonly sql: string;
  readonly key: string;
}

interface ReadRows {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: Row[];
}

async function readRows(sql: GovernedSql, select: Select, where: { sql: string; params: SqlValue[] }, hits: readonly LiveHit[]): Promise<ReadRows> {
  let columns: ReadRows['columns'] = [];
  const rows: Row[] = [];
  for (let i = 0; i < Math.max(hits.length, 1); i += KEYS_PER_QUERY) {
    const keys = hits.slice(i, i + KEYS_PER_QUERY).map((h) => keyText(h.pk));
    const inList = keys.length === 0 ? 'FALSE' : `${select.key} IN (${keys.map(() => '?').join(', ')})`;
    const result = await sql.rows(`${select.sql} WHERE ${inList}${where.sql}`, [...keys, ...where.params]);
    columns = result.columns;
    rows.push(...result.rows);
  }
  return { columns, rows };
}

/** The read rows in score order (best first, at most `k`), without the key column, with search_score. */
function shape(read: ReadRows, hits: readonly LiveHit[], k = 0): VectorSearchResult {
  const at = read.columns.findIndex((c) => c.name === PK_COLUMN);
  const columns = [...read.columns.filter((_, i) => i !== at), { name: 'search_score', type: 'DOUBLE' }];
  const byKey = new Map<string, Row>();
  for (const row of read.rows) byKey.set(String(row[at]), row);
  const rows: unknown[][] = [];
  for (const hit of hits) {
    if (rows.length >= k) break;
    const row = byKey.get(keyText(hit.pk));
    if (row !== undefined) rows.push([...row.filter((_, i) => i !== at), hit.score]);
  }
  return { columns, rows };
}
