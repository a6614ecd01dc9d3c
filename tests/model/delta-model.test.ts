import { existsSync } from 'node:fs';
import { readFile, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/core/clock.js';
import { Loch, LochError } from '../../src/index.js';
import type { ScanSummary } from '../../src/index.js';
import { tempDir } from '../support/delta-fixture.js';
import { canonicalSelect, makeShape, Oracle, q, randomPredicate, Rng, sortedRows, ValueGen } from './model-support.js';
import type { Column, Lit, PKind, Shape } from './model-support.js';
import { deletePlan, mergePlan, updatePlan } from './dml-plans.js';

/**
 * Model-based test of the Delta write path: seeded random sequences of CREATE [OR REPLACE] /
 * INSERT / INSERT OVERWRITE [PARTITION] / REPLACE WHERE run through `loch.sql` and, as plain
 * DELETE + INSERT, against a DuckDB table. After every step the table, a filtered read and the
 * version number must agree; every few steps and at the end, older versions (VERSION AS OF and
 * TIMESTAMP AS OF) must agree with the frozen oracle copy of that version, or be gone exactly
 * when log clean-up may remove them. A failure prints the seed, the step and every statement.
 */

interface SeedConfig {
  readonly seed: number;
  readonly steps: number;
  readonly pKind: PKind;
  readonly pPosition: number;
  readonly partitioned: boolean;
  readonly struct: boolean;
  /** DOUBLE, DATE and TIMESTAMP_NTZ columns too. */
  readonly more: boolean;
  readonly columnMapping: boolean;
  readonly checkpointInterval?: number;
  readonly retentionHours?: number;
  /** Further table properties (statistics settings). */
  readonly properties?: Readonly<Record<string, string>>;
  /** DELETE / UPDATE / MERGE mark rows in deletion vectors (else they rewrite files). */
  readonly deletionVectors: boolean;
  /** The change data feed is on: every commit's table_changes must equal the difference of the versions. */
  readonly changeFeed: boolean;
}

const CONFIGS: readonly SeedConfig[] = [
  { seed: 101, steps: 50, pKind: 'string', pPosition: 1, partitioned: false, struct: true, more: true, columnMapping: false, properties: { 'delta.dataSkippingStatsColumns': 'f,tn,s,st.x,dt' }, deletionVectors: true, changeFeed: true },
  { seed: 202, steps: 50, pKind: 'string', pPosition: 1, partitioned: true, struct: false, more: false, columnMapping: true, checkpointInterval: 3, deletionVectors: false, changeFeed: false },
  { seed: 303, steps: 50, pKind: 'int', pPosition: 9, partitioned: true, struct: true, more: false, columnMapping: false, checkpointInterval: 2, retentionHours: 6, properties: { 'delta.dataSkippingNumIndexedCols': '3' }, deletionVectors: true, changeFeed: false },
  { seed: 404, steps: 50, pKind: 'string', pPosition: 3, partitioned: true, struct: true, more: true, columnMapping: true, checkpointInterval: 5, retentionHours: 10, deletionVectors: false, changeFeed: true },
  { seed: 505, steps: 50, pKind: 'date', pPosition: 0, partitioned: true, struct: false, more: true, columnMapping: true, checkpointInterval: 4, deletionVectors: true, changeFeed: true },
  { seed: 606, steps: 50, pKind: 'timestamp', pPosition: 2, partitioned: true, struct: true, more: true, columnMapping: false, deletionVectors: false, changeFeed: false },
  { seed: 707, steps: 50, pKind: 'decimal', pPosition: 4, partitioned: true, struct: false, more: true, columnMapping: true, checkpointInterval: 3, deletionVectors: true, changeFeed: false },
];

/** LOCH_MODEL_SEED=n [LOCH_MODEL_STEPS=k] runs seed n alone, in configuration n mod 7. */
const SEEDS: readonly SeedConfig[] = process.env['LOCH_MODEL_SEED']
  ? [modelSeed(Number(process.env['LOCH_MODEL_SEED']), process.env['LOCH_MODEL_STEPS'])]
  : CONFIGS;

function modelSeed(seed: number, steps: string | undefined): SeedConfig {
  const config = CONFIGS[seed % CONFIGS.length] as SeedConfig;
  return { ...config, seed, steps: steps === undefined ? config.steps : Number(steps) };
}

const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1);

