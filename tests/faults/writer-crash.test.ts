import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch, field, primitive } from '../../src/index.js';
import { tempDir } from '../support/delta-fixture.js';
import { seededRandom } from '../support/faulty-store.js';

/**
 * A writer killed with SIGKILL at random moments (seeded) while it appends, overwrites and
 * replaces rows of a local table; one table per lane accumulates state over all its trials,
 * and two lanes run at once. After every kill: the log is contiguous and every commit file
 * parses, every version reads (time travel) exactly the rows the log's operations say, every
 * commit the writer acknowledged is there, and no data file ever disappears (only VACUUM may
 * remove them; uncommitted ones stay as invisible orphans).
 *
 * LOCH_CRASH_TRIALS sets the trials per lane (default 100, so 200 in all).
 */
const CHILD = fileURLToPath(new URL('./children/crash-writer.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const TRIALS_PER_LANE = Number(process.env['LOCH_CRASH_TRIALS'] ?? 100);
const LANES = 2;
/** Commits a trial lets the writer finish before the kill window opens: 0, 1 or 2. */
const MAX_COMMITS_BEFORE_KILL = 3;

const { crashKeep } = (await import(new URL('./children/keep-row.mjs', import.meta.url).href)) as { crashKeep: (row: { tag: number; i: number }, tag: number) => boolean };

interface Meta {
  readonly op: 'append' | 'overwrite' | 'replace';
  readonly tag: number;
  readonly n: number;
}

interface LaneStats {
  trials: number;
  commits: number;
  killedBeforeFirstCommit: number;
  orphans: number;
  leftovers: number;
}

const key = (tag: number, i: number) => `${tag}:${i}`;
const parseKey = (k: string) => {
  const [tag, i] = k.split(':').map(Number);
  return { tag: tag as number, i: i as number };
};

/** The rows version v must hold, from the rows of v - 1 and the commit's operation. */
function apply(previous: readonly string[], meta: Meta): string[] {
  const fresh = (n: number) => Array.from({ length: n }, (_, i) => key(meta.tag, i));
  const keep = (k: string) => crashKeep(parseKey(k), meta.tag);
  if (meta.op === 'append') return [...previous, ...fresh(meta.n)].sort();
  if (meta.op === 'overwrite') return [...previous.filter(keep), ...fresh(meta.n)].sort();
  const isZero = (k: string) => parseKey(k).i === 0;
  return [...previous.filter((k) => !isZero(k)), ...previous.filter((k) => isZero(k) && keep(k)), key(meta.tag, 0)].sort();
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * A writer process for one trial. It starts loading at once (the package and DuckDB take a
 * second or two), so the next trial's writer loads while the current one runs and is checked.
 */
class Writer {
  private out = '';
  private err = '';
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters: { text: string; done: () => boolean; resolve: () => void }[] = [];

  constructor(
    dir: string,
    readonly trial: number,
    seed: number,
    warehouse: string,
  ) {
    this.child = spawn(process.execPath, ['--no-warnings', CHILD, dir, String(trial), String(seed), warehouse]);
    this.child.stdout.on('data', (d: Buffer) => {
      this.out += d.toString();
      for (const w of this.waiters.filter((x) => this.out.includes(x.text) && x.done())) w.resolve();
    });
    this.child.stderr.on('data', (d: Buffer) => (this.err += d.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /**
   * Lets the writer start, waits for `commits` acknowledged commits, then kills it after `fraction`
   * of `commitMs` (the lane's running estimate of one commit's duration), so the kill lands
   * inside a write — snapshot load, data files, commit or checkpoint — whatever the machine's
   * speed. Returns the acknowledged commits and the measured time per commit.
   */
  async runAndKill(commits: number, fraction: number, commitMs: number): Promise<{ acks: { version: number; tag: number }[]; msPerCommit?: number }> {
    await this.until('"loaded":true');
    this.child.stdin.write('go\n');
    await this.until('"ready":true');
    const ready = Date.now();
    const acked = (n: number) => this.acks().length >= n;
    if (commits > 0) await this.until('"version"', () => acked(commits));
    const runMs = Date.now() - ready;
    await new Promise((resolve) => setTimeout(resolve, Math.floor(fraction * commitMs)));
    this.child.kill('SIGKILL');
    const { code, signal } = await this.exited;
    if (signal !== 'SIGKILL') throw new Error(`crash writer trial ${this.trial} ended by itself (code ${code}): ${this.err}\n${this.out}`);
    return { acks: this.acks(), ...(commits > 0 ? { msPerCommit: runMs / commits } : {}) };
  }

  /** Kills a writer that never ran (a failed check ends the lane early). */
  dispose(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  /** Acknowledged commits so far; a last line cut by the kill does not count. */
  private acks(): { version: number; tag: number }[] {
    const lines = this.out.split('\n').slice(0, -1);
    return lines.map((l) => JSON.parse(l) as Record<string, number>).filter((r) => r['version'] !== undefined) as { version: number; tag: number }[];
  }

  private until(text: string, done: () => boolean = () => true): Promise<void> {
    if (this.out.includes(text) && done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ text, done, resolve });
      void this.exited.then(({ code, signal }) => reject(new Error(`crash writer trial ${this.trial} exited (${code ?? signal}) before ${text}: ${this.err}`)));
    });
  }
}

const COMMIT = /^\d{20}\.json$/;
const ALLOWED_IN_LOG = [COMMIT, /^\d{20}\.checkpoint\.parquet$/, /^_last_checkpoint$/, /^\.loch-tmp-/];

class Lane {
  /** Expected rows of every version so far (sorted keys). */
  readonly versions: string[][] = [[]];
  readonly metas: Meta[] = [];
  readonly referenced = new Set<string>();
  private files = new Set<string>();
  readonly stats: LaneStats = { trials: 0, commits: 0, killedBeforeFirstCommit: 0, orphans: 0, leftovers: 0 };

  constructor(
    readonly loch: Loch,
    readonly dir: string,
  ) {}

  /** Everything the brief promises after one kill. */
  async check(acknowledged: readonly { version: number; tag: number }[], random: () => number): Promise<void> {
    const known = this.versions.length;
    this.readNewCommits();
    const latest = this.versions.length - 1;
    for (const ack of acknowledged) expect(this.metas[ack.version]?.tag, `acknowledged commit ${ack.version}`).toBe(ack.tag);
    if (acknowledged.length === 0) this.stats.killedBeforeFirstCommit += 1;
    this.stats.commits += latest + 1 - known;
    for (let v = known; v <= latest; v++) expect(await this.rows(v), `version ${v}`).toEqual(this.versions[v]);
    expect(await this.rows(), 'latest').toEqual(this.versions[latest]);
    const older = Math.floor(random() * (latest + 1));
    expect(await this.rows(older), `version ${older} again`).toEqual(this.versions[older]);
    this.checkFiles();
    this.stats.trials += 1;
  }

  private readNewCommits(): void {
    const log = join(this.dir, '_delta_log');
    const names = readdirSync(log);
    for (const name of names) expect(ALLOWED_IN_LOG.some((p) => p.test(name)), `unexpected ${name} in the log`).toBe(true);
    const commits = names.filter((n) => COMMIT.test(n)).sort();
    commits.forEach((name, v) => expect(name).toBe(`${String(v).padStart(20, '0')}.json`));
    for (let v = this.versions.length; v < commits.length; v++) {
      const actions = readFileSync(join(log, commits[v] as string), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
      const info = actions.find((a) => a['commitInfo'])?.['commitInfo'] ?? {};
      expect(info['readVersion'], `version ${v} is a read-modify-write of the version before`).toBe(v - 1);
      const meta = JSON.parse(info['userMetadata'] as string) as Meta;
      this.metas[v] = meta;
      this.versions.push(apply(this.versions[v - 1] as string[], meta));
      for (const a of actions) if (a['add']) this.referenced.add(decodeURIComponent(a['add']['path'] as string));
    }
  }

  /** Data files never disappear, and every file a commit names exists. */
  private checkFiles(): void {
    const all = filesUnder(this.dir).map((p) => relative(this.dir, p));
    const data = new Set(all.filter((p) => p.endsWith('.parquet') && !p.startsWith('_delta_log/') && !p.startsWith('_loch_staging/')));
    for (const f of this.files) expect(data.has(f), `data file ${f} was deleted`).toBe(true);
    for (const f of this.referenced) expect(data.has(f), `committed file ${f} is missing`).toBe(true);
    this.files = data;
    this.stats.orphans = [...data].filter((f) => !this.referenced.has(f)).length;
    this.stats.leftovers = all.filter((p) => p.startsWith('_loch_staging/') || p.includes('.loch-tmp-')).length;
  }

  private async rows(version?: number): Promise<string[]> {
    const travel = version === undefined ? '' : ` VERSION AS OF ${version}`;
    const result = await this.loch.sql(`SELECT tag, i FROM delta.\`${this.dir}\`${travel}`);
    return (await result.all()).map((r) => key(Number(r[0]), Number(r[1]))).sort();
  }
}

describe('writers killed with SIGKILL', () => {
  let loch: Loch;
  beforeAll(async () => {
    expect(existsSync(DIST), `${DIST} missing: run npx tsc -p tsconfig.build.json first`).toBe(true);
    loch = await Loch.open({ warehouse: join(await tempDir(), 'warehouse') });
  });
  afterAll(async () => loch?.close());

  it(`${LANES} lanes × ${TRIALS_PER_LANE} kills leave every table readable and every commit whole`, { timeout: 900_000 }, async () => {
    const started = Date.now();
    const lanes = await Promise.all(
      Array.from({ length: LANES }, async (_, n) => {
        const dir = join(await tempDir(), `crash-${n}`);
        const table = await loch.deltaTable(dir);
        await table.create({ mode: 'create', schema: { kind: 'struct', fields: [field('tag', primitive('integer')), field('i', primitive('integer'))] } });
        const lane = new Lane(loch, dir);
        const random = seededRandom(4242 + n);
        const warehouse = await tempDir();
        const start = (trial: number) => new Writer(dir, trial, Math.floor(random() * 2 ** 31), join(warehouse, String(trial % 2)));
        let next = start(1);
        let commitMs = 100;
        try {
          for (let trial = 1; trial <= TRIALS_PER_LANE; trial++) {
            const writer = next;
            const running = writer.runAndKill(Math.floor(random() * MAX_COMMITS_BEFORE_KILL), random() * 1.5, commitMs);
            if (trial < TRIALS_PER_LANE) next = start(trial + 1);
            const { acks, msPerCommit } = await running;
            if (msPerCommit !== undefined) commitMs = 0.7 * commitMs + 0.3 * msPerCommit;
            await lane.check(acks, random);
          }
        } finally {
          next.dispose();
        }
        return lane.stats;
      }),
    );
    const total = lanes.reduce((n, s) => n + s.trials, 0);
    process.stdout.write(`writer crash: ${total} kills in ${Date.now() - started} ms; ${JSON.stringify(lanes)}\n`);
    expect(total).toBe(LANES * TRIALS_PER_LANE);
    // The kills must have landed while work was in flight, not only between writes.
    expect(lanes.reduce((n, s) => n + s.orphans + s.leftovers, 0)).toBeGreaterThan(0);
  });
});
