import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startServer } from '../../../src/server/server.js';
import { Loch } from '../../../src/sql/loch.js';

it('smoke', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loch-h3-'));
  const loch = await Loch.open({ warehouse: dir, metastore: 'memory:' });
  const logs: unknown[] = [];
  const server = await startServer({ loch, port: 0, pgPort: null, log: (e) => logs.push(e) });
  await loch.identity.createUser('alice');
  const { token } = await loch.identity.createToken('alice');
  const r = await fetch(`${server.url}/api/2.0/sql/statements`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ statement: 'SELECT 1 AS a, :x AS b', parameters: [{ name: 'x', value: '2.5', type: 'DECIMAL(10,2)' }], warehouse_id: 'x' }) });
  console.log(r.status, JSON.stringify(await r.json(), null, 1));
  console.log(await (await fetch(`${server.url}/health`)).json(), logs);
  await server.close();
  await loch.close();
  await rm(dir, { recursive: true, force: true });
});
