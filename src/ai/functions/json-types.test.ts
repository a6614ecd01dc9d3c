import { describe, expect, it } from 'vitest';
import { primitive } from '../../expr/types.js';
import { parseTypeText } from '../../sql/parse/type-name.js';
import { coerceJson, jsonSchemaOf, parseReply, typeOfJsonSchema } from './json-types.js';

describe('json-types', () => {
  it('derives a strict JSON schema from a SQL type', () => {
    expect(jsonSchemaOf(parseTypeText('STRUCT<n: INT, tags: ARRAY<STRING>, d: DATE>'), 'x')).toEqual({
      type: 'object',
      properties: { n: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } }, d: { type: 'string', format: 'date' } },
      required: ['n', 'tags', 'd'],
      additionalProperties: false,
    });
    expect(() => jsonSchemaOf(primitive('binary'), 'ai_query: returnType')).toThrow(/cannot be returned by a model/);
  });

  it('reads the SQL type a JSON schema describes', () => {
    const type = typeOfJsonSchema({ type: 'object', properties: { a: { type: ['integer', 'null'] }, b: { enum: ['x', 'y'] }, c: { type: 'array', items: { type: 'number' } } } }, 'x');
    expect(type).toEqual(parseTypeText('STRUCT<a: BIGINT, b: STRING, c: ARRAY<DOUBLE>>'));
    expect(() => typeOfJsonSchema({ type: 'object', properties: {} }, 'x')).toThrow(/has no properties/);
  });

  it('parses replies into the type, unwrapping {result} for non-structs and tolerating a code fence', () => {
    expect(parseReply('{"result": 42}', primitive('integer'))).toBe(42);
    expect(parseReply('42', primitive('integer'))).toBe(42);
    expect(parseReply('```json\n{"N": "7", "extra": 1}\n```', parseTypeText('STRUCT<n: INT, m: STRING>'))).toEqual({ n: 7, m: null });
    expect(() => parseReply('not json', primitive('integer'))).toThrow(/not JSON/);
    expect(() => parseReply('{"result": 1.5}', primitive('integer'))).toThrow('$: expected an integer, got 1.5');
    expect(() => parseReply('{"result": 3000000000}', primitive('integer'))).toThrow(/out of range/);
  });

  it('coerces scalars, dates and maps', () => {
    expect(coerceJson('true', primitive('boolean'), '$')).toBe(true);
    expect(coerceJson(5, primitive('string'), '$')).toBe('5');
    expect(coerceJson('2024-02-03', primitive('date'), '$')).toBe('2024-02-03');
    expect(() => coerceJson('Feb 3', primitive('date'), '$.d')).toThrow('$.d: expected a date (YYYY-MM-DD), got "Feb 3"');
    expect(coerceJson({ a: 1 }, parseTypeText('MAP<STRING, INT>'), '$')).toEqual(new Map([['a', 1]]));
  });
});
