import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { LochError } from '../../../core/errors.js';
import { quoteIdentifier, quoteString } from '../../../expr/to-sql.js';
import type { ObjectStore } from '../../../storage/object-store.js';
import type { ParquetJsonReader } from '../parquet-port.js';

/**
 * Test double of the ParquetJsonReader port using DuckDB directly (production code under
 * src/formats never imports DuckDB; the engine layer owns the real implementation). Objects with
 * a local path are read in place; others are copied to a temp file first.
 */
export class DuckDbParquetReader implements ParquetJsonReader {
  private connection: Promise<DuckDBConnection> | undefined;
  reads = 0;

  private connect(): Promise<DuckDBConnection> {
    this.connection ??= DuckDBInstance.create(':memory:').then((instance) => instance.connect());
    return this.connection;
  }

  private async localFile(store: ObjectStore, key: string): Promise<{ path: string; cleanup: () => Promise<void> }> {
    const local = store.localPath?.(key);
    if (local !== undefined) {
      try {
        await stat(local);
      } catch {
        throw new LochError('NOT_FOUND', `parquet reader: ${key} does not exist`, { context: { key } });
      }
      return { path: local, cleanup: async () => undefined };
    }
    const bytes = await store.get(key);
    if (bytes === undefined) throw new LochError('NOT_FOUND', `parquet reader: ${key} does not exist`, { context: { key } });
    const dir = await mkdtemp(join(tmpdir(), 'loch-parquet-'));
    const path = join(dir, 'file.parquet');
    await writeFile(path, bytes);
    return { path, cleanup: () => rm(dir, { recursive: true, force: true }) };
  }

  private async query(path: string, key: string, columns: readonly string[] | undefined): Promise<Record<string, unknown>[]> {
    const connection = await this.connect();
    const source = `read_parquet(${quoteString(path)})`;
    try {
      let projection = '*';
      if (columns !== undefined) {
        const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
        const present = new Set(described.getRowObjectsJson().map((r) => String(r['column_name'])));
        const wanted = columns.filter((c) => present.has(c));
        if (wanted.length === 0) {
          // The port yields every row even when none of the asked-for columns exist.
          const counted = await connection.runAndReadAll(`SELECT count(*) FROM ${source}`);
          return Array.from({ length: Number(counted.getRows()[0]?.[0] ?? 0) }, () => ({}));
        }
        projection = wanted.map(quoteIdentifier).join(', ');
      }
      const reader = await connection.runAndReadAll(`SELECT to_json(t) AS j FROM (SELECT ${projection} FROM ${source}) t`);
      return reader.getRows().map((row) => JSON.parse(String(row[0])) as Record<string, unknown>);
    } catch (error) {
      throw new LochError('CORRUPT_DATA', `parquet reader: ${key} is not a readable parquet file`, { cause: error, context: { key } });
    }
  }

  async *readJsonRows(store: ObjectStore, key: string, columns?: readonly string[]): AsyncIterable<Record<string, unknown>> {
    this.reads += 1;
    const file = await this.localFile(store, key);
    try {
      yield* await this.query(file.path, key, columns);
    } finally {
      await file.cleanup();
    }
  }

  /** Writes rows (JSON objects) to a parquet file through DuckDB, for building test checkpoints. */
  async writeParquet(path: string, selectSql: string): Promise<void> {
    const connection = await this.connect();
    await connection.runAndReadAll(`COPY (${selectSql}) TO ${quoteString(path)} (FORMAT parquet)`);
  }
}
