import { describe, expect, it } from 'vitest';
import { JsonNumber } from '../../../core/json-exact.js';
import { icebergTypeToJson, icebergTypeToString, parseIcebergType } from './types.js';

describe('parseIcebergType', () => {
  it('reads every primitive, decimal with or without the space, fixed and geo', () => {
    for (const name of ['unknown', 'boolean', 'int', 'long', 'float', 'double', 'date', 'time', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns', 'string', 'uuid', 'binary', 'variant']) {
      expect(parseIcebergType(name, 'w')).toEqual({ kind: 'primitive', name });
    }
    expect(parseIcebergType('decimal(16, 2)', 'w')).toEqual({ kind: 'decimal', precision: 16, scale: 2 });
    expect(parseIcebergType('decimal(9,2)', 'w')).toEqual({ kind: 'decimal', precision: 9, scale: 2 });
    expect(parseIcebergType('Fixed[5]', 'w')).toEqual({ kind: 'fixed', length: 5 });
    expect(parseIcebergType('geography(OGC:CRS84, karney)', 'w')).toEqual({ kind: 'geography', text: 'geography(OGC:CRS84, karney)' });
    expect(parseIcebergType('geometry', 'w')).toEqual({ kind: 'geometry', text: 'geometry' });
  });

  it('reads nested types with their ids and raw defaults', () => {
    const json = {
      type: 'struct',
      fields: [
        { id: new JsonNumber('3', true), name: 'l', required: true, type: { type: 'list', 'element-id': 4, 'element-required': false, element: 'string' } },
        { id: 5, name: 'm', required: false, doc: 'd', 'initial-default': null, type: { type: 'map', 'key-id': 6, key: 'int', 'value-id': 7, 'value-required': true, value: 'long' } },
        { id: 8, name: 'x', required: false, type: 'long', 'initial-default': new JsonNumber('-9223372036854775808', true) },
      ],
    };
    const t = parseIcebergType(json, 'w');
    expect(t).toEqual({
      kind: 'struct',
      fields: [
        { id: 3, name: 'l', required: true, type: { kind: 'list', elementId: 4, elementRequired: false, element: { kind: 'primitive', name: 'string' } } },
        {
          id: 5,
          name: 'm',
          required: false,
          doc: 'd',
          type: { kind: 'map', keyId: 6, key: { kind: 'primitive', name: 'int' }, valueId: 7, valueRequired: true, value: { kind: 'primitive', name: 'long' } },
        },
        { id: 8, name: 'x', required: false, type: { kind: 'primitive', name: 'long' }, initialDefault: new JsonNumber('-9223372036854775808', true) },
      ],
    });
    expect(parseIcebergType(icebergTypeToJson(t), 'w')).toEqual(t);
    expect(icebergTypeToString(t)).toBe('struct<3: l: list<string>, 5: m: map<int, long>, 8: x: long>');
  });

  it('writes primitives as Java does', () => {
    expect(icebergTypeToJson({ kind: 'decimal', precision: 9, scale: 2 })).toBe('decimal(9, 2)');
    expect(icebergTypeToJson({ kind: 'fixed', length: 16 })).toBe('fixed[16]');
  });

  it('names the place of malformed types', () => {
    expect(() => parseIcebergType('decimal(40, 2)', 'v1.metadata.json: field 3')).toThrow(/^iceberg metadata: v1.metadata.json: field 3: type "decimal\(40, 2\)"/);
    expect(() => parseIcebergType('int64', 'w')).toThrow(/unknown type "int64"/);
    expect(() => parseIcebergType({ type: 'list', element: 'int' }, 'w')).toThrow(/"element-id"/);
    expect(() => parseIcebergType({ type: 'struct', fields: [{ id: 1.5, name: 'a', required: true, type: 'int' }] }, 'w')).toThrow(/"id" is not an integer: 1.5/);
  });
});
