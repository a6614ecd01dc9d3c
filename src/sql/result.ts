import type { QueryResult, Session } from '../engine/index.js';
import type { Row } from '../engine/index.js';
import type { ScanSummary } from './bind-lake-refs.js';

/**
 * A statement's result. Rows stream in batches and can be read once; the DuckDB session, the
 * temp tables of lake scans and the pinned cache files are released when reading ends (or on
 * `close()` for a result that is abandoned).
 */
export interface StatementResult {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  batches(): AsyncIterable<Row[]>;
  all(): Promise<Row[]>;
  close(): Promise<void>;
  /** One entry per lake table the statement read: version, files in the snapshot, files pruned. */
  readonly scans: readonly ScanSummary[];
}

export function ownedResult(result: QueryResult, session: Session, releases: readonly (() => void)[], scans: readonly ScanSummary[] = []): StatementResult {
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    try {
      await session.close();
    } finally {
      releases.forEach((r) => r());
    }
  };
  async function* batches(): AsyncGenerator<Row[]> {
    try {
      yield* result.batches();
    } finally {
      await close();
    }
  }
  return {
    columns: result.columns,
    scans,
    batches,
    all: async () => {
      const out: Row[] = [];
      for await (const rows of batches()) for (const row of rows) out.push(row);
      return out;
    },
    close,
  };
}
