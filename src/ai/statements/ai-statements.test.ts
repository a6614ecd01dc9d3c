import { describe, expect, it } from 'vitest';
import type { AiRuntime } from '../ai-runtime.js';
import { parseAiStatement } from './ai-statements.js';

const runtime = {} as AiRuntime;
const parse = (sql: string) => parseAiStatement(sql, runtime);

describe('parseAiStatement', () => {
  it('recognises the ai statements, with leading comments and trailing semicolons', () => {
    for (const sql of [
      "CREATE MODEL ENDPOINT e PROVIDER 'openai' OPTIONS (url 'http://x', model 'm')",
      "-- note\ncreate or replace model endpoint c.s.e provider openai options (url = 'http://x', model = 'm') comment 'c';",
      "ALTER MODEL ENDPOINT e SET OPTIONS (cache true)",
      'ALTER MODEL ENDPOINT e UNSET OPTIONS IF EXISTS (cache, fallbacks)',
      'ALTER MODEL ENDPOINT e SET OWNER TO `alf@melmak.et`',
      "COMMENT ON MODEL ENDPOINT e IS 'x'",
      'DROP MODEL ENDPOINT IF EXISTS e',
      'DESC MODEL ENDPOINT s.e',
      "SHOW MODEL ENDPOINTS IN c.s LIKE 'a*'",
      "SET loch.ai.endpoint = 'main.ai.chat'",
      'SET `loch.ai.endpoint` = main.ai.chat',
      'SET loch.ai.embedding_endpoint',
      'RESET loch.ai.endpoint',
    ]) {
      expect(parse(sql), sql).toBeDefined();
    }
  });

  it('leaves everything else to the SQL layer', () => {
    for (const sql of [
      'SELECT 1',
      "SELECT 'model endpoint' AS x",
      'GRANT EXECUTE ON MODEL ENDPOINT main.default.e TO ann',
      'SHOW GRANTS ON MODEL ENDPOINT main.default.e',
      'SET threads = 4',
      'SET loch_ai = 1',
      "CREATE TABLE model_endpoints (a INT)",
      "SELECT 'unterminated model endpoint",
    ]) {
      expect(parse(sql), sql).toBeUndefined();
    }
  });

  it('reports malformed statements with their position', () => {
    expect(() => parse("CREATE MODEL ENDPOINT e PROVIDER 'openai' OPTIONS (url 'x' model 'm')")).toThrow(/line 1 column \d+/);
    expect(() => parse('ALTER MODEL ENDPOINT e RENAME TO f')).toThrow(/supports SET OPTIONS/);
    expect(() => parse("CREATE MODEL ENDPOINT e PROVIDER 'openai' PROVIDER 'anthropic' OPTIONS (url 'x')")).toThrow(/two PROVIDER clauses/);
    expect(() => parse("CREATE MODEL ENDPOINT e PROVIDER 'openai' OPTIONS (headers map('a'))")).toThrow(/key\/value pairs/);
    expect(() => parse("SET loch.ai.nope = 'x'")).toThrow(/unknown setting loch\.ai\.nope \(known: loch\.ai\.endpoint, loch\.ai\.embedding_endpoint\)/);
    expect(() => parse('SET loch.ai.endpoint = 1')).toThrow(/expects an endpoint name/);
  });
});
