import { describe, expect, it } from 'vitest';
import type { TableMetadata } from '../../src/formats/iceberg/model.js';
import { newTableMetadata } from '../../src/formats/iceberg/spec/updates.js';
import type { TableLocation } from '../../src/table/location.js';
import type { IcebergCommitter } from '../../src/table/iceberg/write/contracts.js';
import { PathCommitter } from '../../src/table/iceberg/write/path-committer.js';
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

const FACTORIES: CommitterFactory[] = [{ name: 'path committer', make: async (seed) => pathCommitter(seed) }];

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
