import { describe, expect, it } from 'vitest';
import { decimal, primitive } from '../../../expr/types.js';
import type { DataType } from '../../../expr/types.js';
import { isIcebergCompatibleTypeChange, isWideningTypeChange, typeChangesOf, withTypeChange, TYPE_CHANGES_KEY } from './type-widening.js';

const p = primitive;

describe('isWideningTypeChange', () => {
  const allowed: [string, DataType, DataType][] = [
    ['byte → short', p('byte'), p('short')],
    ['byte → long', p('byte'), p('long')],
    ['short → int', p('short'), p('integer')],
    ['int → long', p('integer'), p('long')],
    ['float → double', p('float'), p('double')],
    ['int → double', p('integer'), p('double')],
    ['short → double', p('short'), p('double')],
    ['date → timestamp_ntz', p('date'), p('timestamp_ntz')],
    ['decimal precision', decimal(10, 2), decimal(12, 2)],
    ['decimal precision and scale', decimal(10, 1), decimal(12, 3)],
    ['int → decimal(10,0)', p('integer'), decimal(10, 0)],
    ['byte → decimal(12,2)', p('byte'), decimal(12, 2)],
    ['long → decimal(20,0)', p('long'), decimal(20, 0)],
    ['long → decimal(38,18)', p('long'), decimal(38, 18)],
  ];
  it.each(allowed)('allows %s', (_n, from, to) => {
    expect(isWideningTypeChange(from, to)).toBe(true);
  });

  const refused: [string, DataType, DataType][] = [
    ['the same type', p('integer'), p('integer')],
    ['long → int', p('long'), p('integer')],
    ['string → int', p('string'), p('integer')],
    ['int → string', p('integer'), p('string')],
    ['long → double', p('long'), p('double')],
    ['double → float', p('double'), p('float')],
    ['date → timestamp (zoned)', p('date'), p('timestamp')],
    ['timestamp_ntz → date', p('timestamp_ntz'), p('date')],
    ['decimal scale without precision', decimal(10, 2), decimal(10, 3)],
    ['decimal precision decrease', decimal(10, 2), decimal(9, 2)],
    ['decimal scale decrease', decimal(10, 2), decimal(12, 1)],
    ['int → decimal(9,0)', p('integer'), decimal(9, 0)],
    ['int → decimal(11,2)', p('integer'), decimal(11, 2)],
    ['long → decimal(19,0)', p('long'), decimal(19, 0)],
    ['float → decimal', p('float'), decimal(38, 0)],
    ['a struct', { kind: 'struct', fields: [] }, { kind: 'struct', fields: [] }],
  ];
  it.each(refused)('refuses %s', (_n, from, to) => {
    expect(isWideningTypeChange(from, to)).toBe(false);
  });

  it('Iceberg compatibility keeps only the changes Iceberg V2 allows', () => {
    expect(isIcebergCompatibleTypeChange(p('integer'), p('long'))).toBe(true);
    expect(isIcebergCompatibleTypeChange(p('float'), p('double'))).toBe(true);
    expect(isIcebergCompatibleTypeChange(decimal(10, 2), decimal(12, 2))).toBe(true);
    expect(isIcebergCompatibleTypeChange(decimal(10, 2), decimal(12, 3))).toBe(false);
    expect(isIcebergCompatibleTypeChange(p('integer'), p('double'))).toBe(false);
    expect(isIcebergCompatibleTypeChange(p('date'), p('timestamp_ntz'))).toBe(false);
    expect(isIcebergCompatibleTypeChange(p('integer'), decimal(10, 0))).toBe(false);
  });
});

describe('delta.typeChanges metadata', () => {
  it('appends to the history and keeps other keys', () => {
    const once = withTypeChange({ comment: 'c' }, { fromType: 'short', toType: 'integer' });
    const twice = withTypeChange(once, { fromType: 'integer', toType: 'long' });
    expect(twice).toEqual({
      comment: 'c',
      [TYPE_CHANGES_KEY]: [
        { fromType: 'short', toType: 'integer' },
        { fromType: 'integer', toType: 'long' },
      ],
    });
    expect(typeChangesOf(twice).map((c) => c.toType)).toEqual(['integer', 'long']);
  });

  it('writes fieldPath inside arrays and maps and tableVersion for the preview feature', () => {
    const m = withTypeChange(undefined, { fromType: 'float', toType: 'double', fieldPath: 'element.value', tableVersion: 4 });
    expect(m[TYPE_CHANGES_KEY]).toEqual([{ tableVersion: 4, fromType: 'float', toType: 'double', fieldPath: 'element.value' }]);
  });

  it('reads a history stored as JSON text and ignores entries that are not changes', () => {
    expect(typeChangesOf({ [TYPE_CHANGES_KEY]: '[{"fromType":"byte","toType":"short"}, 3]' })).toEqual([{ fromType: 'byte', toType: 'short' }]);
    expect(typeChangesOf({ [TYPE_CHANGES_KEY]: 'not json' })).toEqual([]);
    expect(typeChangesOf(undefined)).toEqual([]);
  });
});
