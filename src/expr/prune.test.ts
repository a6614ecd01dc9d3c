import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileFacts, FileStats } from './file-facts.js';
import type { Expr, Literal, LiteralValue } from './nodes.js';
import { and, cmp, col, eq, inList, isNull, lit, not, or } from './nodes.js';
import type { ComparisonOp } from './nodes.js';
import { canPrune, compareCodePoints } from './prune.js';
import { exprToSql, literalToSql } from './to-sql.js';
import type { DataType, StructType } from './types.js';
import { decimal, field, primitive } from './types.js';

const INT = primitive('integer');
const LONG = primitive('long');
const DOUBLE = primitive('double');
const FLOAT = primitive('float');
const DEC = decimal(5, 2);
const STRING = primitive('string');
const DATE = primitive('date');
const TS = primitive('timestamp');
const NTZ = primitive('timestamp_ntz');
const BOOL = primitive('boolean');
const BIN = primitive('binary');

const schema: StructType = {
  kind: 'struct',
  fields: [
    field('i', INT),
    field('l', LONG),
    field('d', DOUBLE),
    field('f', FLOAT),
    field('dec', DEC),
    field('s', STRING),
    field('dt', DATE),
    field('ts', TS),
    field('ntz', NTZ),
    field('b', BOOL),
    field('bin', BIN),
    field('st', { kind: 'struct', fields: [field('inner', INT)] }),
    field('p_int', INT),
    field('p_str', STRING),
  ],
};

function stats(numRecords: number | undefined, min: Record<string, LiteralValue>, max: Record<string, LiteralValue>, nulls: Record<string, number> = {}, tightBounds = true): FileStats {
  return {
    ...(numRecords !== undefined ? { numRecords } : {}),
    minValues: new Map(Object.entries(min)),
    maxValues: new Map(Object.entries(max)),
    nullCount: new Map(Object.entries(nulls)),
    tightBounds,
  };
}

function facts(partitions: Record<string, LiteralValue>, s?: FileStats): FileFacts {
  return { partitionValues: new Map(Object.entries(partitions)), ...(s ? { stats: s } : {}) };
}

const int = (v: number | null): Literal => lit(INT, v);
const prune = (e: Expr, f: FileFacts): boolean => canPrune(e, f, schema);

