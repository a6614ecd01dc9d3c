import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch, LochError, col, eq, field, lit, primitive } from '../../src/index.js';
import type { DeltaTable, ObjectStore, StructType } from '../../src/index.js';
import { namedMemoryStore, openStore } from '../../src/storage/open-store.js';
import type { OpenStoreOptions } from '../../src/storage/open-store.js';
import { tempDir } from '../support/delta-fixture.js';
import { localS3 } from '../support/local-s3.js';

/**
 * Several writers on one table at once. Child processes run the compiled package (dist/, built
 * by `npx tsc -p tsconfig.build.json`): 8 appenders on a local folder and on S3 (no commit lost
 * or doubled, history contiguous, checkpoints readable); appenders, overwriters and a REPLACE
 * WHERE writer whose history must be serializable under WriteSerializable; and in-process
 * transactions from one snapshot whose conflicts must (or must not) fail.
 *
 * Sizes: LOCH_FAULTS_APPENDS (local, default 200 per process: the size) and LOCH_FAULTS_S3_APPENDS
 * (default 25 per process: each S3 commit costs ~0.4 s on the local Ceph gateway; the full 200
 * per process runs with LOCH_FAULTS_S3_APPENDS=200, about 10 minutes).
 */
const CHILDREN = fileURLToPath(new URL('./children/', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const PROCESSES = 8;
const LOCAL_APPENDS = Number(process.env['LOCH_FAULTS_APPENDS'] ?? 200);
const S3_APPENDS = Number(process.env['LOCH_FAULTS_S3_APPENDS'] ?? 25);

const { endpoint, credentials, available: s3Available } = await localS3('S3 CONCURRENT WRITERS SUITE');
const s3Options: OpenStoreOptions = { s3: { endpoint, region: 'us-east-1', credentials } };

const { keepRow } = (await import(new URL('./children/keep-row.mjs', import.meta.url).href)) as { keepRow: (row: Row, writer: number, seq: number) => boolean };

interface Row {
  readonly writer: number;
  readonly seq: number;
  readonly k?: number;
}

type Report = Record<string, unknown>;

/** Runs a child script; resolves with its JSON report lines once it exits with code 0. */
function runChild(script: string, args: readonly string[], env: Record<string, string> = {}): Promise<Report[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-warnings', join(CHILDREN, script), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const reports = out
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Report);
      if (code === 0) resolve(reports);
      else reject(new Error(`${script} ${args.join(' ')} exited with ${code}: ${JSON.stringify(reports.at(-1))}\n${err}`));
    });
  });
}

interface Commit {
  readonly version: number;
  readonly commitInfo: Record<string, unknown>;
  readonly adds: string[];
  readonly removes: string[];
}

/** Every commit file from version 0, checked to be contiguous and to parse line by line. */
async function readCommits(store: ObjectStore): Promise<Commit[]> {
  const keys: string[] = [];
  for await (const meta of store.list('_delta_log/')) if (/^_delta_log\/\d{20}\.json$/.test(meta.key)) keys.push(meta.key);
  keys.forEach((key, i) => expect(key).toBe(`_delta_log/${String(i).padStart(20, '0')}.json`));
  return Promise.all(
    keys.map(async (key, version) => {
      const lines = new TextDecoder()
        .decode(await store.get(key))
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, { path?: string } & Record<string, unknown>>);
      const commitInfo = lines.find((a) => a['commitInfo'])?.['commitInfo'] ?? {};
      const paths = (kind: string) => lines.filter((a) => a[kind]).map((a) => a[kind]?.path as string);
      return { version, commitInfo, adds: paths('add'), removes: paths('remove') };
    }),
  );
}

async function rowsOf(loch: Loch, location: string, version?: number): Promise<Row[]> {
  const travel = version === undefined ? '' : ` VERSION AS OF ${version}`;
  const result = await loch.sql(`SELECT * FROM delta.\`${location}\`${travel}`);
  const names = result.columns.map((c) => c.name);
  return (await result.all()).map((r) => Object.fromEntries(names.map((n, i) => [n, Number(r[i])])) as unknown as Row);
}

/** A REPLACE WHERE condition with its expression, so conflict checks can prune by statistics and partitions. */
const kIs = (n: number) => ({ sql: `k = ${n}`, filter: eq(col('k'), lit(primitive('integer'), n)) });

