import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openMetastore } from '../../src/catalog/open-metastore.js';
import { FixedClock, SequentialIds } from '../../src/core/index.js';
import { postgresNotRunBanner, postgresUrl, randomSchemaName, withSchema } from '../support/local-postgres.js';

/**
 * Several OS processes on one metastore: each creates OWN tables of its own and races the
 * others to create SHARED common names (and the catalog and schema they live in). Afterwards
 * every name exists exactly once and each contested name was 'created' by exactly one process,
 * whose id is the one stored. Children run the compiled package (dist/, built by
 * `npx tsc -p tsconfig.build.json`), on one SQLite file and, when LOCH_TEST_POSTGRES_URL is
 * set, on one PostgreSQL schema.
 */
const CHILD = fileURLToPath(new URL('./children/metastore-worker.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/catalog/open-metastore.js', import.meta.url));
const PROCESSES = 3;
const OWN = 50;
const SHARED = 10;

interface Outcome {
  readonly kind: string;
  readonly name: string;
  readonly status: 'created' | 'exists';
  readonly id: string;
  readonly worker: number;
}

interface Worker {
  readonly ready: Promise<void>;
  readonly done: Promise<Outcome[]>;
  go(): void;
}

/** Starts one child; `ready` resolves once it has opened the metastore, `done` when it exits 0. */
function startWorker(url: string, worker: number): Worker {
  const child = spawn(process.execPath, ['--no-warnings', CHILD, url, String(worker), String(OWN), String(SHARED)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('"ready":true')) markReady();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<Outcome[]>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      const lines = out.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
      if (code !== 0) reject(new Error(`worker ${worker} exited with ${code}: ${JSON.stringify(lines.at(-1))}\n${err}`));
      else resolve(lines.filter((l) => typeof l['status'] === 'string').map((l) => ({ ...(l as unknown as Outcome), worker })));
    });
  });
  // A child that fails before ready must not leave the parent waiting for it.
  done.catch(() => markReady());
  return { ready, done, go: () => child.stdin.end('go\n') };
}

/** Runs PROCESSES workers against one metastore and checks what they report and what is stored. */
async function race(url: string): Promise<void> {
  const workers = Array.from({ length: PROCESSES }, (_, i) => startWorker(url, i));
  await Promise.all(workers.map((w) => w.ready));
  workers.forEach((w) => w.go());
  const outcomes = (await Promise.all(workers.map((w) => w.done))).flat();

  const byName = new Map<string, Outcome[]>();
  for (const o of outcomes) byName.set(`${o.kind}:${o.name}`, [...(byName.get(`${o.kind}:${o.name}`) ?? []), o]);
  for (const [name, list] of byName) {
    const created = list.filter((o) => o.status === 'created');
    expect(created, `${name} created by ${created.map((o) => o.worker).join(',')}`).toHaveLength(1);
    expect(new Set(list.map((o) => o.id)), `${name} ids`).toEqual(new Set([created[0]?.id]));
  }
  for (let j = 0; j < SHARED; j += 1) expect(byName.get(`table:shared_${j}`)?.length).toBeGreaterThanOrEqual(PROCESSES);

  const metastore = await openMetastore({ url, localDir: '.', clock: new FixedClock(0), ids: new SequentialIds() });
  try {
    const catalogs = await metastore.list(['catalog'], null);
    expect(catalogs.map((c) => c.name)).toEqual(['main']);
    const schemas = await metastore.list(['schema'], catalogs[0]?.id ?? '');
    expect(schemas.map((s) => s.name)).toEqual(['default']);
    const tables = await metastore.list(['table'], schemas[0]?.id ?? '');
    const expected = [
      ...Array.from({ length: PROCESSES }, (_, w) => Array.from({ length: OWN }, (_, i) => `w${w}_t${i}`)).flat(),
      ...Array.from({ length: SHARED }, (_, j) => `shared_${j}`),
    ];
    expect(tables.map((t) => t.name).sort()).toEqual(expected.sort());
    for (const t of tables) expect(t.id).toBe(byName.get(`table:${t.name}`)?.find((o) => o.status === 'created')?.id);
  } finally {
    await metastore.close();
  }
}

describe('metastore shared by several processes', () => {
  it('has the compiled package for the children', () => {
    expect(existsSync(DIST), `${DIST} missing: run npx tsc -p tsconfig.build.json first`).toBe(true);
  });

  it(`SQLite: ${PROCESSES} processes x ${OWN} tables + ${SHARED} contested names on one file`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loch-metastore-procs-'));
    try {
      await race(join(dir, 'state', 'metastore.db'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

const pgUrl = postgresUrl();
if (pgUrl === undefined) {
  console.warn(postgresNotRunBanner('multi-process metastore suite'));
  describe('metastore shared by several processes on PostgreSQL', () => {
    it('postgres multi-process metastore suite NOT RUN (no server): set LOCH_TEST_POSTGRES_URL', () => {
      expect(postgresUrl()).toBeUndefined();
    });
  });
}

describe.runIf(pgUrl !== undefined)('metastore shared by several processes on PostgreSQL', () => {
  const schema = randomSchemaName('loch_procs');
  afterAll(async () => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it(`PostgreSQL: ${PROCESSES} processes x ${OWN} tables + ${SHARED} contested names on one schema`, async () => {
    await race(withSchema(pgUrl ?? '', schema));
  });
});