/** One step's plan: the Loch statement and how the oracle mirrors it. */
interface Plan {
  readonly sql: string;
  readonly expect: 'ok' | 'constraint';
  /** Rows the statement writes (num_affected_rows of an INSERT). */
  readonly affected?: number;
  readonly newShape?: Shape;
  /** Oracle statements that apply the change, run only when Loch succeeds. */
  readonly apply: readonly string[];
  /** DELETE / UPDATE / MERGE commit only when they change a row. */
  readonly commitIfAffected?: boolean;
  /** OPTIMIZE commits only when it rewrites files: the table's latest version says. */
  readonly commitIfRewritten?: boolean;
}

let totalSteps = 0;
afterAll(() => console.log(`delta model: ${totalSteps} steps over ${SEEDS.length} seeds`));

describe('Delta writes against a DuckDB model', () => {
  for (const config of SEEDS) {
    const kind = `${config.partitioned ? `partitioned by ${config.pKind}` : 'unpartitioned'}${config.more ? ', more types' : ''}${config.properties ? `, ${Object.keys(config.properties).join(', ')}` : ''}${config.columnMapping ? ', column mapping' : ''}${config.checkpointInterval ? `, checkpoint every ${config.checkpointInterval}` : ''}${config.retentionHours ? `, log retention ${config.retentionHours}h` : ''}`;
    it(`seed ${config.seed}: ${config.steps} steps (${kind})`, async () => {
      const run = await ModelRun.start(config);
      try {
        await run.runAll();
      } finally {
        await run.close();
      }
    }, 240_000);
  }
});

class ModelRun {
  private readonly rng: Rng;
  private readonly gen: ValueGen;
  private shape: Shape;
  private version = -1;
  private readonly versions: { shape: Shape; time: number }[] = [];
  private readonly log: string[] = [];
  private readonly checkpoints: number[] = [];
  /** The oldest version that must still be readable after log clean-up. */
  private earliest = 0;
  private step = 0;
  private readonly counts = { violations: 0, replaced: 0, rowsWritten: 0, files: 0, pruned: 0, delete: 0, update: 0, merge: 0, restore: 0, optimize: 0, changeChecks: 0 };

  private constructor(
    private readonly config: SeedConfig,
    private readonly clock: FixedClock,
    private readonly loch: Loch,
    private readonly oracle: Oracle,
    private readonly dir: string,
  ) {
    this.rng = new Rng(config.seed);
    this.gen = new ValueGen(this.rng);
    this.shape = makeShape({ pKind: config.pKind, pPosition: config.pPosition, partitioned: config.partitioned, struct: config.struct, more: config.more, extra: false });
  }

  static async start(config: SeedConfig): Promise<ModelRun> {
    const dir = await tempDir('loch-model-');
    const clock = new FixedClock(START, 0);
    const loch = await Loch.open({ warehouse: join(dir, 'warehouse'), clock });
    return new ModelRun(config, clock, loch, await Oracle.open(), dir);
  }

  private get path(): string {
    return join(this.dir, 'table');
  }
  private get ref(): string {
    return `delta.\`${this.path}\``;
  }

  async close(): Promise<void> {
    await this.loch.close();
    this.oracle.close();
    await rm(this.dir, { recursive: true, force: true });
  }

  async runAll(): Promise<void> {
    try {
      for (this.step = 0; this.step < this.config.steps; this.step++) {
        this.clock.advance(HOUR);
        const plan = this.step === 0 ? this.createPlan('CREATE TABLE', this.shape) : await this.randomPlan();
        await this.execute(plan);
        totalSteps += 1;
        await this.checkLatest(plan.newShape !== undefined);
        if (this.step % 8 === 7) await this.checkHistory(3);
      }
      await this.checkLatest(true);
      await this.checkHistory('all');
      await this.checkLogFiles();
      const c = this.counts;
      console.log(`delta model seed ${this.config.seed}: ${this.config.steps} steps, ${this.version + 1} versions, ${c.violations} REPLACE WHERE violations refused, ${c.replaced} table replacements, ${c.rowsWritten} rows written, ${await this.oracle.count('m')} rows at the end, ${this.checkpoints.length} checkpoints, log kept from version ${this.earliest}, filtered reads pruned ${c.pruned} of ${c.files} files; ${c.delete} DELETE, ${c.update} UPDATE, ${c.merge} MERGE, ${c.restore} RESTORE, ${c.optimize} OPTIMIZE, ${c.changeChecks} change feed checks`);
    } catch (error) {
      const message = `delta model: seed ${this.config.seed} failed at step ${this.step} (expected version ${this.version}): ${(error as Error).message}`;
      console.error(`${message}\nStatements (table at ${this.path}, clock ${START} + 1h per step):\n${this.log.join('\n')}`);
      throw new Error(message, { cause: error });
    }
  }

