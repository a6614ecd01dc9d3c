import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock, SequentialIds } from '../../src/core/index.js';
import { Loch, LochError, field, primitive } from '../../src/index.js';
import type { DeltaTable } from '../../src/index.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import type { PutIfAbsentResult } from '../../src/storage/object-store.js';
import { registerMemoryStore } from '../../src/storage/open-store.js';
import { tempDir } from '../support/delta-fixture.js';
import { FaultyStore } from '../support/faulty-store.js';

/**
 * Writes through a store that fails, stalls and reorders calls by seed — including a
 * putIfAbsent that took effect but answered with a retryable error. Several in-process writers
 * append and read-modify-write one table at once, retrying whatever failed retryably (and
 * re-planning after a CONFLICT). Afterwards, with the faults off: the log is contiguous and
 * parses, every logical write is committed exactly once, and every version's content is exactly
 * the rows of the writes committed up to it — so no lost update and no doubled commit.
 */
const SCHEMA = { kind: 'struct' as const, fields: [field('writer', primitive('integer')), field('seq', primitive('integer'))] };
const APPENDERS = [0, 1, 2];
const APPENDS = 8;
/** Two writers that each rewrite all rows with writer >= 9 (keeping them) plus one new row. */
const REWRITERS = [9, 10];
const REWRITES = 5;
const SEEDS = [11, 12, 13];
/** A read of version v fetches up to ~v+1 log objects (checkpoints may have failed too), each may fail. */
const READ_FAILURES = 0.02;
const FAULTS = { failBefore: 0.06, failAfter: 0.1, listBreak: 0.05, delayRate: 0.3, maxDelayMs: 4 };

interface Tally {
  retried: number;
  conflicts: number;
  unknown: number;
}

interface LogEntry {
  readonly version: number;
  readonly commitInfo: Record<string, unknown>;
  readonly adds: number;
  readonly removes: number;
}

/**
 * The first putIfAbsent of `key` takes effect, then either fails (and so does the first read
 * of the key after it: 'error') or answers 'exists' (what an SDK retry after a lost reply sees).
 */
class LostReplyStore extends MemoryStore {
  readonly injected: string[] = [];
  private readBackFails = false;

  constructor(
    name: string,
    private readonly key: string,
    private readonly answer: 'error' | 'exists',
  ) {
    super(name);
  }

  override async putIfAbsent(key: string, bytes: Uint8Array): Promise<PutIfAbsentResult> {
    const result = await super.putIfAbsent(key, bytes);
    if (key !== this.key || this.injected.length > 0) return result;
    this.injected.push('putIfAbsent');
    if (this.answer === 'exists') return 'exists';
    this.readBackFails = true;
    throw new LochError('STORAGE_ERROR', `storage memory: injected lost reply for putIfAbsent ${key}`, { retryable: true });
  }

  override async get(key: string): Promise<Uint8Array | undefined> {
    if (key === this.key && this.readBackFails) {
      this.readBackFails = false;
      this.injected.push('get');
      throw new LochError('STORAGE_ERROR', `storage memory: injected failure reading ${key} back`, { retryable: true });
    }
    return super.get(key);
  }
}

const marker = (writer: number, seq: number) => `${writer}:${seq}`;

/** Commit files of the store (faults off), checked to be contiguous from 0 and to parse. */
async function readLog(store: FaultyStore): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  const keys: string[] = [];
  for await (const meta of store.list('_delta_log/')) if (/^_delta_log\/\d{20}\.json$/.test(meta.key)) keys.push(meta.key);
  for (const [i, key] of keys.entries()) {
    expect(key).toBe(`_delta_log/${String(i).padStart(20, '0')}.json`);
    const text = new TextDecoder().decode(await store.get(key));
    const actions = text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
    const commitInfo = actions.find((a) => a['commitInfo'] !== undefined)?.['commitInfo'] ?? {};
    entries.push({ version: i, commitInfo, adds: actions.filter((a) => a['add']).length, removes: actions.filter((a) => a['remove']).length });
  }
  return entries;
}

async function rowsAt(loch: Loch, location: string, version?: number): Promise<string[]> {
  const travel = version === undefined ? '' : ` VERSION AS OF ${version}`;
  const result = await loch.sql(`SELECT writer, seq FROM delta.\`${location}\`${travel}`);
  return (await result.all()).map((r) => marker(Number(r[0]), Number(r[1]))).sort();
}

/**
 * Runs `attempt` until it succeeds. Retryable failures and conflicts are tried again; a commit
 * whose outcome is unknown is looked up in the history by its marker first, as a user would.
 */
