import { describe, expect, it } from 'vitest';
import { isLochError } from '../../core/errors.js';
import { decimal, field, primitive } from '../../expr/types.js';
import { columnsOf, schemaFromColumns, typeFieldsOfText, typeText } from './columns.js';

describe('UC columns', () => {
  it('spells types as Spark catalog strings with enum names and Delta JSON', () => {
    const schema = {
      kind: 'struct' as const,
      fields: [
        field('id', primitive('long'), false),
        field('price', decimal(12, 3)),
        field('m', { kind: 'map', key: primitive('string'), value: primitive('integer'), valueContainsNull: true }),
        field('s', { kind: 'struct', fields: [field('a b', primitive('short'))] }),
        field('t', primitive('time')),
      ],
    };
    const cols = columnsOf(schema, ['price']);
    expect(cols.map((c) => [c.type_text, c.type_name])).toEqual([
      ['bigint', 'LONG'],
      ['decimal(12,3)', 'DECIMAL'],
      ['map<string,int>', 'MAP'],
      ['struct<`a b`:smallint>', 'STRUCT'],
      ['time', 'USER_DEFINED_TYPE'],
    ]);
    expect(cols[1]).toMatchObject({ type_precision: 12, type_scale: 3, partition_index: 0, position: 1 });
    expect(JSON.parse(cols[2]?.type_json as string)).toEqual({ name: 'm', type: { type: 'map', keyType: 'string', valueType: 'integer', valueContainsNull: true }, nullable: true, metadata: {} });
  });

  it('reads columns from type_text, type_json or type_name, ordered by position, partitions by index', () => {
    const { schema, partitionColumns } = schemaFromColumns([
      { name: 'b', type_name: 'DECIMAL', type_precision: 5, type_scale: 1, position: 1, partition_index: 1 },
      { name: 'a', type_json: '"long"', position: 0, partition_index: 0, nullable: false, comment: 'key' },
      { name: 'c', type_text: 'ARRAY<STRING>', position: 2 },
    ]);
    expect(schema.fields.map((f) => [f.name, typeText(f.type), f.nullable])).toEqual([
      ['a', 'bigint', false],
      ['b', 'decimal(5,1)', true],
      ['c', 'array<string>', true],
    ]);
    expect(schema.fields[0]?.metadata).toEqual({ comment: 'key' });
    expect(partitionColumns).toEqual(['a', 'b']);
  });

  it('refuses bad columns with INVALID_ARGUMENT', () => {
    for (const columns of [[], [{ name: 'a' }], [{ name: 'a', type_text: 'int); DROP TABLE t' }], [{ name: 'a', type_text: 'int', position: 3 }], [{ name: '', type_text: 'int' }], ['a']]) {
      expect(() => schemaFromColumns(columns), JSON.stringify(columns)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    let caught: unknown;
    try {
      schemaFromColumns([{ name: 'x', type_text: 'int' }, { name: 'X', type_text: 'int' }]);
    } catch (error) {
      caught = error;
    }
    expect(isLochError(caught, 'INVALID_ARGUMENT') && caught.message).toContain('appears twice');
  });

  it('keeps unknown type text as USER_DEFINED_TYPE', () => {
    expect(typeFieldsOfText('HUGEINT', 'h')).toMatchObject({ type_text: 'hugeint', type_name: 'USER_DEFINED_TYPE' });
    expect(typeFieldsOfText('VARCHAR', 'v')).toMatchObject({ type_text: 'string', type_name: 'STRING' });
  });
});