describe('canPrune', () => {
  const file = facts({ p_int: 5, p_str: null }, stats(10, { i: 1, s: 'b', ts: 1000n }, { i: 9, s: 'd', ts: 5999n }, { i: 0, s: 3, l: 10 }));

  it('prunes by exact partition values with three-valued logic', () => {
    expect(prune(eq(col('p_int'), int(5)), file)).toBe(false);
    expect(prune(eq(col('p_int'), int(6)), file)).toBe(true);
    expect(prune(cmp('!=', col('p_int'), int(5)), file)).toBe(true);
    expect(prune(eq(col('p_str'), lit(STRING, 'x')), file)).toBe(true); // NULL = 'x' is not true
    expect(prune(not(eq(col('p_str'), lit(STRING, 'x'))), file)).toBe(true); // NOT NULL is NULL
    expect(prune(isNull(col('p_str')), file)).toBe(false);
    expect(prune(not(isNull(col('p_int'))), file)).toBe(false);
    expect(prune(isNull(col('p_int')), file)).toBe(true);
  });

  it('prunes by min/max with literals on either side', () => {
    expect(prune(cmp('>', col('i'), int(9)), file)).toBe(true);
    expect(prune(cmp('>=', col('i'), int(9)), file)).toBe(false);
    expect(prune(cmp('<', int(9), col('i')), file)).toBe(true);
    expect(prune(cmp('<', col('i'), int(1)), file)).toBe(true);
    expect(prune(eq(col('i'), int(0)), file)).toBe(true);
    expect(prune(eq(col('i'), int(4)), file)).toBe(false);
    expect(prune(cmp('!=', col('i'), int(4)), file)).toBe(false);
    expect(prune(eq(col('i'), int(null)), file)).toBe(true);
    expect(prune(eq(col('s'), lit(STRING, 'e')), file)).toBe(true);
    expect(prune(cmp('>', col('ts'), lit(TS, 5999n)), file)).toBe(true);
  });

  it('handles AND, OR, NOT and IN', () => {
    const out = eq(col('i'), int(20));
    const maybe = eq(col('i'), int(5));
    expect(prune(and(maybe, out), file)).toBe(true);
    expect(prune(or(maybe, out), file)).toBe(false);
    expect(prune(or(out, eq(col('p_int'), int(7))), file)).toBe(true);
    expect(prune(not(or(maybe, cmp('>=', col('i'), int(1)))), file)).toBe(true); // i >= 1 always holds
    expect(prune(not(maybe), file)).toBe(false);
    expect(prune(inList(col('i'), [int(0), int(10)]), file)).toBe(true);
    expect(prune(inList(col('i'), [int(0), int(3)]), file)).toBe(false);
    expect(prune(not(inList(col('p_int'), [int(5), int(null)])), file)).toBe(true);
    expect(prune(not(inList(col('p_int'), [int(4), int(null)])), file)).toBe(true); // NULL, never TRUE
    expect(prune(not(inList(col('p_int'), [int(4)])), file)).toBe(false);
    expect(prune(inList(col('i'), []), file)).toBe(true);
    expect(prune(and(), file)).toBe(false);
    expect(prune(or(), file)).toBe(true);
  });

  it('uses null counts only as far as they tell something', () => {
    expect(prune(isNull(col('i')), file)).toBe(true); // nullCount 0
    expect(prune(isNull(col('s')), file)).toBe(false);
    expect(prune(not(isNull(col('l'))), file)).toBe(true); // nullCount == numRecords
    expect(prune(eq(col('l'), lit(LONG, 1n)), file)).toBe(true);
    expect(prune(isNull(col('d')), file)).toBe(false); // no stats for d
    expect(prune(eq(col('d'), lit(DOUBLE, 1)), file)).toBe(false);
  });

  it('prunes empty files and never prunes on unknown columns or expressions', () => {
    expect(prune(eq(col('i'), int(4)), facts({}, stats(0, {}, {})))).toBe(true);
    expect(prune(eq(col('nope'), int(4)), file)).toBe(false);
    expect(prune(eq(col('i'), col('p_int')), facts({ p_int: 5 }, stats(1, { i: 6 }, { i: 9 })))).toBe(true);
    expect(prune(eq(eq(col('i'), int(1)), lit(BOOL, true)), file)).toBe(false);
    expect(prune(eq(col('i'), int(4)), facts({}))).toBe(false);
  });

  it('never prunes a float/double column from above: NaN is not in the statistics', () => {
    const f = facts({}, stats(3, { d: 1, f: Math.fround(0.5) }, { d: 2, f: 1 }, { d: 0, f: 0 }));
    expect(prune(cmp('>', col('d'), lit(DOUBLE, 5)), f)).toBe(false);
    expect(prune(eq(col('d'), lit(DOUBLE, NaN)), f)).toBe(false);
    expect(prune(cmp('<', col('d'), lit(DOUBLE, 1)), f)).toBe(true);
    expect(prune(eq(col('f'), lit(DOUBLE, 0.25)), f)).toBe(true);
  });

  it('compares mixed types in the space DuckDB uses', () => {
    const f = facts({ p_int: 16777216 }, stats(3, { dec: '1.50', l: 10n, dt: '2020-01-02' }, { dec: '2.00', l: 20n, dt: '2020-01-02' }));
    // FLOAT space: 16777217 rounds to 16777216 in FLOAT, so this may be true.
    expect(prune(eq(col('p_int'), lit(FLOAT, 16777216)), f)).toBe(false);
    expect(prune(eq(col('p_int'), lit(LONG, 16777217n)), f)).toBe(true);
    expect(prune(eq(col('dec'), lit(DOUBLE, 1.5)), f)).toBe(false);
    expect(prune(cmp('>', col('dec'), lit(INT, 2)), f)).toBe(true);
    expect(prune(cmp('>', col('dec'), lit(decimal(10, 4), '1.9999')), f)).toBe(false);
    expect(prune(cmp('<', col('l'), lit(DOUBLE, 10)), f)).toBe(true);
    expect(prune(eq(col('dt'), lit(NTZ, 1577923200000000n)), f)).toBe(false); // 2020-01-02 00:00
    expect(prune(eq(col('dt'), lit(NTZ, 1577923200000001n)), f)).toBe(true);
    expect(prune(eq(col('dt'), lit(STRING, '2021-01-01')), f)).toBe(false); // not comparable: do not prune
    // An IN list is compared in the type of all its values, NULLs included (here FLOAT).
    expect(prune(inList(col('p_int'), [int(16777217)]), f)).toBe(true);
    expect(prune(inList(col('p_int'), [int(16777217), lit(FLOAT, null)]), f)).toBe(false);
  });

  it('orders strings by code point, as UTF-8 bytes do', () => {
    expect(compareCodePoints('\uffff', '\u{10000}')).toBeLessThan(0);
    expect('\uffff' < '\u{10000}').toBe(false); // UTF-16 order differs
    const f = facts({}, stats(2, { s: '\uffff' }, { s: '\u{10000}' }));
    expect(prune(eq(col('s'), lit(STRING, '\ue000')), f)).toBe(true);
    expect(prune(eq(col('s'), lit(STRING, '\u{fffff}')), f)).toBe(true);
  });
});