async function untilDone(table: DeltaTable, tag: string, tally: Tally, attempt: () => Promise<void>): Promise<void> {
  for (let tries = 0; tries < 1000; tries += 1) {
    try {
      await attempt();
      return;
    } catch (error) {
      if (!(error instanceof LochError)) throw error;
      if (error.code === 'CONFLICT' && !error.retryable) tally.conflicts += 1;
      else if (error.context['outcome'] === 'unknown') {
        tally.unknown += 1;
        if (await committedBefore(table, tag, tally)) return;
      } else if (error.retryable) tally.retried += 1;
      else throw error;
    }
  }
  throw new Error(`write ${tag} did not succeed in 1000 attempts`);
}

async function committedBefore(table: DeltaTable, tag: string, tally: Tally): Promise<boolean> {
  for (;;) {
    try {
      return (await table.history()).some((h) => h.commitInfo['userMetadata'] === tag);
    } catch (error) {
      if (!(error instanceof LochError) || !error.retryable) throw error;
      tally.retried += 1;
    }
  }
}

async function appender(table: DeltaTable, writer: number, tally: Tally): Promise<void> {
  for (let seq = 0; seq < APPENDS; seq += 1) {
    const tag = marker(writer, seq);
    await untilDone(table, tag, tally, async () => {
      const outcome = await table.write({ rows: [{ writer, seq }] }, { userMetadata: tag });
      expect(outcome.kind).toBe('committed');
    });
  }
}

/** Read-modify-write: keep every row with writer >= 9 as read, add one (REPLACE WHERE). */
async function rewriter(loch: Loch, table: DeltaTable, writer: number, tally: Tally): Promise<void> {
  for (let seq = 0; seq < REWRITES; seq += 1) {
    const tag = marker(writer, seq);
    await untilDone(table, tag, tally, async () => {
      const tx = await table.begin();
      const result = await loch.sql(`SELECT writer, seq FROM delta.\`${table.name}\` VERSION AS OF ${tx.readVersion} WHERE writer >= 9`);
      const kept = (await result.all()).map((r) => ({ writer: Number(r[0]), seq: Number(r[1]) }));
      await tx.write({ rows: [...kept, { writer, seq }] }, { replaceWhere: 'writer >= 9', userMetadata: tag });
      const outcome = await tx.commit();
      expect(outcome.kind).toBe('committed');
    });
  }
}

async function createTable(loch: Loch, name: string, store: FaultyStore): Promise<DeltaTable> {
  store.faulty = false;
  registerMemoryStore(name, store);
  const table = await loch.deltaTable(`memory://${name}`);
  await table.create({ mode: 'create', schema: SCHEMA });
  store.faulty = true;
  return table;
}

/** Every logical write committed once; version v holds exactly the rows of versions 1..v. */
async function checkHistory(loch: Loch, store: FaultyStore, location: string): Promise<string[]> {
  store.faulty = false;
  const log = await readLog(store);
  const expectedTags = [...APPENDERS.flatMap((w) => Array.from({ length: APPENDS }, (_, s) => marker(w, s))), ...REWRITERS.flatMap((w) => Array.from({ length: REWRITES }, (_, s) => marker(w, s)))];
  const tags = log.slice(1).map((e) => e.commitInfo['userMetadata'] as string);
  expect([...tags].sort()).toEqual([...expectedTags].sort());
  const content: string[] = [];
  for (const entry of log.slice(1)) {
    expect(entry.commitInfo['operation']).toBe('WRITE');
    content.push(entry.commitInfo['userMetadata'] as string);
    expect(await rowsAt(loch, location, entry.version)).toEqual([...content].sort());
  }
  const latest = await rowsAt(loch, location);
  expect(latest).toEqual([...expectedTags].sort());
  return latest;
}

