import { describe, expect, it } from 'vitest';
import type { Catalog, ModelEndpointInfo, ObjectName } from '../../catalog/catalog-types.js';
import { FixedClock } from '../../core/clock.js';
import { LochError } from '../../core/errors.js';
import { ResolutionMemo } from './endpoint-access.js';

/** A catalog that counts lookups and EXECUTE checks and refuses while `denied` (only what the memo calls). */
function countingCatalog(): { catalog: Catalog; counts: { get: number; authorize: number }; deny: (on: boolean) => void } {
  const counts = { get: 0, authorize: 0 };
  let denied = false;
  const stored: ModelEndpointInfo = {
    catalog: 'main', schema: 'ai', name: 'chat', owner: 'ann', createdAt: 1, createdBy: 'ann', updatedAt: 1, updatedBy: 'ann', id: 'e1',
    definition: { provider: 'openai', task: 'chat', url: 'http://127.0.0.1:1/v1', model: 'm' },
  } as unknown as ModelEndpointInfo;
  const catalog = {
    getModelEndpoint: async () => {
      counts.get++;
      return stored;
    },
    authorize: async () => {
      counts.authorize++;
      if (denied) throw new LochError('PERMISSION_DENIED', 'catalog: bob lacks EXECUTE on model endpoint main.ai.chat');
    },
  } as unknown as Catalog;
  return { catalog, counts, deny: (on) => (denied = on) };
}

const NAME: ObjectName = { catalog: 'main', schema: 'ai', name: 'chat' };

describe('ResolutionMemo', () => {
  it('resolves and authorizes once per caller per ttl, not per call', async () => {
    const clock = new FixedClock(1000);
    const memo = new ResolutionMemo(clock, 1000);
    const { catalog, counts } = countingCatalog();
    await Promise.all(Array.from({ length: 100 }, () => memo.endpoint(catalog, NAME)));
    expect(counts).toEqual({ get: 1, authorize: 1 });
    clock.advance(999);
    await memo.endpoint(catalog, { catalog: 'MAIN', schema: 'ai', name: 'Chat' });
    expect(counts.get).toBe(1);
    clock.advance(1);
    await memo.endpoint(catalog, NAME);
    expect(counts).toEqual({ get: 2, authorize: 2 });
  });

  it('keeps callers apart and never remembers a refusal', async () => {
    const clock = new FixedClock(1000);
    const memo = new ResolutionMemo(clock, 1000);
    const bob = countingCatalog();
    const ann = countingCatalog();
    bob.deny(true);
    await expect(memo.endpoint(bob.catalog, NAME)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await memo.endpoint(ann.catalog, NAME);
    bob.deny(false);
    await memo.endpoint(bob.catalog, NAME);
    expect(bob.counts.authorize).toBe(2);
    expect(ann.counts.authorize).toBe(1);
  });

  it('with ttl 0 resolves on every call', async () => {
    const memo = new ResolutionMemo(new FixedClock(0), 0);
    const { catalog, counts } = countingCatalog();
    for (let i = 0; i < 3; i++) await memo.endpoint(catalog, NAME);
    expect(counts).toEqual({ get: 3, authorize: 3 });
  });
});
