import { seededRandom } from '../../../core/random.js';
import { describe, expect, it } from 'vitest';
import type { LiteralValue } from '../../../expr/nodes.js';
import type { DataType, PrimitiveName } from '../../../expr/types.js';
import { decimal, primitive } from '../../../expr/types.js';
import { parsePartitionValue } from '../partition-values.js';
import { corpusTables, readLogActions } from '../test-support/corpus.js';
import { thrown } from '../../../test-support/errors.js';
import { javaFloatText, serializePartitionValue } from './partition-serialize.js';

const T = (name: PrimitiveName): DataType => primitive(name);
const where = { column: 'c' };

const rng = seededRandom;

function randomBigInt(next: () => number, bits: number): bigint {
  let v = 0n;
  for (let i = 0; i < bits; i += 16) v = (v << 16n) | BigInt(Math.floor(next() * 65536));
  return v & ((1n << BigInt(bits)) - 1n);
}

function randomValue(next: () => number, type: DataType): LiteralValue {
  if (type.kind === 'decimal') {
    const unscaled = randomBigInt(next, 128) % 10n ** BigInt(type.precision);
    const digits = unscaled.toString().padStart(type.scale + 1, '0');
    const text = type.scale === 0 ? digits : `${digits.slice(0, -type.scale)}.${digits.slice(-type.scale)}`;
    return next() < 0.5 && unscaled !== 0n ? `-${text}` : text;
  }
  if (type.kind !== 'primitive') throw new Error('unexpected');
  const special = <V extends LiteralValue>(values: V[]): V | undefined => (next() < 0.1 ? values[Math.floor(next() * values.length)] : undefined);
  switch (type.name) {
    case 'boolean':
      return next() < 0.5;
    case 'byte':
      return special([-128, 127, 0]) ?? Math.floor(next() * 256) - 128;
    case 'short':
      return special([-32768, 32767]) ?? Math.floor(next() * 65536) - 32768;
    case 'integer':
      return special([-2147483648, 2147483647]) ?? Math.floor(next() * 2 ** 32) - 2 ** 31;
    case 'long':
      return special([-(2n ** 63n), 2n ** 63n - 1n]) ?? randomBigInt(next, 64) - 2n ** 63n;
    case 'float':
    case 'double': {
      const s = special([Number.NaN, Infinity, -Infinity, 0, -0, 5e-324, Number.MAX_VALUE, 1e7, 1e-3, 9999999.5]);
      if (s !== undefined) return type.name === 'float' ? Math.fround(s) : s;
      const v = (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20);
      return type.name === 'float' ? Math.fround(v) : v;
    }
    case 'string': {
      const alphabet = ['a', 'Z', '0', ' ', '%', '/', ':', '=', 'é', '😈', '"', '\\', '\n', '__HIVE_DEFAULT_PARTITION__', 'null'];
      let s = '';
      const length = 1 + Math.floor(next() * 8);
      for (let i = 0; i < length; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      return s;
    }
    case 'date': {
      const d = new Date(Date.UTC(0, 0, 1) + Math.floor(next() * 3_650_000) * 86_400_000);
      d.setUTCFullYear(Math.floor(next() * 10000));
      return d.toISOString().slice(0, 10).padStart(10, '0');
    }
    case 'timestamp':
    case 'timestamp_ntz': {
      const min = -62_167_219_200_000_000n; // 0000-01-01
      const span = 315_537_897_600_000_000n; // to 9999-12-31T23:59:59.999999
      const micros = min + (randomBigInt(next, 64) % span);
      return next() < 0.3 ? micros - (micros % 1_000_000n) : micros;
    }
    default:
      throw new Error(`unexpected type ${type.name}`);
  }
}

function same(a: LiteralValue, b: LiteralValue): boolean {
  return typeof a === 'number' && typeof b === 'number' ? Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) : a === b;
}