// ---- property test against DuckDB -------------------------------------------------------------

type Row = Record<string, LiteralValue>;

/** Small seeded PRNG (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DOMAINS: Record<string, { type: DataType; values: LiteralValue[] }> = {
  i: { type: INT, values: [-3, -1, 0, 1, 2, 3, 16777216, 16777217, 16777219] },
  l: { type: LONG, values: [-3n, 0n, 1n, 3n, 9007199254740993n, 9223372036854775807n] },
  d: { type: DOUBLE, values: [-1.5, -0, 0, 0.1, 1, 2, 1e300, NaN, Infinity, -Infinity] },
  f: { type: FLOAT, values: [Math.fround(0.1), -1, 1.5, 16777216, 16777220, NaN, Infinity] },
  dec: { type: DEC, values: ['-1.50', '0.00', '0.10', '1.00', '2.00', '999.99'] },
  s: { type: STRING, values: ['', 'a', 'ab', 'abc', 'b', 'é', '\uffff', '\u{1F600}'] },
  dt: { type: DATE, values: ['1969-12-31', '1970-01-01', '2020-01-01', '2020-01-02'] },
  ts: { type: TS, values: [-1n, 0n, 999n, 1000n, 1577836800000000n] },
  ntz: { type: NTZ, values: [-1n, 0n, 999n, 1000n, 1577836800000000n, 1577923200000000n] },
  b: { type: BOOL, values: [true, false] },
  bin: { type: BIN, values: [new Uint8Array([]), new Uint8Array([0]), new Uint8Array([1, 2]), new Uint8Array([255])] },
  'st.inner': { type: INT, values: [-1, 0, 5] },
  p_int: { type: INT, values: [0, 1, 2, 16777217] },
  p_str: { type: STRING, values: ['x', 'y', ''] },
};
const DATA_COLUMNS = Object.keys(DOMAINS).filter((c) => !c.startsWith('p_'));
const PARTITION_COLUMNS = ['p_int', 'p_str'];

/** Literal types that may be compared with a column of the given domain. */
function literalTypesFor(column: string): DataType[] {
  const t = DOMAINS[column]!.type;
  if (t === INT || t === LONG || t === DOUBLE || t === FLOAT || t === DEC) return [INT, LONG, DOUBLE, FLOAT, DEC];
  if (t === DATE || t === NTZ) return [DATE, NTZ];
  return [t];
}

