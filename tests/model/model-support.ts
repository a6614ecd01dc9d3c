import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { seededRandom } from '../support/faulty-store.js';

/**
 * Building blocks of the model-based Delta write test: a seeded chooser, table shapes, random
 * SQL literals and predicates, the canonical projection both sides are compared through, and the
 * oracle (a plain DuckDB table with one frozen copy per Delta version).
 */

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  float(): number {
    return this.next();
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('model: pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
  /** Picks a key by weight; keys with weight 0 are never chosen. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    let roll = this.next() * entries.reduce((n, [, w]) => n + w, 0);
    for (const [key, weight] of entries) {
      roll -= weight;
      if (roll < 0 && weight > 0) return key;
    }
    return entries.filter(([, w]) => w > 0).at(-1)?.[0] as K;
  }
}

export type ColumnKind = 'id' | 'p' | 's' | 'd' | 'ts' | 'b' | 'st' | 'n' | 'f' | 'dt' | 'tn';

/** The type of the partition column p. */
export type PKind = 'int' | 'string' | 'date' | 'timestamp' | 'decimal';

export interface Column {
  readonly name: string;
  readonly kind: ColumnKind;
  /** The type as written in CREATE TABLE (Spark spelling). */
  readonly deltaType: string;
  /** The oracle's DuckDB type, which is also what Loch must report when reading. */
  readonly duckType: string;
  /** Set on the partition column p. */
  readonly pKind?: PKind;
}

export interface Shape {
  readonly columns: readonly Column[];
  readonly partitioned: boolean;
  readonly pKind: PKind;
}

export interface ShapeOptions {
  readonly pKind: PKind;
  /** Position of p among the columns. */
  readonly pPosition: number;
  readonly partitioned: boolean;
  readonly struct: boolean;
  /** DOUBLE f, DATE dt and TIMESTAMP_NTZ tn. */
  readonly more: boolean;
  /** The extra INT column n (CREATE OR REPLACE may add or drop it). */
  readonly extra: boolean;
}

export function makeShape(o: ShapeOptions): Shape {
  const base: Column[] = [
    { name: 'id', kind: 'id', deltaType: 'BIGINT', duckType: 'BIGINT' },
    { name: 's', kind: 's', deltaType: 'STRING', duckType: 'VARCHAR' },
    { name: 'd', kind: 'd', deltaType: 'DECIMAL(10,2)', duckType: 'DECIMAL(10,2)' },
    { name: 'ts', kind: 'ts', deltaType: 'TIMESTAMP', duckType: 'TIMESTAMPTZ' },
    { name: 'b', kind: 'b', deltaType: 'BOOLEAN', duckType: 'BOOLEAN' },
  ];
  if (o.struct) base.push({ name: 'st', kind: 'st', deltaType: 'STRUCT<x: INT, y: STRING>', duckType: 'STRUCT(x INTEGER, y VARCHAR)' });
  if (o.more) {
    base.push({ name: 'f', kind: 'f', deltaType: 'DOUBLE', duckType: 'DOUBLE' });
    base.push({ name: 'dt', kind: 'dt', deltaType: 'DATE', duckType: 'DATE' });
    base.push({ name: 'tn', kind: 'tn', deltaType: 'TIMESTAMP_NTZ', duckType: 'TIMESTAMP' });
  }
  if (o.extra) base.push({ name: 'n', kind: 'n', deltaType: 'INT', duckType: 'INTEGER' });
  base.splice(Math.min(o.pPosition, base.length), 0, { name: 'p', kind: 'p', pKind: o.pKind, ...P_TYPES[o.pKind] });
  return { columns: base, partitioned: o.partitioned, pKind: o.pKind };
}

const P_TYPES: Readonly<Record<PKind, { deltaType: string; duckType: string }>> = {
  int: { deltaType: 'INT', duckType: 'INTEGER' },
  string: { deltaType: 'STRING', duckType: 'VARCHAR' },
  date: { deltaType: 'DATE', duckType: 'DATE' },
  timestamp: { deltaType: 'TIMESTAMP', duckType: 'TIMESTAMPTZ' },
  decimal: { deltaType: 'DECIMAL(5,2)', duckType: 'DECIMAL(5,2)' },
};

export const q = (name: string): string => `"${name}"`;
export const sqlString = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/**
 * One SELECT list that renders every column as text (or NULL) the same way on both sides, so
 * rows compare exactly: timestamps as UTC wall clock with microseconds, structs as JSON.
 */
export function canonicalSelect(shape: Shape): string {
  return shape.columns
    .map((c) => {
      if (c.duckType === 'TIMESTAMPTZ') return `strftime(timezone('UTC', ${q(c.name)}), '%Y-%m-%d %H:%M:%S.%f')`;
      if (c.duckType === 'TIMESTAMP') return `strftime(${q(c.name)}, '%Y-%m-%d %H:%M:%S.%f')`;
      if (c.kind === 'st') return `CAST(to_json(${q(c.name)}) AS VARCHAR)`;
      return `CAST(${q(c.name)} AS VARCHAR)`;
    })
    .join(', ');
}

/** Rows as sorted JSON texts: equal arrays mean equal multisets of rows. */
export function sortedRows(rows: readonly (readonly unknown[])[]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}

const STRING_PARTITIONS = ['a', 'b', 'a b', 'x/y', 'k=v', '%41', 'ü', "it's", '#?&', 'A', '😀', '', 'x:y', 'a%2Fb', '.hidden', 'back\\slash', 'tab\there', '\uFF21'];
/** Partition values as SQL literals (NULL included). */
const PARTITIONS: Readonly<Record<PKind, readonly string[]>> = {
  int: ['-1', '0', '1', '2', '3', '10', '2147483647', '-2147483648', 'NULL'],
  string: [...STRING_PARTITIONS.map(sqlString), 'NULL'],
  date: ["DATE '1970-01-01'", "DATE '2020-02-29'", "DATE '1900-01-01'", "DATE '9999-12-31'", "DATE '1969-12-31'", 'NULL'],
  timestamp: [
    "TIMESTAMPTZ '2020-01-01 00:00:00+00'", "TIMESTAMPTZ '2020-01-01 00:00:00.000001+00'", "TIMESTAMPTZ '1969-12-31 23:59:59.999999+00'",
    "TIMESTAMPTZ '2020-06-01 12:30:00.5+02'", "TIMESTAMP '2021-03-04 05:06:07.123'", "TIMESTAMPTZ '1900-01-01 00:00:00+00'", 'NULL',
  ],
  decimal: ['0.00', '-1.50', '123.45', '1.1', '999.99', '-0.01', 'NULL'],
};
const DOUBLES = [
  "CAST('NaN' AS DOUBLE)", "CAST('Infinity' AS DOUBLE)", "CAST('-Infinity' AS DOUBLE)", "CAST('-0.0' AS DOUBLE)", '0.0e0', '1.5e0', '-2.25e0',
  '1e308', '5e-324', '0.1e0', '1.5',
];
const DATES = ['1970-01-01', '1969-12-31', '2020-02-29', '1900-01-01', '2100-12-31', '0001-01-01', '9999-12-31'];
const STRINGS = [
  '', 'a', 'abc', 'B', "o'clock", 'tab\there', 'line\nbreak', 'back\\slash', '100%_done', 'ßüñ', '日本語', '😀 smile', '\uFF21wide',
  'L'.repeat(32), 'L'.repeat(33), `${'L'.repeat(31)}😀tail`, `${'Z'.repeat(40)}1`, `${'Z'.repeat(40)}2`, `${'Z'.repeat(32)}\uFFFF\uFFFF`,
  '\uFFFF\uFFFFhigh', '😀😀', 'mid', 'NULL', ' ', 'zzz',
];
const BIG_IDS = [9007199254740993n, -9007199254740993n, 4611686018427387904n, 9007199254740992n, -1n, 0n];
const HOT_TIMES = [0n, 1_577_836_800_123_456n, 1_577_836_800_123_000n, 1_577_836_800_000_000n, -1n, 946_684_799_999_999n, -2_208_988_800_000_000n];

/** A generated value: the literal Loch gets, and the typed form the oracle gets. */
export interface Lit {
  readonly raw: string;
  readonly typed: string;
}

/** Random literals of each column kind; it remembers values so predicates can hit them. */
export class ValueGen {
  private nextId = 1n;
  private readonly ids: bigint[] = [];
  private readonly times: bigint[] = [...HOT_TIMES];
  private readonly decimals: string[] = ['0.00', '1.50', '-1.50'];

  constructor(private readonly rng: Rng) {}

  literal(c: Column, options: { noEmptyPartition?: boolean } = {}): Lit {
    const raw = this.raw(c, options);
    return { raw, typed: raw === 'NULL' ? `NULL::${c.duckType}` : `CAST(${raw} AS ${c.duckType})` };
  }

  private raw(c: Column, options: { noEmptyPartition?: boolean }): string {
    const r = this.rng;
    switch (c.kind) {
      case 'id':
        return r.chance(0.03) ? 'NULL' : String(this.id());
      case 'p':
        if (r.chance(0.1)) return 'NULL';
        return r.pick(PARTITIONS[c.pKind ?? 'int'].filter((v) => v !== 'NULL' && !(options.noEmptyPartition === true && v === "''")));
      case 's':
        return r.chance(0.1) ? 'NULL' : sqlString(this.text());
      case 'd':
        return r.chance(0.1) ? 'NULL' : this.decimal();
      case 'ts':
        return r.chance(0.1) ? 'NULL' : this.timestampLiteral(true);
      case 'b':
        return r.pick(['true', 'false', 'NULL']);
      case 'st':
        if (r.chance(0.15)) return 'NULL';
        return `{'x': ${r.chance(0.2) ? 'NULL' : String(r.int(-5, 5))}, 'y': ${r.chance(0.2) ? 'NULL' : sqlString(this.text())}}`;
      case 'n':
        return r.chance(0.2) ? 'NULL' : String(r.int(-1000, 1000));
      case 'f':
        return r.chance(0.1) ? 'NULL' : this.double();
      case 'dt':
        return r.chance(0.1) ? 'NULL' : this.date();
      case 'tn':
        return r.chance(0.1) ? 'NULL' : `TIMESTAMP '${utcText(this.micros())}'`;
    }
  }

  double(): string {
    return this.rng.chance(0.5) ? this.rng.pick(DOUBLES) : `${((this.rng.float() - 0.5) * 2000).toFixed(this.rng.int(0, 4))}e0`;
  }

  date(): string {
    if (this.rng.chance(0.5)) return `DATE '${this.rng.pick(DATES)}'`;
    return `DATE '${new Date(this.rng.int(-2_208_988_800, 4_102_444_799) * 1000).toISOString().slice(0, 10)}'`;
  }

  id(): bigint {
    const r = this.rng;
    if (r.chance(0.05)) return r.pick(BIG_IDS);
    if (this.ids.length > 0 && r.chance(0.1)) return r.pick(this.ids);
    const id = this.nextId;
    this.nextId += BigInt(r.int(1, 3));
    this.ids.push(id);
    return id;
  }

  /** An id that is probably in the table, for predicates. */
  knownId(): bigint {
    return this.ids.length > 0 && this.rng.chance(0.8) ? this.rng.pick(this.ids) : this.rng.pick(BIG_IDS);
  }

  text(): string {
    return this.rng.chance(0.7) ? this.rng.pick(STRINGS) : `w${this.rng.int(0, 200)}`;
  }

  partitionLiteral(c: Column): string {
    return this.rng.pick(PARTITIONS[c.pKind ?? 'int'].filter((v) => v !== 'NULL' && v !== "''"));
  }

  decimal(): string {
    const r = this.rng;
    if (this.decimals.length > 0 && r.chance(0.3)) return r.pick(this.decimals);
    const cents = r.chance(0.5) ? r.int(-1000, 1000) : r.int(-10_000_000, 10_000_000);
    const sign = cents < 0 ? '-' : '';
    const abs = Math.abs(cents);
    // Now and then three decimals: the value is rounded on the way into DECIMAL(10,2).
    const text = r.chance(0.05) ? `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}5` : `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
    this.decimals.push(text);
    return text;
  }

  /** Microseconds since the epoch, often one seen before. */
  micros(): bigint {
    const r = this.rng;
    if (r.chance(0.4)) return r.pick(this.times);
    const seconds = BigInt(r.int(-2_208_988_800, 4_102_444_799));
    const fraction = r.pick([0n, BigInt(r.int(0, 999)) * 1000n, BigInt(r.int(0, 999_999))]);
    const micros = seconds * 1_000_000n + fraction;
    this.times.push(micros);
    return micros;
  }

  /** A timestamp literal; with `varied`, sometimes zone-less or at another UTC offset. */
  timestampLiteral(varied: boolean): string {
    const r = this.rng;
    const micros = this.micros();
    const style = varied ? r.int(0, 3) : 0;
    if (style === 1) return `TIMESTAMP '${utcText(micros)}'`;
    if (style === 2) return `TIMESTAMPTZ '${utcText(micros + 19_800_000_000n)}+05:30'`;
    if (style === 3) return `TIMESTAMPTZ '${utcText(micros - 25_200_000_000n)}-07:00'`;
    return `TIMESTAMPTZ '${utcText(micros)}+00'`;
  }
}

/** 'YYYY-MM-DD HH:MM:SS.ffffff' of microseconds since the epoch, UTC. */
export function utcText(micros: bigint): string {
  const ms = micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n);
  const rest = micros - ms * 1000n;
  const iso = new Date(Number(ms)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${iso.slice(20, 23)}${String(rest).padStart(3, '0')}`;
}

export interface Predicate {
  readonly sql: string;
  /** Columns the predicate reads. */
  readonly columns: ReadonlySet<string>;
}

/** A random WHERE condition over the shape's columns: single comparisons, AND, OR, NOT. */
export function randomPredicate(shape: Shape, gen: ValueGen, rng: Rng, preferPartition = false): Predicate {
  const roll = rng.float();
  if (roll < 0.6) return atom(shape, gen, rng, preferPartition);
  if (roll < 0.85 || roll >= 0.97) {
    const a = atom(shape, gen, rng, preferPartition);
    const b = atom(shape, gen, rng, false);
    const op = roll < 0.85 ? 'AND' : 'OR';
    return { sql: `(${a.sql}) ${op} (${b.sql})`, columns: new Set([...a.columns, ...b.columns]) };
  }
  const a = atom(shape, gen, rng, preferPartition);
  return { sql: `NOT (${a.sql})`, columns: a.columns };
}

function atom(shape: Shape, gen: ValueGen, rng: Rng, preferPartition: boolean): Predicate {
  const column = preferPartition && rng.chance(0.7) ? (shape.columns.find((c) => c.kind === 'p') as Column) : rng.pick(shape.columns);
  const name = q(column.name);
  const one = (sql: string): Predicate => ({ sql, columns: new Set([column.name]) });
  const cmp = () => rng.pick(['=', '<', '<=', '>', '>=', '<>']);
  switch (column.kind) {
    case 'id':
      return one(rng.pick([() => `${name} ${cmp()} ${gen.knownId()}`, () => `${name} % 3 = ${rng.int(0, 2)}`, () => `${name} IS NULL`, () => `${name} BETWEEN ${gen.knownId()} AND ${gen.knownId()}`])());
    case 'p': {
      const v = () => gen.partitionLiteral(column);
      const forms = [() => `${name} = ${v()}`, () => `${name} IS NULL`, () => `${name} IS NOT NULL`, () => `${name} IN (${v()}, ${v()})`, () => `${name} ${cmp()} ${v()}`];
      if (column.pKind === 'string') forms.push(() => `${name} LIKE ${sqlString(`${rng.pick(['a', 'x', '%', 'k'])}%`)}`);
      return one(rng.pick(forms)());
    }
    case 's':
      return one(
        rng.pick([
          () => `${name} ${cmp()} ${sqlString(gen.text())}`,
          () => `${name} IS NULL`,
          () => `${name} LIKE ${sqlString(`${rng.pick(['L', 'Z', 'w1', 'a', '😀'])}%`)}`,
          () => `starts_with(${name}, ${sqlString(rng.pick(['L', 'ZZZ', '\uFFFF', '😀']))})`,
          () => `length(${name}) > ${rng.int(0, 35)}`,
        ])(),
      );
    case 'd':
      return one(rng.pick([() => `${name} ${cmp()} ${gen.decimal()}`, () => `${name} IS NULL`])());
    case 'ts':
      return one(rng.pick([() => `${name} ${cmp()} ${gen.timestampLiteral(false)}`, () => `${name} IS NULL`])());
    case 'b':
      return one(rng.pick([name, `NOT ${name}`, `${name} IS NULL`, `${name} = true`, `${name} IS NOT DISTINCT FROM false`]));
    case 'st':
      return one(rng.pick([() => `${name}.x ${cmp()} ${rng.int(-5, 5)}`, () => `${name}.y ${cmp()} ${sqlString(gen.text())}`, () => `${name} IS NULL`, () => `${name}.x IS NULL`])());
    case 'n':
      return one(rng.pick([() => `${name} ${cmp()} ${rng.int(-1000, 1000)}`, () => `${name} IS NULL`])());
    case 'f':
      return one(rng.pick([() => `${name} ${cmp()} ${gen.double()}`, () => `isnan(${name})`, () => `${name} IS NULL`])());
    case 'dt':
      return one(rng.pick([() => `${name} ${cmp()} ${gen.date()}`, () => `${name} IS NULL`])());
    case 'tn':
      return one(rng.pick([() => `${name} ${cmp()} TIMESTAMP '${utcText(gen.micros())}'`, () => `${name} IS NULL`])());
  }
}

/** The oracle: a plain DuckDB table `m` in memory, and a frozen copy `v<N>` per Delta version. */
export class Oracle {
  private constructor(
    private readonly db: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<Oracle> {
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    await connection.run(`SET TimeZone = 'UTC'`);
    return new Oracle(db, connection);
  }

  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  async rows(sql: string): Promise<unknown[][]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRows() as unknown[][];
  }

  async count(table: string): Promise<number> {
    const rows = await this.rows(`SELECT count(*) FROM ${table}`);
    return Number(rows[0]?.[0]);
  }

  /** true / false / null: the predicate on one row given as typed literals. */
  async evaluate(shape: Shape, row: readonly Lit[], predicate: string): Promise<boolean | null> {
    const select = shape.columns.map((c, i) => `${(row[i] as Lit).typed} AS ${q(c.name)}`).join(', ');
    const rows = await this.rows(`SELECT (${predicate}) FROM (SELECT ${select}) AS r`);
    return rows[0]?.[0] as boolean | null;
  }

  /** Column names and types of a table, quotes dropped ("x" → x) for comparison with Loch's. */
  async columns(table: string): Promise<string[]> {
    const rows = await this.rows(`DESCRIBE ${table}`);
    return rows.map((r) => `${String(r[0])} ${String(r[1]).replaceAll('"', '')}`);
  }

  async create(table: string, shape: Shape): Promise<void> {
    await this.run(`CREATE OR REPLACE TABLE ${table} (${shape.columns.map((c) => `${q(c.name)} ${c.duckType}`).join(', ')})`);
  }

  close(): void {
    this.connection.closeSync();
    this.db.closeSync();
  }
}
