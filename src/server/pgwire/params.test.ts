import { describe, expect, it } from 'vitest';
import { UntypedParam } from '../../sql/params.js';
import { decodeParam, orderedValues, translateMarkers } from './params.js';

describe('pgwire parameters', () => {
  it('rewrites $n to ? outside literals, identifiers and comments, in marker order', () => {
    const t = translateMarkers(`SELECT $2, '$1', "$1", $$ $1 $$, $1 -- $3\n, $2 /* $4 */`);
    expect(t.sql).toBe(`SELECT ?, '$1', "$1", $$ $1 $$, ? -- $3\n, ? /* $4 */`);
    expect(t.order).toEqual([1, 0, 1]);
    expect(t.parameterCount).toBe(2);
    expect(orderedValues(t, ['a', 'b'])).toEqual(['b', 'a', 'b']);
    expect(translateMarkers('SELECT 1')).toEqual({ sql: 'SELECT 1', order: [], parameterCount: 0 });
    expect(() => translateMarkers('SELECT $0')).toThrow(/no parameter \$0/);
  });

  it('decodes text values by type OID; text of unspecified or unknown type is an untyped parameter', () => {
    expect(decodeParam(0, 0, Buffer.from('42'))).toEqual(new UntypedParam('42'));
    expect(decodeParam(705, 0, Buffer.from('2024-01-02'))).toEqual(new UntypedParam('2024-01-02'));
    expect(decodeParam(25, 0, Buffer.from('42'))).toBe('42');
    expect(decodeParam(0, 0, null)).toBeNull();
    expect(decodeParam(23, 0, Buffer.from(' 42 '))).toBe(42);
    expect(decodeParam(20, 0, Buffer.from('9007199254740993'))).toBe(9007199254740993n);
    expect(decodeParam(16, 0, Buffer.from('t'))).toBe(true);
    expect(decodeParam(701, 0, Buffer.from('-Infinity'))).toBe(-Infinity);
    expect(decodeParam(17, 0, Buffer.from('\\x00ff'))).toEqual(new Uint8Array([0, 255]));
    expect(decodeParam(17, 0, Buffer.from('a\\\\b\\001'))).toEqual(new Uint8Array([97, 92, 98, 1]));
    expect(decodeParam(1082, 0, Buffer.from('2024-01-02'))).toBe('2024-01-02');
    expect(decodeParam(23, 0, null)).toBeNull();
    expect(() => decodeParam(23, 0, Buffer.from('12x'))).toThrow(expect.objectContaining({ context: { sqlState: '22P02' } }));
    expect(() => decodeParam(21, 0, Buffer.from('70000'))).toThrow(expect.objectContaining({ context: { sqlState: '22003' } }));
  });

  it('decodes binary values', () => {
    const i8 = Buffer.alloc(8);
    i8.writeBigInt64BE(-5n);
    expect(decodeParam(20, 1, i8)).toBe(-5n);
    const f8 = Buffer.alloc(8);
    f8.writeDoubleBE(1.25);
    expect(decodeParam(701, 1, f8)).toBe(1.25);
    expect(decodeParam(0, 1, Buffer.from([1, 2]))).toEqual(new Uint8Array([1, 2]));
    const date = Buffer.alloc(4);
    date.writeInt32BE(31);
    expect(decodeParam(1082, 1, date)).toBe('2000-02-01');
    const ts = Buffer.alloc(8);
    ts.writeBigInt64BE(1_500_000n);
    expect(decodeParam(1114, 1, ts)).toBe('2000-01-01 00:00:01.500000');
    expect(() => decodeParam(1700, 1, Buffer.alloc(8))).toThrow(expect.objectContaining({ context: { sqlState: '0A000' } }));
    expect(() => decodeParam(23, 1, Buffer.alloc(3))).toThrow(/3 bytes, expected 4/);
  });
});