/** A random domain value of a column compatible with `type`, converted to `type` when clean. */
function randomLiteral(r: () => number, type: DataType): Literal {
  if (r() < 0.08) return lit(type, null);
  const sources = Object.keys(DOMAINS).filter((k) => literalTypesFor(k).includes(type));
  const source = DOMAINS[sources[Math.floor(r() * sources.length)]!]!;
  const value = source.values[Math.floor(r() * source.values.length)]!;
  const converted = convertValue(value, source.type, type);
  if (converted !== undefined) return lit(type, converted);
  const own = Object.values(DOMAINS).find((d) => d.type === type)!;
  return lit(type, own.values[Math.floor(r() * own.values.length)]!);
}

function convertValue(value: LiteralValue, from: DataType, to: DataType): LiteralValue | undefined {
  if (from === to) return value;
  const asNumber = typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : (value as number);
  if (to === INT) return Number.isInteger(asNumber) && Math.abs(asNumber) < 2 ** 31 ? asNumber : undefined;
  if (to === LONG) return Number.isSafeInteger(asNumber) ? BigInt(asNumber) : typeof value === 'bigint' ? value : undefined;
  if (to === DOUBLE) return asNumber;
  if (to === FLOAT) return Math.fround(asNumber);
  if (to === DEC) return Number.isFinite(asNumber) && Math.abs(asNumber) < 1000 ? asNumber.toFixed(2).replace(/^-0\.00$/, '0.00') : undefined;
  if (to === NTZ && typeof value === 'string') return BigInt(Date.parse(`${value}T00:00:00Z`)) * 1000n;
  if (to === DATE && typeof value === 'bigint') return undefined;
  return undefined;
}

function randomPredicate(r: () => number, depth: number): Expr {
  const roll = r();
  if (depth > 0 && roll < 0.25) {
    const parts = Array.from({ length: 1 + Math.floor(r() * 3) }, () => randomPredicate(r, depth - 1));
    return r() < 0.5 ? and(...parts) : or(...parts);
  }
  if (depth > 0 && roll < 0.35) return not(randomPredicate(r, depth - 1));
  if (depth > 0 && roll < 0.4) return isNull(randomPredicate(r, depth - 1));
  const columns = [...DATA_COLUMNS, ...PARTITION_COLUMNS];
  const column = columns[Math.floor(r() * columns.length)]!;
  const ref = col(...column.split('.'));
  const types = literalTypesFor(column);
  const litType = (): DataType => types[Math.floor(r() * types.length)]!;
  const kind = r();
  if (kind < 0.12) return isNull(ref);
  if (kind < 0.25) return inList(ref, Array.from({ length: Math.floor(r() * 4) }, () => randomLiteral(r, litType())));
  if (kind < 0.3 && column === 'b') return ref;
  const ops: ComparisonOp[] = ['=', '!=', '<', '<=', '>', '>='];
  const op = ops[Math.floor(r() * ops.length)]!;
  const literal = randomLiteral(r, litType());
  return r() < 0.3 ? cmp(op, literal, ref) : cmp(op, ref, literal);
}

function compareForStats(a: LiteralValue, b: LiteralValue): number {
  if (typeof a === 'string' && typeof b === 'string') {
    if (/^-?\d+\.\d{2}$/.test(a)) return Number(a) - Number(b);
    return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b);
  return a! < b! ? -1 : a! > b! ? 1 : 0;
}

/**
 * Statistics over all physical rows (live and deleted): exact when nothing is deleted, else
 * wide (tightBounds false) and randomly widened further; randomly thinned like real writers.
 */
