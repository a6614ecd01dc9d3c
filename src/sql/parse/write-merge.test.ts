import { describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { parseWriteStatement, type MergeClause, type MergeStatement, type TableRef } from './write-statements.js';

const delta = (path: string): TableRef => ({ kind: 'path', format: 'delta', path });
const T = delta('/t');
const HEAD = 'MERGE INTO delta.`/t` t USING s ON t.id = s.id';

function parseFailure(sql: string): LochError {
  try {
    parseWriteStatement(sql);
  } catch (error) {
    expect(error).toBeInstanceOf(LochError);
    expect((error as LochError).code).toBe('INVALID_ARGUMENT');
    return error as LochError;
  }
  throw new Error(`expected ${sql} to fail`);
}

/** A MERGE into delta.`/t` AS t from s ON t.id = s.id, with the given clauses. */
const merge = (clauses: MergeClause[], extra: Partial<MergeStatement> = {}): MergeStatement => ({
  kind: 'merge',
  target: T,
  targetAlias: 't',
  sourceSql: 's',
  onSql: 't.id = s.id',
  clauses,
  withSchemaEvolution: false,
  ...extra,
});
const set = (...pairs: [string[], string][]) => pairs.map(([path, valueSql]) => ({ path, valueSql }));
const DELETE = { kind: 'delete' } as const;

describe('parseWriteStatement: MERGE heads', () => {
  const del: MergeClause[] = [{ when: 'matched', action: DELETE }];
  const cases: [string, string, MergeStatement][] = [
    ['aliases without AS', `${HEAD} WHEN MATCHED THEN DELETE`, merge(del)],
    ['aliases with AS, lower case, semicolon', 'merge into delta.`/t` as t using s as src on t.id = src.id when matched then delete;', merge(del, { sourceAlias: 'src', onSql: 't.id = src.id' })],
    ['no aliases', 'MERGE INTO delta.`/t` USING delta.`/s` ON id = id2 WHEN MATCHED THEN DELETE', { kind: 'merge', target: T, sourceSql: 'delta.`/s`', onSql: 'id = id2', clauses: del, withSchemaEvolution: false }],
    ['WITH SCHEMA EVOLUTION', 'MERGE WITH SCHEMA EVOLUTION INTO delta.`/t` t USING s ON t.id = s.id WHEN MATCHED THEN DELETE', merge(del, { withSchemaEvolution: true })],
    ['plain-name target', 'MERGE INTO db.tgt USING s ON tgt.id = s.id WHEN MATCHED THEN DELETE', { kind: 'merge', target: { kind: 'name', parts: ['db', 'tgt'] }, sourceSql: 's', onSql: 'tgt.id = s.id', clauses: del, withSchemaEvolution: false }],
    ['source path with alias', 'MERGE INTO delta.`/t` t USING delta.`/s` AS s ON t.id = s.id WHEN MATCHED THEN DELETE', merge(del, { sourceSql: 'delta.`/s`', sourceAlias: 's' })],
    ['parquet source', 'MERGE INTO delta.`/t` t USING parquet.`/p/x.parquet` s ON t.id = s.id WHEN MATCHED THEN DELETE', merge(del, { sourceSql: 'parquet.`/p/x.parquet`', sourceAlias: 's' })],
    ['dotted source', 'MERGE INTO delta.`/t` t USING cat."my schema".src s ON t.id = s.id WHEN MATCHED THEN DELETE', merge(del, { sourceSql: 'cat."my schema".src', sourceAlias: 's' })],
    ['table function source', "MERGE INTO delta.`/t` t USING read_parquet('/d/*.parquet', hive_partitioning = true) s ON t.id = s.id WHEN MATCHED THEN DELETE", merge(del, { sourceSql: "read_parquet('/d/*.parquet', hive_partitioning = true)", sourceAlias: 's' })],
    ['file string source', "MERGE INTO delta.`/t` t USING '/d/x.csv' s ON t.id = s.id WHEN MATCHED THEN DELETE", merge(del, { sourceSql: "'/d/x.csv'", sourceAlias: 's' })],
    ['time-travelled source', 'MERGE INTO delta.`/t` t USING delta.`/s` VERSION AS OF 4 s ON t.id = s.id WHEN MATCHED THEN DELETE', merge(del, { sourceSql: 'delta.`/s` VERSION AS OF 4', sourceAlias: 's' })],
    ['source at a timestamp', "MERGE INTO delta.`/t` t USING delta.`/s` TIMESTAMP AS OF TIMESTAMP '2024-01-01' AS s ON t.id = s.id WHEN MATCHED THEN DELETE", merge(del, { sourceSql: "delta.`/s` TIMESTAMP AS OF TIMESTAMP '2024-01-01'", sourceAlias: 's' })],
    [
      'query source with nested parentheses and keywords in strings',
      "MERGE INTO delta.`/t` t USING (SELECT id, (a + (b)) AS v FROM x WHERE note <> 'WHEN MATCHED THEN' /* ON */) AS s ON t.id = s.id WHEN MATCHED THEN DELETE",
      merge(del, { sourceSql: "(SELECT id, (a + (b)) AS v FROM x WHERE note <> 'WHEN MATCHED THEN' /* ON */)", sourceAlias: 's' }),
    ],
    ['VALUES source', 'MERGE INTO delta.`/t` t USING (VALUES (1, 2)) s ON t.id = s.col0 WHEN MATCHED THEN DELETE', merge(del, { sourceSql: '(VALUES (1, 2))', sourceAlias: 's', onSql: 't.id = s.col0' })],
    [
      'ON condition with CASE and parentheses',
      `MERGE INTO delta.\`/t\` t USING s ON (t.id = s.id) AND CASE WHEN s.k = 'WHEN' THEN t.a ELSE t.b END = s.v WHEN MATCHED THEN DELETE`,
      merge(del, { onSql: "(t.id = s.id) AND CASE WHEN s.k = 'WHEN' THEN t.a ELSE t.b END = s.v" }),
    ],
    ['comments around the condition', `${HEAD.replace(' ON ', ' ON /* c */ ')} -- x\n WHEN MATCHED THEN DELETE`, merge(del)],
  ];
  it.each(cases)('%s', (_name, sql, expected) => {
    expect(parseWriteStatement(sql)).toEqual(expected);
  });
});

describe('parseWriteStatement: MERGE clauses', () => {
  const cases: [string, string, MergeClause[]][] = [
    ['UPDATE SET *', 'WHEN MATCHED THEN UPDATE SET *', [{ when: 'matched', action: { kind: 'update_all' } }]],
    ['UPDATE SET with target qualifiers dropped', 'WHEN MATCHED THEN UPDATE SET t.v = s.v, w = s.w + 1, t.st.x = 0', [{ when: 'matched', action: { kind: 'update', assignments: set([['v'], 's.v'], [['w'], 's.w + 1'], [['st', 'x'], '0']) } }]],
    ['conditional DELETE then UPDATE', "WHEN MATCHED AND s.op = 'delete' THEN DELETE WHEN MATCHED THEN UPDATE SET *", [
      { when: 'matched', conditionSql: "s.op = 'delete'", action: DELETE },
      { when: 'matched', action: { kind: 'update_all' } },
    ]],
    ['INSERT *', 'WHEN NOT MATCHED THEN INSERT *', [{ when: 'not_matched', action: { kind: 'insert_all' } }]],
    ['INSERT columns VALUES', 'WHEN NOT MATCHED BY TARGET THEN INSERT (id, t.v) VALUES (s.id, coalesce(s.v, 0))', [{ when: 'not_matched', action: { kind: 'insert', columns: ['id', 'v'], valuesSql: ['s.id', 'coalesce(s.v, 0)'] } }]],
    ['INSERT VALUES without columns', 'WHEN NOT MATCHED THEN INSERT VALUES (s.id, DEFAULT)', [{ when: 'not_matched', action: { kind: 'insert', valuesSql: ['s.id', 'DEFAULT'] } }]],
    ['NOT MATCHED BY SOURCE', 'WHEN NOT MATCHED BY SOURCE AND t.v > 0 THEN UPDATE SET v = 0 WHEN NOT MATCHED BY SOURCE THEN DELETE', [
      { when: 'not_matched_by_source', conditionSql: 't.v > 0', action: { kind: 'update', assignments: set([['v'], '0']) } },
      { when: 'not_matched_by_source', action: DELETE },
    ]],
    ['conditions and values with CASE … THEN … END', 'WHEN MATCHED AND CASE WHEN s.a THEN true ELSE false END THEN UPDATE SET v = CASE WHEN s.v > 1 THEN s.v END WHEN NOT MATCHED AND (s.x IN (1, 2)) THEN INSERT (id) VALUES (CASE s.id WHEN 1 THEN 2 END)', [
      { when: 'matched', conditionSql: 'CASE WHEN s.a THEN true ELSE false END', action: { kind: 'update', assignments: set([['v'], 'CASE WHEN s.v > 1 THEN s.v END']) } },
      { when: 'not_matched', conditionSql: '(s.x IN (1, 2))', action: { kind: 'insert', columns: ['id'], valuesSql: ['CASE s.id WHEN 1 THEN 2 END'] } },
    ]],
    ['strings holding WHEN and THEN', "WHEN MATCHED AND s.note = 'THEN WHEN' THEN UPDATE SET note = 'WHEN MATCHED THEN DELETE'", [
      { when: 'matched', conditionSql: "s.note = 'THEN WHEN'", action: { kind: 'update', assignments: set([['note'], "'WHEN MATCHED THEN DELETE'"]) } },
    ]],
    ['every kind, interleaved, in order', 'WHEN NOT MATCHED AND s.a THEN INSERT * WHEN MATCHED THEN DELETE WHEN NOT MATCHED BY SOURCE THEN DELETE WHEN NOT MATCHED THEN INSERT (id) VALUES (s.id)', [
      { when: 'not_matched', conditionSql: 's.a', action: { kind: 'insert_all' } },
      { when: 'matched', action: DELETE },
      { when: 'not_matched_by_source', action: DELETE },
      { when: 'not_matched', action: { kind: 'insert', columns: ['id'], valuesSql: ['s.id'] } },
    ]],
    ['multi-line with comments', "\n  WHEN MATCHED -- upsert\n    AND s.v <> t.v /* changed */ THEN\n    UPDATE SET\n      v = s.v -- new value\n", [
      { when: 'matched', conditionSql: 's.v <> t.v', action: { kind: 'update', assignments: set([['v'], 's.v']) } },
    ]],
  ];
  it.each(cases)('%s', (_name, clauses, expected) => {
    expect(parseWriteStatement(`${HEAD} ${clauses}`)).toEqual(merge(expected));
  });

  it('keeps a source alias named like a non-clause word', () => {
    const parsed = parseWriteStatement('MERGE INTO delta.`/t` AS target USING delta.`/s` source ON target.k = source.k WHEN MATCHED THEN UPDATE SET target.v = source.v');
    expect(parsed).toMatchObject({ targetAlias: 'target', sourceAlias: 'source', clauses: [{ action: { assignments: set([['v'], 'source.v']) } }] });
  });
});

describe('parseWriteStatement: DuckDB-only MERGE on a plain name is left to DuckDB', () => {
  const duckdb: [string, string][] = [
    ['UPDATE without SET', 'MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN UPDATE WHEN NOT MATCHED THEN INSERT'],
    ['UPDATE BY NAME', 'MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN UPDATE BY NAME'],
    ['INSERT without values', 'MERGE INTO t USING s ON t.a = s.a WHEN NOT MATCHED THEN INSERT'],
    ['INSERT BY NAME', 'MERGE INTO t USING s ON t.a = s.a WHEN NOT MATCHED THEN INSERT BY NAME'],
    ['INSERT DEFAULT VALUES', 'MERGE INTO t USING s ON t.a = s.a WHEN NOT MATCHED THEN INSERT DEFAULT VALUES'],
    ['DO NOTHING', 'MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN DO NOTHING'],
    ['ERROR', "MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN ERROR 'dup'"],
    ['INSERT when matched', 'MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN INSERT *'],
    ['USING (columns)', 'MERGE INTO t USING s USING (a) WHEN MATCHED THEN DELETE'],
    ['RETURNING', 'MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN DELETE RETURNING merge_action, *'],
    ['source column aliases', 'MERGE INTO t USING (VALUES (1)) s(a) ON t.a = s.a WHEN MATCHED THEN DELETE'],
  ];
  it.each(duckdb)('%s', (_name, sql) => {
    expect(parseWriteStatement(sql)).toBeUndefined();
  });
});

describe('parseWriteStatement: malformed MERGE', () => {
  const P = 'MERGE INTO delta.`/t` USING s ON a = b'; // 38 characters
  const errors: [string, string, string][] = [
    ['MERGE without INTO', 'MERGE delta.`/t` USING s ON a = b WHEN MATCHED THEN DELETE', 'sql: MERGE expects INTO at line 1 column 7'],
    ['WITH without SCHEMA EVOLUTION', 'MERGE WITH SCHEMA INTO delta.`/t` USING s ON a = b WHEN MATCHED THEN DELETE', 'sql: MERGE WITH expects SCHEMA EVOLUTION at line 1 column 12'],
    ['no target', 'MERGE INTO', 'sql: MERGE INTO expects a table name or delta.`<path>` at line 1 column 11'],
    ['AS without an alias', 'MERGE INTO delta.`/t` AS USING s ON a = b WHEN MATCHED THEN DELETE', 'sql: MERGE INTO expects an alias after AS at line 1 column 26'],
    ['no USING', 'MERGE INTO delta.`/t` t s ON a = b WHEN MATCHED THEN DELETE', 'sql: MERGE INTO <table> expects USING at line 1 column 25'],
    ['no source', 'MERGE INTO delta.`/t` USING', 'sql: MERGE USING expects a table or a parenthesised query at line 1 column 28'],
    ['parenthesised non-query', 'MERGE INTO delta.`/t` USING (s) ON a = b WHEN MATCHED THEN DELETE', 'sql: MERGE USING ( expects a query at line 1 column 30'],
    ['unclosed source query', 'MERGE INTO delta.`/t` USING (SELECT 1 ON a = b WHEN MATCHED THEN DELETE', 'sql: unclosed ( at line 1 column 29'],
    ['unclosed source call', "MERGE INTO delta.`/t` USING read_csv('x' ON a = b WHEN MATCHED THEN DELETE", 'sql: unclosed ( at line 1 column 37'],
    ['bad source version', 'MERGE INTO delta.`/t` USING delta.`/s` VERSION AS OF x ON a = b WHEN MATCHED THEN DELETE', 'sql: MERGE USING … VERSION AS OF expects a version at line 1 column 54'],
    ['no ON', 'MERGE INTO delta.`/t` USING s WHEN MATCHED THEN DELETE', 'sql: MERGE INTO <table> USING <source> expects ON at line 1 column 31'],
    ['empty ON', 'MERGE INTO delta.`/t` USING s ON WHEN MATCHED THEN DELETE', 'sql: MERGE ON expects a condition at line 1 column 34'],
    ['no WHEN clause', P, 'sql: MERGE needs at least one WHEN clause at line 1 column 39'],
    ['two unconditioned MATCHED', `${P} WHEN MATCHED THEN DELETE WHEN MATCHED AND x THEN DELETE`, 'sql: when there are more than one MATCHED clauses in a MERGE statement, only the last MATCHED clause can omit the condition at line 1 column 40'],
    ['unconditioned MATCHED before a later one', `${P} WHEN MATCHED AND x THEN DELETE WHEN MATCHED THEN UPDATE SET * WHEN MATCHED THEN DELETE`, 'sql: when there are more than one MATCHED clauses in a MERGE statement, only the last MATCHED clause can omit the condition at line 1 column 71'],
    ['two unconditioned NOT MATCHED', `${P} WHEN NOT MATCHED THEN INSERT * WHEN NOT MATCHED BY TARGET AND x THEN INSERT *`, 'sql: when there are more than one NOT MATCHED [BY TARGET] clauses in a MERGE statement, only the last NOT MATCHED [BY TARGET] clause can omit the condition at line 1 column 40'],
    ['two unconditioned NOT MATCHED BY SOURCE', `${P} WHEN NOT MATCHED BY SOURCE THEN DELETE WHEN NOT MATCHED BY SOURCE THEN DELETE`, 'sql: when there are more than one NOT MATCHED BY SOURCE clauses in a MERGE statement, only the last NOT MATCHED BY SOURCE clause can omit the condition at line 1 column 40'],
    ['WHEN of something else', `${P} WHEN FOO THEN DELETE`, 'sql: MERGE WHEN expects MATCHED, NOT MATCHED or NOT MATCHED BY SOURCE at line 1 column 45'],
    ['BY of something else', `${P} WHEN NOT MATCHED BY FOO THEN INSERT *`, 'sql: MERGE WHEN NOT MATCHED BY expects TARGET or SOURCE at line 1 column 60'],
    ['AND without a condition', `${P} WHEN MATCHED AND THEN DELETE`, 'sql: MERGE WHEN MATCHED AND expects a condition at line 1 column 57'],
    ['no THEN', `${P} WHEN MATCHED DELETE`, 'sql: MERGE WHEN MATCHED expects THEN at line 1 column 53'],
    ['no THEN after a condition', `${P} WHEN MATCHED AND x DELETE`, 'sql: MERGE WHEN MATCHED AND <condition> expects THEN at line 1 column 65'],
    ['unknown action', `${P} WHEN MATCHED THEN FOO`, 'sql: MERGE WHEN MATCHED THEN expects UPDATE or DELETE at line 1 column 58'],
    ['INSERT when matched on a path', `${P} WHEN MATCHED THEN INSERT *`, 'sql: MERGE WHEN MATCHED THEN expects UPDATE or DELETE at line 1 column 58'],
    ['DELETE when not matched', `${P} WHEN NOT MATCHED THEN DELETE`, 'sql: MERGE WHEN NOT MATCHED THEN expects INSERT at line 1 column 62'],
    ['INSERT when not matched by source', `${P} WHEN NOT MATCHED BY SOURCE THEN INSERT *`, 'sql: MERGE WHEN NOT MATCHED BY SOURCE THEN expects UPDATE or DELETE at line 1 column 72'],
    ['UPDATE SET * by source', `${P} WHEN NOT MATCHED BY SOURCE THEN UPDATE SET *`, 'sql: MERGE WHEN NOT MATCHED BY SOURCE cannot UPDATE SET * (there is no source row) at line 1 column 83'],
    ['UPDATE without SET on a path', `${P} WHEN MATCHED THEN UPDATE`, 'sql: MERGE WHEN MATCHED THEN UPDATE expects SET * or SET <column> = <value> at line 1 column 64'],
    ['UPDATE SET * EXCEPT', `${P} WHEN MATCHED THEN UPDATE SET * EXCEPT (a)`, 'sql: MERGE UPDATE SET * EXCEPT is not supported; list the columns to set at line 1 column 71'],
    ['INSERT * EXCEPT', `${P} WHEN NOT MATCHED THEN INSERT * EXCEPT (a)`, 'sql: MERGE INSERT * EXCEPT is not supported; list the columns to insert at line 1 column 71'],
    ['SET column twice', `${P} WHEN MATCHED THEN UPDATE SET a = 1, A = 2`, 'sql: MERGE WHEN MATCHED THEN UPDATE SET assigns A twice at line 1 column 76'],
    ['SET value missing', `${P} WHEN MATCHED THEN UPDATE SET a = WHEN NOT MATCHED THEN INSERT *`, 'sql: MERGE WHEN MATCHED THEN UPDATE SET expects a value for a at line 1 column 73'],
    ['INSERT without values on a path', `${P} WHEN NOT MATCHED THEN INSERT`, 'sql: MERGE WHEN NOT MATCHED THEN INSERT expects * or (<columns>) VALUES (<values>) at line 1 column 68'],
    ['INSERT columns without VALUES', `${P} WHEN NOT MATCHED THEN INSERT (a)`, 'sql: MERGE WHEN NOT MATCHED THEN INSERT expects * or (<columns>) VALUES (<values>) at line 1 column 72'],
    ['more columns than values', `${P} WHEN NOT MATCHED THEN INSERT (a, b) VALUES (1)`, 'sql: MERGE WHEN NOT MATCHED THEN INSERT lists 2 columns but 1 value at line 1 column 83'],
    ['fewer columns than values', `${P} WHEN NOT MATCHED THEN INSERT (a) VALUES (1, f(2, 3))`, 'sql: MERGE WHEN NOT MATCHED THEN INSERT lists 1 column but 2 values at line 1 column 80'],
    ['INSERT column twice', `${P} WHEN NOT MATCHED THEN INSERT (a, A) VALUES (1, 2)`, 'sql: MERGE WHEN NOT MATCHED THEN INSERT names column A twice at line 1 column 73'],
    ['INSERT of a source column', 'MERGE INTO delta.`/t` t USING s ON a = b WHEN NOT MATCHED THEN INSERT (s.a) VALUES (1)', 'sql: MERGE WHEN NOT MATCHED THEN INSERT expects top-level columns of the target table, not s.a at line 1 column 72'],
    ['empty VALUES', `${P} WHEN NOT MATCHED THEN INSERT (a) VALUES ()`, 'sql: MERGE WHEN NOT MATCHED THEN INSERT VALUES expects a value at line 1 column 81'],
    ['unclosed VALUES', `${P} WHEN NOT MATCHED THEN INSERT (a) VALUES (1`, "sql: MERGE WHEN NOT MATCHED THEN INSERT VALUES expects ')' at line 1 column 82"],
    ['words after the clauses', `${P} WHEN MATCHED THEN DELETE extra`, 'sql: unexpected extra in MERGE at line 1 column 65'],
    ['DO NOTHING on a path', `${P} WHEN MATCHED THEN DO NOTHING`, 'sql: MERGE … THEN DO NOTHING is not supported for Delta tables at line 1 column 58'],
    ['USING (columns) on a path', 'MERGE INTO delta.`/t` USING s USING (a) WHEN MATCHED THEN DELETE', 'sql: MERGE … USING (columns) is not supported for Delta tables; write ON <condition> at line 1 column 31'],
    ['RETURNING on a path', `${P} WHEN MATCHED THEN DELETE RETURNING merge_action`, 'sql: MERGE … RETURNING is not supported for Delta tables at line 1 column 65'],
    ['source column aliases on a path', 'MERGE INTO delta.`/t` USING (VALUES (1)) s(a) ON a = b WHEN MATCHED THEN DELETE', 'sql: MERGE source alias cannot name columns at line 1 column 43'],
    ['error on a later line', 'MERGE INTO delta.`/t` t\nUSING s\nON t.id = s.id\nWHEN MATCHED THEN DELETE\nWHEN MATCHED AND s.x THEN DELETE', 'sql: when there are more than one MATCHED clauses in a MERGE statement, only the last MATCHED clause can omit the condition at line 4 column 1'],
  ];
  it.each(errors)('%s', (_name, sql, message) => {
    expect(parseFailure(sql).message).toBe(message);
  });
});
