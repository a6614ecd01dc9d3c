import { mkdtempSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbEngine, DuckDbParquetJsonReader } from '../../../engine/index.js';
import { quoteString } from '../../../expr/to-sql.js';
import { LochError } from '../../../core/errors.js';
import type { ObjectStore } from '../../../storage/object-store.js';
import type { ParquetJsonReader } from '../parquet-port.js';

/**
 * The engine's ParquetJsonReader for format-layer tests (tests may use upper layers; format code
 * may not), over a private engine and file cache, plus a helper to write test checkpoints.
 */
export class DuckDbParquetReader implements ParquetJsonReader {
  private engine: Promise<DuckDbEngine> | undefined;
  private reader: Promise<DuckDbParquetJsonReader> | undefined;
  reads = 0;

  private getEngine(): Promise<DuckDbEngine> {
    this.engine ??= DuckDbEngine.create({ threads: 1 });
    return this.engine;
  }

  private getReader(): Promise<DuckDbParquetJsonReader> {
    this.reader ??= this.getEngine().then((engine) => {
      const dir = mkdtempSync(join(tmpdir(), 'loch-parquet-'));
      return new DuckDbParquetJsonReader({ engine, acquire: (store, key) => wholeFile(store, key, dir) });
    });
    return this.reader;
  }

  async *readJsonRows(store: ObjectStore, key: string, columns?: readonly string[]): AsyncIterable<Record<string, unknown>> {
    this.reads += 1;
    yield* (await this.getReader()).readJsonRows(store, key, columns);
  }

  /** Writes rows of a SELECT to a parquet file through DuckDB, for building test checkpoints. */
  async writeParquet(path: string, selectSql: string): Promise<void> {
    const session = await (await this.getEngine()).session();
    try {
      await session.run(`COPY (${selectSql}) TO ${quoteString(path)} (FORMAT parquet)`);
    } finally {
      await session.close();
    }
  }
}

let copies = 0;

/** A local path for the object: in place when the store has one, else a whole-object copy (one `get`, which tests count). */
async function wholeFile(store: ObjectStore, key: string, dir: string): Promise<{ path: string; release(): void }> {
  const local = store.localPath?.(key);
  if (local !== undefined) return { path: local, release: () => undefined };
  const bytes = await store.get(key);
  if (bytes === undefined) throw new LochError('NOT_FOUND', `parquet reader: ${key} does not exist`, { context: { key } });
  copies += 1;
  const path = join(dir, `copy-${copies}.parquet`);
  await writeFile(path, bytes);
  return { path, release: () => void rm(path, { force: true }) };
}
