// Usage: node metastore-worker.mjs <metastore url or .db path> <worker> <own count> <shared count>
// Opens the metastore from the compiled package, makes sure catalog `main` and schema `default`
// exist (racing the other workers for them), prints {ready}, waits for a line on stdin, then
// creates <own count> tables `w<worker>_t<i>` interleaved with racing creates of the shared
// tables `shared_<j>`. Every create outcome is reported as {name, status, id}; a failure is
// reported as {error, code} and ends the child with code 1.
import { createInterface } from 'node:readline';
import { openMetastore } from '../../../dist/catalog/open-metastore.js';
import { randomIds, systemClock } from '../../../dist/core/index.js';

const [url, workerText, ownText, sharedText] = process.argv.slice(2);
const worker = Number(workerText);
const own = Number(ownText);
const shared = Number(sharedText);
const report = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

const metastore = await openMetastore({ url, localDir: '.', clock: systemClock, ids: randomIds });

async function create(kind, parentId, name) {
  const outcome = await metastore.create({ kind, parentId, name, data: { worker, name } });
  if (outcome.status === 'parent_missing') throw new Error(`${name}: parent ${parentId} missing`);
  report({ kind, name, status: outcome.status, id: outcome.object.id });
  return outcome.object;
}

try {
  const catalog = await create('catalog', null, 'main');
  const schema = await create('schema', catalog.id, 'default');
  report({ ready: true });
  const stdin = createInterface({ input: process.stdin });
  await new Promise((resolve) => stdin.once('line', resolve));
  stdin.close();
  // Every worker walks the shared names from a different start so that they collide in time.
  const every = Math.max(1, Math.floor(own / Math.max(1, shared)));
  for (let i = 0; i < own; i += 1) {
    await create('table', schema.id, `w${worker}_t${i}`);
    if (i % every === 0 && i / every < shared) await create('table', schema.id, `shared_${(i / every + worker) % shared}`);
  }
  for (let j = 0; j < shared; j += 1) await create('table', schema.id, `shared_${j}`);
  report({ done: true });
} catch (error) {
  report({ error: String(error?.message ?? error), code: error?.code });
  process.exitCode = 1;
} finally {
  await metastore.close();
}
