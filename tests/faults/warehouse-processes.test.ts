import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openMetastore } from '../../src/catalog/open-metastore.js';
import type { Metastore, ObjectKind, StoredObject } from '../../src/catalog/metastore.js';
import { namespaceOf } from '../../src/catalog/metastore.js';
import { FixedClock, SequentialIds } from '../../src/core/index.js';
import { Loch } from '../../src/index.js';
import { tempDir } from '../support/delta-fixture.js';
import { postgresNotRunBanner, postgresUrl, randomSchemaName, withSchema } from '../support/local-postgres.js';

/**
 * Several OS processes (the compiled package in dist/) work in ONE warehouse at the same moment,
 * through SQL only: they race to create the shared schema, table and volume, create tables of
 * their own, append single rows to the shared table, UPDATE and MERGE their own rows, create and
 * drop a view, and put files into volumes. Afterwards a fresh Loch in this process finds every
 * table exactly once, every row exactly once, one commit per statement in the shared table's
 * history, no duplicate name in the metastore, no orphaned managed folder, and every file.
 * Runs on the default SQLite metastore and, when LOCH_TEST_POSTGRES_URL is set, on PostgreSQL.
 */
const CHILD = fileURLToPath(new URL('./children/warehouse-writer.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const TABLES = 10;
const ROWS = 20;

type Report = Record<string, unknown>;

interface Child {
  readonly done: Promise<Report[]>;
}

function startChild(args: readonly string[], p: number): Child {
  const proc = spawn(process.execPath, ['--no-warnings', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<Report[]>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('exit', (code) => {
      const reports = out.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Report);
      if (code === 0) resolve(reports);
      else reject(new Error(`writer ${p} exited with ${code}: ${JSON.stringify(reports.at(-1))}\n${err}`));
    });
  });
  return { done };
}

async function waitForFiles(paths: readonly string[], children: readonly Child[]): Promise<void> {
  // A child that dies before it is ready must fail the test at once, not after the deadline.
  let failed: unknown;
  for (const c of children) c.done.catch((e: unknown) => (failed = e));
  const deadline = Date.now() + 30_000;
  while (!paths.every((p) => existsSync(p))) {
    if (failed !== undefined) throw failed;
    if (Date.now() > deadline) throw new Error(`writers not ready: ${paths.filter((p) => !existsSync(p)).join(', ')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Starts `processes` writers on one warehouse, releases them together, returns their reports. */
async function runWriters(warehouse: string, metastore: string, processes: number): Promise<Report[][]> {
  const ready = Array.from({ length: processes }, (_, p) => join(warehouse, `..`, `ready-${p}`));
  const go = join(warehouse, '..', 'go');
  const children = ready.map((file, p) => startChild([warehouse, metastore, String(p), file, go], p));
  await waitForFiles(ready, children);
  await writeFile(go, '');
  return Promise.all(children.map((c) => c.done));
}

async function rows(loch: Loch, sql: string): Promise<unknown[][]> {
  const result = await (await loch.sql(sql)).all();
  return result.map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
}

/** Every live object of the metastore, walking down from the catalogs. */
async function allObjects(metastore: Metastore): Promise<StoredObject[]> {
  const kinds: Record<string, readonly ObjectKind[]> = { catalog: ['schema'], schema: ['table', 'view', 'volume'] };
  const found: StoredObject[] = [];
  let level = await metastore.list(['catalog'], null);
  while (level.length > 0) {
    found.push(...level);
    const next: StoredObject[] = [];
    for (const o of level) {
      const childKinds = kinds[o.kind];
      if (childKinds !== undefined) next.push(...(await metastore.list(childKinds, o.id)));
    }
    level = next;
  }
  return found;
}

/** Checks, in this process with a fresh Loch, what the writers left behind. */
async function verify(warehouse: string, metastoreUrl: string | undefined, processes: number, reports: Report[][]): Promise<void> {
  for (const [p, list] of reports.entries()) {
    expect(list.at(-1), `writer ${p}`).toMatchObject({ p, done: true });
    expect(list.find((r) => r['merge'] !== undefined)?.['merge'], `writer ${p} MERGE`).toEqual([[ROWS, ROWS, 0, 0]]);
    expect(list.filter((r) => r['update'] !== undefined).map((r) => r['rows']), `writer ${p} UPDATEs`).toEqual([[[ROWS / 2]], [[ROWS]]]);
    expect(list.find((r) => r['view'] !== undefined)?.['view'], `writer ${p} view`).toEqual([[ROWS]]);
  }
  // The writers really ran at the same time: each started before any other finished.
  const started = reports.map((list) => Number(list.find((r) => r['started'] !== undefined)?.['started']));
  const finished = reports.map((list) => Number(list.at(-1)?.['finished']));
  expect(Math.max(...started)).toBeLessThan(Math.min(...finished));
  const conflicts = reports.flat().filter((r) => r['conflict'] !== undefined);
  // Only row-level changes may meet a Delta conflict; appends and creates never surface one.
  for (const c of conflicts) expect(String(c['conflict'])).toMatch(/^(UPDATE|MERGE)/);

  const loch = await Loch.open({ warehouse, ...(metastoreUrl !== undefined ? { metastore: metastoreUrl } : {}) });
  try {
    const own = Array.from({ length: processes }, (_, p) => Array.from({ length: TABLES }, (_, k) => `t_${p}_${k}`)).flat();
    const tables = await rows(loch, 'SHOW TABLES IN w');
    expect(tables.map((t) => t[1]).sort()).toEqual(['shared', ...own].sort());
    expect(await rows(loch, 'SHOW VIEWS IN w')).toEqual([]);
    expect(await rows(loch, 'SHOW SCHEMAS IN main')).toEqual([['default'], ['w']]);
    for (const name of own) {
      const [, p, k] = name.split('_');
      expect(await rows(loch, `SELECT p, k FROM w.${name}`), name).toEqual([[Number(p), Number(k)]]);
    }

    const shared = await rows(loch, 'SELECT p, i FROM w.shared ORDER BY p, i');
    expect(shared).toEqual(Array.from({ length: processes }, (_, p) => Array.from({ length: ROWS }, (_, i) => [p, i])).flat());

    // One commit per statement: CREATE, the appends, two UPDATEs and a MERGE per writer.
    const history = await loch.sql('DESCRIBE HISTORY w.shared');
    const names = history.columns.map((c) => c.name);
    const commits = (await history.all()).map((r) => ({ version: Number(r[names.indexOf('version')]), operation: String(r[names.indexOf('operation')]) }));
    expect(commits.map((c) => c.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 1 + processes * (ROWS + 3) }, (_, v) => v));
    const count = (op: string) => commits.filter((c) => c.operation === op).length;
    expect(count('WRITE')).toBe(processes * ROWS);
    expect(count('UPDATE')).toBe(processes * 2);
    expect(count('MERGE')).toBe(processes);
    expect(commits.find((c) => c.version === 0)?.operation).toMatch(/CREATE/);

    const volumes = await rows(loch, 'SHOW VOLUMES IN w');
    expect(volumes.map((v) => v[1])).toEqual(['common', ...Array.from({ length: processes }, (_, p) => `vol_${p}`)]);
    for (let p = 0; p < processes; p += 1) {
      expect(await rows(loch, `SELECT content FROM read_text('/Volumes/main/w/vol_${p}/hello.txt')`)).toEqual([[`hello from ${p}\n`]]);
      expect(await rows(loch, `SELECT value FROM read_files('/Volumes/main/w/common/p${p}.txt', format => 'text')`)).toEqual([[`common ${p}`]]);
    }
    expect((await rows(loch, "LIST '/Volumes/main/w/common'")).map((r) => r[1])).toEqual(Array.from({ length: processes }, (_, p) => `p${p}.txt`));

    // A writer that lost the race for w.shared or w.common must not leave its folder behind.
    const managed = await Promise.all(
      [...own.map((n) => `w.${n}`), 'w.shared'].map(async (n) => (await loch.catalog.getTable({ catalog: 'main', schema: 'w', name: n.slice(2) })).location),
    );
    expect((await readdir(join(warehouse, 'tables'))).map((d) => join(warehouse, 'tables', d)).sort()).toEqual(managed.sort());
    const volumeFolders = await Promise.all((await loch.catalog.listVolumes('main', 'w')).map((v) => v.location));
    expect((await readdir(join(warehouse, 'volumes'))).map((d) => join(warehouse, 'volumes', d)).sort()).toEqual(volumeFolders.sort());
  } finally {
    await loch.close();
  }

  const metastore = await openMetastore({ ...(metastoreUrl !== undefined ? { url: metastoreUrl } : {}), localDir: warehouse, clock: new FixedClock(0), ids: new SequentialIds() });
  try {
    const objects = await allObjects(metastore);
    const keys = objects.map((o) => `${namespaceOf(o.kind)}:${o.parentId ?? ''}:${o.name}`);
    expect(keys.length).toBe(new Set(keys).size);
    expect(objects.filter((o) => o.kind === 'catalog').map((o) => o.name)).toEqual(['main']);
    expect(objects.filter((o) => o.kind === 'table').length).toBe(processes * TABLES + 1);
    expect(objects.filter((o) => o.kind === 'view')).toEqual([]);
    expect(objects.filter((o) => o.kind === 'volume').length).toBe(processes + 1);
  } finally {
    await metastore.close();
  }
}

async function scenario(metastoreUrl: string | undefined, processes: number): Promise<void> {
  const dir = await tempDir('loch-warehouse-procs-');
  try {
    const warehouse = join(dir, 'warehouse');
    const reports = await runWriters(warehouse, metastoreUrl ?? '', processes);
    await verify(warehouse, metastoreUrl, processes, reports);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('one warehouse, several processes at once', () => {
  it('has the compiled package for the children', () => {
    expect(existsSync(DIST), `${DIST} missing: run npx tsc -p tsconfig.build.json first`).toBe(true);
  });

  it('SQLite metastore: 3 processes create tables, append, update, merge, use views and volumes; nothing lost', { timeout: 60_000 }, async () => {
    await scenario(undefined, 3);
  });
});

const pgUrl = postgresUrl();
if (pgUrl === undefined) {
  console.warn(postgresNotRunBanner('multi-process warehouse suite'));
  if (process.env['LOCH_POSTGRES_REQUIRED'] === '1') {
    describe('PostgreSQL server required', () => {
      it('LOCH_TEST_POSTGRES_URL is set', () => {
        expect.fail('LOCH_POSTGRES_REQUIRED=1 but LOCH_TEST_POSTGRES_URL is not set; run scripts/pg-local.sh start');
      });
    });
  } else {
    describe('one warehouse, several processes at once, PostgreSQL metastore', () => {
      it('postgres multi-process warehouse suite NOT RUN (no server): set LOCH_TEST_POSTGRES_URL', () => {
        expect(postgresUrl()).toBeUndefined();
      });
    });
  }
}

describe.runIf(pgUrl !== undefined)('one warehouse, several processes at once, PostgreSQL metastore', () => {
  const schema = randomSchemaName('loch_wh_procs');
  afterAll(async () => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('PostgreSQL metastore: 2 processes, same work; nothing lost', { timeout: 60_000 }, async () => {
    await scenario(withSchema(pgUrl ?? '', schema), 2);
  });
});
