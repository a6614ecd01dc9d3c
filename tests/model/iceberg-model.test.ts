import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/core/clock.js';
import { Loch, LochError } from '../../src/index.js';
import { tempDir } from '../support/delta-fixture.js';
import { deletePlan, mergePlan, updatePlan } from './dml-plans.js';
import { canonicalSelect, makeShape, Oracle, q, randomPredicate, Rng, sortedRows, ValueGen } from './model-support.js';
import type { Column, Lit, PKind, Shape } from './model-support.js';

/**
 * Model-based test of the Iceberg write path: seeded random sequences of INSERT, INSERT
 * OVERWRITE, DELETE, UPDATE and MERGE run through `loch.sql` on an Iceberg table and, as plain
 * DuckDB statements, on an oracle table. After every step the current snapshot and a filtered read
 * must equal the oracle; every few steps and at the end every snapshot the run made is read back
 * by id (VERSION AS OF) and compared with the oracle's frozen copy. A failure prints the seed, the
 * step and every statement.
 */

interface SeedConfig {
  readonly seed: number;
  readonly steps: number;
  readonly formatVersion: 2 | 3;
  /** write.delete.mode / write.update.mode / write.merge.mode */
  readonly mode: 'copy-on-write' | 'merge-on-read';
  readonly pKind: PKind;
  /** PARTITIONED BY terms (Spark's transform syntax), none for unpartitioned. */
  readonly partitionBy?: string;
  readonly struct: boolean;
}

const CONFIGS: readonly SeedConfig[] = [
  { seed: 11, steps: 30, formatVersion: 2, mode: 'copy-on-write', pKind: 'string', struct: true },
  { seed: 22, steps: 30, formatVersion: 2, mode: 'merge-on-read', pKind: 'int', partitionBy: 'p, bucket(4, id)', struct: false },
  { seed: 33, steps: 30, formatVersion: 3, mode: 'merge-on-read', pKind: 'date', partitionBy: 'months(p), truncate(2, s)', struct: true },
  { seed: 44, steps: 30, formatVersion: 3, mode: 'copy-on-write', pKind: 'timestamp', partitionBy: 'days(ts), p', struct: false },
];

/** LOCH_MODEL_SEED=n [LOCH_MODEL_STEPS=k] runs seed n alone, in configuration n mod 4. */
const SEEDS: readonly SeedConfig[] = process.env['LOCH_ICEBERG_MODEL_SEED']
  ? [modelSeed(Number(process.env['LOCH_ICEBERG_MODEL_SEED']), process.env['LOCH_MODEL_STEPS'])]
  : CONFIGS;

function modelSeed(seed: number, steps: string | undefined): SeedConfig {
  const config = CONFIGS[seed % CONFIGS.length] as SeedConfig;
  return { ...config, seed, steps: steps === undefined ? config.steps : Number(steps) };
}

const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1);

interface Plan {
  readonly sql: string;
  readonly apply: readonly string[];
  readonly affected?: number;
  /** DELETE / UPDATE / MERGE that change no row may commit nothing. */
  readonly mayBeNoop?: boolean;
}

let totalSteps = 0;
afterAll(() => console.log(`iceberg model: ${totalSteps} steps over ${SEEDS.length} seeds`));

describe('Iceberg writes against a DuckDB model', () => {
  for (const config of SEEDS) {
    it(`seed ${config.seed}: ${config.steps} steps (v${config.formatVersion}, ${config.mode}, ${config.partitionBy ?? 'unpartitioned'})`, async () => {
      const run = await ModelRun.start(config);
      try {
        await run.runAll();
      } finally {
        await run.close();
      }
    }, 300_000);
  }
});

class ModelRun {
  private readonly rng: Rng;
  private readonly gen: ValueGen;
  private readonly shape: Shape;
  /** Snapshot ids in commit order, each with its oracle copy `s<i>`. */
  private readonly snapshots: string[] = [];
  private readonly log: string[] = [];
  private step = 0;
  private readonly counts = { insert: 0, overwrite: 0, delete: 0, update: 0, merge: 0, history: 0 };

  private constructor(
    private readonly config: SeedConfig,
    private readonly clock: FixedClock,
    private readonly loch: Loch,
    private readonly oracle: Oracle,
    private readonly dir: string,
  ) {
    this.rng = new Rng(config.seed);
    this.gen = new ValueGen(this.rng);
    this.shape = makeShape({ pKind: config.pKind, pPosition: 1, partitioned: false, struct: config.struct, more: false, extra: false });
  }

