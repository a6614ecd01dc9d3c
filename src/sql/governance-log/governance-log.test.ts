import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../catalog/catalog-types.js';
import type { AuditEvent } from '../../catalog/governance/governance-types.js';
import { LochError } from '../../core/errors.js';
import type { TableContext } from '../../table/context.js';
import { safeParams } from './audit-rows.js';
import { GovernanceLog } from './governance-log.js';

/** A context whose engine refuses to open sessions: every flush fails before writing. */
function failingContext(calls: { sessions: number }): TableContext {
  const engine = {
    session: async () => {
      calls.sessions++;
      throw new LochError('STORAGE_ERROR', 'engine: closed');
    },
  };
  return { engine, clock: { now: () => 1 }, ids: { uuid: () => 'id' } } as unknown as TableContext;
}

const catalog = { principal: 'admin' } as unknown as Catalog;

function event(i: number): AuditEvent {
  return { time: i, request: { requestId: `r${i}`, service: 'sql' }, principal: 'u', action: 'SELECT', allowed: true, statusCode: 200 };
}

describe('GovernanceLog queue', () => {
  it('drops and counts events beyond the bound, and says so in a warning', async () => {
    const warnings: string[] = [];
    const log = new GovernanceLog({ ctx: failingContext({ sessions: 0 }), catalog, maxQueued: 5, batchSize: 100, flushIntervalMs: 60_000, warn: (m) => warnings.push(m) });
    for (let i = 0; i < 8; i++) log.record(event(i));
    expect(log.stats.dropped).toBe(3);
    await log.flush();
    expect(warnings[0]).toMatch(/dropped 3 audit\/lineage events \(queue full at 5/);
    await log.close();
  });

  it('never throws into the caller and keeps failed events for the next flush', async () => {
    const calls = { sessions: 0 };
    const warnings: string[] = [];
    const log = new GovernanceLog({ ctx: failingContext(calls), catalog, batchSize: 100, flushIntervalMs: 60_000, warn: (m) => warnings.push(m) });
    log.record(event(1));
    log.recordLineage({ time: 1, principal: 'u', catalog: 'main', schema: 'default', statement: { kind: 'query', sql: 'SELECT 1' } });
    await expect(log.flush()).resolves.toBeUndefined();
    expect(warnings.at(-1)).toMatch(/writing 2 events failed \(0 dropped, the rest retried\): engine: closed/);
    await log.flush();
    expect(calls.sessions).toBe(2);
    expect(log.stats.dropped).toBe(0);
    await log.close();
    log.record(event(2));
    expect(log.stats.dropped).toBe(1);
  });

  it('starts a flush by itself when a batch is full, once per batch', async () => {
    const calls = { sessions: 0 };
    const log = new GovernanceLog({ ctx: failingContext(calls), catalog, batchSize: 3, flushIntervalMs: 60_000, warn: () => {} });
    for (let i = 0; i < 5; i++) log.record(event(i));
    await log.flush();
    // One flush for the full batch (it took all five), then the explicit one.
    expect(calls.sessions).toBe(2);
    await log.close();
  });

  it('starts a flush by itself after the interval', async () => {
    const calls = { sessions: 0 };
    const log = new GovernanceLog({ ctx: failingContext(calls), catalog, flushIntervalMs: 20, warn: () => {} });
    log.record(event(1));
    await new Promise((r) => setTimeout(r, 80));
    expect(calls.sessions).toBeGreaterThanOrEqual(1);
    await log.close();
  });
});

describe('audit request parameters', () => {
  it('redacts secrets by key and token-shaped text, keeps the rest', () => {
    const token = `dapi${'ab'.repeat(16)}`;
    expect(safeParams({ token: 'x', client_secret: 'y', password: 'z', parameters: '[1,2]', token_id: 't1', path: `/a/${token}`, full_name: 'main.default.t' })).toEqual({
      token: '[REDACTED]',
      client_secret: '[REDACTED]',
      password: '[REDACTED]',
      parameters: '[REDACTED]',
      token_id: 't1',
      path: '/a/[REDACTED]',
      full_name: 'main.default.t',
    });
  });
});
