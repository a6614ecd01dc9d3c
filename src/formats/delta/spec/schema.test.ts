import { describe, expect, it } from 'vitest';
import { decimal, primitive, typeToString } from '../../../expr/types.js';
import type { StructType } from '../../../expr/types.js';
import { thrown } from '../../../test-support/errors.js';
import { parseDeltaSchema, schemaToDeltaJson } from './schema.js';

const where = { table: '/t', version: 4 };

function schema(fields: unknown[]): string {
  return JSON.stringify({ type: 'struct', fields });
}

function col(name: string, type: unknown, metadata: Record<string, unknown> = {}, nullable = true): unknown {
  return { name, type, nullable, metadata };
}

describe('parseDeltaSchema', () => {
  it('maps every primitive name, decimals (with spaces, legacy bare decimal) and nullability', () => {
    const names = ['boolean', 'byte', 'short', 'integer', 'long', 'float', 'double', 'string', 'binary', 'date', 'timestamp', 'timestamp_ntz'];
    const parsed = parseDeltaSchema(
      schema([...names.map((n) => col(n, n)), col('d1', 'decimal(10, 4)'), col('d2', 'decimal(38,38)'), col('d3', 'decimal'), col('nn', 'long', {}, false)]),
      where,
    );
    expect(parsed.fields.slice(0, names.length).map((f) => f.type)).toEqual(names.map((n) => primitive(n as never)));
    expect(parsed.fields[names.length]?.type).toEqual(decimal(10, 4));
    expect(parsed.fields[names.length + 1]?.type).toEqual(decimal(38, 38));
    expect(parsed.fields[names.length + 2]?.type).toEqual(decimal(10, 0));
    expect(parsed.fields[names.length + 3]?.nullable).toBe(false);
    expect(parsed.fields.every((f) => f.physicalName === f.name && f.fieldId === undefined)).toBe(true);
  });

  it('parses nested struct, array and map types', () => {
    const parsed = parseDeltaSchema(
      schema([
        col('s', { type: 'struct', fields: [col('a', 'integer'), col('b', { type: 'array', elementType: 'string', containsNull: false })] }),
        col('m', { type: 'map', keyType: 'string', valueType: { type: 'struct', fields: [col('x', 'double')] }, valueContainsNull: true }),
      ]),
      where,
    );
    expect(parsed.fields.map((f) => typeToString(f.type))).toEqual(['struct<a:integer,b:array<string>>', 'map<string,struct<x:double>>']);
    const s = parsed.fields[0]?.type;
    expect(s?.kind === 'struct' && s.fields[1]?.type).toEqual({ kind: 'array', element: primitive('string'), containsNull: false });
  });

  it('takes physical names and field ids from column mapping metadata, nested fields included', () => {
    const inner = col('inner', 'integer', { 'delta.columnMapping.id': 3, 'delta.columnMapping.physicalName': 'col-c' });
    const text = schema([
      col('Top Name', { type: 'struct', fields: [inner] }, { 'delta.columnMapping.id': 1, 'delta.columnMapping.physicalName': 'col-a', comment: 'kept' }),
      col('arr', { type: 'array', elementType: { type: 'struct', fields: [inner] }, containsNull: true }, { 'delta.columnMapping.id': 2, 'delta.columnMapping.physicalName': 'col-b' }),
    ]);
    const parsed = parseDeltaSchema(text, where, { columnMapping: 'name' });
    const top = parsed.fields[0];
    expect(top?.physicalName).toBe('col-a');
    expect(top?.fieldId).toBe(1);
    expect(top?.metadata?.['comment']).toBe('kept');
    const nested = top?.type.kind === 'struct' ? top.type.fields[0] : undefined;
    expect(nested).toMatchObject({ name: 'inner', physicalName: 'col-c', fieldId: 3 });
    const arr = parsed.fields[1]?.type;
    const element = arr?.kind === 'array' && arr.element.kind === 'struct' ? arr.element.fields[0] : undefined;
    expect(element).toMatchObject({ physicalName: 'col-c', fieldId: 3 });
  });

  it("ignores leftover mapping metadata in mode 'none' and requires it in 'name'/'id'", () => {
    const text = schema([col('a', 'integer', { 'delta.columnMapping.id': 1, 'delta.columnMapping.physicalName': 'col-a' })]);
    expect(parseDeltaSchema(text, where, { columnMapping: 'none' }).fields[0]).toMatchObject({ name: 'a', physicalName: 'a' });
    expect(parseDeltaSchema(text, where, { columnMapping: 'none' }).fields[0]?.fieldId).toBeUndefined();
    const bare = schema([col('a', 'integer')]);
    expect(thrown(() => parseDeltaSchema(bare, where, { columnMapping: 'name' })).code).toBe('PROTOCOL_VIOLATION');
    expect(thrown(() => parseDeltaSchema(bare, where, { columnMapping: 'id' })).message).toMatch(/column 'a' has no delta.columnMapping.physicalName/);
  });

  it('refuses unknown types with UNSUPPORTED_FEATURE naming the column', () => {
    const variant = thrown(() => parseDeltaSchema(schema([col('v', 'variant')]), where));
    expect(variant.code).toBe('UNSUPPORTED_FEATURE');
    expect(variant.message).toBe("delta schema: table /t version 4: column 'v' has type 'variant', which Loch does not support");
    const nested = thrown(() => parseDeltaSchema(schema([col('s', { type: 'struct', fields: [col('x', 'void')] })]), where));
    expect(nested.message).toMatch(/column 's\.x' has type 'void'/);
    expect(thrown(() => parseDeltaSchema(schema([col('a', { type: 'array', elementType: 'interval' })]), where)).message).toMatch(/'a\.element'/);
    expect(thrown(() => parseDeltaSchema(schema([col('d', 'decimal(39,2)')]), where)).code).toBe('UNSUPPORTED_FEATURE');
  });

  it('rejects text that is not a schema with CORRUPT_DATA', () => {
    expect(thrown(() => parseDeltaSchema('{"type":"struct"', where)).code).toBe('CORRUPT_DATA');
    expect(thrown(() => parseDeltaSchema('', where)).message).toBe('delta schema: table /t version 4: metaData has no schemaString');
    expect(thrown(() => parseDeltaSchema('{"type":"array"}', where)).code).toBe('CORRUPT_DATA');
    expect(thrown(() => parseDeltaSchema(schema([{ type: 'long' }]), where)).code).toBe('CORRUPT_DATA');
  });
});

