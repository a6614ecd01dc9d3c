import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runServerLoad } from '../../../bench/server-load-driver.js';
import { Loch } from '../../../src/sql/loch.js';

/**
 * The server under a small concurrent load (the full one is `npm run bench -- server-load`):
 * 8 clients mixing statement-API and wire-protocol reads and appends. No timing assertions:
 * every request succeeds and every acknowledged append is in its table exactly once.
 */
let dir: string;
let loch: Loch;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-load-'));
  loch = await Loch.open({ warehouse: join(dir, 'wh'), metastore: 'memory:', governanceLog: true, threads: 2 });
});

afterAll(async () => {
  await loch?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('8 concurrent clients × 200 requests: no errors, no lost commits', async () => {
  const result = await runServerLoad(loch, { clients: 8, requests: 200, tables: 2, seedRows: 1000, seed: 3, schema: 'load' });
  expect(result.errors).toEqual([]);
  expect(result.foundRows).toEqual(result.expectedRows);
  const appends = result.latencies['http-append'].length + result.latencies['pg-append'].length;
  expect(appends).toBeGreaterThan(20);
}, 120_000);
