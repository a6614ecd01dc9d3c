/**
 * The DuckDB database behind Loch: one in-memory instance per engine, sessions are connections.
 * This folder is the only importer of @duckdb/node-api.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { LochError } from '../../core/errors.js';
import { randomIds, type IdSource } from '../../core/ids.js';
import { duckDbError } from './errors.js';
import { registerIcebergFunctions } from './iceberg-functions.js';
import { DescribeCache, Session } from './session.js';

export interface EngineOptions {
  /** Worker threads (DuckDB default: the number of cores). */
  readonly threads?: number;
  /** DuckDB memory limit, e.g. '4GB' (default: 80% of RAM). */
  readonly memoryLimit?: string;
  /** Where DuckDB spills when memory runs out. */
  readonly tempDir?: string;
  /**
   * Keep parquet footers in memory between queries (default true). Scans over many files bind
   * every query anew; without the cache each bind reads every footer again. DuckDB re-reads a
   * footer when the file changed, so the cache only matters for speed.
   */
  readonly parquetMetadataCache?: boolean;
  /** Source of the unique parts of TEMP object names (default: random UUIDs). */
  readonly ids?: IdSource;
}

export class DuckDbEngine {
  private readonly sessions = new Set<Session>();
  private readonly describeCache: DescribeCache = new DescribeCache();
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly ids: IdSource,
    /** Set for a scope: sessions register with the parent too, and the instance is the parent's. */
    private readonly parent?: DuckDbEngine,
  ) {
    if (parent !== undefined) this.describeCache = parent.describeCache;
  }

  /**
   * A view of this engine whose `interrupt()` and `progress()` see only the sessions opened
   * through it (the engine's own still see them all): one per server session, so a cancel
   * request stops that client's statement and nobody else's. Closing a scope closes its
   * sessions, never the database.
   */
  scope(): DuckDbEngine {
    return new DuckDbEngine(this.instance, this.ids, this);
  }

  /** Sessions open now (through this engine or scope): for leak checks. */
  get openSessions(): number {
    return this.sessions.size;
  }

  /**
   * Opens an in-memory DuckDB. Extensions are never downloaded (parquet, json and icu are built
   * in and load on use); the time zone is UTC for every session, so TIMESTAMPTZ values render
   * and cast the same on every machine. Bad options throw INVALID_ARGUMENT.
   */
  static async create(opts: EngineOptions = {}): Promise<DuckDbEngine> {
    const config: Record<string, string> = {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'true',
    };
    if (opts.threads !== undefined) config['threads'] = String(opts.threads);
    if (opts.memoryLimit !== undefined) config['memory_limit'] = opts.memoryLimit;
    if (opts.tempDir !== undefined) config['temp_directory'] = opts.tempDir;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(':memory:', config);
    } catch (error) {
      throw duckDbError(error, 'INVALID_ARGUMENT', 'engine');
    }
    // TimeZone cannot go into the start-up config: it needs icu, which loads only on first use.
    const setup = await instance.connect();
    try {
      await setup.run(`SET GLOBAL TimeZone = 'UTC'`);
      await setup.run(`SET GLOBAL parquet_metadata_cache = ${opts.parquetMetadataCache === false ? 'false' : 'true'}`);
      registerIcebergFunctions(setup);
    } catch (error) {
      instance.closeSync();
      throw duckDbError(error, 'INTERNAL', 'engine');
    } finally {
      setup.closeSync();
    }
    return new DuckDbEngine(instance, opts.ids ?? randomIds);
  }

  /** A new session (its own connection, TEMP objects and open stream). */
  async session(): Promise<Session> {
    if (this.closed || this.parent?.closed === true) throw new LochError('INVALID_ARGUMENT', 'engine: the DuckDB engine is closed');
    const connection = await this.instance.connect();
    // Progress is measured (for `progress()`) but never drawn by DuckDB; both settings are per connection.
    try {
      await connection.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
    } catch (error) {
      connection.closeSync();
      throw duckDbError(error, 'INTERNAL', 'engine');
    }
    const session = new Session(
      connection,
      this.ids,
      (s) => {
        this.sessions.delete(s);
        this.parent?.sessions.delete(s);
      },
      this.describeCache,
    );
    this.sessions.add(session);
    this.parent?.sessions.add(session);
    return session;
  }

  /**
   * How far the statements running now have come, 0–100: the largest of DuckDB's estimates over
   * the open sessions, or undefined when nothing running reports progress (DuckDB gives none for
   * some plans, e.g. over `range()`). Safe to call while statements run; for progress displays.
   */
  /**
   * Asks DuckDB to stop every statement running on the open sessions; each fails with SQL_ERROR
   * "Interrupted". Safe for writes: a Loch commit is one put-if-absent after DuckDB is done, so
   * an interrupted write leaves the table at its last version.
   */
  interrupt(): void {
    for (const session of this.sessions) session.interrupt();
  }

  progress(): number | undefined {
    let best: number | undefined;
    for (const session of this.sessions) {
      const p = session.progress();
      if (p !== undefined && (best === undefined || p > best)) best = p;
    }
    return best;
  }

  /** Closes every open session and the database. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const session of [...this.sessions]) await session.close();
    if (this.parent === undefined) this.instance.closeSync();
  }
}
