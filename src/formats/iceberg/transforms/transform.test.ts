import { describe, expect, it } from 'vitest';
import { isLochError } from '../../../core/errors.js';
import { utf8Encode } from '../../../core/bytes.js';
import type { IcebergType } from '../model.js';
import { murmur3x86_32 } from './murmur3.js';
import { applyTransform, bucketHash, parseTransform, transformResultType, transformToString, truncateCodePoints } from './transform.js';

const p = (name: string): IcebergType => ({ kind: 'primitive', name }) as IcebergType;
const dec = (precision: number, scale: number): IcebergType => ({ kind: 'decimal', precision, scale });
const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));

describe('parseTransform / transformToString', () => {
  it('parses every spec transform case-insensitively and round-trips', () => {
    expect(parseTransform('identity')).toEqual({ kind: 'identity' });
    expect(parseTransform('Bucket[16]')).toEqual({ kind: 'bucket', n: 16 });
    expect(parseTransform('truncate[4]')).toEqual({ kind: 'truncate', width: 4 });
    expect(parseTransform('DAY')).toEqual({ kind: 'day' });
    for (const text of ['identity', 'bucket[16]', 'truncate[4]', 'year', 'month', 'day', 'hour', 'void']) {
      expect(transformToString(parseTransform(text))).toBe(text);
    }
  });
  it('keeps unknown or malformed transforms as unknown text', () => {
    expect(parseTransform('zorder')).toEqual({ kind: 'unknown', text: 'zorder' });
    expect(parseTransform('bucket[0]')).toEqual({ kind: 'unknown', text: 'bucket[0]' });
    expect(parseTransform('bucket[x]').kind).toBe('unknown');
    expect(transformToString(parseTransform('Geo_Hash[3]'))).toBe('Geo_Hash[3]');
  });
});

describe('transformResultType', () => {
  it('gives int for bucket and time transforms and the source type otherwise', () => {
    expect(transformResultType(parseTransform('bucket[4]'), p('string'))).toEqual(p('int'));
    expect(transformResultType(parseTransform('day'), p('timestamptz'))).toEqual(p('int'));
    expect(transformResultType(parseTransform('year'), p('date'))).toEqual(p('int'));
    expect(transformResultType(parseTransform('hour'), p('timestamp_ns'))).toEqual(p('int'));
    expect(transformResultType(parseTransform('truncate[3]'), dec(9, 2))).toEqual(dec(9, 2));
    expect(transformResultType(parseTransform('identity'), { kind: 'fixed', length: 3 })).toEqual({ kind: 'fixed', length: 3 });
    expect(transformResultType(parseTransform('void'), p('double'))).toEqual(p('double'));
  });
  it('gives unknown for unknown transforms and dropped source columns', () => {
    expect(transformResultType(parseTransform('zorder'), p('int'))).toEqual(p('unknown'));
    expect(transformResultType(parseTransform('bucket[3]'), p('unknown'))).toEqual(p('unknown'));
  });
  it('refuses transforms that do not apply to the source type', () => {
    const bad = (t: string, type: IcebergType): unknown => {
      try {
        transformResultType(parseTransform(t), type);
        return 'no error';
      } catch (e) {
        return isLochError(e, 'PROTOCOL_VIOLATION') && e.message.startsWith('iceberg transform: ') ? 'refused' : e;
      }
    };
    expect(bad('hour', p('date'))).toBe('refused');
    expect(bad('bucket[2]', p('double'))).toBe('refused');
    expect(bad('bucket[2]', p('boolean'))).toBe('refused');
    expect(bad('truncate[2]', p('date'))).toBe('refused');
    expect(bad('day', p('string'))).toBe('refused');
    expect(bad('identity', p('variant'))).toBe('refused');
    expect(bad('identity', { kind: 'struct', fields: [] })).toBe('refused');
  });
});

