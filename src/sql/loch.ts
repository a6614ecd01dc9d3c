import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { systemClock } from '../core/clock.js';
import type { Clock } from '../core/clock.js';
import { LochError, toLochError } from '../core/errors.js';
import { randomIds } from '../core/ids.js';
import type { IdSource } from '../core/ids.js';
import { DuckDbEngine, DuckDbParquetJsonReader } from '../engine/index.js';
import { FileCache } from '../storage/file-cache.js';
import type { OpenStoreOptions } from '../storage/open-store.js';
import type { TableContext } from '../table/context.js';
import { DeltaTable } from '../table/delta-table.js';
import { SqlExecutor } from './executor.js';
import type { StatementResult } from './result.js';

export interface LochOptions {
  /** The embedded warehouse folder; default `./lakehouse`. Holds the file cache. */
  readonly warehouse?: string;
  /** Upper bound of the local cache of remote (S3) files; default 2 GiB. */
  readonly cacheBytes?: number;
  /** DuckDB threads (default: all cores) and memory limit (e.g. '4GB'). */
  readonly threads?: number;
  readonly memoryLimit?: string;
  /** Settings for s3:// locations (the AWS environment variables apply otherwise). */
  readonly storage?: OpenStoreOptions;
  readonly clock?: Clock;
  readonly ids?: IdSource;
}

/** The entry point: SQL over lake tables and the table API, on one embedded DuckDB. */
export class Loch {
  private constructor(
    private readonly ctx: TableContext,
    private readonly executor: SqlExecutor,
    readonly warehouse: string,
  ) {}

  static async open(options: LochOptions = {}): Promise<Loch> {
    const warehouse = resolve(options.warehouse ?? 'lakehouse');
    try {
      await mkdir(join(warehouse, '.cache'), { recursive: true });
    } catch (error) {
      throw toLochError(error, 'STORAGE_ERROR', `loch: cannot create the warehouse folder ${warehouse}`);
    }
    const ids = options.ids ?? randomIds;
    const engine = await DuckDbEngine.create({
      ids,
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      ...(options.memoryLimit !== undefined ? { memoryLimit: options.memoryLimit } : {}),
    });
    const cache = new FileCache({ dir: join(warehouse, '.cache'), ids, ...(options.cacheBytes !== undefined ? { maxBytes: options.cacheBytes } : {}) });
    const parquet = new DuckDbParquetJsonReader({ engine, acquire: (store, key) => cache.acquire(store, key) });
    const ctx: TableContext = {
      engine,
      cache,
      parquet,
      clock: options.clock ?? systemClock,
      ids,
      storeOptions: options.storage ?? {},
      ioConcurrency: 16,
    };
    return new Loch(ctx, new SqlExecutor(ctx), warehouse);
  }

  /** Runs SQL; with several statements, all run in order and the last one's result is returned. */
  async sql(text: string): Promise<StatementResult> {
    let last: StatementResult | undefined;
    for await (const result of this.executor.executeAll(text)) {
      if (last !== undefined) await drain(last);
      last = result;
    }
    if (last === undefined) throw new LochError('INVALID_ARGUMENT', 'sql: the text holds no statement');
    return last;
  }

  /** Each statement's result in turn (the CLI prints them all). Read each before the next. */
  statements(text: string): AsyncIterable<StatementResult> {
    return this.executor.executeAll(text);
  }

  /** A Delta table by path or URL (file, s3://, memory://). */
  async deltaTable(location: string): Promise<DeltaTable> {
    return DeltaTable.open(this.ctx, location);
  }

  async close(): Promise<void> {
    await this.ctx.engine.close();
  }
}

async function drain(result: StatementResult): Promise<void> {
  for await (const _ of result.batches()) {
    // Earlier statements run for their effects; their rows are not returned.
  }
}
