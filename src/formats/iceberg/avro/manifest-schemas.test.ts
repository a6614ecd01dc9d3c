import { describe, expect, it } from 'vitest';
import type { IcebergStruct } from '../model.js';
import { avroType } from './container.js';
import { avroName, decimalBytes, manifestEntrySchema, manifestListSchema } from './manifest-schemas.js';

const dec = { kind: 'decimal', precision: 9, scale: 2 } as const;
const partitionType: IcebergStruct = {
  kind: 'struct',
  fields: [
    { id: 1000, name: 'a', required: false, type: dec },
    { id: 1001, name: 'b', required: false, type: dec },
    { id: 1002, name: '1st col', required: false, type: { kind: 'primitive', name: 'unknown' } },
  ],
};

describe('manifest avro schemas', () => {
  it('sizes decimals like Java', () => {
    expect([1, 2, 3, 4, 9, 10, 18, 19, 38].map(decimalBytes)).toEqual([1, 1, 2, 2, 4, 5, 8, 9, 16]);
  });

  it('sanitises names like Java AvroSchemaUtil', () => {
    expect(avroName('col with space')).toBe('col_x20with_x20space');
    expect(avroName('1a')).toBe('_1a');
    expect(avroName('é')).toBe('_xE9');
    expect(avroName('ok_1')).toBe('ok_1');
  });

  it('builds schemas avsc accepts, with unique fixed names and every field id', () => {
    for (const version of [1, 2, 3] as const) {
      expect(() => avroType(manifestListSchema(version))).not.toThrow();
      expect(() => avroType(manifestEntrySchema(version, partitionType))).not.toThrow();
    }
    const text = JSON.stringify(manifestEntrySchema(3, partitionType));
    expect(text).toContain('"name":"decimal_9_2"');
    expect(text).toContain('"name":"decimal_9_2_1001"');
    expect(text).toContain('{"name":"_1st_x20col","type":"null","field-id":1002}');
    for (const id of [0, 1, 2, 3, 4, 100, 101, 102, 103, 104, 108, 109, 110, 125, 128, 131, 132, 134, 135, 137, 140, 142, 143, 144, 145]) {
      expect(text).toContain(`"field-id":${id}}`);
    }
    expect(JSON.stringify(manifestListSchema(3))).toContain('"field-id":520');
    expect(JSON.stringify(manifestEntrySchema(1, partitionType))).toContain('"field-id":105');
  });
});