  private async execute(plan: Plan): Promise<void> {
    this.log.push(`-- step ${this.step}, expect ${plan.expect === 'ok' ? `version ${this.version + 1}` : 'CONSTRAINT_VIOLATION, no new version'}\n${plan.sql};`);
    let rows: unknown[][];
    try {
      rows = await (await this.loch.sql(plan.sql)).all();
    } catch (error) {
      if (plan.expect === 'constraint' && error instanceof LochError && error.code === 'CONSTRAINT_VIOLATION') {
        this.counts.violations += 1;
        return;
      }
      throw new Error(`the statement failed: ${error instanceof LochError ? `${error.code} ` : ''}${(error as Error).message}`, { cause: error });
    }
    if (plan.expect === 'constraint') throw new Error(`the statement succeeded but breaks its REPLACE WHERE condition`);
    if (plan.affected !== undefined) expect(Number(rows[0]?.[0]), 'num_affected_rows').toBe(plan.affected);
    this.counts.rowsWritten += plan.affected ?? 0;
    if (plan.commitIfAffected && plan.affected === 0) return;
    if (plan.commitIfRewritten && (await (await this.loch.deltaTable(this.path)).snapshot()).version === this.version) return;
    if (plan.newShape !== undefined && this.version >= 0) this.counts.replaced += 1;
    for (const sql of plan.apply) await this.oracle.run(sql);
    if (plan.newShape !== undefined) this.shape = plan.newShape;
    await this.nullEmptyPartitions('m');
    this.version += 1;
    const time = this.clock.now();
    this.versions.push({ shape: this.shape, time });
    await this.oracle.run(`CREATE TABLE v${this.version} AS SELECT * FROM m`);
    // Commit times are file modification times to log clean-up; make them follow the clock.
    await utimes(this.commitFile(this.version), time / 1000, time / 1000);
    this.afterCommit(time);
    if (this.config.changeFeed && plan.newShape === undefined && this.version > 0) await this.checkChanges(this.version);
  }

  /** Spark and Delta store an empty string partition value as NULL. */
  private async nullEmptyPartitions(table: string): Promise<void> {
    if (this.shape.partitioned && this.shape.pKind === 'string') await this.oracle.run(`UPDATE ${table} SET p = NULL WHERE p = ''`);
  }

  /** Mirrors the checkpoint and clean-up rules (PROTOCOL.md "Metadata Cleanup"). */
  private afterCommit(time: number): void {
    const interval = this.config.checkpointInterval ?? 10;
    const v = this.version;
    if (v === 0 || v % interval !== 0) return;
    this.checkpoints.push(v);
    if (this.config.retentionHours === undefined) return;
    const cutoff = time - this.config.retentionHours * HOUR;
    let cutoffCommit = -1;
    this.versions.forEach((x, i) => {
      if (i < v && x.time <= cutoff) cutoffCommit = i;
    });
    const checkpoint = this.checkpoints.filter((c) => c <= cutoffCommit).at(-1);
    if (checkpoint !== undefined) this.earliest = Math.max(this.earliest, checkpoint);
  }

  private commitFile(version: number): string {
    return join(this.path, '_delta_log', `${String(version).padStart(20, '0')}.json`);
  }

  // ---- plans ------------------------------------------------------------------------------

