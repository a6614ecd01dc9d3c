import { describe, expect, it } from 'vitest';
import type { TableMetadata } from '../../src/formats/iceberg/model.js';
import { newTableMetadata } from '../../src/formats/iceberg/spec/updates.js';
import type { TableLocation } from '../../src/table/location.js';
import type { IcebergCommitter } from '../../src/table/iceberg/write/contracts.js';
import { PathCommitter } from '../../src/table/iceberg/write/path-committer.js';
import { join } from 'node:path';
import { LakehouseCatalog } from '../../src/catalog/catalog-service.js';
import { MemoryMetastore } from '../../src/catalog/memory/memory-metastore.js';
import type { Metastore } from '../../src/catalog/metastore.js';
import { PostgresMetastore } from '../../src/catalog/postgres/postgres-metastore.js';
import { SqliteMetastore } from '../../src/catalog/sqlite/sqlite-metastore.js';
import { postgresUrl, randomSchemaName, withSchema } from '../support/local-postgres.js';
import { FixedClock } from '../../src/core/clock.js';
import { SequentialIds } from '../../src/core/ids.js';
import { catalogPointer } from '../../src/sql/iceberg-catalog-target.js';
import { CatalogCommitter } from '../../src/table/iceberg/write/catalog-committer.js';
import { tempDir } from '../support/delta-fixture.js';
import { FaultyStore } from '../support/faulty-store.js';

/** Every IcebergCommitter implementation passes this suite. */
interface CommitterFactory {
  readonly name: string;
  make(seed: number): Promise<IcebergCommitter>;
}

let counter = 0;
function pathCommitter(seed: number): IcebergCommitter {
  const store = new FaultyStore(`iceberg-committer-${seed}-${(counter += 1)}`, seed, 0, { writes: { delayRate: 0.5, maxDelayMs: 3, ops: ['putIfAbsent'] } });
  store.faulty = true;
  const table: TableLocation = { store, name: `memory table ${seed}`, options: {} };
  return new PathCommitter(table);
}

/**
 * The catalog committer over the SQL layer's pointer on a real catalog: the first commit
 * registers the planned table, later ones are the metastore's compare-and-swap.
 */
async function catalogCommitter(seed: number, metastore: Metastore): Promise<IcebergCommitter> {
  const clock = new FixedClock(1_700_000_000_000, 1);
  const ids = new SequentialIds(seed);
  const catalog = new LakehouseCatalog({ metastore, warehouseRoot: '/nonexistent/warehouse', storeOptions: {}, clock, ids, principal: 'tester' });
  await catalog.bootstrap();
  const plan = await catalog.planTable({ catalog: 'main', schema: 'default', name: `t${seed}` });
  const store = new FaultyStore(`iceberg-catalog-committer-${seed}-${(counter += 1)}`, seed, 0, { writes: { delayRate: 0.5, maxDelayMs: 3, ops: ['putIfAbsent'] } });
  store.faulty = true;
  const table: TableLocation = { store, name: `catalog table ${seed}`, options: {} };
  return new CatalogCommitter(table, catalogPointer(catalog, plan.id, plan), ids);
}

const PG_URL = postgresUrl();

const FACTORIES: CommitterFactory[] = [
  { name: 'path committer', make: async (seed) => pathCommitter(seed) },
  { name: 'catalog committer, memory metastore', make: (seed) => catalogCommitter(seed, new MemoryMetastore({ clock: new FixedClock(0, 1), ids: new SequentialIds(100 + seed) })) },
  {
    name: 'catalog committer, SQLite metastore',
    make: async (seed) => catalogCommitter(seed, new SqliteMetastore({ path: join(await tempDir('loch-committer-'), 'm.db'), clock: new FixedClock(0, 1), ids: new SequentialIds(200 + seed) })),
  },
  // The metastore suite runs PostgreSQL when .ci/run started it; so does this one (the schema is left for the throwaway cluster).
  ...(PG_URL === undefined
    ? []
    : [
        {
          name: 'catalog committer, PostgreSQL metastore',
          make: async (seed: number) =>
            catalogCommitter(seed, await PostgresMetastore.open({ url: withSchema(PG_URL, randomSchemaName('iceberg_commit')), clock: new FixedClock(0, 1), ids: new SequentialIds(400 + seed) })),
        },
      ]),
];

