import { describe, expect, it } from 'vitest';
import { parseEvalArgs } from './eval-command.js';

describe('parseEvalArgs', () => {
  it('leaves other commands to parseArgs', () => {
    expect(parseEvalArgs(['sql', 'SELECT 1'])).toBeUndefined();
    expect(parseEvalArgs(['-w', 'eval', 'sql', 'x'])).toBeUndefined();
  });

  it('parses the eval options and the global ones around them', () => {
    const args = parseEvalArgs(['-w', '/tmp/w', 'eval', '--agent', 'c.s.a', '--table=c.s.t', '--output', 'c.s.r', '--judge', 'c.s.j', '--scorers', 'exact_match, correctness', '--seed', '7', '-f', 'json'], { LOCH_METASTORE: 'postgres://x' });
    expect(args).toEqual({
      command: { kind: 'eval', options: { agent: 'c.s.a', table: 'c.s.t', output: 'c.s.r', judge: 'c.s.j', scorers: ['exact_match', 'correctness'], seed: 7 } },
      options: { format: 'json', debug: false, warehouse: '/tmp/w', metastore: 'postgres://x' },
    });
    expect(parseEvalArgs(['eval', '--help'])?.command).toEqual({ kind: 'help' });
  });

  it('refuses missing, conflicting and unknown options', () => {
    expect(() => parseEvalArgs(['eval', '--table', 't', '--output', 'o'])).toThrow(/usage: loch eval/);
    expect(() => parseEvalArgs(['eval', '--agent', 'a', '--endpoint', 'e', '--table', 't', '--output', 'o'])).toThrow(/usage/);
    expect(() => parseEvalArgs(['eval', '--agent', 'a', '--table', 't', '--output', 'o', '--mode', 'x'])).toThrow(/unknown option --mode/);
    expect(() => parseEvalArgs(['eval', '--agent', 'a', '--table', 't', '--output', 'o', '--scorers', 'bleu'])).toThrow(/not bleu/);
    expect(() => parseEvalArgs(['eval', '--agent', 'a', '--table', 't', '--output', 'o', '--seed', '-1'])).toThrow();
  });
});
