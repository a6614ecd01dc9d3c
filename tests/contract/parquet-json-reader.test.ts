import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbEngine, DuckDbParquetJsonReader } from '../../src/engine/index.js';
import { DuckDbParquetReader } from '../../src/formats/delta/test-support/duckdb-parquet-reader.js';
import { FileCache } from '../../src/storage/file-cache.js';
import { LocalStore } from '../../src/storage/local/local-store.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import type { ObjectStore } from '../../src/storage/object-store.js';
import { parquetJsonReaderContract } from './parquet-json-reader.contract.js';

async function engineReader(store: (dir: string) => ObjectStore) {
  const dir = await mkdtemp(join(tmpdir(), 'loch-pjr-'));
  const engine = await DuckDbEngine.create();
  const cache = new FileCache({ dir: join(dir, 'cache') });
  return {
    reader: new DuckDbParquetJsonReader({ engine, acquire: (s, k) => cache.acquire(s, k) }),
    store: store(dir),
    cleanup: async () => {
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

parquetJsonReaderContract('engine (DuckDB) over a local folder', () => engineReader((dir) => new LocalStore(join(dir, 'store'))));
parquetJsonReaderContract('engine (DuckDB) over memory, through the file cache', () => engineReader(() => new MemoryStore('pjr-contract')));
parquetJsonReaderContract('format-layer test double', async () => ({
  reader: new DuckDbParquetReader(),
  store: new MemoryStore('pjr-double'),
  cleanup: async () => undefined,
}));