function statsFor(r: () => number, physical: Row[], hasDeleted: boolean): FileStats {
  const min = new Map<string, LiteralValue>();
  const max = new Map<string, LiteralValue>();
  const nulls = new Map<string, number>();
  for (const column of DATA_COLUMNS) {
    const values = physical.map((row) => row[column] ?? null);
    const present = values.filter((v) => v !== null && !(typeof v === 'number' && Number.isNaN(v))).sort(compareForStats);
    if (r() < 0.85) nulls.set(column, values.filter((v) => v === null).length);
    if (present.length === 0 || r() < 0.1) continue;
    const domain = DOMAINS[column]!.values.filter((v) => !(typeof v === 'number' && Number.isNaN(v))).sort(compareForStats);
    min.set(column, hasDeleted && r() < 0.3 ? domain[0]! : present[0]!);
    max.set(column, hasDeleted && r() < 0.3 ? domain[domain.length - 1]! : present[present.length - 1]!);
  }
  return { numRecords: physical.length, minValues: min, maxValues: max, nullCount: nulls, tightBounds: !hasDeleted };
}

function randomRow(r: () => number, partitions: Row): Row {
  const row: Row = { ...partitions };
  for (const column of DATA_COLUMNS) {
    const values = DOMAINS[column]!.values;
    row[column] = r() < 0.15 ? null : values[Math.floor(r() * values.length)]!;
  }
  return row;
}

function rowSql(fileId: number, row: Row): string {
  const cell = (column: string): string => literalToSql(lit(DOMAINS[column]!.type, row[column] ?? null));
  const inner = row['st.inner'] === undefined ? 'CAST(NULL AS STRUCT("inner" INTEGER))' : `struct_pack("inner" := ${cell('st.inner')})`;
  const others = DATA_COLUMNS.filter((c) => c !== 'st.inner').map(cell);
  return `(${fileId}, ${others.join(', ')}, ${inner}, ${cell('p_int')}, ${cell('p_str')})`;
}

describe('canPrune never prunes a file with a matching row (DuckDB as the oracle)', () => {
  let connection: DuckDBConnection;

  beforeAll(async () => {
    connection = await (await DuckDBInstance.create(':memory:')).connect();
    await connection.run("SET TimeZone = 'Asia/Kolkata'");
  });

  afterAll(() => connection.closeSync());

  it('holds for random files and predicates', async () => {
    const r = rng(20240611);
    const files: FileFacts[] = [];
    const inserts: string[] = [];
    for (let id = 0; id < 250; id++) {
      const partitions: Row = {};
      for (const p of PARTITION_COLUMNS) partitions[p] = r() < 0.15 ? null : DOMAINS[p]!.values[Math.floor(r() * DOMAINS[p]!.values.length)]!;
      const live = Array.from({ length: Math.floor(r() * 5) }, () => randomRow(r, partitions));
      const deleted = r() < 0.25 ? Array.from({ length: 1 + Math.floor(r() * 2) }, () => randomRow(r, partitions)) : [];
      const fileStats = r() < 0.9 ? statsFor(r, [...live, ...deleted], deleted.length > 0) : undefined;
      files.push({ partitionValues: new Map(Object.entries(partitions)), ...(fileStats ? { stats: fileStats } : {}) });
      for (const row of live) inserts.push(rowSql(id, row));
    }
    await connection.run(`CREATE OR REPLACE TABLE t (file_id INTEGER, i INTEGER, l BIGINT, d DOUBLE, f FLOAT, dec DECIMAL(5,2), s VARCHAR,
      dt DATE, ts TIMESTAMPTZ, ntz TIMESTAMP, b BOOLEAN, bin BLOB, st STRUCT("inner" INTEGER), p_int INTEGER, p_str VARCHAR)`);
    await connection.run(`INSERT INTO t VALUES ${inserts.join(',\n')}`);

    let pruned = 0;
    let checks = 0;
    for (let q = 0; q < 400; q++) {
      const predicate = randomPredicate(r, 3);
      const sql = exprToSql(predicate);
      const reader = await connection.runAndReadAll(`SELECT DISTINCT file_id FROM t WHERE ${sql}`);
      const matching = new Set(reader.getRows().map((row) => Number(row[0])));
      files.forEach((f, id) => {
        const verdict = canPrune(predicate, f, schema);
        checks++;
        if (verdict) pruned++;
        if (verdict && matching.has(id)) {
          throw new Error(`pruned file ${id} that has a matching row\npredicate: ${sql}\nfacts: ${describeFacts(f)}`);
        }
      });
    }
    // The test must exercise pruning, not only "never prune".
    expect(pruned / checks).toBeGreaterThan(0.15);
  }, 120_000);
});

