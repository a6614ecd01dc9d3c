import { join } from 'node:path';
import { FixedClock, type Clock } from '../../src/core/clock.js';
import { SequentialIds, type IdSource } from '../../src/core/ids.js';
import { DuckDbEngine, DuckDbParquetJsonReader, type Session } from '../../src/engine/index.js';
import { Loch } from '../../src/index.js';
import { FileCache } from '../../src/storage/file-cache.js';
import type { TableContext } from '../../src/table/context.js';
import { tempDir } from '../support/delta-fixture.js';

/** A table context of its own (for the table-layer API) plus a Loch to read tables back with SQL. */
export interface IcebergHarness {
  readonly ctx: TableContext;
  readonly session: Session;
  readonly loch: Loch;
  readonly dir: string;
  rows(sql: string): Promise<unknown[][]>;
  close(): Promise<void>;
}

export async function icebergHarness(options: { clock?: Clock; ids?: IdSource } = {}): Promise<IcebergHarness> {
  const dir = await tempDir('loch-iceberg-');
  const ids = options.ids ?? new SequentialIds(7);
  const clock = options.clock ?? new FixedClock(Date.UTC(2024, 0, 1), 1000);
  const engine = await DuckDbEngine.create({ ids, threads: 2 });
  const cache = new FileCache({ dir: join(dir, '.cache'), ids });
  const parquet = new DuckDbParquetJsonReader({ engine, acquire: (store, key) => cache.acquire(store, key) });
  const ctx: TableContext = { engine, cache, parquet, clock, ids, storeOptions: {}, ioConcurrency: 8 };
  const session = await engine.session();
  const loch = await Loch.open({ warehouse: join(dir, 'warehouse'), clock, ids: new SequentialIds(9) });
  return {
    ctx,
    session,
    loch,
    dir,
    rows: async (sql) => (await (await loch.sql(sql)).all()) as unknown[][],
    close: async () => {
      await loch.close();
      await session.close();
      await engine.close();
    },
  };
}