function metadata(props: Record<string, string> = {}): TableMetadata {
  return newTableMetadata({
    location: 'memory://t',
    schema: { schemaId: 0, identifierFieldIds: [], fields: [{ id: 1, name: 'id', required: false, type: { kind: 'primitive', name: 'long' } }] },
    spec: { specId: 0, fields: [] },
    properties: props,
    formatVersion: 2,
    tableUuid: '00000000-0000-4000-8000-000000000001',
    nowMs: 1_700_000_000_000,
  });
}

describe.each(FACTORIES)('IcebergCommitter contract: $name', (factory) => {
  it('has no metadata before the first commit, then loads what was committed', async () => {
    const c = await factory.make(1);
    expect(await c.load()).toBeUndefined();
    const first = await c.commit(undefined, metadata({ a: '1' }));
    expect(first.outcome).toBe('committed');
    const loaded = await c.load();
    expect(loaded?.metadata.properties).toEqual({ a: '1' });
    expect(loaded?.metadataFile).toBe(first.outcome === 'committed' ? first.metadataFile : '');
    const second = await c.commit(loaded?.metadataFile, metadata({ a: '2' }));
    expect(second.outcome).toBe('committed');
    expect((await c.load())?.metadata.properties).toEqual({ a: '2' });
  });

  it('a second create and a commit from a stale base are conflicts that change nothing', async () => {
    const c = await factory.make(2);
    const first = await c.commit(undefined, metadata({ v: '1' }));
    expect(await c.commit(undefined, metadata({ v: 'x' }))).toEqual({ outcome: 'conflict' });
    const base = first.outcome === 'committed' ? first.metadataFile : '';
    expect((await c.commit(base, metadata({ v: '2' }))).outcome).toBe('committed');
    expect(await c.commit(base, metadata({ v: 'stale' }))).toEqual({ outcome: 'conflict' });
    expect((await c.load())?.metadata.properties).toEqual({ v: '2' });
  });

  it.each([3, 4, 5])('of 8 concurrent commits from one base exactly one wins (seed %i)', async (seed) => {
    const c = await factory.make(seed);
    const first = await c.commit(undefined, metadata());
    const base = first.outcome === 'committed' ? first.metadataFile : '';
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => c.commit(base, metadata({ writer: String(i) }))));
    const winners = results.flatMap((r, i) => (r.outcome === 'committed' ? [i] : []));
    expect(winners).toHaveLength(1);
    expect((await c.load())?.metadata.properties).toEqual({ writer: String(winners[0]) });
  });
});

describe('catalog committer', () => {
  it('names files <NNNNN>-<uuid>.metadata.json under metadata/, writes no version hint, and removes a lost attempt', async () => {
    const metastore = new MemoryMetastore({ clock: new FixedClock(0, 1), ids: new SequentialIds(300) });
    const c = await catalogCommitter(9, metastore);
    const first = await c.commit(undefined, metadata());
    const file = first.outcome === 'committed' ? first.metadataFile : '';
    expect(file).toMatch(/^memory:.*\/metadata\/00000-00000000-0000-4000-8000-[0-9a-f]{12}\.metadata\.json$/);
    const second = await c.commit(file, metadata({ a: '1' }));
    expect(second.outcome === 'committed' ? second.metadataFile : '').toMatch(/\/metadata\/00001-/);
    expect(await c.commit(file, metadata({ a: 'stale' }))).toEqual({ outcome: 'conflict' });
    const store = (c as unknown as { table: TableLocation }).table.store;
    const keys: string[] = [];
    for await (const meta of store.list('')) keys.push(meta.key);
    expect(keys.filter((k) => k.startsWith('metadata/')).sort()).toHaveLength(2);
    expect(keys).not.toContain('metadata/version-hint.text');
  });
});