  private async randomPlan(): Promise<Plan> {
    const partitioned = this.shape.partitioned;
    const op = this.rng.weighted({
      values: 22, columns: 5, byName: 5, self: 10, empty: 2, overwrite: 6,
      staticPartition: partitioned ? 8 : 0, dynamicPartition: partitioned ? 8 : 0,
      replaceValues: 12, replaceSelf: 8, replaceInvalid: 5, replaceTable: 3, oldVersion: 3,
      delete: 14, update: 14, merge: 18, restore: 4, optimize: 5,
    });
    const r = this.rng;
    switch (op) {
      case 'values': return this.insert('INSERT INTO', this.valuesSource(this.shape.columns, r.int(1, 8)));
      case 'columns': {
        const columns = r.shuffle(this.shape.columns).slice(0, r.int(1, this.shape.columns.length - 1));
        const source = this.valuesSource(columns, r.int(1, 5));
        return this.insert(`INSERT INTO`, source, `(${columns.map((c) => q(c.name)).join(', ')})`);
      }
      case 'byName': {
        const columns = r.shuffle(this.shape.columns);
        return this.insert('INSERT INTO', this.namedSource(columns, this.rows(columns, r.int(1, 6))), 'BY NAME');
      }
      case 'self': return this.insert('INSERT INTO', this.selfSource(new Set(), 'random'));
      case 'empty': return this.insert('INSERT INTO', this.emptySource());
      case 'overwrite': {
        const source = r.chance(0.5) ? this.valuesSource(this.shape.columns, r.int(0, 6)) : this.selfSource(new Set(), 'maybe');
        return this.insert(r.chance(0.5) ? 'INSERT OVERWRITE' : 'INSERT OVERWRITE TABLE', source, '', ['DELETE FROM m']);
      }
      case 'staticPartition': return this.staticPartition();
      case 'dynamicPartition': return this.dynamicPartition();
      case 'replaceValues': return this.replaceWhere(false);
      case 'replaceInvalid': return this.replaceWhere(true);
      case 'replaceSelf': return this.replaceSelf();
      case 'replaceTable': return this.replaceTable();
      case 'oldVersion': return this.fromOldVersion();
      case 'delete': this.counts.delete += 1; return { ...(await deletePlan(this.dml())), expect: 'ok', commitIfAffected: true };
      case 'update': this.counts.update += 1; return { ...(await updatePlan(this.dml())), expect: 'ok', commitIfAffected: true };
      case 'merge': this.counts.merge += 1; return { ...(await mergePlan(this.dml())), expect: 'ok', commitIfAffected: true };
      case 'restore': this.counts.restore += 1; return this.restorePlan();
      case 'optimize': this.counts.optimize += 1; return this.optimizePlan();
    }
  }

  private dml() {
    return { rng: this.rng, gen: this.gen, shape: this.shape, ref: this.ref, oracle: this.oracle };
  }

  /** OPTIMIZE (bin-packing, or Z-order by two columns with statistics, maybe on some partitions): rows never change. */
  private optimizePlan(): Plan {
    const where = this.shape.partitioned && this.rng.chance(0.3) ? ` WHERE ${this.rng.pick(['p IS NOT NULL', 'p IS NULL'])}` : '';
    // Z-order columns must have statistics: the first indexed columns, or the listed ones.
    const statsColumns = this.config.properties?.['delta.dataSkippingStatsColumns'] !== undefined ? ['s', 'dt'] : ['id', this.rng.pick(['s', 'd'])];
    const zorder = this.rng.chance(0.4) ? ` ZORDER BY (${statsColumns.join(', ')})` : '';
    return { sql: `OPTIMIZE ${this.ref}${where}${zorder}`, expect: 'ok', apply: [], commitIfRewritten: true };
  }

  /** RESTORE to an older readable version: its rows and its schema come back. */
  private restorePlan(): Plan {
    const candidates = this.versions.map((_, v) => v).filter((v) => v >= this.earliest && v < this.version);
    if (candidates.length === 0) return { sql: `DELETE FROM ${this.ref} WHERE false`, expect: 'ok', affected: 0, apply: [], commitIfAffected: true };
    const v = this.rng.pick(candidates);
    const shape = (this.versions[v] as { shape: Shape }).shape;
    return { sql: `RESTORE TABLE ${this.ref} TO VERSION AS OF ${v}`, expect: 'ok', newShape: shape, apply: ['DROP TABLE m', `CREATE TABLE m AS SELECT * FROM v${v}`] };
  }

