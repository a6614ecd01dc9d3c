import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Literal, LiteralValue } from './nodes.js';
import { and, cmp, col, eq, inList, isNull, lit, not, or } from './nodes.js';
import { dataTypeToDuckDb, defaultColumnSql, exprToSql, literalToSql, quoteIdentifier, quoteString } from './to-sql.js';
import type { DataType } from './types.js';
import { decimal, field, primitive } from './types.js';

let connection: DuckDBConnection;

beforeAll(async () => {
  const instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  // Nothing rendered may depend on the session time zone.
  await connection.run("SET TimeZone = 'America/Los_Angeles'");
});

afterAll(() => {
  connection.closeSync();
});

async function scalar(sql: string): Promise<unknown> {
  const reader = await connection.runAndReadAll(`SELECT ${sql}`);
  return reader.getRows()[0]![0];
}

async function text(sql: string): Promise<string | null> {
  return (await scalar(`CAST(${sql} AS VARCHAR)`)) as string | null;
}

describe('quoting', () => {
  it('doubles embedded quotes', () => {
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
    expect(quoteString("it's")).toBe("'it''s'");
  });
});

describe('dataTypeToDuckDb', () => {
  it('maps every Loch type to the DuckDB type DuckDB reports back', async () => {
    const cases: Array<[DataType, string]> = [
      [primitive('boolean'), 'BOOLEAN'],
      [primitive('byte'), 'TINYINT'],
      [primitive('short'), 'SMALLINT'],
      [primitive('integer'), 'INTEGER'],
      [primitive('long'), 'BIGINT'],
      [primitive('float'), 'FLOAT'],
      [primitive('double'), 'DOUBLE'],
      [primitive('string'), 'VARCHAR'],
      [primitive('binary'), 'BLOB'],
      [primitive('date'), 'DATE'],
      [primitive('timestamp'), 'TIMESTAMP WITH TIME ZONE'],
      [primitive('timestamp_ntz'), 'TIMESTAMP'],
      [decimal(38, 18), 'DECIMAL(38,18)'],
      [{ kind: 'array', element: primitive('integer'), containsNull: true }, 'INTEGER[]'],
      [{ kind: 'map', key: primitive('string'), value: primitive('long'), valueContainsNull: true }, 'MAP(VARCHAR, BIGINT)'],
      [{ kind: 'struct', fields: [field('a b', primitive('integer')), field('x"y', { kind: 'array', element: primitive('string'), containsNull: true })] }, 'STRUCT("a b" INTEGER, "x""y" VARCHAR[])'],
    ];
    for (const [type, reported] of cases) {
      expect(await scalar(`typeof(CAST(NULL AS ${dataTypeToDuckDb(type)}))`)).toBe(reported);
    }
    expect(dataTypeToDuckDb(primitive('timestamp'))).toBe('TIMESTAMPTZ');
  });

  it('names struct fields at every level with the given naming', () => {
    const inner = field('x', primitive('integer'), true, { physicalName: 'col-2' });
    const type: DataType = { kind: 'struct', fields: [field('s', { kind: 'array', element: { kind: 'struct', fields: [inner] }, containsNull: true }, true, { physicalName: 'col-1' })] };
    expect(dataTypeToDuckDb(type)).toBe('STRUCT("s" STRUCT("x" INTEGER)[])');
    expect(dataTypeToDuckDb(type, (f) => f.physicalName)).toBe('STRUCT("col-1" STRUCT("col-2" INTEGER)[])');
  });
});

