/**
 * The ParquetJsonReader port (delta checkpoints, sidecars) on DuckDB: rows come from DuckDB's
 * to_json, streamed chunk by chunk.
 */
import { LochError, isLochError } from '../../core/errors.js';
import { quoteIdentifier, quoteString } from '../../expr/to-sql.js';
import type { ParquetJsonReader } from '../../formats/delta/parquet-port.js';
import type { ObjectStore } from '../../storage/object-store.js';
import type { DuckDbEngine } from './database.js';
import { formatDuckDbError, isMissingFileError } from './errors.js';
import type { Session } from './session.js';

export interface DuckDbParquetJsonReaderOptions {
  /**
   * Where reads run. With an engine, every read gets its own session (reads may overlap); with a
   * session, reads share it and must not overlap with each other or other statements.
   */
  readonly session?: Session;
  readonly engine?: DuckDbEngine;
  /**
   * A local file holding the object's bytes, kept in place until `release` (the table layer
   * passes its file cache, whose eviction must not remove a file DuckDB is still reading).
   */
  readonly acquire: (store: ObjectStore, key: string) => Promise<{ readonly path: string; release(): void }>;
}

export class DuckDbParquetJsonReader implements ParquetJsonReader {
  constructor(private readonly options: DuckDbParquetJsonReaderOptions) {
    if (!options.session && !options.engine) {
      throw new LochError('INVALID_ARGUMENT', 'parquet json reader: needs a session or an engine');
    }
  }

  async *readJsonRows(store: ObjectStore, key: string, columns?: readonly string[]): AsyncGenerator<Record<string, unknown>> {
    const { path, release } = await this.options.acquire(store, key);
    let own: Session | undefined;
    try {
      own = this.options.session ? undefined : await (this.options.engine as DuckDbEngine).session();
      const session = (this.options.session ?? own) as Session;
      const source = `read_parquet(${quoteString(path)}, hive_partitioning = false, binary_as_string = false)`;
      const present = await this.existingColumns(session, source, columns, store, key);
      if (present.length === 0) {
        yield* this.emptyRows(session, source, store, key);
        return;
      }
      const result = await this.guard(store, key, () => session.query(`SELECT ${rowJsonSql(present)} FROM ${source}`));
      const batches = result.batches()[Symbol.asyncIterator]();
      for (;;) {
        const next = await this.guard(store, key, () => batches.next());
        if (next.done) return;
        for (const row of next.value) yield JSON.parse(row[0] as string) as Record<string, unknown>;
      }
    } finally {
      try {
        await own?.close();
      } finally {
        release();
      }
    }
  }

  /** The requested columns the file has (all its columns without a request). */
  private async existingColumns(session: Session, source: string, wanted: readonly string[] | undefined, store: ObjectStore, key: string): Promise<string[]> {
    const result = await this.guard(store, key, () => session.query(`DESCRIBE SELECT * FROM ${source}`));
    const rows = await this.guard(store, key, () => result.all());
    const present = rows.map((r) => r[0] as string);
    return wanted === undefined ? present : wanted.filter((c) => present.includes(c));
  }

  /** One empty object per row when none of the requested columns exist. */
  private async *emptyRows(session: Session, source: string, store: ObjectStore, key: string) {
    const result = await this.guard(store, key, () => session.query(`SELECT count(*) FROM ${source}`));
    const rows = await this.guard(store, key, () => result.all());
    const count = Number(rows[0]?.[0] ?? 0);
    for (let i = 0; i < count; i += 1) yield {};
  }

  /**
   * Maps DuckDB failures: a missing file is NOT_FOUND, anything else DuckDB says CORRUPT_DATA.
   * Loch's own errors (a closed session, a stream cut off by another statement) pass unchanged.
   */
  private async guard<T>(store: ObjectStore, key: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      const duckdb = isLochError(error) ? error.cause : error;
      if (duckdb === undefined) throw error;
      const context = { store: store.url, key };
      if (isMissingFileError(duckdb)) {
        throw new LochError('NOT_FOUND', `parquet json reader: ${key} in ${store.url} does not exist`, { cause: error, context });
      }
      const detail = formatDuckDbError(duckdb);
      throw new LochError('CORRUPT_DATA', `parquet json reader: ${key} in ${store.url} is not a readable parquet file: ${detail}`, { cause: error, context });
    }
  }
}

/**
 * One JSON object per row holding only its non-null columns. A checkpoint row carries one action
 * in one of many struct columns; rendering the whole row with to_json spends most of the time
 * on the null ones, so each column is rendered only where it is set (the contract allows absent
 * null columns).
 */
function rowJsonSql(columns: readonly string[]): string {
  const parts = columns.map((c) => `CASE WHEN ${quoteIdentifier(c)} IS NOT NULL THEN ${quoteString(`${JSON.stringify(c)}:`)} || to_json(${quoteIdentifier(c)})::VARCHAR END`);
  return `'{' || concat_ws(',', ${parts.join(', ')}) || '}'`;
}
