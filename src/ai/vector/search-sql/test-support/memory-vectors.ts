import type { Catalog, ObjectName } from '../../../../catalog/catalog-types.js';
import { LochError } from '../../../../core/errors.js';
import type { ExtensionHost } from '../../../../sql/extension.js';
import { formatName } from '../../../../sql/sql-env.js';
import { GovernedSql } from '../../../governed-sql.js';
import type { SearchOptions, SyncSummary, VectorIndexInfo, VectorIndexService, VectorIndexSpec, VectorQuery, VectorSearchResult } from '../../vector-types.js';

/** What a test declares about an index of the in-memory service. */
export interface MemoryIndex {
  readonly source: ObjectName;
  /** An ARRAY<FLOAT> column (query_vector is scored by cosine) … */
  readonly vectorColumn?: string;
  /** … and/or a text column (query text is scored by the share of query words it holds). */
  readonly textColumn?: string;
  readonly primaryKey: string;
}

/**
 * A small VectorIndexService for tests of the layers that call it (vector_search in SQL, the HTTP
 * API): exact search over the source table read as the caller through GovernedSql (so grants and
 * row filters apply as in the real service), equality filters only, every call recorded. Not an
 * index: it scans the table on every search.
 */
export class MemoryVectors implements VectorIndexService {
  readonly searches: { name: ObjectName; query: VectorQuery; principal: string }[] = [];
  readonly created: { name: ObjectName; spec: VectorIndexSpec }[] = [];
  readonly synced: ObjectName[] = [];
  private readonly indexes = new Map<string, MemoryIndex>();

  constructor(private readonly host: ExtensionHost) {}

  define(name: ObjectName, index: MemoryIndex): void {
    this.indexes.set(formatName(name), index);
  }

  async create(_catalog: Catalog, name: ObjectName, spec: VectorIndexSpec): Promise<{ outcome: 'created' | 'exists' | 'replaced'; sync?: SyncSummary }> {
    if (this.indexes.has(formatName(name))) return { outcome: 'exists' };
    this.created.push({ name, spec });
    this.define(name, { source: spec.source, primaryKey: spec.primaryKey ?? 'id', ...(spec.endpoint === undefined ? { vectorColumn: spec.column } : { textColumn: spec.column }) });
    return { outcome: 'created', sync: { fromVersion: -1, toVersion: 0, upserted: 0, deleted: 0, full: true } };
  }

  async describe(catalog: Catalog, name: ObjectName): Promise<VectorIndexInfo> {
    const index = this.get(name);
    await new GovernedSql(this.host, catalog).rows(`SELECT * FROM ${formatName(index.source)} LIMIT 0`).catch((cause: unknown) => {
      throw new LochError('NOT_FOUND', `vector search: index ${formatName(name)} does not exist`, { cause });
    });
    return this.info(name, index);
  }

  async list(catalog: Catalog, schema: { catalog: string; schema: string }): Promise<VectorIndexInfo[]> {
    const out: VectorIndexInfo[] = [];
    for (const key of this.indexes.keys()) {
      const [c, s, n] = key.split('.') as [string, string, string];
      if (c !== schema.catalog || s !== schema.schema) continue;
      out.push(await this.describe(catalog, { catalog: c, schema: s, name: n }));
    }
    return out;
  }

  async drop(_catalog: Catalog, name: ObjectName): Promise<'dropped' | 'missing'> {
    return this.indexes.delete(formatName(name)) ? 'dropped' : 'missing';
  }

  async sync(_catalog: Catalog, name: ObjectName): Promise<SyncSummary> {
    this.get(name);
    this.synced.push(name);
    return { fromVersion: 0, toVersion: 0, upserted: 0, deleted: 0, full: false };
  }

  async search(catalog: Catalog, name: ObjectName, query: VectorQuery, _options?: SearchOptions): Promise<VectorSearchResult> {
    this.searches.push({ name, query, principal: catalog.actor.name });
    const index = this.get(name);
    const read = await new GovernedSql(this.host, catalog).rows(`SELECT * FROM ${formatName(index.source)}`);
    const names = read.columns.map((c) => c.name);
    const at = (row: readonly unknown[], column: string): unknown => row[names.indexOf(column)];
    const kept = read.rows.filter((row) => Object.entries(query.filters ?? {}).every(([k, v]) => (Array.isArray(v) ? v.includes(at(row, k)) : at(row, k) === v)));
    const scored = kept.map((row) => ({ row, score: score(index, query, (c) => at(row, c)) }));
    scored.sort((a, b) => b.score - a.score);
    const wanted = query.columns ?? names;
    const columns = [...wanted.map((w) => ({ name: w, type: read.columns[names.indexOf(w)]?.type ?? 'VARCHAR' })), { name: 'search_score', type: 'DOUBLE' }];
    return { columns, rows: scored.slice(0, query.numResults).map(({ row, score: s }) => [...wanted.map((w) => at(row, w) ?? null), s]) };
  }

  async close(): Promise<void> {}

  private get(name: ObjectName): MemoryIndex {
    const index = this.indexes.get(formatName(name));
    if (index === undefined) throw new LochError('NOT_FOUND', `vector search: index ${formatName(name)} does not exist`);
    return index;
  }

  private info(name: ObjectName, index: MemoryIndex): VectorIndexInfo {
    const column = index.vectorColumn ?? index.textColumn ?? '';
    return {
      name, owner: 'test', createdAt: 0, createdBy: 'test', source: index.source, column, primaryKey: index.primaryKey,
      kind: index.vectorColumn === undefined ? 'text' : 'embedding', dimensions: 3, metric: 'cosine', pipeline: 'TRIGGERED',
      status: { syncedVersion: 0, rows: 0, state: 'ONLINE' },
    };
  }
}

function score(index: MemoryIndex, query: VectorQuery, value: (column: string) => unknown): number {
  if (query.queryVector !== undefined && index.vectorColumn !== undefined) return cosine(query.queryVector, value(index.vectorColumn) as number[]);
  if (query.queryText === undefined || index.textColumn === undefined) return 0;
  const words = query.queryText.toLowerCase().split(/\W+/).filter((w) => w !== '');
  const text = String(value(index.textColumn) ?? '').toLowerCase();
  return words.length === 0 ? 0 : words.filter((w) => text.includes(w)).length / words.length;
}

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, i) => {
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  });
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
