import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, cmp, col, eq, inList, isNull, lit, not, or } from '../../expr/nodes.js';
import { decimal, field, primitive, type DataType } from '../../expr/types.js';
import { DuckDbEngine } from './database.js';
import type { Session } from './session.js';
import { dataTypeToDuckDb, exprToSql, literalToSql } from './sql-literals.js';
import { quoteIdent, quoteString } from './sql-quote.js';

const int = primitive('integer');
const str = primitive('string');

describe('sql text', () => {
  it('quotes identifiers and strings by doubling', () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteString("it's")).toBe("'it''s'");
  });

  it('spells every type the DuckDB way', () => {
    const nested: DataType = {
      kind: 'struct',
      fields: [
        field('a b', { kind: 'array', element: decimal(10, 2), containsNull: true }),
        field('m', { kind: 'map', key: str, value: primitive('timestamp'), valueContainsNull: true }),
      ],
    };
    expect(dataTypeToDuckDb(primitive('byte'))).toBe('TINYINT');
    expect(dataTypeToDuckDb(primitive('timestamp_ntz'))).toBe('TIMESTAMP');
    expect(dataTypeToDuckDb(nested)).toBe('STRUCT("a b" DECIMAL(10,2)[], "m" MAP(VARCHAR, TIMESTAMPTZ))');
  });

  it('renders expressions with three-valued logic operators', () => {
    const e = and(cmp('!=', col('a'), lit(int, 3)), or(isNull(col('s', 'x')), not(inList(col('b'), [lit(str, "o'k")]))));
    expect(exprToSql(e)).toBe(`(("a" <> CAST(3 AS INTEGER)) AND (("s"."x" IS NULL) OR (NOT ("b" IN ('o''k')))))`);
    expect(exprToSql(and())).toBe('TRUE');
    expect(exprToSql(or())).toBe('FALSE');
    expect(exprToSql(inList(col('a'), []))).toBe('FALSE');
    expect(exprToSql(eq(col('a'), lit(int, 1)), (p) => `t.${p.join('_')}`)).toBe('(t.a = CAST(1 AS INTEGER))');
  });
});

describe('literals evaluated by DuckDB', () => {
  let engine: DuckDbEngine;
  let session: Session;
  beforeAll(async () => {
    engine = await DuckDbEngine.create({ threads: 1 });
    session = await engine.session();
  });
  afterAll(async () => engine.close());

  async function evaluate(type: DataType, value: Parameters<typeof lit>[1]) {
    const rows = await (await session.query(`SELECT ${literalToSql(lit(type, value))} AS v, typeof(v)`)).all();
    return rows[0];
  }

  it('keeps value and type of each kind of literal', async () => {
    expect(await evaluate(primitive('byte'), -5)).toEqual([-5, 'TINYINT']);
    expect(await evaluate(primitive('long'), 9007199254740993n)).toEqual([9007199254740993n, 'BIGINT']);
    expect(await evaluate(primitive('float'), 1.1)).toEqual([1.1, 'FLOAT']);
    expect(await evaluate(primitive('double'), NaN)).toEqual([NaN, 'DOUBLE']);
    expect(await evaluate(primitive('double'), -Infinity)).toEqual([-Infinity, 'DOUBLE']);
    expect(await evaluate(decimal(38, 10), '-1.5000000000')).toEqual(['-1.5000000000', 'DECIMAL(38,10)']);
    expect(await evaluate(str, "a'b")).toEqual(["a'b", 'VARCHAR']);
    expect(await evaluate(primitive('binary'), new Uint8Array([1, 255]))).toEqual([new Uint8Array([1, 255]), 'BLOB']);
    expect(await evaluate(primitive('date'), '1969-07-20')).toEqual(['1969-07-20', 'DATE']);
    expect(await evaluate(primitive('timestamp'), -1n)).toEqual(['1969-12-31T23:59:59.999999Z', 'TIMESTAMP WITH TIME ZONE']);
    expect(await evaluate(primitive('timestamp_ntz'), 1_500_000n)).toEqual(['1970-01-01T00:00:01.500000', 'TIMESTAMP']);
    expect(await evaluate(primitive('boolean'), null)).toEqual([null, 'BOOLEAN']);
  });

  it('rejects values that do not match the type', () => {
    expect(() => literalToSql(lit(int, 'x'))).toThrow(/integer literal/);
    expect(() => literalToSql(lit(decimal(5, 2), '1e3'))).toThrow(/decimal literal/);
  });
});