const keyOf = (r: Row) => `${r.writer}:${r.seq}:${r.k ?? ''}`;
const sortedKeys = (rows: readonly Row[]) => rows.map(keyOf).sort();

const APPEND_SCHEMA: StructType = { kind: 'struct', fields: [field('writer', primitive('integer')), field('seq', primitive('integer'))] };
const MIXED_SCHEMA: StructType = { kind: 'struct', fields: [...APPEND_SCHEMA.fields, field('k', primitive('integer'))] };

/**
 * 8 children × `appends` one-row commits; then: exactly one row per (writer, seq), versions
 * 0..N contiguous with one WRITE per append, each version claimed by exactly one child, and the
 * checkpoint of every 10th version readable on its own (its file list is the replayed one).
 */
async function eightAppenders(loch: Loch, location: string, store: ObjectStore, appends: number, env: Record<string, string> = {}): Promise<void> {
  await (await loch.deltaTable(location)).create({ mode: 'create', schema: APPEND_SCHEMA });
  const warehouse = await tempDir();
  const started = Date.now();
  const reports = await Promise.all(Array.from({ length: PROCESSES }, (_, w) => runChild('appender.mjs', [location, String(w), String(appends), join(warehouse, `w${w}`)], env)));
  const ms = Date.now() - started;
  const commits = reports.flat().filter((r) => r['version'] !== undefined);
  const attempts = commits.reduce((n, r) => n + Number(r['attempts']), 0);
  process.stdout.write(`concurrent appends ${location}: ${PROCESSES}×${appends} commits in ${ms} ms, ${attempts} attempts\n`);

  const total = PROCESSES * appends;
  expect(commits.map((r) => Number(r['version'])).sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  const rows = await rowsOf(loch, location);
  expect(rows.length).toBe(total);
  expect(new Set(rows.map(keyOf)).size).toBe(total);
  for (let w = 0; w < PROCESSES; w++) expect(rows.filter((r) => r.writer === w).map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: appends }, (_, i) => i));

  const log = await readCommits(store);
  expect(log.length).toBe(total + 1);
  for (const c of log.slice(1)) {
    expect(c.commitInfo['operation']).toBe('WRITE');
    expect(c.adds.length).toBe(1);
    expect(c.removes.length).toBe(0);
  }
  await checkCheckpoints(loch, store, log);
}

/** Each checkpoint at a multiple of 10, copied alone (with its commit) into a fresh store, loads the replayed file list. */
async function checkCheckpoints(loch: Loch, store: ObjectStore, log: readonly Commit[]): Promise<void> {
  const live = new Set<string>();
  for (const c of log) {
    c.removes.forEach((p) => live.delete(p));
    c.adds.forEach((p) => live.add(p));
    if (c.version === 0 || c.version % 10 !== 0) continue;
    const name = `checkpoint-only-${Date.now().toString(36)}-${c.version}`;
    const copy = namedMemoryStore(name);
    for (const key of [`_delta_log/${String(c.version).padStart(20, '0')}.checkpoint.parquet`, `_delta_log/${String(c.version).padStart(20, '0')}.json`]) {
      const bytes = await store.get(key);
      expect(bytes, `${key} missing`).toBeDefined();
      await copy.put(key, bytes as Uint8Array);
    }
    const snapshot = await (await loch.deltaTable(`memory://${name}`)).snapshot({ version: c.version });
    expect(snapshot.delta.files.map((f) => decodeURIComponent(f.path)).sort()).toEqual([...live].map((p) => decodeURIComponent(p)).sort());
  }
}