describe('murmur3 and bucket hashes (spec Appendix B vectors)', () => {
  it('hashes bytes like Guava murmur3_32_fixed', () => {
    expect(murmur3x86_32(utf8Encode('iceberg'))).toBe(1210000089);
    expect(murmur3x86_32(hex('00010203'))).toBe(-188683207);
    expect(murmur3x86_32(new Uint8Array(0))).toBe(0);
    expect(murmur3x86_32(utf8Encode('hello'))).toBe(0x248bfa47);
    expect(murmur3x86_32(utf8Encode('The quick brown fox jumps over the lazy dog'), 0x9747b28c)).toBe(0x2fa826cd);
  });
  it('reproduces every spec hash vector', () => {
    expect(bucketHash(p('int'), 34)).toBe(2017239379);
    expect(bucketHash(p('long'), 34n)).toBe(2017239379);
    expect(bucketHash(dec(4, 2), '14.20')).toBe(-500754589);
    expect(bucketHash(p('date'), '2017-11-16')).toBe(-653330422);
    expect(bucketHash(p('time'), 81_068_000_000n)).toBe(-662762989);
    const ts = 1_510_871_468_000_000n; // 2017-11-16T22:31:08
    expect(bucketHash(p('timestamp'), ts)).toBe(-2047944441);
    expect(bucketHash(p('timestamp'), ts + 1n)).toBe(-1207196810);
    expect(bucketHash(p('timestamptz'), ts)).toBe(-2047944441); // 14:31:08-08:00
    expect(bucketHash(p('timestamp_ns'), ts * 1000n)).toBe(-2047944441);
    expect(bucketHash(p('timestamptz_ns'), ts * 1000n + 1001n)).toBe(-1207196810);
    expect(bucketHash(p('string'), 'iceberg')).toBe(1210000089);
    expect(bucketHash(p('string'), '34')).toBe(-427558391);
    expect(bucketHash(p('uuid'), 'f79c3e09-677c-4bbd-a479-3f349cb785e7')).toBe(1488055340);
    expect(bucketHash({ kind: 'fixed', length: 4 }, hex('00010203'))).toBe(-188683207);
    expect(bucketHash(p('binary'), hex('00010203'))).toBe(-188683207);
    expect(bucketHash(p('boolean'), true)).toBe(1392991556);
    expect(bucketHash(p('float'), 1)).toBe(-142385009);
    expect(bucketHash(p('double'), 1)).toBe(-142385009);
    expect(bucketHash(p('double'), 0)).toBe(1669671676);
    expect(bucketHash(p('double'), -0)).toBe(1669671676);
    expect(bucketHash(p('double'), NaN)).toBe(bucketHash(p('float'), NaN));
  });
  it('buckets as (hash & INT_MAX) % n and returns null for null', () => {
    expect(applyTransform(parseTransform('bucket[16]'), p('string'), 'iceberg')).toBe(1210000089 % 16);
    expect(applyTransform(parseTransform('bucket[100]'), dec(9, 2), null)).toBeNull();
    expect(applyTransform(parseTransform('bucket[7]'), dec(4, 2), '14.20')).toBe((-500754589 & 0x7fffffff) % 7);
  });
  it('reproduces the trino_bucket_transforms corpus partition values', () => {
    const row: [string, IcebergType, unknown, number][] = [
      ['bucket[2]', p('int'), 1, 0],
      ['bucket[3]', p('long'), 2n, 0],
      ['bucket[4]', dec(12, 2), '3.00', 3],
      ['bucket[5]', p('date'), '2025-03-03', 2],
      ['bucket[6]', p('time'), 17n * 3_600_000_000n, 2],
      ['bucket[100]', p('timestamp'), 1_740_960_000_000_000n, 99],
      ['bucket[123]', p('timestamptz'), 1_740_960_000_000_000n, 75],
      ['bucket[42]', p('string'), 'some-string', 13],
      ['bucket[55]', p('uuid'), '12151fd2-7586-11e9-8f9e-2a86e4085a59', 5],
      ['bucket[812]', p('binary'), utf8Encode('some-varbinary'), 724],
    ];
    for (const [t, type, value, expected] of row) {
      expect(applyTransform(parseTransform(t), type, value as never), t).toBe(expected);
    }
  });
});

