import { describe, expect, it } from 'vitest';
import { isStatementComplete, splitCompleteStatements, type ShellSplit } from './shell-input.js';

describe('isStatementComplete', () => {
  const cases: [string, string, boolean][] = [
    ['empty', '', false],
    ['blank', '  \n ', false],
    ['no semicolon yet', 'select 1', false],
    ['semicolon at end', 'select 1;', true],
    ['semicolon then whitespace', 'select 1;  \n', true],
    ['semicolon then a line comment', 'select 1; -- done', true],
    ['semicolon then a closed block comment', 'select 1; /* x */', true],
    ['semicolon then an open block comment', 'select 1; /* x', false],
    ['semicolon then more SQL', 'select 1; select', false],
    ['semicolon inside a string', "select ';", false],
    ['semicolon inside a closed string', "select ';'", false],
    ['semicolon inside a dollar string', 'select $$ ; ', false],
    ['semicolon inside a line comment', 'select 1 -- ;', false],
    ['semicolon inside a quoted identifier', 'select "a;', false],
    ['semicolon inside a backtick path', 'select * from delta.`/a;', false],
    ['string closed then semicolon', "select 'a;\nb';", true],
    ['only a semicolon', ';', true],
    ['only a comment', '-- hello', false],
    ['dot-command', '.help', true],
    ['dot-command with newline', '.mode csv\n', true],
    ['dot-command after blank lines', '\n  .quit', true],
    ['dot-command after a statement', 'select 1;\n.quit', true],
    ['dot mid-statement is SQL', 'select a\n.b', false],
  ];
  it.each(cases)('%s', (_name, buffer, expected) => {
    expect(isStatementComplete(buffer)).toBe(expected);
  });
});

describe('splitCompleteStatements', () => {
  const cases: [string, string, ShellSplit][] = [
    ['nothing complete', 'select 1', { chunks: [], rest: 'select 1' }],
    ['one statement', 'select 1;', { chunks: [{ kind: 'sql', text: 'select 1' }], rest: '' }],
    ['two statements and a pending one', 'select 1; select 2;\nselect', {
      chunks: [{ kind: 'sql', text: 'select 1' }, { kind: 'sql', text: 'select 2' }],
      rest: 'select',
    }],
    ['pending open string with a semicolon', "select 1; select 'a;b", { chunks: [{ kind: 'sql', text: 'select 1' }], rest: "select 'a;b" }],
    ['trailing comment is not pending', 'select 1; -- bye', { chunks: [{ kind: 'sql', text: 'select 1' }], rest: '' }],
    ['dot-commands around SQL', '.mode csv\nselect 1;\n.quit\n', {
      chunks: [{ kind: 'dot', text: '.mode csv' }, { kind: 'sql', text: 'select 1' }, { kind: 'dot', text: '.quit' }],
      rest: '',
    }],
    ['dot-command with a quote', ".print don't\nselect 1;", {
      chunks: [{ kind: 'dot', text: ".print don't" }, { kind: 'sql', text: 'select 1' }],
      rest: '',
    }],
    ['bare semicolons run nothing', ' ; ;', { chunks: [], rest: '' }],
    ['multi-line statement', 'select\n  1\n;', { chunks: [{ kind: 'sql', text: 'select\n  1' }], rest: '' }],
  ];
  it.each(cases)('%s', (_name, buffer, expected) => {
    expect(splitCompleteStatements(buffer)).toEqual(expected);
  });
});
