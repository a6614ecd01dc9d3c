import { describe, expect, it } from 'vitest';
import { agentDocument, parseAgentDefinition, parseToolRef, toolRefText } from './agent-definition.js';

describe('agent definitions', () => {
  it('parses tool references of every kind and writes them back', () => {
    expect(parseToolRef('sql')).toEqual({ kind: 'sql' });
    expect(parseToolRef('vector_search:Main.Docs.Idx')).toEqual({ kind: 'vector_search', index: 'main.docs.idx' });
    expect(parseToolRef('ts:weather_now')).toEqual({ kind: 'typescript', name: 'weather_now' });
    expect(parseToolRef('main.tools.lookup')).toEqual({ kind: 'function', name: 'main.tools.lookup' });
    for (const text of ['sql', 'vector_search:a.b.c', 'ts:x', 'a.b.f']) expect(toolRefText(parseToolRef(text))).toBe(text);
  });

  it('refuses malformed tools naming the agent and the field', () => {
    expect(() => parseToolRef('lookup', 'main.a.bot')).toThrow(/agents: agent main\.a\.bot: tools .*needs its full name/);
    expect(() => parseToolRef('vector_search:idx')).toThrow(/needs an index's full name/);
    expect(() => parseToolRef('ts:bad name')).toThrow(/'ts:' a name/);
  });

  it('fills defaults and round-trips through the stored document', () => {
    const def = parseAgentDefinition({ endpoint: 'Main.Default.Chat', tools: ['sql', 'main.s.f'] }, 'main.default.bot');
    expect(def).toEqual({ endpoint: 'main.default.chat', instructions: '', tools: [{ kind: 'sql' }, { kind: 'function', name: 'main.s.f' }], maxSteps: 8 });
    expect(parseAgentDefinition(agentDocument(def), 'x')).toEqual(def);
    expect(agentDocument({ ...def, temperature: 0 })).toEqual({ endpoint: 'main.default.chat', instructions: '', tools: ['sql', 'main.s.f'], maxSteps: 8, temperature: 0 });
  });

  it('refuses bad fields with INVALID_ARGUMENT', () => {
    const bad: [unknown, RegExp][] = [
      [{ endpoint: 'chat' }, /endpoint must be a chat endpoint's full name/],
      [{ endpoint: 'a.b.c', maxSteps: 0 }, /maxSteps must be an integer from 1 to 64/],
      [{ endpoint: 'a.b.c', temperature: 5 }, /temperature must be a number from 0 to 2/],
      [{ endpoint: 'a.b.c', tools: 'sql' }, /tools must be a list/],
      [{ endpoint: 'a.b.c', tools: ['sql', 'SQL'] }, /tools names sql twice/],
      [{ endpoint: 'a.b.c', model: 'x' }, /model is not a field/],
      ['text', /definition must be a JSON object/],
    ];
    for (const [doc, why] of bad) expect(() => parseAgentDefinition(doc, 'main.s.bot')).toThrow(why);
    try {
      parseAgentDefinition({}, 'main.s.bot');
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', context: { where: 'main.s.bot', field: 'endpoint' } });
    }
  });
});
