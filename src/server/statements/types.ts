/**
 * Shapes of the SQL Statement Execution API (Databricks, `/api/2.0/sql/statements`) as Loch
 * serves them. JSON field names are Databricks' snake_case.
 */

export type StatementState = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELED' | 'CLOSED';
export type ResultFormat = 'JSON_ARRAY' | 'ARROW_STREAM' | 'CSV';
export type Disposition = 'INLINE' | 'EXTERNAL_LINKS';

/** One `parameters` entry: `value` always a string (absent = NULL), `type` a SQL type name (default STRING). */
export interface StatementParameter {
  /** Absent for a positional (`?`) parameter. */
  readonly name?: string;
  readonly value?: string;
  readonly type?: string;
}

/** An ExecuteStatementRequest, validated. */
export interface ExecuteRequest {
  readonly statement: string;
  readonly catalog?: string;
  readonly schema?: string;
  readonly parameters: readonly StatementParameter[];
  /** 0 (answer at once) or 5 000–50 000 ms. */
  readonly waitTimeoutMs: number;
  readonly onWaitTimeout: 'CONTINUE' | 'CANCEL';
  readonly disposition: Disposition;
  readonly format: ResultFormat;
  readonly rowLimit?: number;
  readonly byteLimit?: number;
}

/** ColumnInfo of `manifest.schema.columns`. */
export interface ColumnInfoJson {
  readonly name: string;
  readonly position: number;
  readonly type_name: string;
  readonly type_text: string;
  readonly type_precision?: number;
  readonly type_scale?: number;
}

/** Where one chunk sits in the result (ChunkInfo / BaseChunkInfo). */
export interface ChunkInfo {
  readonly chunk_index: number;
  readonly row_offset: number;
  readonly row_count: number;
  /** Bytes of the chunk's body; only for EXTERNAL_LINKS (as Databricks). */
  readonly byte_count?: number;
}

/** Limits of the statement service; every one bounds memory or engine sessions. */
export interface StatementLimits {
  /** Rows per result chunk (default 10 000). */
  readonly chunkRows: number;
  /** Approximate bytes per result chunk (default 4 MiB). */
  readonly chunkBytes: number;
  /** Chunks kept in memory per statement, fetched or not (default 2): older ones are released. */
  readonly retainedChunks: number;
  /** Open statements (running, or holding an unread result) per principal (default 32); more → 429. */
  readonly openPerPrincipal: number;
  /** Open statements over all principals (default 128); more → 429. */
  readonly openTotal: number;
  /** Statements remembered (finished ones are evicted oldest first; default 1 000). */
  readonly maxStatements: number;
  /** An unread result is closed (state CLOSED) after this long without a request (default 15 min). */
  readonly resultIdleMs: number;
  /** A finished statement is forgotten (404) this long after it finished (default 1 h). */
  readonly retentionMs: number;
  /** Lifetime of an external link (default 15 min); each link serves one download. */
  readonly linkTtlMs: number;
}

export const DEFAULT_STATEMENT_LIMITS: StatementLimits = {
  chunkRows: 10_000,
  chunkBytes: 4 * 1024 * 1024,
  retainedChunks: 2,
  openPerPrincipal: 32,
  openTotal: 128,
  maxStatements: 1_000,
  resultIdleMs: 15 * 60_000,
  retentionMs: 60 * 60_000,
  linkTtlMs: 15 * 60_000,
};