describe('schemaToDeltaJson', () => {
  it('round-trips through parseDeltaSchema, writing mapping metadata', () => {
    const original: StructType = {
      kind: 'struct',
      fields: [
        { name: 'id', type: primitive('long'), nullable: false, physicalName: 'col-1', fieldId: 1, metadata: { comment: 'c' } },
        {
          name: 'm',
          type: { kind: 'map', key: primitive('string'), value: { kind: 'array', element: decimal(12, 3), containsNull: true }, valueContainsNull: false },
          nullable: true,
          physicalName: 'col-2',
          fieldId: 2,
        },
      ],
    };
    const text = schemaToDeltaJson(original);
    const json = JSON.parse(text) as { fields: { metadata: Record<string, unknown> }[] };
    expect(json.fields[0]?.metadata).toEqual({ comment: 'c', 'delta.columnMapping.physicalName': 'col-1', 'delta.columnMapping.id': 1 });
    const back = parseDeltaSchema(text, where, { columnMapping: 'name' });
    expect(back.fields.map((f) => [f.name, typeToString(f.type), f.nullable, f.physicalName, f.fieldId])).toEqual([
      ['id', 'long', false, 'col-1', 1],
      ['m', 'map<string,array<decimal(12,3)>>', true, 'col-2', 2],
    ]);
  });
});