describe('literalToSql', () => {
  it('renders NULL of every type with that type', async () => {
    for (const type of [primitive('integer'), primitive('timestamp'), decimal(5, 2), { kind: 'array', element: primitive('date'), containsNull: true } as DataType]) {
      const sql = literalToSql(lit(type, null));
      expect(await scalar(`${sql} IS NULL`)).toBe(true);
      expect(await scalar(`typeof(${sql})`)).toBe(await scalar(`typeof(CAST(NULL AS ${dataTypeToDuckDb(type)}))`));
    }
  });

  it('renders integers, longs and decimals exactly with their types', async () => {
    const cases: Array<[Literal, string, string]> = [
      [lit(primitive('byte'), -128), '-128', 'TINYINT'],
      [lit(primitive('short'), 32767), '32767', 'SMALLINT'],
      [lit(primitive('integer'), -2147483648), '-2147483648', 'INTEGER'],
      [lit(primitive('long'), -9223372036854775808n), '-9223372036854775808', 'BIGINT'],
      [lit(primitive('long'), 9223372036854775807n), '9223372036854775807', 'BIGINT'],
      [lit(decimal(38, 18), '-12345678901234567890.123456789012345678'), '-12345678901234567890.123456789012345678', 'DECIMAL(38,18)'],
      [lit(decimal(5, 2), '0.10'), '0.10', 'DECIMAL(5,2)'],
    ];
    for (const [l, value, type] of cases) {
      const sql = literalToSql(l);
      expect(await text(sql)).toBe(value);
      expect(await scalar(`typeof(${sql})`)).toBe(type);
    }
  });

  it('round-trips doubles and floats bit for bit, including NaN, infinities and -0', async () => {
    let seed = 3;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const values = [0, -0, 1.1, -2.5e-300, 1e300, Number.MIN_VALUE, Number.MAX_VALUE, NaN, Infinity, -Infinity, 0.1 + 0.2];
    for (let i = 0; i < 100; i++) values.push((next() - 0.5) * 10 ** Math.floor(next() * 40 - 20));
    for (const v of values) {
      const asDouble = await scalar(literalToSql(lit(primitive('double'), v)));
      expect(Object.is(asDouble, v), `double ${v}`).toBe(true);
      const f = Math.fround(v);
      const asFloat = await scalar(`CAST(${literalToSql(lit(primitive('float'), f))} AS DOUBLE)`);
      expect(Object.is(asFloat, f), `float ${f}`).toBe(true);
    }
  });

  it('renders strings, binary, booleans and dates', async () => {
    expect(await scalar(literalToSql(lit(primitive('string'), "a'b\"c é 😀")))).toBe("a'b\"c é 😀");
    expect(await scalar(`hex(${literalToSql(lit(primitive('binary'), new Uint8Array([0, 10, 255])))})`)).toBe('000AFF');
    expect(await scalar(`octet_length(${literalToSql(lit(primitive('binary'), new Uint8Array(0)))})`)).toBe(0n);
    expect(await scalar(literalToSql(lit(primitive('boolean'), false)))).toBe(false);
    expect(await text(literalToSql(lit(primitive('date'), '1969-12-31')))).toBe('1969-12-31');
  });

  it('renders timestamps from micros exactly, whatever the session time zone', async () => {
    for (const micros of [0n, -1n, 1631099471123456n, -62135596800000000n, 253402300799999999n]) {
      const tz = literalToSql(lit(primitive('timestamp'), micros));
      expect(await scalar(`epoch_us(${tz})`)).toBe(micros);
      expect(await scalar(`typeof(${tz})`)).toBe('TIMESTAMP WITH TIME ZONE');
      const ntz = literalToSql(lit(primitive('timestamp_ntz'), micros));
      expect(await scalar(`epoch_us(${ntz})`)).toBe(micros);
      expect(await scalar(`typeof(${ntz})`)).toBe('TIMESTAMP');
    }
    expect(await scalar(`${literalToSql(lit(primitive('timestamp'), 0n))} = TIMESTAMPTZ '1970-01-01 00:00:00+00'`)).toBe(true);
  });

  it('rejects values that do not fit their type', () => {
    const bad: Array<[DataType, LiteralValue]> = [
      [primitive('byte'), 128],
      [primitive('integer'), 1.5],
      [primitive('long'), '1'],
      [primitive('double'), 1n],
      [decimal(5, 2), '1e3'],
      [primitive('date'), '2021-1-1'],
      [primitive('timestamp'), 1.5],
      [primitive('binary'), 'x'],
      [{ kind: 'array', element: primitive('integer'), containsNull: true }, 'x'],
    ];
    for (const [type, value] of bad) {
      expect(() => literalToSql(lit(type, value)), `${JSON.stringify(type)} ${String(value)}`).toThrow(
        expect.objectContaining({ name: 'LochError', code: 'INVALID_ARGUMENT' }),
      );
    }
  });
});

