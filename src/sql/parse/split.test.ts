import { describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { splitStatements } from './split.js';

describe('splitStatements', () => {
  const cases: [string, string, string[]][] = [
    ['one statement without ;', 'select 1', ['select 1']],
    ['one statement with ;', 'select 1;', ['select 1']],
    ['two statements', 'select 1; select 2;', ['select 1', 'select 2']],
    ['empty statements dropped', ';; select 1 ;;\n; select 2', ['select 1', 'select 2']],
    ['only whitespace and comments', '  -- a\n /* b */ ; ', []],
    ['empty input', '', []],
    ['; inside strings', "select ';', E'\\';', $$;$$, $x$;$x$; select 2", ["select ';', E'\\';', $$;$$, $x$;$x$", 'select 2']],
    ['; inside identifiers', 'select "a;b", `c;d`; select 2', ['select "a;b", `c;d`', 'select 2']],
    ['; inside comments', 'select 1 -- ;\n + 1 /* ; /* ; */ ; */; select 2', ['select 1 -- ;\n + 1', 'select 2']],
    ['surrounding comments trimmed', '/* lead */ select 1 -- trail\n; -- after', ['select 1']],
    ['multi-line statement kept intact', 'select\n  a,\n  b\nfrom t;\n', ['select\n  a,\n  b\nfrom t']],
    ['; inside a delta path', 'select * from delta.`/a;b`; select 2', ['select * from delta.`/a;b`', 'select 2']],
  ];
  it.each(cases)('%s', (_name, sql, texts) => {
    const spans = splitStatements(sql);
    expect(spans.map((s) => s.text)).toEqual(texts);
    for (const s of spans) expect(sql.slice(s.start, s.end)).toBe(s.text);
  });

  it('reports offsets into the script', () => {
    expect(splitStatements('  select 1 ;\n\nselect 2')).toEqual([
      { text: 'select 1', start: 2, end: 10 },
      { text: 'select 2', start: 14, end: 22 },
    ]);
  });

  it('rejects unterminated text with its position', () => {
    expect(() => splitStatements("select 1;\nselect 'x;")).toThrow(LochError);
    expect(() => splitStatements("select 1;\nselect 'x;")).toThrow('sql: unterminated string literal starting at line 2 column 8');
  });
});
