import type { Catalog, ObjectName } from '../../catalog/catalog-types.js';
import type { TraceContext } from '../tracing/trace-types.js';

/**
 * Vector search indexes (Databricks' "Delta Sync" indexes): an index follows one source table,
 * embedding a text column through an embeddings endpoint (or reading a vector column), keeps an
 * HNSW graph (usearch) plus a BM25 keyword index over the text, and is kept in sync from the
 * table's change data feed. Governance: an index is read through its source table. Searching
 * needs SELECT on the source (and USE on its catalog and schema); results are source rows read
 * through the caller's governed SQL, so row filters and column masks apply.
 */

export type VectorMetric = 'cosine' | 'l2' | 'ip';

/** TRIGGERED: synced by `REFRESH VECTOR INDEX` / the sync API; CONTINUOUS: also before each search when the source moved. */
export type PipelineType = 'TRIGGERED' | 'CONTINUOUS';

export type QueryType = 'ANN' | 'HYBRID';

/** What CREATE VECTOR INDEX asks for (before defaults). */
export interface VectorIndexSpec {
  /** The source table (Delta, change data feed enabled). */
  readonly source: ObjectName;
  /** The source column the index is over: text (embedded through `endpoint`) or an ARRAY<FLOAT> of embeddings. */
  readonly column: string;
  /** The source's primary key column (default: the table's single PRIMARY KEY / `id`). */
  readonly primaryKey?: string;
  /** Embeddings endpoint (full name) for a text column; required for text. */
  readonly endpoint?: string;
  readonly metric?: VectorMetric;
  /** HNSW connectivity (M), default 16; expansion at build and search time, default 128 and 64. */
  readonly connectivity?: number;
  readonly expansionAdd?: number;
  readonly expansionSearch?: number;
  readonly pipeline?: PipelineType;
  /** For an embedding column: the text column BM25 (HYBRID) scores; default none (ANN only). */
  readonly textColumn?: string;
  readonly comment?: string;
}

/** The index as the catalog keeps it (definition + sync status). */
export interface VectorIndexInfo {
  readonly name: ObjectName;
  readonly owner: string;
  readonly comment?: string;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly source: ObjectName;
  readonly column: string;
  readonly primaryKey: string;
  readonly kind: 'text' | 'embedding';
  readonly endpoint?: string;
  readonly textColumn?: string;
  readonly dimensions: number;
  readonly metric: VectorMetric;
  readonly pipeline: PipelineType;
  readonly status: VectorIndexStatus;
}

export interface VectorIndexStatus {
  /** The source version the index reflects; -1 before the first sync. */
  readonly syncedVersion: number;
  readonly rows: number;
  readonly lastSyncAt?: number;
  /** ONLINE once synced at least once; FAILED with `message` when the last sync failed. */
  readonly state: 'PROVISIONING' | 'ONLINE' | 'FAILED';
  readonly message?: string;
}

export interface SyncSummary {
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly upserted: number;
  readonly deleted: number;
  /** true when the whole source was read (first sync, rebuild, or the feed no longer covers the gap). */
  readonly full: boolean;
}

/**
 * A search. Filters follow Databricks' `filters_json`: `{"col": v}` (equals; an array means IN),
 * `{"col NOT": v}`, `{"col <": v}` (also `<=`, `>`, `>=`), `{"col LIKE": "pat"}`; combined with AND.
 */
export interface VectorQuery {
  readonly queryText?: string;
  readonly queryVector?: readonly number[];
  readonly numResults: number;
  /** Source columns returned (default every column the caller can read). */
  readonly columns?: readonly string[];
  readonly filters?: Readonly<Record<string, unknown>>;
  readonly queryType?: QueryType;
}

export interface VectorSearchResult {
  /** The requested columns, then `search_score` (higher is closer). */
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly (readonly unknown[])[];
}

export interface SearchOptions {
  readonly signal?: AbortSignal;
  /** The span the RETRIEVER span hangs under. */
  readonly trace?: TraceContext;
  readonly requestId?: string;
}

/** Vector indexes as a service; `catalog` is always the caller's governed catalog. */
export interface VectorIndexService {
  /** Creates and runs the first sync; needs CREATE TABLE on the index's schema and SELECT on the source. */
  create(catalog: Catalog, name: ObjectName, spec: VectorIndexSpec, options?: { readonly ifNotExists?: boolean; readonly orReplace?: boolean }): Promise<{ readonly outcome: 'created' | 'exists' | 'replaced'; readonly sync?: SyncSummary }>;
  /** NOT_FOUND when missing, and when the caller cannot read the source (existence is not leaked). */
  describe(catalog: Catalog, name: ObjectName): Promise<VectorIndexInfo>;
  /** Indexes of a schema whose source the caller can read. */
  list(catalog: Catalog, schema: { readonly catalog: string; readonly schema: string }): Promise<VectorIndexInfo[]>;
  /** The index owner, a schema owner/MANAGE holder, or an admin; files are removed. */
  drop(catalog: Catalog, name: ObjectName, options?: { readonly ifExists?: boolean }): Promise<'dropped' | 'missing'>;
  /** Brings the index to the source's latest version from the change data feed; `full` rebuilds from the table. */
  sync(catalog: Catalog, name: ObjectName, options?: { readonly full?: boolean; readonly signal?: AbortSignal }): Promise<SyncSummary>;
  search(catalog: Catalog, name: ObjectName, query: VectorQuery, options?: SearchOptions): Promise<VectorSearchResult>;
  close(): Promise<void>;
}
