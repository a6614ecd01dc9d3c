import { describe, expect, it } from 'vitest';
import type { StructField, StructType } from '../../../expr/types.js';
import { field, primitive } from '../../../expr/types.js';
import { COLUMN_ID_KEY, PHYSICAL_NAME_KEY, parseDeltaSchema, schemaToDeltaJson } from '../spec/schema.js';
import { corpusTables, latestMetadata } from '../test-support/corpus.js';
import { thrown } from '../../../test-support/errors.js';
import { assignColumnMapping } from './column-mapping-assign.js';

const where = { table: 't', version: 0 };
const long = primitive('long');
const str = primitive('string');

function counter(): () => string {
  let n = 0;
  return () => `col-${++n}`;
}

/** a, s{x, y}, arr<struct{e}>, m<string, struct{v}> */
const SCHEMA: StructType = {
  kind: 'struct',
  fields: [
    field('a', long),
    field('s', { kind: 'struct', fields: [field('x', long), field('y', str)] }),
    field('arr', { kind: 'array', element: { kind: 'struct', fields: [field('e', long)] }, containsNull: true }),
    field('m', { kind: 'map', key: str, value: { kind: 'struct', fields: [field('v', long)] }, valueContainsNull: true }),
  ],
};

/** [logical path, physical name, id] of every field, depth first. */
function mapping(schema: StructType): [string, string, number | undefined][] {
  const out: [string, string, number | undefined][] = [];
  const walk = (fields: readonly StructField[], prefix: string): void => {
    for (const f of fields) {
      out.push([`${prefix}${f.name}`, f.physicalName, f.fieldId]);
      let t = f.type;
      while (t.kind === 'array' || t.kind === 'map') t = t.kind === 'array' ? t.element : t.value;
      if (t.kind === 'struct') walk(t.fields, `${prefix}${f.name}.`);
    }
  };
  walk(schema.fields, '');
  return out;
}

describe('assignColumnMapping', () => {
  it('names and numbers every field, nested ones inside arrays and maps too, parents first', () => {
    const { schema, maxColumnId } = assignColumnMapping(SCHEMA, 'name', 0, counter());
    expect(mapping(schema)).toEqual([
      ['a', 'col-1', 1],
      ['s', 'col-2', 2],
      ['s.x', 'col-3', 3],
      ['s.y', 'col-4', 4],
      ['arr', 'col-5', 5],
      ['arr.e', 'col-6', 6],
      ['m', 'col-7', 7],
      ['m.v', 'col-8', 8],
    ]);
    expect(maxColumnId).toBe(8);
    expect(schema.fields[0]?.metadata).toEqual({ [COLUMN_ID_KEY]: 1, [PHYSICAL_NAME_KEY]: 'col-1' });
  });

  it('round-trips through schemaToDeltaJson and parseDeltaSchema in both modes', () => {
    for (const mode of ['name', 'id'] as const) {
      const { schema } = assignColumnMapping(SCHEMA, mode, 10, counter());
      const parsed = parseDeltaSchema(schemaToDeltaJson(schema), where, { columnMapping: mode });
      expect(mapping(parsed)).toEqual(mapping(schema));
      expect(mapping(parsed)[0]).toEqual(['a', 'col-1', 11]);
    }
  });

  it('keeps existing mappings and numbers only new fields, above every existing id', () => {
    const first = assignColumnMapping({ kind: 'struct', fields: SCHEMA.fields.slice(0, 2) }, 'name', 0, counter());
    const parsed = parseDeltaSchema(schemaToDeltaJson(first.schema), where, { columnMapping: 'name' });
    const grown: StructType = { kind: 'struct', fields: [...parsed.fields, field('b', str)] };
    const names = ['col-new'];
    const second = assignColumnMapping(grown, 'name', 2, () => names.shift()!);
    expect(mapping(second.schema)).toEqual([
      ['a', 'col-1', 1],
      ['s', 'col-2', 2],
      ['s.x', 'col-3', 3],
      ['s.y', 'col-4', 4],
      ['b', 'col-new', 5],
    ]);
    expect(second.maxColumnId).toBe(5);
  });

  it('never goes below startId and can keep display names when mapping an existing table', () => {
    const { schema, maxColumnId } = assignColumnMapping(SCHEMA, 'name', 100, (f) => f.name);
    expect(mapping(schema).slice(0, 3)).toEqual([
      ['a', 'a', 101],
      ['s', 's', 102],
      ['s.x', 'x', 103],
    ]);
    expect(maxColumnId).toBe(108);
    const json = JSON.parse(schemaToDeltaJson(schema)) as { fields: { metadata: Record<string, unknown> }[] };
    expect(json.fields[0]?.metadata).toEqual({ [COLUMN_ID_KEY]: 101, [PHYSICAL_NAME_KEY]: 'a' });
    expect(assignColumnMapping(schema, 'name', 0, counter()).maxColumnId).toBe(108);
  });

  it('leaves the Spark-mapped corpus schemas unchanged', () => {
    let checked = 0;
    for (const table of corpusTables()) {
      const meta = latestMetadata(table);
      if (meta === undefined || !meta.schemaString.includes(PHYSICAL_NAME_KEY)) continue;
      const schema = parseDeltaSchema(meta.schemaString, where, { columnMapping: 'name' });
      const result = assignColumnMapping(schema, 'name', 0, () => {
        throw new Error('no field should need a new name');
      });
      expect(mapping(result.schema)).toEqual(mapping(schema));
      checked += 1;
    }
    expect(checked).toBeGreaterThanOrEqual(2);
  });

  it('refuses duplicate sibling physical names, an exhausted id space and a bad start', () => {
    const dup: StructType = { kind: 'struct', fields: [field('a', long, true, { physicalName: 'p' }), field('b', long, true, { physicalName: 'p' })] };
    expect(thrown(() => assignColumnMapping(dup, 'id', 0, counter())).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => assignColumnMapping(SCHEMA, 'id', 2 ** 31 - 1, counter())).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => assignColumnMapping(SCHEMA, 'id', -1, counter())).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => assignColumnMapping(SCHEMA, 'id', 0, () => '')).code).toBe('INTERNAL');
  });
});
