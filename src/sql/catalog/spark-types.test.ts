import { describe, expect, it } from 'vitest';
import { decimal, field, primitive, type DataType } from '../../expr/types.js';
import { columnDdl, duckDbTypeAsSpark, quoteIfNeeded, sparkCatalogString, sparkSqlType, ucTypeName } from './spark-types.js';

const struct = (...fields: ReturnType<typeof field>[]): DataType => ({ kind: 'struct', fields });
const array = (element: DataType): DataType => ({ kind: 'array', element, containsNull: true });
const map = (key: DataType, value: DataType): DataType => ({ kind: 'map', key, value, valueContainsNull: true });

describe('Spark type spellings', () => {
  it.each([
    [primitive('byte'), 'tinyint', 'TINYINT', 'BYTE'],
    [primitive('short'), 'smallint', 'SMALLINT', 'SHORT'],
    [primitive('integer'), 'int', 'INT', 'INT'],
    [primitive('long'), 'bigint', 'BIGINT', 'LONG'],
    [primitive('timestamp_ntz'), 'timestamp_ntz', 'TIMESTAMP_NTZ', 'TIMESTAMP_NTZ'],
    [decimal(10, 2), 'decimal(10,2)', 'DECIMAL(10,2)', 'DECIMAL'],
    [array(primitive('string')), 'array<string>', 'ARRAY<STRING>', 'ARRAY'],
    [map(primitive('string'), primitive('integer')), 'map<string,int>', 'MAP<STRING, INT>', 'MAP'],
    [struct(field('a', primitive('integer')), field('b c', array(primitive('date')))), 'struct<a:int,b c:array<date>>', 'STRUCT<a: INT, `b c`: ARRAY<DATE>>', 'STRUCT'],
  ] as const)('%j', (type, catalog, sql, uc) => {
    expect(sparkCatalogString(type)).toBe(catalog);
    expect(sparkSqlType(type)).toBe(sql);
    expect(ucTypeName(type)).toBe(uc);
  });

  it('writes column DDL with NOT NULL, DEFAULT and comments, quoting names and literals', () => {
    const f = field('it`s', primitive('long'), false, { metadata: { comment: "o'clock", CURRENT_DEFAULT: '42' } });
    expect(columnDdl(f)).toBe("`it``s` BIGINT NOT NULL DEFAULT 42 COMMENT 'o''clock'");
    const nested = field('s', struct(field('x', primitive('integer'), true, { metadata: { comment: 'inner' } })));
    expect(columnDdl(nested)).toBe("s STRUCT<x: INT COMMENT 'inner'>");
  });

  it('quotes names as Spark does', () => {
    expect(['a_1', 'A', '1a', '123', 'é', 'a b', ''].map(quoteIfNeeded)).toEqual(['a_1', 'A', '1a', '`123`', '`é`', '`a b`', '``']);
  });

  it('shows view column types recorded in DuckDB spelling', () => {
    expect(duckDbTypeAsSpark('BIGINT', 'a')).toBe('bigint');
    expect(duckDbTypeAsSpark('TIMESTAMP', 'a')).toBe('timestamp_ntz');
    expect(duckDbTypeAsSpark('TIMESTAMP WITH TIME ZONE', 'a')).toBe('timestamp');
    expect(duckDbTypeAsSpark('STRUCT("a b" INTEGER, c VARCHAR[])', 'a')).toBe('struct<a b:int,c:array<string>>');
    expect(duckDbTypeAsSpark('INTERVAL', 'a')).toBe('interval');
  });
});
