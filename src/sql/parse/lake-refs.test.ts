import { describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { findLakeRefs, replaceSpans, type LakeRef } from './lake-refs.js';

/** Each ref with its span shown as the text it covers, so tables read like the SQL. */
function found(sql: string): Record<string, unknown>[] {
  return findLakeRefs(sql).map(({ start, end, ...rest }: LakeRef) => ({ ...rest, span: sql.slice(start, end) }));
}

function errorOf(run: () => unknown): LochError {
  try {
    run();
  } catch (error) {
    if (error instanceof LochError) return error;
    throw error;
  }
  throw new Error('expected a LochError');
}

describe('findLakeRefs: delta.`path`', () => {
  const cases: [string, string, Record<string, unknown>[]][] = [
    ['simple', 'SELECT * FROM delta.`/tmp/t`', [{ kind: 'delta', path: '/tmp/t', span: 'delta.`/tmp/t`' }]],
    ['upper-case keyword', 'select * from DELTA.`s3://b/t`', [{ kind: 'delta', path: 's3://b/t', span: 'DELTA.`s3://b/t`' }]],
    ['doubled backtick in the path', 'select * from delta.`/tmp/a``b`', [{ kind: 'delta', path: '/tmp/a`b', span: 'delta.`/tmp/a``b`' }]],
    ['unicode path', 'select * from delta.`/données/été 😀`', [{ kind: 'delta', path: '/données/été 😀', span: 'delta.`/données/été 😀`' }]],
    ['quote inside the path', "select * from delta.`/it's`", [{ kind: 'delta', path: "/it's", span: "delta.`/it's`" }]],
    ['AS alias is outside the span', 'select * from delta.`/p` AS t', [{ kind: 'delta', path: '/p', span: 'delta.`/p`' }]],
    ['bare alias is outside the span', 'select * from delta.`/p` t where t.x = 1', [{ kind: 'delta', path: '/p', span: 'delta.`/p`' }]],
    ['VERSION AS OF then alias', 'select * from delta.`/p` VERSION AS OF 3 t', [{ kind: 'delta', path: '/p', version: 3, span: 'delta.`/p` VERSION AS OF 3' }]],
    ['lower-case time travel', 'select * from delta.`/p` version as of 0', [{ kind: 'delta', path: '/p', version: 0, span: 'delta.`/p` version as of 0' }]],
    ['TIMESTAMP AS OF then AS alias', "select * from delta.`/p` TIMESTAMP AS OF '2024-01-02 03:04:05' AS t", [
      { kind: 'delta', path: '/p', timestamp: '2024-01-02 03:04:05', span: "delta.`/p` TIMESTAMP AS OF '2024-01-02 03:04:05'" },
    ]],
    ['time travel across lines and comments', 'from delta.`/p`\n  VERSION /* v */ AS\n OF -- c\n 12\nx', [
      { kind: 'delta', path: '/p', version: 12, span: 'delta.`/p`\n  VERSION /* v */ AS\n OF -- c\n 12' },
    ]],
    ['an alias named version is not time travel', 'select version.x from delta.`/p` version', [{ kind: 'delta', path: '/p', span: 'delta.`/p`' }]],
    ['typed timestamp literal', "from delta.`/p` TIMESTAMP AS OF TIMESTAMP '2024-01-01 00:00:00' t", [
      { kind: 'delta', path: '/p', timestamp: '2024-01-01 00:00:00', span: "delta.`/p` TIMESTAMP AS OF TIMESTAMP '2024-01-01 00:00:00'" },
    ]],
    ['typed date literal', "from delta.`/p` timestamp as of date '2024-01-01'", [
      { kind: 'delta', path: '/p', timestamp: '2024-01-01', span: "delta.`/p` timestamp as of date '2024-01-01'" },
    ]],
    ['whitespace around the dot', 'from delta . `/p`', [{ kind: 'delta', path: '/p', span: 'delta . `/p`' }]],
    ['big version', 'from delta.`/p` VERSION AS OF 9007199254740991', [
      { kind: 'delta', path: '/p', version: 9007199254740991, span: 'delta.`/p` VERSION AS OF 9007199254740991' },
    ]],
  ];
  it.each(cases)('%s', (_name, sql, expected) => {
    expect(found(sql)).toEqual(expected);
  });
});

describe('findLakeRefs: delta_scan', () => {
  const cases: [string, string, Record<string, unknown>[]][] = [
    ['path only', "select * from delta_scan('/p')", [{ kind: 'delta', path: '/p', span: "delta_scan('/p')" }]],
    ['case-insensitive, spaced', "select * from Delta_Scan ( '/p' ) t", [{ kind: 'delta', path: '/p', span: "Delta_Scan ( '/p' )" }]],
    ['escaped quote in path', "from delta_scan('/it''s')", [{ kind: 'delta', path: "/it's", span: "delta_scan('/it''s')" }]],
    ['E-string path', "from delta_scan(E'/a\\'b')", [{ kind: 'delta', path: "/a'b", span: "delta_scan(E'/a\\'b')" }]],
    ['dollar-quoted path', 'from delta_scan($$/a\'b$$)', [{ kind: 'delta', path: "/a'b", span: "delta_scan($$/a'b$$)" }]],
    ['version argument', "from delta_scan('/p', version => 7) AS t", [{ kind: 'delta', path: '/p', version: 7, span: "delta_scan('/p', version => 7)" }]],
    ['version with :=', "from delta_scan('/p', VERSION := 7)", [{ kind: 'delta', path: '/p', version: 7, span: "delta_scan('/p', VERSION := 7)" }]],
    ['timestamp argument', "from delta_scan('/p', timestamp => '2024-01-01')", [
      { kind: 'delta', path: '/p', timestamp: '2024-01-01', span: "delta_scan('/p', timestamp => '2024-01-01')" },
    ]],
    ['VERSION AS OF after the call', "from delta_scan('/p') VERSION AS OF 2 x", [{ kind: 'delta', path: '/p', version: 2, span: "delta_scan('/p') VERSION AS OF 2" }]],
    ['column alias list after the call', "from delta_scan('/p') AS t(a, b)", [{ kind: 'delta', path: '/p', span: "delta_scan('/p')" }]],
  ];
  it.each(cases)('%s', (_name, sql, expected) => {
    expect(found(sql)).toEqual(expected);
  });
});

describe('findLakeRefs: table_changes', () => {
  const cases: [string, string, Record<string, unknown>[]][] = [
    ['start version', "select * from table_changes('/p', 2)", [{ kind: 'table_changes', path: '/p', startVersion: 2, span: "table_changes('/p', 2)" }]],
    ['start and end versions', "from table_changes('/p', 2, 5) c", [
      { kind: 'table_changes', path: '/p', startVersion: 2, endVersion: 5, span: "table_changes('/p', 2, 5)" },
    ]],
    ['timestamps', "from TABLE_CHANGES('/p', '2024-01-01', '2024-02-01')", [
      { kind: 'table_changes', path: '/p', startTimestamp: '2024-01-01', endTimestamp: '2024-02-01', span: "TABLE_CHANGES('/p', '2024-01-01', '2024-02-01')" },
    ]],
    ['version start, timestamp end', "from table_changes('/p', 0, '2024-02-01')", [
      { kind: 'table_changes', path: '/p', startVersion: 0, endTimestamp: '2024-02-01', span: "table_changes('/p', 0, '2024-02-01')" },
    ]],
  ];
  it.each(cases)('%s', (_name, sql, expected) => {
    expect(found(sql)).toEqual(expected);
  });
});

describe('findLakeRefs: what is not a reference', () => {
  const cases: [string, string][] = [
    ['a table named delta', 'select * from delta'],
    ['a column delta', 'select delta, delta.x from delta'],
    ['delta qualified by a quoted identifier', 'select delta."x" from t'],
    ['a column named delta_scan', 'select delta_scan from t where delta_scan > 1'],
    ['a column named table_changes', 'select table_changes, x.table_changes from x'],
    ['reference inside a string', "select 'delta.`/x`', 'delta_scan(''/y'')'"],
    ['reference inside an E-string', "select E'\\' delta.`/x`'"],
    ['reference inside a dollar string', "select $$ delta_scan('/x') $$, $t$ table_changes('/y', 1) $t$"],
    ['reference inside a line comment', "select 1 -- from delta_scan('/x')\n"],
    ['reference inside nested block comments', "select /* a /* delta_scan('/x') */ delta.`/y` */ 1"],
    ['reference inside a quoted identifier', 'select "delta.`/x`" from t'],
    ['qualified function', "select * from main.delta_scan('/x')"],
    ['qualified delta', 'select * from s.delta.`/x`'],
    ['delta in a backtick identifier itself', 'select `delta`.`/x`'],
  ];
  it.each(cases)('%s', (_name, sql) => {
    expect(findLakeRefs(sql)).toEqual([]);
  });
});

describe('findLakeRefs: several references', () => {
  it('finds refs in joins, subqueries, CTEs and UNION, in order, with exact spans', () => {
    const sql = [
      "WITH h AS (SELECT * FROM delta_scan('/h', version => 1))",
      'SELECT * FROM delta.`/a` VERSION AS OF 3 a',
      'JOIN (SELECT * FROM delta.`/b` b2) b ON a.id = b.id',
      "JOIN h ON TRUE WHERE a.x IN (SELECT x FROM table_changes('/c', 4))",
      "UNION ALL SELECT * FROM delta.`/d` TIMESTAMP AS OF '2024-05-01' -- delta.`/not`",
    ].join('\n');
    expect(found(sql)).toEqual([
      { kind: 'delta', path: '/h', version: 1, span: "delta_scan('/h', version => 1)" },
      { kind: 'delta', path: '/a', version: 3, span: 'delta.`/a` VERSION AS OF 3' },
      { kind: 'delta', path: '/b', span: 'delta.`/b`' },
      { kind: 'table_changes', path: '/c', startVersion: 4, span: "table_changes('/c', 4)" },
      { kind: 'delta', path: '/d', timestamp: '2024-05-01', span: "delta.`/d` TIMESTAMP AS OF '2024-05-01'" },
    ]);
  });

  it('gives UTF-16 offsets that slice the original text', () => {
    const sql = "select '😀', x from delta.`/é` join delta_scan('/ü') on true";
    const refs = findLakeRefs(sql);
    expect(refs.map((r) => sql.slice(r.start, r.end))).toEqual(['delta.`/é`', "delta_scan('/ü')"]);
    expect(refs[0]?.start).toBe(sql.indexOf('delta.'));
  });
});

describe('findLakeRefs: malformed references', () => {
  const cases: [string, string, string][] = [
    ['string version', "select * from delta.`/p` VERSION AS OF 'x'", 'sql: VERSION AS OF expects an integer at line 1 column 40'],
    ['negative version', 'select * from delta.`/p` VERSION AS OF -1', 'sql: VERSION AS OF expects a non-negative integer at line 1 column 40'],
    ['fractional version', 'select * from delta.`/p` VERSION AS OF 1.5', 'sql: VERSION AS OF expects an integer at line 1 column 40'],
    ['missing version', 'select * from delta.`/p` VERSION AS OF', 'sql: VERSION AS OF expects an integer at line 1 column 39'],
    ['version too big', 'from delta.`/p` VERSION AS OF 9007199254740992', 'sql: VERSION AS OF 9007199254740992 is too large (at most 9007199254740991) at line 1 column 31'],
    ['timestamp not a string', 'from delta.`/p`\nTIMESTAMP AS OF now()', 'sql: TIMESTAMP AS OF expects a string literal at line 2 column 17'],
    ['empty delta path', 'from delta.``', 'sql: delta.`<path>` expects a non-empty path at line 1 column 12'],
    ['delta_scan of a number', 'select * from delta_scan(42)', 'sql: delta_scan expects a path string as its first argument at line 1 column 26'],
    ['delta_scan without arguments', 'select * from delta_scan()', 'sql: delta_scan expects a path string as its first argument at line 1 column 26'],
    ['delta_scan of an identifier', 'select * from delta_scan(t)', 'sql: delta_scan expects a path string as its first argument at line 1 column 26'],
    ['delta_scan empty path', "from delta_scan('')", 'sql: delta_scan expects a non-empty path at line 1 column 17'],
    ['delta_scan unclosed', "from delta_scan('/p' x", "sql: delta_scan expects ')' at line 1 column 22"],
    ['delta_scan unclosed at end', "from delta_scan('/p'", "sql: delta_scan expects ')' at line 1 column 21"],
    ['delta_scan positional second argument', "from delta_scan('/p', 3)", "sql: delta_scan expects a named argument (version => <integer> or timestamp => '<string>') at line 1 column 23"],
    ['delta_scan unknown argument', "from delta_scan('/p', mode => 3)", 'sql: delta_scan does not accept argument mode (expected version or timestamp) at line 1 column 23'],
    ['delta_scan string version', "from delta_scan('/p', version => '3')", 'sql: delta_scan version expects an integer at line 1 column 34'],
    ['delta_scan negative version', "from delta_scan('/p', version => -3)", 'sql: delta_scan version expects a non-negative integer at line 1 column 34'],
    ['delta_scan numeric timestamp', "from delta_scan('/p', timestamp => 3)", 'sql: delta_scan timestamp expects a string literal at line 1 column 36'],
    ['version and timestamp', "from delta_scan('/p', version => 1, timestamp => 'x')", 'sql: a table reference takes one version or timestamp, not two at line 1 column 37'],
    ['argument and AS OF clause', "from delta_scan('/p', version => 1) VERSION AS OF 2", 'sql: a table reference takes one version or timestamp, not two at line 1 column 37'],
    ['table_changes without start', "from table_changes('/p')", 'sql: table_changes expects a start version or timestamp after the path at line 1 column 24'],
    ['table_changes of a number', 'from table_changes(1, 2)', 'sql: table_changes expects a path string as its first argument at line 1 column 20'],
    ['table_changes negative start', "from table_changes('/p', -2)", 'sql: table_changes start version expects a non-negative integer at line 1 column 26'],
    ['table_changes bad start', "from table_changes('/p', x)", 'sql: table_changes expects a start version (integer) or timestamp (string) at line 1 column 26'],
    ['table_changes bad end', "from table_changes('/p', 1, true)", 'sql: table_changes expects an end version (integer) or timestamp (string) at line 1 column 29'],
    ['table_changes end before start', "from table_changes('/p', 5, 2)", 'sql: table_changes end version 2 is before start version 5 at line 1 column 29'],
    ['table_changes extra argument', "from table_changes('/p', 1, 2, 3)", "sql: table_changes expects ')' at line 1 column 30"],
    ['error on a later line with unicode before it', "select 'é'\nfrom delta.`/p`\nVERSION AS OF x", 'sql: VERSION AS OF expects an integer at line 3 column 15'],
    ['unterminated string in the query', "select * from delta.`/p` where x = 'a", 'sql: unterminated string literal starting at line 1 column 36'],
  ];
  it.each(cases)('%s', (_name, sql, message) => {
    const error = errorOf(() => findLakeRefs(sql));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe(message);
    expect(error.context).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
  });
});

describe('replaceSpans', () => {
  it('replaces the spans of found refs, leaving aliases and strings alone', () => {
    const sql = "select 'delta.`/x`' from delta.`/a` VERSION AS OF 3 t join delta_scan('/b') u on true";
    const replaced = replaceSpans(sql, findLakeRefs(sql).map((r, i) => ({ start: r.start, end: r.end, text: `(SELECT ${i})` })));
    expect(replaced).toBe("select 'delta.`/x`' from (SELECT 0) t join (SELECT 1) u on true");
  });

  const cases: [string, string, { start: number; end: number; text: string }[], string][] = [
    ['no replacements', 'abc', [], 'abc'],
    ['out of order', 'abcdef', [{ start: 4, end: 6, text: 'Y' }, { start: 0, end: 1, text: 'X' }], 'XbcdY'],
    ['adjacent spans', 'abcd', [{ start: 0, end: 2, text: '1' }, { start: 2, end: 4, text: '2' }], '12'],
    ['empty span inserts', 'ab', [{ start: 1, end: 1, text: '-' }], 'a-b'],
    ['whole text', 'ab', [{ start: 0, end: 2, text: '' }], ''],
  ];
  it.each(cases)('%s', (_name, sql, replacements, expected) => {
    expect(replaceSpans(sql, replacements)).toBe(expected);
  });

  it('rejects overlapping spans', () => {
    const error = errorOf(() => replaceSpans('abcdef', [{ start: 0, end: 3, text: '' }, { start: 2, end: 4, text: '' }]));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe('sql: replacement span [2, 4) overlaps the one ending at 3');
  });

  it.each([
    [{ start: -1, end: 1, text: '' }],
    [{ start: 2, end: 1, text: '' }],
    [{ start: 0, end: 7, text: '' }],
    [{ start: 0.5, end: 1, text: '' }],
  ])('rejects a span outside the text: %o', (span) => {
    const error = errorOf(() => replaceSpans('abcdef', [span]));
    expect(error.message).toMatch(/^sql: replacement span .* is not within the text of length 6$/);
  });
});
