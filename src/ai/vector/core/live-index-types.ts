import type { QueryType, VectorMetric } from '../vector-types.js';

/** How one in-memory index is built (fixed for its life; stored in its base file). */
export interface LiveIndexOptions {
  readonly dimensions: number;
  readonly metric: VectorMetric;
  /** HNSW connectivity (M); default 16. */
  readonly connectivity?: number;
  /** Candidate list size while inserting; default 128. */
  readonly expansionAdd?: number;
  /** Candidate list size while searching (raised to at least k per search); default 64. */
  readonly expansionSearch?: number;
  /** Keep a BM25 keyword index over the rows' `text` (needed for HYBRID); default false. */
  readonly keyword?: boolean;
}

/** One source row as the index holds it: its primary key (JSON of the pk value), vector, and text for BM25. */
export interface LiveRow {
  readonly pk: string;
  readonly vector: Float32Array;
  readonly text?: string;
}

export interface LiveSearch {
  /** Needed for ANN; for HYBRID at least one of vector and text. */
  readonly vector?: Float32Array;
  readonly text?: string;
  readonly k: number;
  readonly type: QueryType;
  /** Overrides the index's expansionSearch for this call (still at least k). */
  readonly expansionSearch?: number;
}

/**
 * A hit. `score` is higher-is-closer: cosine → 1 − distance (cosine similarity), ip → the dot
 * product, l2 → 1 / (1 + squared distance). HYBRID scores are reciprocal-rank-fusion sums (k = 60)
 * and are only comparable within one result.
 */
export interface LiveHit {
  readonly pk: string;
  readonly score: number;
}