describe('writes through a faulty store', () => {
  let loch: Loch;
  beforeAll(async () => {
    loch = await Loch.open({ warehouse: join(await tempDir(), 'warehouse'), cacheBytes: 64 * 1024 });
  });
  afterAll(async () => loch?.close());

  for (const seed of SEEDS) {
    it(`seed ${seed}: concurrent appenders and rewriters, twice, leave a consistent history`, async () => {
      const finals: string[][] = [];
      for (const run of [1, 2]) {
        const name = `faulty-writes-${seed}-${run}`;
        const store = new FaultyStore(name, seed, READ_FAILURES, { writes: FAULTS });
        const table = await createTable(loch, name, store);
        const tally: Tally = { retried: 0, conflicts: 0, unknown: 0 };
        await Promise.all([...APPENDERS.map((w) => appender(table, w, tally)), ...REWRITERS.map((w) => rewriter(loch, table, w, tally))]);
        expect(store.countOf('lost-ack', 'putIfAbsent') + store.countOf('fail', 'putIfAbsent')).toBeGreaterThan(0);
        expect(tally.retried).toBeGreaterThan(0);
        finals.push(await checkHistory(loch, store, `memory://${name}`));
      }
      expect(finals[1]).toEqual(finals[0]);
    });
  }

  it('every commit whose put lost its reply is resolved by its txnId, never doubled', async () => {
    // Every commit's putIfAbsent takes effect and then reports a retryable failure.
    const name = 'faulty-writes-lost-acks';
    const store = new FaultyStore(name, 5, 0, { writes: { failAfter: 1, ops: ['putIfAbsent'] } });
    const table = await createTable(loch, name, store);
    for (let seq = 0; seq < 5; seq += 1) {
      const outcome = await table.write({ rows: [{ writer: 0, seq }] }, { userMetadata: marker(0, seq) });
      expect(outcome.kind === 'committed' && outcome.commit.version).toBe(seq + 1);
    }
    expect(store.countOf('lost-ack', 'putIfAbsent')).toBe(5);
    store.faulty = false;
    expect(await rowsAt(loch, `memory://${name}`)).toEqual([0, 1, 2, 3, 4].map((s) => marker(0, s)).sort());
    expect((await readLog(store)).length).toBe(6);
  });

  for (const answer of ['error', 'exists'] as const) {
    const what = answer === 'error' ? 'a lost reply followed by a failed read-back' : "a put of our own commit answered 'exists'";
    it(`${what} is still one commit`, async () => {
      const name = `faulty-writes-own-${answer}`;
      const store = new LostReplyStore(name, '_delta_log/00000000000000000001.json', answer);
      registerMemoryStore(name, store);
      const table = await loch.deltaTable(`memory://${name}`);
      await table.create({ mode: 'create', schema: SCHEMA });
      const outcome = await table.write({ rows: [{ writer: 0, seq: 0 }] });
      expect(outcome.kind === 'committed' && outcome.commit.version).toBe(1);
      expect(store.injected).toEqual(answer === 'error' ? ['putIfAbsent', 'get'] : ['putIfAbsent']);
      const commits: string[] = [];
      for await (const meta of store.list('_delta_log/')) if (meta.key.endsWith('.json')) commits.push(meta.key);
      expect(commits.length).toBe(2);
      expect(await rowsAt(loch, `memory://${name}`)).toEqual([marker(0, 0)]);
    });
  }

  it("creating a table whose version 0 put is answered 'exists' although it is ours succeeds", async () => {
    const name = 'faulty-writes-own-create';
    const store = new LostReplyStore(name, '_delta_log/00000000000000000000.json', 'exists');
    registerMemoryStore(name, store);
    const outcome = await (await loch.deltaTable(`memory://${name}`)).create({ mode: 'create', schema: SCHEMA });
    expect(outcome.kind === 'created' && outcome.commit.version).toBe(0);
    expect(store.injected).toEqual(['putIfAbsent']);
  });

  it('the same seed gives the same faults and the same log to a single writer', async () => {
    const runOnce = async (run: number) => {
      const name = `faulty-writes-repeat-${run}`;
      const own = await Loch.open({ warehouse: join(await tempDir(), 'warehouse'), clock: new FixedClock(1_700_000_000_000, 1000), ids: new SequentialIds(7) });
      try {
        const store = new FaultyStore(name, 99, READ_FAILURES, { writes: FAULTS, clock: new FixedClock(1_700_000_000_000, 1) });
        const table = await createTable(own, name, store);
        const tally: Tally = { retried: 0, conflicts: 0, unknown: 0 };
        await appender(table, 0, tally);
        store.faulty = false;
        const log = await Promise.all((await readLog(store)).map(async (e) => new TextDecoder().decode(await store.get(`_delta_log/${String(e.version).padStart(20, '0')}.json`))));
        return { trace: store.trace, log, retried: tally.retried };
      } finally {
        await own.close();
      }
    };
    const first = await runOnce(1);
    const second = await runOnce(2);
    expect(first.trace.length).toBeGreaterThan(0);
    expect(second.trace).toEqual(first.trace);
    expect(second.log).toEqual(first.log);
    expect(first.log.length).toBe(APPENDS + 1);
  });
});
