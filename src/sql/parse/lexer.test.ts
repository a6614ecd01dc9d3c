import { describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { isTrivia, tokenize, tokenizePartial, type Token } from './lexer.js';

const brief = (tokens: Token[]): [string, string, string?][] =>
  tokens.map((t) => (t.value === undefined ? [t.kind, t.text] : [t.kind, t.text, t.value]));

const meaningful = (sql: string): [string, string, string?][] => brief(tokenize(sql).filter((t) => !isTrivia(t)));

describe('tokenize', () => {
  const cases: [string, string, [string, string, string?][]][] = [
    ['plain string', "'abc'", [['string', "'abc'", 'abc']]],
    ['doubled quote', "'it''s'", [['string', "'it''s'", "it's"]]],
    ['empty string', "''", [['string', "''", '']]],
    ['backslash is literal in standard strings', "'a\\'", [['string', "'a\\'", 'a\\']]],
    ['E-string escapes', "E'a\\'b\\n\\t\\\\'", [['string', "E'a\\'b\\n\\t\\\\'", "a'b\n\t\\"]]],
    ['e-string lower case and doubled quote', "e'x''y'", [['string', "e'x''y'", "x'y"]]],
    ['E-string hex, octal and unicode', "E'\\x41\\101\\u00e9\\U0001F600'", [['string', "E'\\x41\\101\\u00e9\\U0001F600'", 'AAé😀']]],
    ['word ending in e before a string is not an E-string', "name'x'", [['word', 'name'], ['string', "'x'", 'x']]],
    ['dollar string', '$$a \'b\' ;$$', [['string', "$$a 'b' ;$$", "a 'b' ;"]]],
    ['tagged dollar string holding $$', '$fn$ x $$ y $fn$', [['string', '$fn$ x $$ y $fn$', ' x $$ y ']]],
    ['quoted identifier', '"a""b"', [['quoted_ident', '"a""b"', 'a"b']]],
    ['backtick identifier', '`c``d`', [['backtick_ident', '`c``d`', 'c`d']]],
    ['unicode word', 'données_été', [['word', 'données_été']]],
    ['dollar inside word', 'a$b', [['word', 'a$b']]],
    ['numbers', '42 1_000 3.14 .5 1e-9 2E+3 0xFF 0b101', [
      ['number', '42'], ['number', '1_000'], ['number', '3.14'], ['number', '.5'],
      ['number', '1e-9'], ['number', '2E+3'], ['number', '0xFF'], ['number', '0b101'],
    ]],
    ['list slice', 'l[1:2]', [['word', 'l'], ['punct', '['], ['number', '1'], ['punct', ':'], ['number', '2'], ['punct', ']']]],
    ['qualified name', 't.col', [['word', 't'], ['punct', '.'], ['word', 'col']]],
    ['params', '$1 ? $name', [['param', '$1'], ['param', '?'], ['param', '$name']]],
    ['casts and assignment', 'a::int := b', [['word', 'a'], ['op', '::'], ['word', 'int'], ['op', ':='], ['word', 'b']]],
    ['named argument arrow before a sign', 'v=>-1', [['word', 'v'], ['op', '=>'], ['op', '-'], ['number', '1']]],
    ['operators', 'a<>b>=c||d->>e', [
      ['word', 'a'], ['op', '<>'], ['word', 'b'], ['op', '>='], ['word', 'c'], ['op', '||'], ['word', 'd'], ['op', '->>'], ['word', 'e'],
    ]],
    ['comment start ends an operator', 'a=--x', [['word', 'a'], ['op', '=']]],
    ['punctuation', '(a.b),[c];', [
      ['punct', '('], ['word', 'a'], ['punct', '.'], ['word', 'b'], ['punct', ')'], ['punct', ','], ['punct', '['], ['word', 'c'], ['punct', ']'], ['punct', ';'],
    ]],
    ['delta inside a string is a string', "'delta.`x`'", [['string', "'delta.`x`'", 'delta.`x`']]],
  ];
  it.each(cases)('%s', (_name, sql, expected) => {
    expect(meaningful(sql)).toEqual(expected);
  });

  const comments: [string, string, string[]][] = [
    ['line comment stops before the newline', "-- delta_scan('x')\nselect", ["-- delta_scan('x')", '\n', 'select']],
    ['line comment at end of input', 'a -- b', ['a', ' ', '-- b']],
    ['line comment ended by \\r', 'a--b\rc', ['a', '--b', '\r', 'c']],
    ['nested block comments', "/* a /* delta_scan('x') */ 'b */ c", ["/* a /* delta_scan('x') */ 'b */", ' ', 'c']],
    ['quote inside a comment', "/* it's */x", ["/* it's */", 'x']],
    ['comment markers inside a string', "'-- /*'", ["'-- /*'"]],
  ];
  it.each(comments)('%s', (_name, sql, texts) => {
    expect(tokenize(sql).map((t) => t.text)).toEqual(texts);
  });

  it('covers the input without gaps and with exact offsets', () => {
    const sql = "SELECT \"x\", E'\\'' , $t$;$t$ /* c */ FROM delta.`/é/😀` -- end\n;";
    const tokens = tokenize(sql);
    expect(tokens.map((t) => t.text).join('')).toBe(sql);
    let pos = 0;
    for (const t of tokens) {
      expect(t.start).toBe(pos);
      expect(sql.slice(t.start, t.end)).toBe(t.text);
      pos = t.end;
    }
    expect(pos).toBe(sql.length);
  });

  it('returns no tokens for empty input', () => {
    expect(tokenize('')).toEqual([]);
  });

  const unterminated: [string, string, string][] = [
    ['string', "select 'abc", 'sql: unterminated string literal starting at line 1 column 8'],
    ['string with doubled quote at end', "select 'it''", 'sql: unterminated string literal starting at line 1 column 8'],
    ['E-string ending in an escaped quote', "x E'a\\'", 'sql: unterminated string literal starting at line 1 column 3'],
    ['dollar string', 'select\n  $q$ body $$', 'sql: unterminated string literal starting at line 2 column 3'],
    ['block comment', 'a /* b /* c */', 'sql: unterminated block comment starting at line 1 column 3'],
    ['quoted identifier', 'select "ab', 'sql: unterminated quoted identifier starting at line 1 column 8'],
    ['backtick identifier', 'x\r\ny\rdelta.`/tmp', 'sql: unterminated backtick identifier starting at line 3 column 7'],
    ['after unicode on the same line', "'é😀' 'x", 'sql: unterminated string literal starting at line 1 column 6'],
  ];
  it.each(unterminated)('rejects an unterminated %s', (_name, sql, message) => {
    let caught: unknown;
    try {
      tokenize(sql);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LochError);
    expect((caught as LochError).code).toBe('INVALID_ARGUMENT');
    expect((caught as LochError).message).toBe(message);
  });
});

describe('tokenizePartial', () => {
  it('returns the tokens before an unterminated construct and where it starts', () => {
    const result = tokenizePartial("select 1; select 'a;");
    expect(result.unterminated).toEqual({ construct: 'string literal', start: 17 });
    expect(result.tokens.map((t) => t.text).join('')).toBe('select 1; select ');
  });

  it('reports nothing unterminated for complete input', () => {
    expect(tokenizePartial('select 1').unterminated).toBeUndefined();
  });
});