describe('truncate', () => {
  const t = (w: number): ReturnType<typeof parseTransform> => parseTransform(`truncate[${w}]`);
  it('floors ints, longs and decimals to multiples of the width', () => {
    expect(applyTransform(t(10), p('int'), 1)).toBe(0);
    expect(applyTransform(t(10), p('int'), -1)).toBe(-10);
    expect(applyTransform(t(10), p('int'), 10)).toBe(10);
    expect(applyTransform(t(10), p('long'), -1n)).toBe(-10n);
    expect(applyTransform(t(10), p('long'), 123n)).toBe(120n);
    expect(applyTransform(t(50), dec(9, 2), '10.65')).toBe('10.50');
    expect(applyTransform(t(50), dec(9, 2), '-0.05')).toBe('-0.50');
  });
  it('cuts strings by code points and binaries by bytes', () => {
    expect(applyTransform(t(3), p('string'), 'iceberg')).toBe('ice');
    expect(applyTransform(t(2), p('string'), '😀😁x')).toBe('😀😁');
    expect(applyTransform(t(10), p('string'), 'ab')).toBe('ab');
    expect(applyTransform(t(3), p('binary'), hex('0102030405'))).toEqual(hex('010203'));
    expect(truncateCodePoints('a😀b', 2)).toBe('a😀');
  });
});

describe('time transforms', () => {
  const micros = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n;
  it('computes years, months, days and hours since the epoch', () => {
    expect(applyTransform(parseTransform('year'), p('date'), '2017-11-16')).toBe(47);
    expect(applyTransform(parseTransform('month'), p('date'), '2017-11-16')).toBe(47 * 12 + 10);
    expect(applyTransform(parseTransform('day'), p('date'), '2017-11-16')).toBe(17486);
    expect(applyTransform(parseTransform('day'), p('timestamptz'), micros('2017-11-16T22:31:08Z'))).toBe(17486);
    expect(applyTransform(parseTransform('hour'), p('timestamp'), micros('2017-11-16T22:31:08Z'))).toBe(17486 * 24 + 22);
    expect(applyTransform(parseTransform('hour'), p('timestamptz_ns'), micros('2017-11-16T22:31:08Z') * 1000n + 999n)).toBe(17486 * 24 + 22);
  });
  it('floors toward minus infinity before 1970', () => {
    expect(applyTransform(parseTransform('day'), p('timestamp'), -1n)).toBe(-1);
    expect(applyTransform(parseTransform('hour'), p('timestamp'), -1n)).toBe(-1);
    expect(applyTransform(parseTransform('year'), p('timestamp'), -1n)).toBe(-1);
    expect(applyTransform(parseTransform('month'), p('date'), '1969-12-31')).toBe(-1);
    expect(applyTransform(parseTransform('year'), p('date'), '1900-06-01')).toBe(-70);
    expect(applyTransform(parseTransform('day'), p('timestamp_ns'), -1n)).toBe(-1);
  });
  it('returns null for void and refuses unknown transforms and wrong values', () => {
    expect(applyTransform(parseTransform('void'), p('int'), 5)).toBeNull();
    expect(() => applyTransform(parseTransform('zorder'), p('int'), 5)).toThrow(/iceberg transform: cannot apply unknown transform "zorder"/);
    expect(() => applyTransform(parseTransform('day'), p('date'), 5)).toThrow(/not a date value/);
    expect(() => applyTransform(parseTransform('bucket[2]'), dec(9, 2), '1.234')).toThrow(/not a decimal\(9, 2\) value/);
  });
});