describe('exprToSql', () => {
  it('renders three-valued logic operators, fully parenthesised', () => {
    const int = primitive('integer');
    const str = primitive('string');
    const e = and(cmp('!=', col('a'), lit(int, 3)), or(isNull(col('s', 'x')), not(inList(col('b'), [lit(str, "o'k")]))));
    expect(exprToSql(e)).toBe(`(("a" <> CAST(3 AS INTEGER)) AND ((struct_extract("s", 'x') IS NULL) OR (NOT ("b" IN ('o''k')))))`);
    expect(exprToSql(eq(col('s', 'x'), lit(int, 1)), (p) => defaultColumnSql(p, '__t'))).toBe(`(struct_extract(__t."s", 'x') = CAST(1 AS INTEGER))`);
  });

  it('renders predicates that DuckDB evaluates as intended', async () => {
    await connection.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM (VALUES
      (1, 'x', {'inner': 10}, 1.5::DOUBLE),
      (2, NULL, {'inner': 20}, 'NaN'::DOUBLE),
      (3, 'it''s', NULL, NULL)) v("a""b", s, st, d)`);
    const int = (v: number) => lit(primitive('integer'), v);
    const str = (v: string | null) => lit(primitive('string'), v);
    const count = async (e: Parameters<typeof exprToSql>[0]): Promise<number> =>
      Number(await scalar(`(SELECT count(*) FROM t WHERE ${exprToSql(e)})`));
    expect(await count(cmp('>=', col('a"b'), int(2)))).toBe(2);
    expect(await count(cmp('!=', col('s'), str('x')))).toBe(1);
    expect(await count(isNull(col('s')))).toBe(1);
    expect(await count(not(isNull(col('st', 'inner'))))).toBe(2);
    expect(await count(cmp('=', col('st', 'inner'), int(20)))).toBe(1);
    expect(await count(inList(col('s'), [str("it's"), str(null)]))).toBe(1);
    expect(await count(inList(col('s'), []))).toBe(0);
    expect(await count(and())).toBe(3);
    expect(await count(or())).toBe(0);
    expect(await count(or(cmp('<', int(2), col('a"b')), cmp('=', col('s'), str('x'))))).toBe(2);
    expect(await count(cmp('>', col('d'), lit(primitive('double'), Number.MAX_VALUE)))).toBe(1);
    expect(await count(cmp('=', col('d'), lit(primitive('double'), NaN)))).toBe(1);
    expect(exprToSql(col('x'), (p) => `tbl.${p.join('_')}`)).toBe('tbl.x');
  });
});

describe('types Delta has no name for (Iceberg)', () => {
  it('renders their DuckDB types and exact literals', async () => {
    const fixed: DataType = { kind: 'fixed', length: 2 };
    expect(dataTypeToDuckDb(primitive('time'))).toBe('TIME');
    expect(dataTypeToDuckDb(primitive('timestamp_ns'))).toBe('TIMESTAMP_NS');
    expect(dataTypeToDuckDb(primitive('uuid'))).toBe('UUID');
    expect(dataTypeToDuckDb(fixed)).toBe('BLOB');
    expect(await scalar(`typeof(CAST(NULL AS ${dataTypeToDuckDb(primitive('variant'))}))`)).toBe('STRUCT(metadata BLOB, "value" BLOB)');
    expect(await text(literalToSql(lit(primitive('time'), 45_296_000_007n)))).toBe('12:34:56.000007');
    expect(await text(literalToSql(lit(primitive('timestamp_ns'), -1n)))).toBe('1969-12-31 23:59:59.999999999');
    expect(await text(literalToSql(lit(primitive('timestamp_ntz_ns'), 1_000_000_001n)))).toBe('1970-01-01 00:00:01.000000001');
    expect(await text(literalToSql(lit(primitive('uuid'), 'F79C3E09-677C-4BBD-A479-3F349CB785E7')))).toBe('f79c3e09-677c-4bbd-a479-3f349cb785e7');
    expect(await text(`hex(${literalToSql(lit(fixed, new Uint8Array([1, 255])))})`)).toBe('01FF');
    expect(await text(literalToSql(lit(primitive('void'), null)))).toBe(null);
    for (const bad of [lit(fixed, new Uint8Array([1])), lit(primitive('uuid'), 'nope'), lit(primitive('time'), -1n), lit(primitive('variant'), 'x')]) {
      expect(() => literalToSql(bad)).toThrow(/cannot hold/);
    }
  });
});