  static async start(config: SeedConfig): Promise<ModelRun> {
    const dir = await tempDir('loch-iceberg-model-');
    const clock = new FixedClock(START, 0);
    const loch = await Loch.open({ warehouse: join(dir, 'warehouse'), clock });
    return new ModelRun(config, clock, loch, await Oracle.open(), dir);
  }

  private get ref(): string {
    return `iceberg.\`${join(this.dir, 'table')}\``;
  }

  async close(): Promise<void> {
    await this.loch.close();
    this.oracle.close();
    await rm(this.dir, { recursive: true, force: true });
  }

  async runAll(): Promise<void> {
    try {
      await this.execute(this.createPlan());
      for (this.step = 1; this.step < this.config.steps; this.step++) {
        this.clock.advance(HOUR);
        await this.execute(await this.randomPlan());
        totalSteps += 1;
        await this.checkLatest();
        if (this.step % 6 === 5) await this.checkHistory();
      }
      await this.checkHistory();
      const c = this.counts;
      console.log(`iceberg model seed ${this.config.seed}: ${this.snapshots.length} snapshots, ${await this.oracle.count('m')} rows at the end; ${c.insert} INSERT, ${c.overwrite} INSERT OVERWRITE, ${c.delete} DELETE, ${c.update} UPDATE, ${c.merge} MERGE, ${c.history} snapshot reads`);
    } catch (error) {
      const message = `iceberg model: seed ${this.config.seed} failed at step ${this.step}: ${(error as Error).message}`;
      console.error(`${message}\nStatements:\n${this.log.join('\n')}`);
      throw new Error(message, { cause: error });
    }
  }

  private createPlan(): Plan {
    const columns = this.shape.columns.map((c) => `${c.name} ${c.deltaType}`).join(', ');
    const props = [`'format-version' = '${this.config.formatVersion}'`, ...['delete', 'update', 'merge'].map((op) => `'write.${op}.mode' = '${this.config.mode}'`)];
    const partitioned = this.config.partitionBy === undefined ? '' : ` PARTITIONED BY (${this.config.partitionBy})`;
    return {
      sql: `CREATE TABLE ${this.ref} (${columns}) USING ICEBERG${partitioned} TBLPROPERTIES (${props.join(', ')})`,
      apply: [`CREATE TABLE m (${this.shape.columns.map((c) => `${q(c.name)} ${c.duckType}`).join(', ')})`],
    };
  }

  private async randomPlan(): Promise<Plan> {
    const op = this.rng.weighted({ values: 30, self: 8, overwrite: 6, delete: 18, update: 18, merge: 20 });
    const dml = { rng: this.rng, gen: this.gen, shape: this.shape, ref: this.ref, oracle: this.oracle };
    switch (op) {
      case 'values':
        this.counts.insert += 1;
        return this.insert('INSERT INTO', this.rows(this.rng.int(1, 8)));
      case 'self': {
        this.counts.insert += 1;
        const predicate = randomPredicate(this.shape, this.gen, this.rng).sql;
        const ids = `CASE WHEN ${q('id')} IS NULL THEN NULL ELSE ${q('id')} + 100000 END`;
        const cols = this.shape.columns.map((c) => (c.kind === 'id' ? `${ids} AS ${q('id')}` : q(c.name))).join(', ');
        const affected = Number((await this.oracle.rows(`SELECT count(*) FROM m WHERE coalesce((${predicate}), false)`))[0]?.[0]);
        return {
          sql: `INSERT INTO ${this.ref} SELECT ${cols} FROM ${this.ref} WHERE ${predicate}`,
          apply: [`INSERT INTO m SELECT ${cols} FROM m WHERE ${predicate}`],
          affected,
          mayBeNoop: true,
        };
      }
      case 'overwrite':
        this.counts.overwrite += 1;
        const plan = this.insert('INSERT OVERWRITE', this.rows(this.rng.int(0, 6)), ['DELETE FROM m']);
        // Overwriting an empty table with nothing changes nothing: no snapshot needed.
        return plan.affected === 0 && (await this.oracle.count('m')) === 0 ? { ...plan, mayBeNoop: true } : plan;
      case 'delete':
        this.counts.delete += 1;
        return { ...(await deletePlan(dml)), mayBeNoop: true };
      case 'update':
        this.counts.update += 1;
        return { ...(await updatePlan(dml)), mayBeNoop: true };
      default:
        this.counts.merge += 1;
        return { ...(await mergePlan(dml)), mayBeNoop: true };
    }
  }

