import type { Clock } from '../core/clock.js';
import type { IdSource } from '../core/ids.js';
import type { DuckDbEngine } from '../engine/index.js';
import type { ParquetJsonReader } from '../formats/delta/parquet-port.js';
import type { FileCache } from '../storage/file-cache.js';
import type { OpenStoreOptions } from '../storage/open-store.js';

/**
 * Everything the table layer needs from below, built once per Loch instance: the engine, the
 * file cache that gives DuckDB local copies of remote objects, the parquet port the Delta log
 * reader uses for checkpoints, and the injected clock and ids.
 */
export interface TableContext {
  readonly engine: DuckDbEngine;
  readonly cache: FileCache;
  readonly parquet: ParquetJsonReader;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly storeOptions: OpenStoreOptions;
  /** Parallel object reads (DVs, heads, downloads) during planning. */
  readonly ioConcurrency: number;
}