function describeFacts(f: FileFacts): string {
  const show = (m: ReadonlyMap<string, unknown>): string =>
    JSON.stringify(Object.fromEntries(m), (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? [...v] : v));
  return `partitions ${show(f.partitionValues)} stats ${f.stats ? `n=${f.stats.numRecords} tight=${f.stats.tightBounds} min ${show(f.stats.minValues)} max ${show(f.stats.maxValues)} nulls ${show(f.stats.nullCount)}` : 'none'}`;
}

describe('canPrune: types Delta has no name for (Iceberg)', () => {
  const ice: StructType = {
    kind: 'struct',
    fields: [
      { name: 't', type: { kind: 'primitive', name: 'time' }, nullable: true, physicalName: 't' },
      { name: 'n', type: { kind: 'primitive', name: 'timestamp_ns' }, nullable: true, physicalName: 'n' },
      { name: 'u', type: { kind: 'primitive', name: 'uuid' }, nullable: true, physicalName: 'u' },
      { name: 'f', type: { kind: 'fixed', length: 2 }, nullable: true, physicalName: 'f' },
      { name: 'v', type: { kind: 'primitive', name: 'variant' }, nullable: true, physicalName: 'v' },
    ],
  };
  const file = stats(10, { t: 1000n, n: 5n, u: '10000000-0000-0000-0000-000000000000', f: new Uint8Array([1, 0]) }, { t: 2000n, n: 9n, u: '20000000-0000-0000-0000-000000000000', f: new Uint8Array([1, 9]) });
  const f = facts({}, file);

  it('prunes on time, nanosecond timestamp, uuid and fixed ranges', () => {
    expect(canPrune(cmp('>', col('t'), lit({ kind: 'primitive', name: 'time' }, 2000n)), f, ice)).toBe(true);
    expect(canPrune(cmp('>=', col('t'), lit({ kind: 'primitive', name: 'time' }, 2000n)), f, ice)).toBe(false);
    expect(canPrune(cmp('<', col('n'), lit({ kind: 'primitive', name: 'timestamp_ns' }, 5n)), f, ice)).toBe(true);
    expect(canPrune(eq(col('u'), lit({ kind: 'primitive', name: 'uuid' }, 'A0000000-0000-0000-0000-000000000000')), f, ice)).toBe(true);
    expect(canPrune(eq(col('u'), lit({ kind: 'primitive', name: 'uuid' }, '1A000000-0000-0000-0000-000000000000')), f, ice)).toBe(false);
    expect(canPrune(eq(col('f'), lit({ kind: 'fixed', length: 2 }, new Uint8Array([2, 0]))), f, ice)).toBe(true);
  });

  it('never prunes across nanosecond and microsecond timestamps, or on variants', () => {
    expect(canPrune(cmp('<', col('n'), lit({ kind: 'primitive', name: 'timestamp' }, 0n)), f, ice)).toBe(false);
    expect(canPrune(isNull(col('v')), facts({}, stats(10, {}, {}, { v: 0 })), ice)).toBe(true);
    expect(canPrune(eq(col('v'), lit({ kind: 'primitive', name: 'variant' }, null)), f, ice)).toBe(false);
  });
});