  private rows(count: number): Lit[][] {
    return Array.from({ length: count }, () => this.shape.columns.map((c: Column) => this.gen.literal(c)));
  }

  private insert(verb: string, rows: readonly (readonly Lit[])[], before: readonly string[] = []): Plan {
    const values = (form: 'raw' | 'typed') => `VALUES ${rows.map((row) => `(${row.map((l) => l[form]).join(', ')})`).join(', ')}`;
    if (rows.length === 0) {
      const empty = `SELECT * FROM m WHERE false`;
      // An empty INSERT commits nothing; an empty INSERT OVERWRITE of a non-empty table must.
      return { sql: `${verb} ${this.ref} SELECT * FROM ${this.ref} WHERE false`, apply: [...before, `INSERT INTO m ${empty}`], affected: 0, mayBeNoop: before.length === 0 };
    }
    return { sql: `${verb} ${this.ref} ${values('raw')}`, apply: [...before, `INSERT INTO m ${values('typed')}`], affected: rows.length };
  }

  private async execute(plan: Plan): Promise<void> {
    this.log.push(`-- step ${this.step}\n${plan.sql};`);
    let rows: unknown[][];
    try {
      rows = await (await this.loch.sql(plan.sql)).all();
    } catch (error) {
      throw new Error(`the statement failed: ${error instanceof LochError ? `${error.code} ` : ''}${(error as Error).message}`, { cause: error });
    }
    if (plan.affected !== undefined && rows[0]?.[0] !== undefined) expect(Number(rows[0][0]), 'num_affected_rows').toBe(plan.affected);
    for (const sql of plan.apply) await this.oracle.run(sql);
    const current = await this.currentSnapshot();
    const last = this.snapshots.at(-1);
    if (current === last) {
      // An empty CREATE TABLE has no snapshot yet; DML that matched nothing need not commit.
      if (!(plan.mayBeNoop === true && plan.affected === 0) && !(current === undefined && this.step === 0)) throw new Error('the statement changed rows but made no snapshot');
      return;
    }
    this.snapshots.push(current as string);
    await this.oracle.run(`CREATE TABLE s${this.snapshots.length - 1} AS SELECT * FROM m`);
  }

  private async currentSnapshot(): Promise<string | undefined> {
    const rows = await (await this.loch.sql(`SELECT CAST(snapshot_id AS VARCHAR) FROM ${this.ref}.refs WHERE name = 'main'`)).all();
    return rows[0]?.[0] === undefined ? undefined : String(rows[0][0]);
  }

  private async checkLatest(): Promise<void> {
    const select = canonicalSelect(this.shape);
    await this.compare(`SELECT ${select} FROM ${this.ref}`, `SELECT ${select} FROM m`, 'current snapshot');
    const predicate = randomPredicate(this.shape, this.gen, this.rng).sql;
    await this.compare(`SELECT ${select} FROM ${this.ref} WHERE ${predicate}`, `SELECT ${select} FROM m WHERE ${predicate}`, `current WHERE ${predicate}`);
  }

  private async checkHistory(): Promise<void> {
    const select = canonicalSelect(this.shape);
    for (const [i, id] of this.snapshots.entries()) {
      this.counts.history += 1;
      await this.compare(`SELECT ${select} FROM ${this.ref} VERSION AS OF ${id}`, `SELECT ${select} FROM s${i}`, `snapshot ${id} (#${i})`);
    }
  }

  private async compare(lochSql: string, oracleSql: string, what: string): Promise<void> {
    const actual = sortedRows(await (await this.loch.sql(lochSql)).all());
    const expected = sortedRows(await this.oracle.rows(oracleSql));
    if (actual.join('\n') === expected.join('\n')) return;
    const missing = expected.filter((row) => !actual.includes(row));
    const extra = actual.filter((row) => !expected.includes(row));
    throw new Error(`${what}: Loch has ${actual.length} rows, the model ${expected.length}\n  query: ${lochSql}\n  missing: ${missing.slice(0, 5).join('\n           ')}\n  extra: ${extra.slice(0, 5).join('\n         ')}`);
  }
}