describe('serializePartitionValue', () => {
  const types: DataType[] = [
    ...(['boolean', 'byte', 'short', 'integer', 'long', 'float', 'double', 'string', 'date', 'timestamp', 'timestamp_ntz'] as const).map(T),
    decimal(1, 0),
    decimal(10, 2),
    decimal(38, 10),
    decimal(38, 38),
  ];

  it('is undone by parsePartitionValue on many seeded random values', () => {
    const next = rng(20240611);
    for (const type of types) {
      for (let i = 0; i < 400; i++) {
        const value = randomValue(next, type);
        const text = serializePartitionValue(value, type);
        expect(text).not.toBeNull();
        const back = parsePartitionValue(text, type, where);
        if (!same(back, value)) expect({ type, value, text, back }).toBeUndefined();
      }
    }
  });

  it('writes the documented forms', () => {
    expect(serializePartitionValue(true, T('boolean'))).toBe('true');
    expect(serializePartitionValue(-5, T('integer'))).toBe('-5');
    expect(serializePartitionValue(2n ** 63n - 1n, T('long'))).toBe('9223372036854775807');
    expect(serializePartitionValue('-1.50', decimal(5, 2))).toBe('-1.50');
    expect(serializePartitionValue('-0.00', decimal(5, 2))).toBe('0.00');
    expect(serializePartitionValue('2021-09-08', T('date'))).toBe('2021-09-08');
    expect(serializePartitionValue(1_631_099_471_000_000n, T('timestamp'))).toBe('2021-09-08 11:11:11');
    expect(serializePartitionValue(1_631_099_471_000_100n, T('timestamp'))).toBe('2021-09-08 11:11:11.000100');
    expect(serializePartitionValue(-1n, T('timestamp_ntz'))).toBe('1969-12-31 23:59:59.999999');
    expect(serializePartitionValue(-86_400_000_000n, T('timestamp'))).toBe('1969-12-31 00:00:00');
    expect(serializePartitionValue('a b', T('string'))).toBe('a b');
  });

  it('writes null for SQL NULL and for the empty string', () => {
    for (const type of types) expect(serializePartitionValue(null, type)).toBeNull();
    expect(serializePartitionValue('', T('string'))).toBeNull();
  });

  it('prints floats and doubles as Java does', () => {
    const cases: [number, 'float' | 'double', string][] = [
      [0, 'double', '0.0'],
      [-0, 'double', '-0.0'],
      [1, 'double', '1.0'],
      [2021, 'double', '2021.0'],
      [0.1, 'double', '0.1'],
      [0.001, 'double', '0.001'],
      [0.0001, 'double', '1.0E-4'],
      [1234567.5, 'double', '1234567.5'],
      [1e7, 'double', '1.0E7'],
      [-1.5e300, 'double', '-1.5E300'],
      [Number.NaN, 'double', 'NaN'],
      [-Infinity, 'double', '-Infinity'],
      [Math.fround(0.1), 'float', '0.1'],
      [Math.fround(3.4028235e38), 'float', '3.4028235E38'],
      [Math.fround(1.17549435e-38), 'float', '1.1754944E-38'], // shortest digits, as JDK 19+ prints
    ];
    for (const [value, width, text] of cases) expect(javaFloatText(value, width)).toBe(text);
  });

  it('reproduces the partition values Spark wrote in the corpus', () => {
    let checked = 0;
    for (const table of ['golden-data-reader-partition-values', 'golden-kernel-timestamp-timestamp_micros', 'golden-data-reader-timestamp_ntz']) {
      expect(corpusTables()).toContain(table);
      const meta = readLogActions(table).find((a) => a.action.metaData)!.action.metaData!;
      const fields = (JSON.parse(String(meta['schemaString'])) as { fields: { name: string; type: string }[] }).fields;
      for (const { action } of readLogActions(table)) {
        const values = (action.add?.['partitionValues'] ?? {}) as Record<string, string | null>;
        for (const [name, text] of Object.entries(values)) {
          const typeName = fields.find((f) => f.name === name)!.type;
          const type = typeName.startsWith('decimal') ? decimal(1, 0) : T(typeName as PrimitiveName);
          // Spark trims trailing fraction zeros; Loch always writes six digits (both parse alike).
          if (text !== null && /\.\d{1,5}$/.test(text) && typeName.startsWith('timestamp')) continue;
          expect(serializePartitionValue(parsePartitionValue(text, type, where), type)).toBe(text);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('rejects binary columns with UNSUPPORTED_FEATURE', () => {
    const error = thrown(() => serializePartitionValue(new Uint8Array([1]), T('binary'), 'b'));
    expect(error.code).toBe('UNSUPPORTED_FEATURE');
    expect(error.message).toContain('binary column b');
  });

  it('rejects values of the wrong representation, nested types and unwritable timestamps', () => {
    const bad: [LiteralValue, DataType][] = [
      ['1', T('integer')],
      [1.5, T('integer')],
      [128, T('byte')],
      [2n ** 63n, T('long')],
      [1, T('boolean')],
      ['2021-02-30', T('date')],
      [1, T('timestamp')],
      ['1.234', decimal(5, 2)],
      ['12345', decimal(5, 2)],
      [1.5, decimal(5, 2)],
      [253_402_300_800_000_000n, T('timestamp')], // year 10000
      ['x', { kind: 'array', element: T('string'), containsNull: true }],
    ];
    for (const [value, type] of bad) {
      const error = thrown(() => serializePartitionValue(value, type, 'c'));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toContain('column c');
    }
  });
});