describe('concurrent writers', () => {
  let loch: Loch;
  beforeAll(async () => {
    expect(existsSync(DIST), `${DIST} missing: run npx tsc -p tsconfig.build.json first`).toBe(true);
    loch = await Loch.open({ warehouse: join(await tempDir(), 'warehouse') });
  });
  afterAll(async () => loch?.close());

  describe('transactions from one snapshot (in process)', () => {
    let dir = '';
    let table: DeltaTable;
    const rows = async () => sortedKeys(await rowsOf(loch, dir));

    const fresh = async (name: string, partitionColumns?: string[]) => {
      dir = join(await tempDir(), name);
      table = await loch.deltaTable(dir);
      await table.create({ mode: 'create', schema: MIXED_SCHEMA, ...(partitionColumns ? { partitionColumns } : {}) });
      await table.write({ rows: [0, 1, 2, 3].map((k) => ({ writer: 0, seq: k, k })) });
    };

    it('two overwrites: the second fails with CONFLICT naming the winning version; its files stay as orphans', async () => {
      await fresh('overwrites');
      const a = await table.begin();
      const b = await table.begin();
      await a.write({ rows: [{ writer: 1, seq: 0, k: 0 }] }, { mode: 'overwrite' });
      await b.write({ rows: [{ writer: 2, seq: 0, k: 0 }] }, { mode: 'overwrite' });
      const won = await a.commit();
      expect(won.kind === 'committed' && won.commit.version).toBe(2);
      const error = await b.commit().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(LochError);
      const conflict = error as LochError;
      expect(conflict.code).toBe('CONFLICT');
      expect(conflict.retryable).toBe(false);
      expect(conflict.context['winningVersion']).toBe(2);
      expect(conflict.message).toMatch(/version 2\b/);
      expect(await rows()).toEqual(['1:0:0']);
      // b's data file was written but never committed: still on disk, referenced by no commit.
      const logged = new Set((await readCommits(openStore(dir))).flatMap((c) => c.adds).map((p) => decodeURIComponent(p)));
      const onDisk = parquetFiles(dir);
      expect(onDisk.filter((p) => !logged.has(p)).length).toBe(1);
    });

    it('two blind appends both commit, the second rebased over the first', async () => {
      await fresh('appends');
      const a = await table.begin();
      const b = await table.begin();
      await a.write({ rows: [{ writer: 1, seq: 0, k: 0 }] });
      await b.write({ rows: [{ writer: 2, seq: 0, k: 0 }] });
      const first = await a.commit();
      const second = await b.commit();
      expect(first.kind === 'committed' && first.commit.version).toBe(2);
      expect(second.kind === 'committed' && [second.commit.version, second.commit.attempts, second.commit.rebasedOver]).toEqual([3, 2, [2]]);
      expect(await rows()).toEqual(['0:0:0', '0:1:1', '0:2:2', '0:3:3', '1:0:0', '2:0:0']);
    });

    it('WriteSerializable: a blind append and an overwrite from one snapshot both commit, in either order', async () => {
      for (const appendFirst of [true, false]) {
        await fresh(`append-overwrite-${appendFirst}`);
        const append = await table.begin();
        const overwrite = await table.begin();
        await append.write({ rows: [{ writer: 1, seq: 0, k: 0 }] });
        await overwrite.write({ rows: [{ writer: 2, seq: 0, k: 0 }] }, { mode: 'overwrite' });
        const [x, y] = appendFirst ? [append, overwrite] : [overwrite, append];
        expect((await x.commit()).kind).toBe('committed');
        expect((await y.commit()).kind).toBe('committed');
        // The appended row survives the overwrite: the serial order is overwrite, then append.
        expect(await rows()).toEqual(['1:0:0', '2:0:0']);
      }
    });

    it('REPLACE WHERE on disjoint partitions both commit; on the same partition the second fails', async () => {
      await fresh('replace-disjoint', ['k']);
      const one = await table.begin();
      const two = await table.begin();
      await one.write({ rows: [{ writer: 1, seq: 0, k: 1 }] }, { replaceWhere: kIs(1) });
      await two.write({ rows: [{ writer: 2, seq: 0, k: 2 }] }, { replaceWhere: kIs(2) });
      expect((await one.commit()).kind).toBe('committed');
      expect((await two.commit()).kind).toBe('committed');
      expect(await rows()).toEqual(['0:0:0', '0:3:3', '1:0:1', '2:0:2']);

      const three = await table.begin();
      const four = await table.begin();
      await three.write({ rows: [{ writer: 3, seq: 0, k: 1 }] }, { replaceWhere: kIs(1) });
      await four.write({ rows: [{ writer: 4, seq: 0, k: 1 }] }, { replaceWhere: kIs(1) });
      const won = await three.commit();
      const lost = await four.commit().catch((e: unknown) => e);
      expect(lost).toBeInstanceOf(LochError);
      expect((lost as LochError).code).toBe('CONFLICT');
      expect((lost as LochError).context['winningVersion']).toBe(won.kind === 'committed' ? won.commit.version : -1);
      expect(await rows()).toEqual(['0:0:0', '0:3:3', '2:0:2', '3:0:1']);
    });

    it('an overwrite that lost to a REPLACE WHERE fails, and so does an append that lost to a schema change', async () => {
      await fresh('overwrite-vs-replace');
      const replace = await table.begin();
      const overwrite = await table.begin();
      await replace.write({ rows: [{ writer: 1, seq: 0, k: 1 }] }, { replaceWhere: kIs(1) });
      await overwrite.write({ rows: [{ writer: 2, seq: 0, k: 0 }] }, { mode: 'overwrite' });
      await replace.commit();
      expect(await overwrite.commit().catch((e: unknown) => (e as LochError).code)).toBe('CONFLICT');

      const append = await table.begin();
      await append.write({ rows: [{ writer: 3, seq: 0, k: 0 }] });
      await table.alter({ kind: 'set_properties', properties: { 'loch.test': 'x' } });
      const error = (await append.commit().catch((e: unknown) => e)) as LochError;
      expect(error.code).toBe('CONFLICT');
      expect(error.context['type']).toBe('MetadataChanged');
    });

    it('two transactions setting one application id: the second fails', async () => {
      await fresh('app-ids');
      const a = await table.begin();
      const b = await table.begin();
      await a.write({ rows: [{ writer: 1, seq: 0, k: 0 }] }, { appTransaction: { appId: 'stream-1', version: 1 } });
      await b.write({ rows: [{ writer: 2, seq: 0, k: 0 }] }, { appTransaction: { appId: 'stream-1', version: 1 } });
      await a.commit();
      const error = (await b.commit().catch((e: unknown) => e)) as LochError;
      expect(error.code).toBe('CONFLICT');
      expect(error.context['type']).toBe('ConcurrentTransaction');
      expect(await rows()).toContain('1:0:0');
      expect(await rows()).not.toContain('2:0:0');
    });
  });

  it(`${PROCESSES} processes × ${LOCAL_APPENDS} appends on a local folder`, { timeout: 600_000 }, async () => {
    const dir = join(await tempDir(), 'appends');
    await eightAppenders(loch, dir, openStore(dir), LOCAL_APPENDS);
  });

  it('appenders, overwriters and a REPLACE WHERE writer produce a serializable history', { timeout: 600_000 }, async () => {
    const dir = join(await tempDir(), 'mixed');
    await (await loch.deltaTable(dir)).create({ mode: 'create', schema: MIXED_SCHEMA });
    const warehouse = await tempDir();
    const roles: [string, number, number][] = [
      ['append', 0, 30],
      ['append', 1, 30],
      ['append', 2, 30],
      ['append', 3, 30],
      ['overwrite', 10, 8],
      ['overwrite', 11, 8],
      ['replace', 20, 8],
    ];
    const started = Date.now();
    const reports = (await Promise.all(roles.map(([role, w, n]) => runChild('mixed-writer.mjs', [dir, role, String(w), String(n), join(warehouse, `w${w}`)])))).flat();
    const conflicts = reports.filter((r) => r['conflict'] !== undefined);
    process.stdout.write(`mixed writers: ${reports.filter((r) => r['version'] !== undefined).length} commits, ${conflicts.length} conflicts in ${Date.now() - started} ms\n`);
    await checkSerializable(loch, dir, reports);
  });

  describe.skipIf(!s3Available)('on S3', () => {
    it(`${PROCESSES} processes × ${S3_APPENDS} appends on S3`, { timeout: 900_000 }, async () => {
      const bucket = `loch-writers-${Date.now().toString(36)}`;
      await new S3Client({ endpoint, region: 'us-east-1', credentials, forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: bucket }));
      const s3loch = await Loch.open({ warehouse: join(await tempDir(), 'warehouse'), storage: s3Options });
      try {
        const location = `s3://${bucket}/appends`;
        await eightAppenders(s3loch, location, openStore(location, s3Options), S3_APPENDS, { LOCH_S3_ENDPOINT: endpoint, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey });
      } finally {
        await s3loch.close();
      }
    });
  });
});

