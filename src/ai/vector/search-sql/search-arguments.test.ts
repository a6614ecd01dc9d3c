import { describe, expect, it } from 'vitest';
import { rejection } from '../../../test-support/errors.js';
import { parseFilters } from './filters-json.js';
import { searchArguments } from './search-arguments.js';
import type { ConstantOf } from './search-arguments.js';
import { findVectorSearchCalls } from './search-calls.js';

/** Constants as JSON text: enough for literals written as JSON in these tests. */
function constants(sql: string): ConstantOf {
  return async (span) => JSON.parse(sql.slice(span.start, span.end)) as unknown;
}

async function argsOf(argText: string) {
  const sql = `SELECT * FROM vector_search(${argText}) v`;
  const [call] = findVectorSearchCalls(sql);
  if (call === undefined) throw new Error('no call');
  return searchArguments(call, constants(sql));
}

describe('findVectorSearchCalls', () => {
  it('finds calls in any case with named and positional arguments, and none in other text', () => {
    expect(findVectorSearchCalls('SELECT 1')).toEqual([]);
    expect(findVectorSearchCalls("SELECT 'vector_search(x)'")).toEqual([]);
    const sql = "WITH r AS (SELECT * FROM Vector_Search('idx', query_vector => [1, 2], num_results => 3)) SELECT * FROM r JOIN vector_search(index => 'b', query => 'x') s ON true";
    const calls = findVectorSearchCalls(sql);
    expect(calls).toHaveLength(2);
    const [a, b] = calls;
    expect(sql.slice(a!.span.start, a!.span.end)).toBe("Vector_Search('idx', query_vector => [1, 2], num_results => 3)");
    expect(a!.positional.map((s) => sql.slice(s.start, s.end))).toEqual(["'idx'"]);
    expect([...a!.named].map(([k, s]) => [k, sql.slice(s.start, s.end)])).toEqual([['query_vector', '[1, 2]'], ['num_results', '3']]);
    expect(b!.nested).toBe(false);
  });

  it('marks a call inside another call as nested', () => {
    const calls = findVectorSearchCalls("SELECT * FROM vector_search(index => (SELECT max(x) FROM vector_search(index => 'a', query => 'q')), query => 'q')");
    expect(calls.map((c) => c.nested)).toEqual([false, true]);
  });
});

describe('searchArguments', () => {
  it('reads named arguments, defaults and aliases', async () => {
    expect(await argsOf('index => "c.s.i", query => "red shoes"')).toEqual({ index: 'c.s.i', query: { numResults: 10, queryText: 'red shoes' } });
    const full = await argsOf('index => "i", query_text => "q", query_vector => [0.5, 1], num_results => 3, filters_json => "{\\"cat\\": [\\"a\\", \\"b\\"], \\"year >=\\": 2020}", query_type => "hybrid", columns => ["id", "text"]');
    expect(full).toEqual({
      index: 'i',
      query: { numResults: 3, queryText: 'q', queryVector: [0.5, 1], queryType: 'HYBRID', columns: ['id', 'text'], filters: { cat: ['a', 'b'], 'year >=': 2020 } },
    });
  });

  it('reads positional arguments in Databricks order (index, query, num_results, query_type)', async () => {
    expect(await argsOf('"docs", "what", 4, "ANN"')).toEqual({ index: 'docs', query: { numResults: 4, queryText: 'what', queryType: 'ANN' } });
    expect(await argsOf('"docs", "what", filters => {"a": 1}')).toMatchObject({ query: { filters: { a: 1 } } });
  });

  it('refuses misuse with INVALID_ARGUMENT naming the argument', async () => {
    const cases: [string, RegExp][] = [
      ['query => "x"', /argument index is missing/],
      ['index => 3, query => "x"', /argument index must name the index/],
      ['index => "i"', /argument query is missing/],
      ['index => "i", query => "x", query_text => "y"', /query and query_text are the same argument/],
      ['index => "i", query_vector => []', /query_vector must be a non-empty array/],
      ['index => "i", query_vector => ["a"]', /query_vector must be a non-empty array/],
      ['index => "i", query => "x", num_results => -1', /num_results must be an integer from 0 to 10000/],
      ['index => "i", query => "x", num_results => 2.5', /num_results must be an integer/],
      ['index => "i", query => "x", query_type => "FUZZY"', /query_type must be 'ANN' or 'HYBRID'/],
      ['index => "i", query_vector => [1], query_type => "HYBRID"', /HYBRID needs query text/],
      ['index => "i", query => "x", columns => ["a", "A"]', /columns names a column twice/],
      ['index => "i", query => "x", k => 3', /argument k is not an argument of vector_search/],
      ['index => "i", query => "x", filters => "{bad"', /filters is not valid JSON/],
      ['index => "i", index => "j", query => "x"', /argument index is given twice/],
      ['"i", "q", 1, "ANN", "extra"', /at most 4 positional arguments/],
    ];
    for (const [text, message] of cases) {
      const error = await rejection(argsOf(text));
      expect(error, text).toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect((error as Error).message, text).toMatch(message);
    }
  });
});

describe('parseFilters', () => {
  it('accepts text or objects with Databricks operators and treats empty as none', () => {
    expect(parseFilters('{"a": 1, "b NOT": ["x"], "c <": 3, "d LIKE": "ab%"}', 'f')).toEqual({ a: 1, 'b NOT': ['x'], 'c <': 3, 'd LIKE': 'ab%' });
    expect(parseFilters({ a: 'x' }, 'f')).toEqual({ a: 'x' });
    for (const none of [undefined, null, '', '  ', '{}', {}]) expect(parseFilters(none, 'f')).toBeUndefined();
  });

  it('refuses non-objects, bad keys and values', () => {
    expect(parseFilters('{"my col": [], "x y NOT": null}', 'f')).toEqual({ 'my col': [], 'x y NOT': null });
    for (const bad of ['[1]', '3', '{"": 1}', '{"  ": 1}', '{"a <": [1, 2]}', '{"a": [[1]]}', '{"a": {"b": 1}}', '{"a LIKE": 3}']) {
      expect(() => parseFilters(bad, 'filters_json'), bad).toThrow(/vector search: filters_json/);
    }
  });
});
