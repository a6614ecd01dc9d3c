import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch, LochError } from '../../src/index.js';
import { registerMemoryStore } from '../../src/storage/open-store.js';
import { canonicalRows, sortedJson } from '../support/canonical.js';
import { DELTA_CORPUS } from '../support/corpus.js';
import { tempDir } from '../support/delta-fixture.js';
import { FaultyStore } from '../support/faulty-store.js';

/**
 * Reads from a store that fails and stalls at random (seeded): every query either returns
 * exactly the right rows or fails with a retryable STORAGE_ERROR, and a failed download never
 * leaves a half-written file in the cache for a later query to read.
 */
const TABLES = ['golden-dv-with-columnmapping', 'kernelrs-v2-checkpoints-parquet-with-sidecars', 'golden-multi-part-checkpoint', 'deltars-cdf-table'];
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

function filesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesOf(join(dir, name)) : [join(dir, name)]));
}

function expectedRows(table: string): unknown[] {
  const e = JSON.parse(readFileSync(join(DELTA_CORPUS, `${table}.expected.json`), 'utf8')) as { latest: { rows?: unknown[]; rows_first_sorted?: unknown[]; row_count: number } };
  return e.latest.rows ?? [];
}

describe('reads through a faulty store', () => {
  const stores = new Map<string, FaultyStore>();
  let loch: Loch;
  beforeAll(async () => {
    for (const seed of SEEDS) {
      for (const table of TABLES) {
        const name = `faulty-${seed}-${table}`;
        const store = new FaultyStore(name, seed * 7919 + table.length, 0.04);
        store.faulty = false;
        const root = join(DELTA_CORPUS, table);
        for (const f of filesOf(root)) await store.put(relative(root, f), readFileSync(f));
        store.faulty = true;
        registerMemoryStore(name, store);
        stores.set(name, store);
      }
    }
    // A small cache forces evictions and fresh downloads between queries.
    loch = await Loch.open({ warehouse: join(await tempDir(), 'warehouse'), cacheBytes: 32 * 1024 });
  });
  afterAll(async () => loch?.close());

  for (const seed of SEEDS) {
    it(`seed ${seed}: right rows or a retryable storage error, never anything else`, async () => {
      let failures = 0;
      for (const table of TABLES) {
        const name = `faulty-${seed}-${table}`;
        const want = expectedRows(table);
        for (let attempt = 0; attempt < 3; attempt += 1) {
          try {
            const result = await loch.sql(`SELECT * FROM delta.\`memory://${name}\``);
            const rows = canonicalRows(result.columns, await result.all());
            if (want.length > 0) expect(sortedJson(rows)).toEqual(sortedJson(want));
          } catch (error) {
            expect(error).toBeInstanceOf(LochError);
            expect((error as LochError).code).toBe('STORAGE_ERROR');
            expect((error as LochError).retryable).toBe(true);
            failures += 1;
          }
        }
        // With the faults switched off, the same instance (and its cache) must give the truth.
        const store = stores.get(name) as FaultyStore;
        store.faulty = false;
        const result = await loch.sql(`SELECT * FROM delta.\`memory://${name}\``);
        const rows = canonicalRows(result.columns, await result.all());
        if (want.length > 0) expect(sortedJson(rows)).toEqual(sortedJson(want));
        store.faulty = true;
      }
      expect(failures + [...stores.values()].reduce((n, s) => n + s.failures, 0)).toBeGreaterThan(0);
    });
  }
});
