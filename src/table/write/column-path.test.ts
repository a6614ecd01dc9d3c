import { describe, expect, it } from 'vitest';
import { field, primitive } from '../../expr/types.js';
import type { StructType } from '../../expr/types.js';
import { dottedPath, locateColumn, replaceNestedType, updateField } from './column-path.js';

const int = primitive('integer');
const inner: StructType = { kind: 'struct', fields: [field('x', int), field('y', primitive('string'))] };
const schema: StructType = {
  kind: 'struct',
  fields: [
    field('id', primitive('long')),
    field('S', inner),
    field('arr', { kind: 'array', element: inner, containsNull: true }),
    field('m', { kind: 'map', key: primitive('string'), value: { kind: 'array', element: int, containsNull: true }, valueContainsNull: true }),
  ],
};

describe('locateColumn', () => {
  it('finds top-level columns and struct fields case-insensitively, spelled as the schema spells them', () => {
    const loc = locateColumn(schema, ['s', 'X']);
    expect(loc?.names).toEqual(['S', 'x']);
    expect(loc?.field.name).toBe('x');
    expect(loc?.parent).toBe(inner);
    expect(loc?.fieldDepth).toBe(2);
  });

  it('goes through array elements and map keys/values; the field is the nearest struct field above', () => {
    const loc = locateColumn(schema, ['m', 'value', 'element']);
    expect(loc?.names).toEqual(['m', 'value', 'element']);
    expect(loc?.type).toEqual(int);
    expect(loc?.field.name).toBe('m');
    expect(loc?.fieldDepth).toBe(1);
    expect(locateColumn(schema, ['arr', 'element', 'y'])?.field.name).toBe('y');
  });

  it('is undefined for a missing part or a step that does not fit the type', () => {
    expect(locateColumn(schema, ['nope'])).toBeUndefined();
    expect(locateColumn(schema, ['s', 'z'])).toBeUndefined();
    expect(locateColumn(schema, ['id', 'x'])).toBeUndefined();
    expect(locateColumn(schema, ['arr', 'x'])).toBeUndefined();
    expect(locateColumn(schema, [])).toBeUndefined();
  });
});

describe('updateField and replaceNestedType', () => {
  it('renames a nested field and removes another, sharing the untouched parts', () => {
    const loc = locateColumn(schema, ['arr', 'element', 'x']);
    const renamed = updateField(schema, loc!.steps, (f) => ({ ...f, name: 'z' }));
    const arr = renamed.fields[2]!.type;
    expect(arr.kind === 'array' && arr.element.kind === 'struct' ? arr.element.fields.map((f) => f.name) : []).toEqual(['z', 'y']);
    expect(renamed.fields[1]).toBe(schema.fields[1]);
    const dropped = updateField(schema, locateColumn(schema, ['id'])!.steps, () => undefined);
    expect(dropped.fields.map((f) => f.name)).toEqual(['S', 'arr', 'm']);
  });

  it('replaces a type inside arrays and maps', () => {
    const loc = locateColumn(schema, ['m', 'value', 'element'])!;
    const widened = replaceNestedType(loc.field.type, loc.steps.slice(loc.fieldDepth), primitive('long'));
    expect(widened).toEqual({ kind: 'map', key: primitive('string'), value: { kind: 'array', element: primitive('long'), containsNull: true }, valueContainsNull: true });
  });

  it('quotes parts holding a dot in the dotted path', () => {
    expect(dottedPath(['a', 'b.c', 'd'])).toBe('a.`b.c`.d');
  });
});
