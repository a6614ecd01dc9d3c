import { describe, expect, it } from 'vitest';
import { substituteParameters } from './function-expansion.js';

describe('substituteParameters', () => {
  it('replaces bare, quoted and function-qualified parameter names by parenthesised arguments', () => {
    expect(substituteParameters('x + "X" + `x` + f.x + F."x"', 'f', ['x'], ['a.b + 1'])).toBe('(a.b + 1) + (a.b + 1) + (a.b + 1) + (a.b + 1) + (a.b + 1)');
  });

  it('leaves columns of other qualifiers, calls, typed literals, strings and comments alone', () => {
    const body = "t.x + g.f.x + x(1) + date '2020-01-01' + 'x' -- x\n + date";
    expect(substituteParameters(body, 'f', ['x', 'date'], ['A', 'B'])).toBe("t.x + g.f.x + x(1) + date '2020-01-01' + 'x' -- x\n + (B)");
  });

  it('maps each parameter to its own argument and keeps a body without parameters', () => {
    expect(substituteParameters('b - a', 'f', ['a', 'b'], ['1', '2'])).toBe('(2) - (1)');
    expect(substituteParameters('now()', 'f', [], [])).toBe('now()');
  });
});