  /**
   * The change data feed of one commit against the oracle: rows inserted and post-images minus
   * rows deleted and pre-images must be exactly the rows the version gained minus those it lost.
   */
  private async checkChanges(v: number): Promise<void> {
    const canon = canonicalSelect(this.shape);
    const changes = await (await this.loch.sql(`SELECT ${canon}, _change_type FROM table_changes('${this.path}', ${v}, ${v})`)).all();
    const net = new Map<string, number>();
    const bump = (row: readonly unknown[], by: number) => {
      const key = JSON.stringify(row);
      net.set(key, (net.get(key) ?? 0) + by);
    };
    for (const row of changes) bump(row.slice(0, -1), row.at(-1) === 'insert' || row.at(-1) === 'update_postimage' ? 1 : -1);
    for (const row of await this.oracle.rows(`SELECT ${canon} FROM v${v}`)) bump(row, -1);
    for (const row of await this.oracle.rows(`SELECT ${canon} FROM v${v - 1}`)) bump(row, 1);
    this.counts.changeChecks += 1;
    const wrong = [...net].filter(([, n]) => n !== 0);
    if (wrong.length > 0) throw new Error(`table_changes of version ${v} differs from the difference of versions ${v - 1} and ${v}: ${wrong.slice(0, 5).map(([row, n]) => `${n > 0 ? '+' : ''}${n} ${row}`).join('; ')}`);
  }

  /** INSERT INTO t SELECT … FROM t VERSION AS OF k: rows of an older version of the same schema. */
  private async fromOldVersion(): Promise<Plan> {
    const columns = (shape: Shape) => shape.columns.map((c) => `${c.name} ${c.deltaType}`).join(', ');
    const candidates = this.versions.map((_, v) => v).filter((v) => v >= this.earliest && columns((this.versions[v] as { shape: Shape }).shape) === columns(this.shape));
    if (candidates.length === 0) return this.insert('INSERT INTO', this.emptySource());
    const v = this.rng.pick(candidates);
    const predicate = this.rng.chance(0.5) ? ` WHERE ${randomPredicate(this.shape, this.gen, this.rng).sql}` : '';
    return this.insert('INSERT INTO', { loch: `SELECT * FROM ${this.ref} VERSION AS OF ${v}${predicate}`, oracle: `SELECT * FROM v${v}${predicate}`, names: this.shape.columns });
  }

  private rows(columns: readonly Column[], n: number, noEmptyPartition = false): Lit[][] {
    return Array.from({ length: n }, () => columns.map((c) => this.gen.literal(c, { noEmptyPartition })));
  }

  /** VALUES for Loch (literals as a user writes them) and for the oracle (cast to the column types). */
  private valuesSource(columns: readonly Column[], n: number): Source {
    if (n === 0) return this.emptySource(columns);
    return this.literalSource(columns, this.rows(columns, n));
  }

  private emptySource(columns: readonly Column[] = this.shape.columns): Source {
    const list = columns.map((c) => q(c.name)).join(', ');
    return { loch: `SELECT ${list} FROM ${this.ref} WHERE false`, oracle: `SELECT ${list} FROM m WHERE false`, names: columns };
  }

  private literalSource(columns: readonly Column[], rows: readonly (readonly Lit[])[]): Source {
    return { loch: valuesText(rows, 'raw'), oracle: valuesText(rows, 'typed'), names: columns };
  }

  /** SELECT * FROM (VALUES …) AS v(<names>): literal rows with column names, for BY NAME. */
  private namedSource(columns: readonly Column[], rows: readonly (readonly Lit[])[]): Source {
    const select = (form: 'raw' | 'typed') => `SELECT * FROM (${valuesText(rows, form)}) AS v(${columns.map((c) => q(c.name)).join(', ')})`;
    return { loch: select('raw'), oracle: select('typed'), names: columns };
  }

  /**
   * SELECT from the table itself with new ids and some columns changed (`keep` columns stay),
   * filtered by `where`: a given condition, a random one ('random') or maybe one ('maybe').
   */
  private selfSource(keep: ReadonlySet<string>, where: string, columns = this.shape.columns): Source {
    const offset = this.rng.int(1, 9) * 1_000_003;
    const exprs = columns.map((c) => {
      const as = ` AS ${q(c.name)}`;
      if (keep.has(c.name) || this.rng.chance(0.5)) return q(c.name);
      if (c.kind === 'id') return `${q(c.name)} + ${offset}${as}`;
      if (c.kind === 's') return `${q(c.name)} || '~'${as}`;
      if (c.kind === 'b') return `NOT ${q(c.name)}${as}`;
      if (c.kind === 'd') return `-${q(c.name)}${as}`;
      return q(c.name);
    });
    const condition = where === 'random' || (where === 'maybe' && this.rng.chance(0.5)) ? randomPredicate(this.shape, this.gen, this.rng).sql : where === 'maybe' ? '' : where;
    const predicate = condition === '' ? '' : ` WHERE ${condition}`;
    const select = (table: string) => `SELECT ${exprs.join(', ')} FROM ${table}${predicate}`;
    return { loch: select(this.ref), oracle: select('m'), names: columns };
  }

