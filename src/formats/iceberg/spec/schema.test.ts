import { describe, expect, it } from 'vitest';
import { decimal, field, primitive, type StructType } from '../../../expr/types.js';
import type { IcebergSchema } from '../model.js';
import { fieldById, fromLochSchema, parseSchema, schemaToJson, toLochSchema } from './schema.js';

// The nested schema of the corpus table spark_v1_nested_list_map_struct (ids as Java assigned them).
const NESTED = {
  type: 'struct',
  fields: [
    { id: 1, name: 'id', required: false, type: 'int' },
    { id: 2, name: 'event_time', required: true, type: 'timestamptz' },
    { id: 3, name: 'phone', required: true, type: { type: 'list', 'element-id': 6, element: 'string', 'element-required': false } },
    { id: 4, name: 'favorites', required: true, type: { type: 'map', 'key-id': 7, key: 'string', 'value-id': 8, value: 'uuid', 'value-required': true } },
    {
      id: 5,
      name: 'addr',
      required: false,
      type: {
        type: 'struct',
        fields: [
          { id: 9, name: 'street', required: true, type: { type: 'struct', fields: [{ id: 11, name: 'no', required: true, type: 'int' }] } },
          { id: 10, name: 'zip', required: false, type: 'fixed[5]' },
        ],
      },
    },
  ],
};

describe('schemas', () => {
  const schema = parseSchema(NESTED, 'v1.metadata.json');

  it('parses v1 schemas without schema-id as 0 and round-trips', () => {
    expect(schema.schemaId).toBe(0);
    expect(schema.identifierFieldIds).toEqual([]);
    expect(parseSchema(schemaToJson(schema), 'w')).toEqual(schema);
    const withIds = parseSchema({ ...NESTED, 'schema-id': 3, 'identifier-field-ids': [1] }, 'w');
    expect(withIds).toMatchObject({ schemaId: 3, identifierFieldIds: [1] });
    expect(schemaToJson(withIds)).toMatchObject({ 'schema-id': 3, 'identifier-field-ids': [1] });
  });

  it('indexes every nested field with its path', () => {
    const index = fieldById(schema);
    expect([...index.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(index.get(6)!.path).toEqual(['phone', 'element']);
    expect(index.get(7)!.path).toEqual(['favorites', 'key']);
    expect(index.get(8)!.field).toMatchObject({ name: 'value', required: true });
    expect(index.get(11)!.path).toEqual(['addr', 'street', 'no']);
    expect(fieldById(schema)).toBe(index);
  });

  it('refuses duplicate ids', () => {
    const dup = { type: 'struct', fields: [{ id: 1, name: 'a', required: true, type: { type: 'list', 'element-id': 1, element: 'int', 'element-required': true } }] };
    expect(() => parseSchema(dup, 'w')).toThrow(expect.objectContaining({ code: 'PROTOCOL_VIOLATION', message: expect.stringMatching(/field id 1 is used twice/) }));
  });

  it('maps to Loch types with ids, nullability and the agreed primitive names', () => {
    const loch = toLochSchema(schema);
    expect(loch.fields.map((f) => [f.name, f.nullable, f.fieldId, f.physicalName])).toEqual([
      ['id', true, 1, 'id'],
      ['event_time', false, 2, 'event_time'],
      ['phone', false, 3, 'phone'],
      ['favorites', false, 4, 'favorites'],
      ['addr', true, 5, 'addr'],
    ]);
    expect(loch.fields[0]!.type).toEqual(primitive('integer'));
    expect(loch.fields[1]!.type).toEqual(primitive('timestamp'));
    expect(loch.fields[2]!.type).toEqual({ kind: 'array', element: primitive('string'), containsNull: true, elementId: 6 });
    expect(loch.fields[3]!.type).toEqual({ kind: 'map', key: primitive('string'), value: primitive('uuid'), valueContainsNull: false, keyId: 7, valueId: 8 });
    const addr = loch.fields[4]!.type as StructType;
    expect(addr.fields[1]).toEqual({ name: 'zip', type: { kind: 'fixed', length: 5 }, nullable: true, physicalName: 'zip', fieldId: 10 });
    const names = ['timestamp', 'timestamp_ns', 'timestamptz_ns', 'unknown', 'time', 'variant'].map(
      (n) => toLochSchema({ kind: 'struct', fields: [{ id: 1, name: 'x', required: false, type: { kind: 'primitive', name: n as 'time' } }] }).fields[0]!.type,
    );
    expect(names).toEqual(['timestamp_ntz', 'timestamp_ntz_ns', 'timestamp_ns', 'void', 'time', 'variant'].map((n) => primitive(n as 'time')));
  });

  it('assigns fresh ids in Java order and round-trips through Loch', () => {
    const loch = toLochSchema(schema);
    let next = 0;
    const fresh = fromLochSchema(loch, 0, () => ++next);
    // Same ids as Java gave: top-level fields first, then nested in field order.
    expect(fresh).toEqual(schema);
    let other = 100;
    const kept = fromLochSchema(loch, 2, () => ++other, { keepIds: true });
    expect(kept).toEqual({ ...schema, schemaId: 2 });
    expect(other).toBe(100);
  });

  it('widens Loch-only types and maps decimals', () => {
    let next = 0;
    const s: IcebergSchema = fromLochSchema(
      { kind: 'struct', fields: [field('b', primitive('byte')), field('s', primitive('short'), false), field('d', decimal(10, 2)), field('v', primitive('void'))] },
      0,
      () => ++next,
    );
    expect(s.fields.map((f) => [f.id, f.required, f.type])).toEqual([
      [1, false, { kind: 'primitive', name: 'int' }],
      [2, true, { kind: 'primitive', name: 'int' }],
      [3, false, { kind: 'decimal', precision: 10, scale: 2 }],
      [4, false, { kind: 'primitive', name: 'unknown' }],
    ]);
  });
});