function parquetFiles(dir: string): string[] {
  const walk = (d: string): string[] => readdirSync(d).flatMap((name) => (statSync(join(d, name)).isDirectory() ? walk(join(d, name)) : [join(d, name)]));
  return walk(dir)
    .map((p) => relative(dir, p))
    .filter((p) => p.endsWith('.parquet') && !p.startsWith('_delta_log'));
}

interface Meta {
  readonly role: 'append' | 'overwrite' | 'replace';
  readonly writer: number;
  readonly seq: number;
}

/**
 * Replays the log and checks every version against the serial order WriteSerializable promises:
 * - an append adds its one row to the previous version;
 * - an overwrite that read version r holds keepRow(content(r)) + its row + the rows of the blind
 *   appends committed between r and it (they serialize after it), and no other commit may lie
 *   in that window (it would have had to conflict);
 * - a REPLACE WHERE k = 1 leaves the k <> 1 rows as they were, and its k = 1 rows are
 *   keepRow(k = 1 rows of r) + its row + blind-appended k = 1 rows from the window; a non-blind
 *   commit in the window must not have changed the k = 1 rows.
 * Every version's rows are distinct, every child's reported commit is in the log, and every
 * CONFLICT a child saw names a later, non-blind winning version.
 */
async function checkSerializable(loch: Loch, dir: string, reports: readonly Report[]): Promise<void> {
  const log = await readCommits(openStore(dir));
  const content: string[][] = [[]];
  const metas: (Meta | undefined)[] = [undefined];
  for (const c of log.slice(1)) {
    const rows = await rowsOf(loch, dir, c.version);
    content.push(sortedKeys(rows));
    expect(new Set(content[c.version]).size).toBe(rows.length);
    metas.push(JSON.parse(c.commitInfo['userMetadata'] as string) as Meta);
  }
  const parse = (k: string): Row => {
    const [writer, seq, kk] = k.split(':').map(Number);
    return { writer: writer as number, seq: seq as number, k: kk as number };
  };
  const rowOf = (m: Meta): string => keyOf({ writer: m.writer, seq: m.seq, k: m.role === 'replace' ? 1 : m.seq % 4 });
  const blind = (v: number) => log[v]?.commitInfo['isBlindAppend'] === true;
  for (const c of log.slice(1)) {
    const v = c.version;
    const meta = metas[v] as Meta;
    const r = Number(c.commitInfo['readVersion']);
    expect(r).toBeLessThan(v);
    const window = Array.from({ length: v - r - 1 }, (_, i) => r + 1 + i);
    const appended = window.filter(blind).map((u) => rowOf(metas[u] as Meta));
    const previous = content[v - 1] as string[];
    const now = content[v] as string[];
    if (meta.role === 'append') {
      expect(c.commitInfo['isBlindAppend']).toBe(true);
      expect(now).toEqual([...previous, rowOf(meta)].sort());
    } else if (meta.role === 'overwrite') {
      expect(window.filter((u) => !blind(u)), `overwrite at ${v} read ${r}`).toEqual([]);
      const kept = (content[r] as string[]).filter((k) => keepRow(parse(k), meta.writer, meta.seq));
      expect(now).toEqual([...kept, rowOf(meta), ...appended].sort());
    } else {
      const isOne = (k: string) => parse(k).k === 1;
      for (const u of window.filter((x) => !blind(x))) expect((content[u] as string[]).filter(isOne), `replace at ${v} read ${r}, commit ${u}`).toEqual((content[u - 1] as string[]).filter(isOne));
      expect(now.filter((k) => !isOne(k))).toEqual(previous.filter((k) => !isOne(k)));
      const kept = (content[r] as string[]).filter((k) => isOne(k) && keepRow(parse(k), meta.writer, meta.seq));
      expect(now.filter(isOne)).toEqual([...kept, rowOf(meta), ...appended.filter(isOne)].sort());
    }
  }
  const reported = reports.filter((x) => x['version'] !== undefined);
  expect(reported.length).toBe(log.length - 1);
  for (const x of reported) expect(metas[Number(x['version'])]).toEqual({ role: x['role'], writer: x['writer'], seq: x['seq'] });
  for (const x of reports.filter((y) => y['conflict'] !== undefined)) {
    const winning = Number((x['conflict'] as Record<string, unknown>)['winningVersion']);
    expect(blind(winning), `conflict with blind append ${winning}: ${String(x['message'])}`).toBe(false);
  }
}
