import { describe, expect, it } from 'vitest';
import type { DataType, StructField, StructType } from '../../../expr/types.js';
import { field, primitive } from '../../../expr/types.js';
import { applyNestedIds, assignNestedIds, NESTED_IDS_KEY } from './nested-ids.js';

const int = primitive('integer');
const str = primitive('string');
const list = (element: DataType): DataType => ({ kind: 'array', element, containsNull: true });
const map = (key: DataType, value: DataType): DataType => ({ kind: 'map', key, value, valueContainsNull: true });
const mapped = (name: string, type: DataType, id: number, metadata: Record<string, unknown> = {}): StructField =>
  field(name, type, true, { physicalName: `col-${name}`, fieldId: id, metadata });

describe('assignNestedIds', () => {
  it('gives list elements and map keys/values ids above maxColumnId, keyed by physical name paths', () => {
    const schema: StructType = {
      kind: 'struct',
      fields: [
        mapped('a', int, 1),
        mapped('tags', list(list(str)), 2),
        mapped('m', map(str, list(int)), 3),
        mapped('s', { kind: 'struct', fields: [mapped('inner', list(int), 5)] }, 4),
      ],
    };
    const { schema: out, maxColumnId } = assignNestedIds(schema, 5);
    expect(maxColumnId).toBe(11);
    expect(out.fields[0]?.metadata?.[NESTED_IDS_KEY]).toBeUndefined();
    expect(out.fields[1]?.metadata?.[NESTED_IDS_KEY]).toEqual({ 'col-tags.element': 6, 'col-tags.element.element': 7 });
    expect(out.fields[2]?.metadata?.[NESTED_IDS_KEY]).toEqual({ 'col-m.key': 8, 'col-m.value': 9, 'col-m.value.element': 10 });
    const s = out.fields[3]?.type as StructType;
    expect(s.fields[0]?.metadata?.[NESTED_IDS_KEY]).toEqual({ 'col-inner.element': 11 });

    const applied = applyNestedIds(out);
    const tags = applied.fields[1]?.type;
    expect(tags?.kind === 'array' && tags.elementId).toBe(6);
    expect(tags?.kind === 'array' && tags.element.kind === 'array' && tags.element.elementId).toBe(7);
    const m = applied.fields[2]?.type;
    expect(m?.kind === 'map' && [m.keyId, m.valueId]).toEqual([8, 9]);
    const inner = ((applied.fields[3]?.type as StructType).fields[0]?.type);
    expect(inner?.kind === 'array' && inner.elementId).toBe(11);
  });

  it('keeps existing ids, never reuses one, and is stable when run again', () => {
    const schema: StructType = { kind: 'struct', fields: [mapped('tags', list(str), 1, { [NESTED_IDS_KEY]: { 'col-tags.element': 9 } }), mapped('more', list(int), 2)] };
    const first = assignNestedIds(schema, 2);
    expect(first.schema.fields[0]?.metadata?.[NESTED_IDS_KEY]).toEqual({ 'col-tags.element': 9 });
    expect(first.schema.fields[1]?.metadata?.[NESTED_IDS_KEY]).toEqual({ 'col-more.element': 10 });
    const again = assignNestedIds(first.schema, first.maxColumnId);
    expect(again.schema).toEqual(first.schema);
    expect(again.maxColumnId).toBe(10);
  });
});
