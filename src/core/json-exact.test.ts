import { describe, expect, it } from 'vitest';
import { JsonNumber, isJsonObject, parseJsonExact, stringifyJsonExact } from './json-exact.js';

describe('parseJsonExact', () => {
  it('keeps numbers as written and objects prototype-free', () => {
    const v = parseJsonExact('{"id": 7777310120628922486, "d": -1.50e3, "__proto__": [true, null, "x\\u00e9"]}') as Record<string, unknown>;
    expect(v.id).toEqual(new JsonNumber('7777310120628922486', true));
    expect((v.d as JsonNumber).text).toBe('-1.50e3');
    expect(v['__proto__']).toEqual([true, null, 'xé']);
    expect(Object.getPrototypeOf(v)).toBeNull();
  });

  it('rejects malformed JSON with the position', () => {
    for (const bad of ['{', '[1,]', '01', '{"a" 1}', '1 2', 'NaN', '"\u0001"']) expect(() => parseJsonExact(bad), bad).toThrow(SyntaxError);
    expect(() => parseJsonExact('[1,]')).toThrow(/position 3/);
  });
});

describe('stringifyJsonExact', () => {
  it('writes JsonNumber and bigint as bare numbers and round-trips exactly', () => {
    const text = '{"a":9223372036854775807,"b":[1.50,-0,true,null,"q\\"x"],"c":{}}';
    expect(stringifyJsonExact(parseJsonExact(text))).toBe(text);
    expect(stringifyJsonExact({ big: -9223372036854775808n, skip: undefined, list: [undefined] })).toBe('{"big":-9223372036854775808,"list":[null]}');
  });

  it('pretty-prints like JSON.stringify', () => {
    const value = { a: [1, { b: 'x' }], e: [], o: {} };
    expect(stringifyJsonExact(value, 2)).toBe(JSON.stringify(value, null, 2));
  });

  it('refuses values JSON cannot hold instead of writing null', () => {
    expect(() => stringifyJsonExact({ x: NaN })).toThrow(/no JSON form/);
    expect(() => stringifyJsonExact(new Uint8Array(1))).toThrow(/Uint8Array/);
  });

  it('isJsonObject tells objects from arrays and numbers', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject(new JsonNumber('1', true))).toBe(false);
    expect(isJsonObject(null)).toBe(false);
  });
});
