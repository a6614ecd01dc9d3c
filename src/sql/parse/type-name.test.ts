import { describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { decimal, field, primitive, type DataType } from '../../expr/types.js';
import { tokenize } from './lexer.js';
import { TokenCursor } from './token-cursor.js';
import { isTypeNameError, parseTypeName, parseTypeText } from './type-name.js';

const array = (element: DataType): DataType => ({ kind: 'array', element, containsNull: true });
const map = (key: DataType, value: DataType): DataType => ({ kind: 'map', key, value, valueContainsNull: true });
const int = primitive('integer');
const str = primitive('string');

function failure(run: () => unknown): LochError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LochError);
    expect((error as LochError).code).toBe('INVALID_ARGUMENT');
    return error as LochError;
  }
  throw new Error('expected a failure');
}

describe('parseTypeText', () => {
  const primitives: [string, DataType][] = [
    ['STRING', str], ['varchar', str], ['VARCHAR(10)', str], ['Char(3)', str], ['TEXT', str],
    ['character varying(5)', str], ['CHARACTER', str],
    ['BIGINT', primitive('long')], ['long', primitive('long')], ['INT8', primitive('long')],
    ['INT', int], ['integer', int], ['int4', int], ['SIGNED', int],
    ['SMALLINT', primitive('short')], ['short', primitive('short')], ['INT2', primitive('short')],
    ['TINYINT', primitive('byte')], ['BYTE', primitive('byte')], ['int1', primitive('byte')],
    ['BOOLEAN', primitive('boolean')], ['bool', primitive('boolean')],
    ['FLOAT', primitive('float')], ['REAL', primitive('float')], ['FLOAT4', primitive('float')],
    ['DOUBLE', primitive('double')], ['FLOAT8', primitive('double')], ['double  precision', primitive('double')],
    ['DATE', primitive('date')],
    ['TIMESTAMP', primitive('timestamp')], ['timestamp_ltz', primitive('timestamp')], ['TIMESTAMPTZ', primitive('timestamp')],
    ['TIMESTAMP WITH TIME ZONE', primitive('timestamp')],
    ['TIMESTAMP_NTZ', primitive('timestamp_ntz')], ['timestamp without time zone', primitive('timestamp_ntz')],
    ['DATETIME', primitive('timestamp_ntz')],
    ['BINARY', primitive('binary')], ['BLOB', primitive('binary')], ['bytea', primitive('binary')], ['VARBINARY', primitive('binary')],
  ];
  it.each(primitives)('%s', (text, expected) => {
    expect(parseTypeText(text)).toEqual(expected);
  });

  const decimals: [string, DataType][] = [
    ['DECIMAL', decimal(10, 0)],
    ['decimal(5)', decimal(5, 0)],
    ['DECIMAL(10,2)', decimal(10, 2)],
    ['DECIMAL ( 38 , 38 )', decimal(38, 38)],
    ['DEC(4, 1)', decimal(4, 1)],
    ['NUMERIC', decimal(10, 0)],
    ['numeric(1,0)', decimal(1, 0)],
  ];
  it.each(decimals)('%s', (text, expected) => {
    expect(parseTypeText(text)).toEqual(expected);
  });

  const nested: [string, string, DataType][] = [
    ['Spark array', 'ARRAY<INT>', array(int)],
    ['DuckDB array', 'INTEGER[]', array(int)],
    ['DuckDB array of arrays', 'VARCHAR[][]', array(array(str))],
    ['nested generics closing with >>', 'ARRAY<ARRAY<INT>>', array(array(int))],
    ['three closers in one token', 'ARRAY<ARRAY<ARRAY<STRING>>>', array(array(array(str)))],
    ['spaced closers', 'array < array < int > >', array(array(int))],
    ['Spark map', 'MAP<STRING, BIGINT>', map(str, primitive('long'))],
    ['map of arrays closing with >>', 'MAP<STRING,ARRAY<INT>>', map(str, array(int))],
    ['DuckDB map', 'MAP(VARCHAR, INTEGER[])', map(str, array(int))],
    ['array of DuckDB maps', 'MAP(INT, INT)[]', array(map(int, int))],
    ['Spark struct with colons', 'STRUCT<a: INT, b: STRING>', { kind: 'struct', fields: [field('a', int), field('b', str)] }],
    ['Spark struct without colons', 'struct<a int,b string>', { kind: 'struct', fields: [field('a', int), field('b', str)] }],
    ['empty struct', 'STRUCT<>', { kind: 'struct', fields: [] }],
    ['empty struct spaced', 'STRUCT< >', { kind: 'struct', fields: [] }],
    ['array of empty struct (<>> is one token)', 'ARRAY<STRUCT<>>', array({ kind: 'struct', fields: [] })],
    ['DuckDB struct', 'STRUCT(a INT, "b c" VARCHAR)', { kind: 'struct', fields: [field('a', int), field('b c', str)] }],
    [
      'struct field options',
      "STRUCT<a: INT NOT NULL COMMENT 'the a', b STRING COMMENT 'x' NOT NULL, c DATE>",
      {
        kind: 'struct',
        fields: [
          field('a', int, false, { metadata: { comment: 'the a' } }),
          field('b', str, false, { metadata: { comment: 'x' } }),
          field('c', primitive('date')),
        ],
      },
    ],
    ['quoted field names', 'STRUCT<`a b`: INT, `x``y`: INT>', { kind: 'struct', fields: [field('a b', int), field('x`y', int)] }],
    ['keywords as field names', 'STRUCT<from: INT, select STRING>', { kind: 'struct', fields: [field('from', int), field('select', str)] }],
    [
      'deep nesting',
      'MAP<STRING, STRUCT<a: ARRAY<MAP<INT, DECIMAL(5,2)>>, b: STRUCT<c: BOOLEAN>>>',
      map(str, {
        kind: 'struct',
        fields: [
          field('a', array(map(int, decimal(5, 2)))),
          field('b', { kind: 'struct', fields: [field('c', primitive('boolean'))] }),
        ],
      }),
    ],
    ['comments inside', 'ARRAY /* elements */ < -- int\n INT >', array(int)],
    ['struct array postfix', 'STRUCT(a INT)[]', array({ kind: 'struct', fields: [field('a', int)] })],
    ['Spark array postfixed', 'ARRAY<INT>[]', array(array(int))],
  ];
  it.each(nested)('%s', (_name, text, expected) => {
    expect(parseTypeText(text)).toEqual(expected);
  });

  const errors: [string, string, string][] = [
    ['empty text', '', 'sql: expects a type at line 1 column 1'],
    ['a number', '42', 'sql: expects a type at line 1 column 1'],
    ['unknown name', 'INTEGR', 'sql: unknown type INTEGR at line 1 column 1'],
    ['INTERVAL', 'interval', 'sql: type INTERVAL is not supported in Delta tables at line 1 column 1'],
    ['VARIANT', 'VARIANT', 'sql: type VARIANT is not supported in Delta tables at line 1 column 1'],
    ['UUID in an array', 'ARRAY<uuid>', 'sql: type UUID is not supported in Delta tables at line 1 column 7'],
    ['HUGEINT', 'HUGEINT', 'sql: type HUGEINT is not supported in Delta tables at line 1 column 1'],
    ['JSON on line 2', 'STRUCT<a INT,\n  j JSON>', 'sql: type JSON is not supported in Delta tables at line 2 column 5'],
    ['TIME', 'TIME', 'sql: type TIME is not supported in Delta tables at line 1 column 1'],
    ['precision 0', 'DECIMAL(0)', 'sql: DECIMAL precision 0 is out of range (1 to 38) at line 1 column 9'],
    ['precision 39', 'decimal(39, 2)', 'sql: DECIMAL precision 39 is out of range (1 to 38) at line 1 column 9'],
    ['scale above precision', 'DECIMAL(5,6)', 'sql: DECIMAL scale 6 is out of range (0 to the precision 5) at line 1 column 11'],
    ['negative scale', 'NUMERIC(5,-1)', 'sql: NUMERIC scale expects a non-negative integer at line 1 column 11'],
    ['scale not a number', "DECIMAL(5,'x')", 'sql: DECIMAL scale expects an integer at line 1 column 11'],
    ['unclosed decimal', 'DECIMAL(5,2', "sql: DECIMAL(precision, scale) expects ')' at line 1 column 12"],
    ['varchar length 0', 'VARCHAR(0)', 'sql: VARCHAR length must be at least 1 at line 1 column 9'],
    ['array without <', 'ARRAY INT', "sql: ARRAY expects '<' at line 1 column 7"],
    ['array not closed', 'ARRAY<INT', "sql: ARRAY expects '>' at line 1 column 10"],
    ['extra closer inside one token', 'ARRAY<INT>>', 'sql: unexpected > at line 1 column 11'],
    ['extra closer token', 'ARRAY<INT> >', 'sql: unexpected > after the type at line 1 column 12'],
    ['map with one type', 'MAP<STRING>', "sql: MAP expects ',' between the key and value types at line 1 column 11"],
    ['DuckDB map unclosed', 'MAP(INT, INT', "sql: MAP(key, value) expects ')' at line 1 column 13"],
    ['struct missing comma', 'STRUCT<a INT b INT>', "sql: STRUCT expects ',' or '>' after a field at line 1 column 14"],
    ['struct trailing comma', 'STRUCT<a INT,>', 'sql: STRUCT expects a field name at line 1 column 14'],
    ['struct duplicate field', 'STRUCT<a INT, A STRING>', 'sql: STRUCT has two fields named A at line 1 column 15'],
    ['struct field without type', 'STRUCT<a>', 'sql: expects a type at line 1 column 9'],
    ['fixed-size array', 'INT[3]', 'sql: fixed-size arrays (T[n]) are not supported in Delta tables; use T[] at line 1 column 5'],
    ['unclosed []', 'INT[', "sql: array type expects ']' at line 1 column 5"],
    ['trailing words', 'INT NOT NULL', 'sql: unexpected NOT after the type at line 1 column 5'],
    ['field comment not a string', 'STRUCT<a INT COMMENT 5>', 'sql: STRUCT field COMMENT expects a string literal at line 1 column 22'],
  ];
  it.each(errors)('rejects %s', (_name, text, message) => {
    expect(failure(() => parseTypeText(text)).message).toBe(message);
  });

  it('marks type-name failures with context.typeName, and only those', () => {
    const unsupported = failure(() => parseTypeText('interval'));
    expect(unsupported.context).toMatchObject({ typeName: 'INTERVAL', line: 1, column: 1 });
    expect(isTypeNameError(unsupported)).toBe(true);
    expect(isTypeNameError(failure(() => parseTypeText('Integr')))).toBe(true);
    expect(failure(() => parseTypeText('Integr')).context['typeName']).toBe('Integr');
    expect(isTypeNameError(failure(() => parseTypeText('DECIMAL(40)')))).toBe(false);
    expect(isTypeNameError(new Error('x'))).toBe(false);
  });
});

describe('parseTypeName', () => {
  it('stops after the type and leaves the cursor on the next token', () => {
    const sql = 'MAP<STRING, ARRAY<INT>> NOT NULL';
    const cursor = new TokenCursor(sql, tokenize(sql));
    expect(parseTypeName(cursor)).toEqual(map(str, array(int)));
    expect(cursor.peek()?.text).toBe('NOT');
  });

  it('stops before a comma after nested generics', () => {
    const sql = 'ARRAY<ARRAY<INT>>, b';
    const cursor = new TokenCursor(sql, tokenize(sql));
    expect(parseTypeName(cursor)).toEqual(array(array(int)));
    expect(cursor.peek()?.text).toBe(',');
  });

  it('reports positions relative to the whole text', () => {
    const sql = 'CREATE x (a\n  INTERVAL)';
    const cursor = new TokenCursor(sql, tokenize(sql));
    cursor.next();
    cursor.next();
    cursor.next();
    cursor.next();
    expect(failure(() => parseTypeName(cursor)).message).toBe('sql: type INTERVAL is not supported in Delta tables at line 2 column 3');
  });
});