  /** INSERT INTO/OVERWRITE: the oracle materialises the source first, runs `before`, then inserts. */
  private async insert(verb: string, source: Source, shape = '', before: readonly string[] = []): Promise<Plan> {
    const affected = await this.materialize(source);
    const names = source.names.map((c) => q(c.name)).join(', ');
    return {
      sql: `${verb} ${this.ref} ${shape ? `${shape} ` : ''}${source.loch}`,
      expect: 'ok',
      affected,
      apply: [...before, `INSERT INTO m (${names}) SELECT * FROM src`],
    };
  }

  private async materialize(source: Source): Promise<number> {
    await this.oracle.run(`CREATE OR REPLACE TEMP TABLE src AS SELECT * FROM (${source.oracle}) AS s(${source.names.map((c) => q(c.name)).join(', ')})`);
    return this.oracle.count('src');
  }

  private partitionColumn(): Column {
    return this.shape.columns.find((c) => c.kind === 'p') as Column;
  }

  private async staticPartition(): Promise<Plan> {
    const p = this.partitionColumn();
    const literal = this.gen.partitionLiteral(p);
    // Spark also takes the value as text: PARTITION (p = '3').
    const quotable = p.pKind === 'int' || p.pKind === 'decimal' || p.pKind === 'date';
    const value = quotable && this.rng.chance(0.3) ? `'${literal.replace(/^DATE '(.*)'$/, '$1')}'` : literal;
    const rest = this.shape.columns.filter((c) => c !== p);
    const source = this.rng.chance(0.6) ? this.valuesSource(rest, this.rng.int(0, 5)) : this.selfSource(new Set(), 'maybe', rest);
    const affected = await this.materialize(source);
    return {
      sql: `INSERT OVERWRITE ${this.ref} PARTITION (p = ${value}) ${source.loch}`,
      expect: 'ok',
      affected,
      apply: [`DELETE FROM m WHERE p = CAST(${value} AS ${p.duckType})`, `INSERT INTO m (${rest.map((c) => q(c.name)).join(', ')}, p) SELECT *, CAST(${value} AS ${p.duckType}) FROM src`],
    };
  }

  private async dynamicPartition(): Promise<Plan> {
    const r = this.rng;
    const byName = r.chance(0.3);
    const columns = byName ? r.shuffle(this.shape.columns) : this.shape.columns;
    const source = r.chance(0.6) ? this.namedSource(columns, this.rows(columns, r.int(1, 6))) : this.selfSource(new Set(), 'random', columns);
    const affected = await this.materialize(source);
    await this.nullEmptyPartitions('src');
    return {
      sql: `INSERT OVERWRITE ${this.ref} PARTITION (p) ${byName ? 'BY NAME ' : ''}${source.loch}`,
      expect: 'ok',
      affected,
      apply: ['DELETE FROM m WHERE EXISTS (SELECT 1 FROM src WHERE src.p IS NOT DISTINCT FROM m.p)', `INSERT INTO m BY NAME SELECT * FROM src`],
    };
  }

  /** REPLACE WHERE with literal rows that satisfy the condition, or (invalid) one that does not. */
  private async replaceWhere(invalid: boolean): Promise<Plan> {
    const predicate = randomPredicate(this.shape, this.gen, this.rng, this.shape.partitioned && this.rng.chance(0.5));
    const good: Lit[][] = [];
    const bad: Lit[][] = [];
    for (const row of this.rows(this.shape.columns, 12, true)) {
      const value = await this.oracle.evaluate(this.shape, row, predicate.sql);
      if (value === true && good.length < 6) good.push(row);
      if (value === false && bad.length < 1) bad.push(row);
    }
    if (invalid && bad.length > 0) {
      const rows = this.rng.shuffle([...good.slice(0, this.rng.int(0, 3)), ...bad]);
      return { sql: `INSERT INTO ${this.ref} REPLACE WHERE ${predicate.sql} ${this.literalSource(this.shape.columns, rows).loch}`, expect: 'constraint', apply: [] };
    }
    const source = good.length > 0 ? this.literalSource(this.shape.columns, good) : this.emptySource();
    const affected = await this.materialize(source);
    return { sql: `INSERT INTO ${this.ref} REPLACE WHERE ${predicate.sql} ${source.loch}`, expect: 'ok', affected, apply: [`DELETE FROM m WHERE ${predicate.sql}`, 'INSERT INTO m SELECT * FROM src'] };
  }

