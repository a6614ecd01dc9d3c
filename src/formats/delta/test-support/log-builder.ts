import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utf8Encode } from '../../../core/bytes.js';
import type { Clock } from '../../../core/clock.js';
import { FixedClock } from '../../../core/clock.js';
import { quoteIdentifier, quoteString } from '../../../expr/to-sql.js';
import { MemoryStore } from '../../../storage/memory/memory-store.js';
import type { ObjectStore } from '../../../storage/object-store.js';
import { commitKey } from '../log/log-files.js';
import type { DuckDbParquetReader } from './duckdb-parquet-reader.js';

/** Helpers that write hand-made Delta logs into a store for unit tests. */

export type JsonAction = Record<string, unknown>;

export const SIMPLE_SCHEMA = JSON.stringify({
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: true, metadata: {} },
    { name: 'part', type: 'string', nullable: true, metadata: {} },
  ],
});

export function protocol(minReaderVersion = 1, minWriterVersion = 2, features?: { reader?: string[]; writer?: string[] }): JsonAction {
  const p: Record<string, unknown> = { minReaderVersion, minWriterVersion };
  if (features?.reader !== undefined) p['readerFeatures'] = features.reader;
  if (features?.writer !== undefined) p['writerFeatures'] = features.writer;
  return { protocol: p };
}

export function metadata(opts: { schema?: string; partitionColumns?: string[]; configuration?: Record<string, string>; id?: string } = {}): JsonAction {
  return {
    metaData: {
      id: opts.id ?? 'table-id',
      format: { provider: 'parquet', options: {} },
      schemaString: opts.schema ?? SIMPLE_SCHEMA,
      partitionColumns: opts.partitionColumns ?? [],
      configuration: opts.configuration ?? {},
      createdTime: 1,
    },
  };
}

export function add(path: string, extra: Record<string, unknown> = {}): JsonAction {
  return { add: { path, partitionValues: {}, size: 100, modificationTime: 1, dataChange: true, ...extra } };
}

export function remove(path: string, extra: Record<string, unknown> = {}): JsonAction {
  return { remove: { path, deletionTimestamp: 2, dataChange: true, ...extra } };
}

export function commitInfo(extra: Record<string, unknown> = {}): JsonAction {
  return { commitInfo: { timestamp: 1_000, operation: 'WRITE', operationParameters: { mode: 'Append' }, ...extra } };
}

export function ndjson(actions: readonly JsonAction[]): string {
  return actions.map((a) => JSON.stringify(a)).join('\n') + '\n';
}

/**
 * An empty in-memory table root. Every write is stamped by `clock`, so tests that need file
 * mtimes choose them here: `logStore(new FixedClock(10_000, 10_000))` writes at 10 s, 20 s, …
 */
export function logStore(clock: Clock = new FixedClock(1_700_000_000_000, 1_000)): MemoryStore {
  return new MemoryStore('delta-test', { clock });
}

/** Writes one object from text (UTF-8) or bytes. */
export async function putObject(store: ObjectStore, key: string, content: string | Uint8Array): Promise<void> {
  await store.put(key, typeof content === 'string' ? utf8Encode(content) : content);
}

/** Writes `_delta_log/<version>.json`. */
export async function writeCommit(store: ObjectStore, version: number, actions: readonly JsonAction[]): Promise<void> {
  await putObject(store, commitKey(version), ndjson(actions));
}

/** A table with commits 0..n-1: v0 creates it with one file, each later commit adds one file. */
export async function writeSimpleLog(store: ObjectStore, commits: number): Promise<void> {
  await writeCommit(store, 0, [commitInfo({ timestamp: 1000 }), protocol(), metadata(), add('f0.parquet')]);
  for (let v = 1; v < commits; v++) await writeCommit(store, v, [commitInfo({ timestamp: 1000 + v * 1000 }), add(`f${v}.parquet`)]);
}

/** A fresh logStore() holding writeSimpleLog(commits). */
export async function simpleLogStore(commits: number): Promise<MemoryStore> {
  const store = logStore();
  await writeSimpleLog(store, commits);
  return store;
}

/** Deletes commits 0..version-1, as log cleanup does once a checkpoint covers them. */
export async function deleteCommitsBefore(store: ObjectStore, version: number): Promise<void> {
  for (let v = 0; v < version; v++) await store.delete(commitKey(v));
}

const ACTION_COLUMNS = ['txn', 'add', 'remove', 'metaData', 'protocol', 'domainMetadata', 'checkpointMetadata', 'sidecar'];

/**
 * Encodes checkpoint rows (one action object per row) as parquet bytes with DuckDB: each action
 * column is stored as JSON, which reads back through to_json as the same objects.
 */
export async function parquetCheckpointBytes(reader: DuckDbParquetReader, rows: readonly JsonAction[], columns = ACTION_COLUMNS): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'loch-cp-'));
  try {
    const input = join(dir, 'rows.json');
    const output = join(dir, 'cp.parquet');
    await writeFile(input, ndjson(rows));
    const select = columns.map((c) => `json->${quoteString(c)} AS ${quoteIdentifier(c)}`).join(', ');
    await reader.writeParquet(output, `SELECT ${select} FROM read_json_objects(${quoteString(input)})`);
    return new Uint8Array(await readFile(output));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