  /** REPLACE WHERE c SELECT … FROM the table WHERE c, changing only columns c does not read. */
  private async replaceSelf(): Promise<Plan> {
    const predicate = randomPredicate(this.shape, this.gen, this.rng, this.shape.partitioned && this.rng.chance(0.5));
    const source = this.selfSource(predicate.columns, predicate.sql);
    const affected = await this.materialize(source);
    return { sql: `INSERT INTO ${this.ref} REPLACE WHERE ${predicate.sql} ${source.loch}`, expect: 'ok', affected, apply: [`DELETE FROM m WHERE ${predicate.sql}`, 'INSERT INTO m SELECT * FROM src'] };
  }

  /** CREATE OR REPLACE / REPLACE TABLE: a new (possibly different) schema, or AS SELECT from itself. */
  private async replaceTable(): Promise<Plan> {
    const r = this.rng;
    const partitioned = r.chance(0.25) ? !this.shape.partitioned : this.shape.partitioned;
    if (r.chance(0.5)) {
      const shape = makeShape({ pKind: this.config.pKind, pPosition: this.config.pPosition, partitioned, struct: this.config.struct, more: this.config.more, extra: r.chance(0.5) });
      return this.createPlan(r.chance(0.5) ? 'CREATE OR REPLACE TABLE' : 'REPLACE TABLE', shape);
    }
    const predicate = r.chance(0.5) ? ` WHERE ${randomPredicate(this.shape, this.gen, r).sql}` : '';
    const shape: Shape = { ...this.shape, partitioned };
    await this.oracle.run(`CREATE OR REPLACE TEMP TABLE src AS SELECT * FROM m${predicate}`);
    return {
      sql: `CREATE OR REPLACE TABLE ${this.ref}${partitioned ? ' PARTITIONED BY (p)' : ''}${this.properties()} AS SELECT * FROM ${this.ref}${predicate}`,
      expect: 'ok',
      affected: await this.oracle.count('src'),
      newShape: shape,
      apply: ['DROP TABLE m', 'CREATE TABLE m AS SELECT * FROM src'],
    };
  }

  private createPlan(verb: string, shape: Shape): Plan {
    const columns = shape.columns.map((c) => `${c.name} ${c.deltaType}`).join(', ');
    return {
      sql: `${verb} ${this.ref} (${columns})${shape.partitioned ? ' PARTITIONED BY (p)' : ''}${this.properties()}`,
      expect: 'ok',
      newShape: shape,
      apply: ['DROP TABLE IF EXISTS m', `CREATE TABLE m (${shape.columns.map((c) => `${q(c.name)} ${c.duckType}`).join(', ')})`],
    };
  }

  private properties(): string {
    const props: string[] = [];
    if (this.config.columnMapping) props.push(`'delta.columnMapping.mode' = 'name'`);
    if (this.config.checkpointInterval !== undefined) props.push(`'delta.checkpointInterval' = '${this.config.checkpointInterval}'`);
    if (this.config.retentionHours !== undefined) props.push(`'delta.logRetentionDuration' = 'interval ${this.config.retentionHours} hours'`);
    for (const [key, value] of Object.entries(this.config.properties ?? {})) props.push(`'${key}' = '${value}'`);
    props.push(`'delta.enableDeletionVectors' = '${this.config.deletionVectors}'`);
    if (this.config.changeFeed) props.push(`'delta.enableChangeDataFeed' = 'true'`);
    return props.length === 0 ? '' : ` TBLPROPERTIES (${props.join(', ')})`;
  }

  // ---- checks -----------------------------------------------------------------------------

  /** The version number, the rows, a filtered read and (when the schema may have changed) the column types. */
  private async checkLatest(checkTypes: boolean): Promise<void> {
    if (checkTypes) {
      const typed = await this.loch.sql(`SELECT * FROM ${this.ref} LIMIT 0`);
      await typed.all();
      expect(typed.columns.map((c) => `${c.name} ${c.type.replaceAll('"', '')}`), 'column names and types').toEqual(await this.oracle.columns('m'));
    }
    const latest = await this.compare(`SELECT ${canonicalSelect(this.shape)} FROM ${this.ref}`, `SELECT ${canonicalSelect(this.shape)} FROM m`, 'latest');
    expect(latest.version, 'latest version').toBe(this.version);
    const predicate = randomPredicate(this.shape, this.gen, this.rng).sql;
    const filtered = await this.compare(`SELECT ${canonicalSelect(this.shape)} FROM ${this.ref} WHERE ${predicate}`, `SELECT ${canonicalSelect(this.shape)} FROM m WHERE ${predicate}`, `latest WHERE ${predicate}`);
    this.counts.files += filtered.filesTotal;
    this.counts.pruned += filtered.filesPruned;
  }

  /** Older versions by number and by time; versions before `earliest` must be gone or readable. */
  private async checkHistory(count: number | 'all'): Promise<void> {
    const all = Array.from({ length: this.version + 1 }, (_, v) => v);
    const versions = count === 'all' ? all : Array.from({ length: count }, () => this.rng.pick(all));
    for (const v of versions) {
      const { shape, time } = this.versions[v] as { shape: Shape; time: number };
      const byTime = this.rng.chance(0.4);
      const at = byTime ? `TIMESTAMP AS OF '${new Date(time + this.rng.int(0, HOUR - 1)).toISOString()}'` : `VERSION AS OF ${v}`;
      const lochSql = `SELECT ${canonicalSelect(shape)} FROM ${this.ref} ${at}`;
      if (v < this.earliest) {
        if (byTime) continue;
        const error = await this.loch.sql(lochSql).then((res) => res.all()).then(() => undefined, (e: unknown) => e);
        expect(error, `version ${v} after log clean-up kept versions from ${this.earliest}`).toMatchObject({ code: 'VERSION_NOT_AVAILABLE' });
        continue;
      }
      const scan = await this.compare(lochSql, `SELECT ${canonicalSelect(shape)} FROM v${v}`, `version ${v} (${at})`);
      expect(scan.version, at).toBe(v);
    }
  }

  /** Rows of a Loch query against the oracle's as multisets; returns the scan of the Delta table. */
  private async compare(lochSql: string, oracleSql: string, what: string): Promise<ScanSummary> {
    const result = await this.loch.sql(lochSql);
    const actual = sortedRows(await result.all());
    const expected = sortedRows(await this.oracle.rows(oracleSql));
    const scan = result.scans[0];
    if (scan === undefined) throw new Error(`${what}: the result reports no scan of the table`);
    if (actual.join('\n') === expected.join('\n')) return scan;
    const missing = expected.filter((row) => !actual.includes(row));
    const extra = actual.filter((row) => !expected.includes(row));
    throw new Error(`${what}: Loch has ${actual.length} rows, the model ${expected.length}\n  query: ${lochSql}\n  missing: ${missing.slice(0, 5).join('\n           ')}\n  extra: ${extra.slice(0, 5).join('\n         ')}`);
  }

  /** Checkpoints where the interval puts them, and the log cleaned exactly up to `earliest`. */
  private async checkLogFiles(): Promise<void> {
    const log = join(this.path, '_delta_log');
    for (const v of this.checkpoints.filter((c) => c >= this.earliest)) {
      expect(existsSync(join(log, `${String(v).padStart(20, '0')}.checkpoint.parquet`)), `checkpoint of version ${v}`).toBe(true);
    }
    const last = this.checkpoints.at(-1);
    if (last !== undefined) expect(JSON.parse(await readFile(join(log, '_last_checkpoint'), 'utf8'))).toMatchObject({ version: last });
    expect(existsSync(this.commitFile(this.earliest)), `commit ${this.earliest} is kept`).toBe(true);
    if (this.earliest > 0) expect(existsSync(this.commitFile(this.earliest - 1)), `commit ${this.earliest - 1} is cleaned up`).toBe(false);
    if (this.config.retentionHours !== undefined) expect(this.earliest, 'log clean-up happened during the run').toBeGreaterThan(0);
  }
}

function valuesText(rows: readonly (readonly Lit[])[], form: 'raw' | 'typed'): string {
  return `VALUES ${rows.map((row) => `(${row.map((l) => l[form]).join(', ')})`).join(', ')}`;
}

/** A statement's source rows: the query Loch gets, the oracle's equivalent and its columns. */
interface Source {
  readonly loch: string;
  readonly oracle: string;
  readonly names: readonly Column[];
}
