import type { LochError } from '../../core/errors.js';
import { decimal, field, primitive, type DataType, type PrimitiveName, type StructField } from '../../expr/types.js';
import { tokenize, type Token } from './lexer.js';
import { sqlSyntaxError } from './position.js';
import { isPunct, isWord, TokenCursor, wordsAhead } from './token-cursor.js';

/**
 * Reads one SQL type name at the cursor and moves past it. Accepts the Spark/Databricks and the
 * DuckDB spellings, case-insensitively (STRING/VARCHAR(n), BIGINT/INT8, DECIMAL(p,s),
 * TIMESTAMP[_NTZ], ARRAY<T> and T[], MAP<K,V> and MAP(K, V), STRUCT<a: T NOT NULL COMMENT 'c'>
 * and STRUCT(a T)). TIMESTAMP has Databricks' meaning: the zoned `timestamp`; only TIMESTAMP_NTZ
 * and TIMESTAMP WITHOUT TIME ZONE give `timestamp_ntz`. A `>>` token closing nested generics is
 * read as two closers. Array elements and map values are nullable; a struct field's COMMENT goes
 * to its metadata as `comment`.
 *
 * Fails with LochError INVALID_ARGUMENT "sql: <message> at line L column C": "unknown type X" for
 * a name no dialect knows, "type X is not supported in Delta tables" for a real type Delta cannot
 * store (INTERVAL, UUID, HUGEINT, JSON, …); both carry `context.typeName`. Malformed parameters
 * (DECIMAL(39), DECIMAL(5,6), VARCHAR(0)), duplicate struct fields and missing brackets fail too.
 */
export function parseTypeName(cursor: TokenCursor): DataType {
  const reader = new TypeReader(cursor);
  const type = reader.readType();
  reader.finish();
  return type;
}

/** `parseTypeName` over a whole text, which must hold one type and nothing else. */
export function parseTypeText(text: string): DataType {
  const cursor = new TokenCursor(text, tokenize(text));
  const type = parseTypeName(cursor);
  const extra = cursor.peek();
  if (extra !== undefined) cursor.fail(`unexpected ${extra.text} after the type`);
  return type;
}

/** True when `error` is the failure of `parseTypeName` on a type name (unknown or unsupported). */
export function isTypeNameError(error: unknown): error is LochError {
  return typeof error === 'object' && error !== null && typeof (error as LochError).context?.['typeName'] === 'string';
}

const SIMPLE: Readonly<Record<string, PrimitiveName>> = {
  string: 'string', text: 'string',
  bigint: 'long', long: 'long', int8: 'long',
  int: 'integer', integer: 'integer', int4: 'integer', signed: 'integer',
  smallint: 'short', short: 'short', int2: 'short',
  tinyint: 'byte', byte: 'byte', int1: 'byte',
  boolean: 'boolean', bool: 'boolean', logical: 'boolean',
  float: 'float', real: 'float', float4: 'float',
  float8: 'double',
  date: 'date',
  timestamp_ltz: 'timestamp', timestamptz: 'timestamp',
  // DuckDB's DATETIME is its zone-less TIMESTAMP.
  timestamp_ntz: 'timestamp_ntz', datetime: 'timestamp_ntz',
  binary: 'binary', blob: 'binary', bytea: 'binary', varbinary: 'binary',
};

/** Character types that take an optional length, which Delta does not keep. */
const SIZED_STRINGS = new Set(['varchar', 'char', 'character', 'nvarchar', 'bpchar']);

/** Types DuckDB or Spark know but a Delta table cannot hold. */
const UNSUPPORTED = new Set([
  'interval', 'variant', 'uuid', 'hugeint', 'uhugeint', 'ubigint', 'uinteger', 'usmallint', 'utinyint',
  'varint', 'bignum', 'json', 'bit', 'bitstring', 'time', 'timetz', 'time_ns', 'union', 'enum', 'null',
  'void', 'geometry', 'geography', 'object', 'timestamp_s', 'timestamp_ms', 'timestamp_ns',
]);

const DEFAULT_DECIMAL = { precision: 10, scale: 0 };
const MAX_PRECISION = 38;

/**
 * The type grammar over a cursor. Generic brackets are read one character at a time from
 * operator tokens, because the lexer joins `>>`, `<>` (STRUCT<>) and `<>>` into one token.
 */
class TypeReader {
  /** How many characters of the current operator token are already read. */
  private opOffset = 0;

  constructor(private readonly cursor: TokenCursor) {}

  readType(): DataType {
    let type = this.readBase();
    while (this.atPunct('[')) {
      this.cursor.next();
      if (!this.atPunct(']')) {
        if (this.cursor.peek()?.kind === 'number') this.fail('fixed-size arrays (T[n]) are not supported in Delta tables; use T[]');
        this.fail("array type expects ']'");
      }
      this.cursor.next();
      type = { kind: 'array', element: type, containsNull: true };
    }
    return type;
  }

  /** Fails when a split operator token is left half read (`ARRAY<INT>>`). */
  finish(): void {
    if (this.opOffset > 0) this.fail(`unexpected ${this.restOfOp().text}`);
  }

  private readBase(): DataType {
    const token = this.cursor.peek();
    if (this.opOffset > 0 || token?.kind !== 'word') return this.fail('expects a type');
    const name = token.text.toLowerCase();
    this.cursor.next();
    const simple = SIMPLE[name];
    if (simple !== undefined) return primitive(simple);
    if (SIZED_STRINGS.has(name)) return this.readSizedString(token);
    switch (name) {
      case 'double':
        if (isWord(this.cursor.peek(), 'precision')) this.cursor.next();
        return primitive('double');
      case 'timestamp':
        return this.readTimestampSuffix();
      case 'decimal':
      case 'dec':
      case 'numeric':
        return this.readDecimal(token);
      case 'array':
        return this.readArray();
      case 'map':
        return this.readMap();
      case 'struct':
        return this.readStruct();
    }
    if (UNSUPPORTED.has(name)) return this.failType(`type ${name.toUpperCase()} is not supported in Delta tables`, token, name.toUpperCase());
    return this.failType(`unknown type ${token.text}`, token, token.text);
  }

  /** VARCHAR(n), CHAR(n), CHARACTER VARYING(n): all strings; the length only has to be sane. */
  private readSizedString(token: Token): DataType {
    if (isWord(token, 'character') && isWord(this.cursor.peek(), 'varying')) this.cursor.next();
    if (this.atPunct('(')) {
      this.cursor.next();
      const at = this.cursor.peek();
      const length = this.cursor.readNonNegativeInteger(`${token.text.toUpperCase()} length`);
      if (length < 1) this.cursor.fail(`${token.text.toUpperCase()} length must be at least 1`, at);
      this.cursor.expectPunct(')', `${token.text.toUpperCase()} length`);
    }
    return primitive('string');
  }

  private readTimestampSuffix(): DataType {
    if (wordsAhead(this.cursor, 'with', 'time', 'zone')) {
      this.skip(3);
      return primitive('timestamp');
    }
    if (wordsAhead(this.cursor, 'without', 'time', 'zone')) {
      this.skip(3);
      return primitive('timestamp_ntz');
    }
    return primitive('timestamp');
  }

  private readDecimal(token: Token): DataType {
    if (!this.atPunct('(')) return decimal(DEFAULT_DECIMAL.precision, DEFAULT_DECIMAL.scale);
    const what = token.text.toUpperCase();
    this.cursor.next();
    const precisionToken = this.cursor.peek();
    const precision = this.cursor.readNonNegativeInteger(`${what} precision`);
    if (precision < 1 || precision > MAX_PRECISION) {
      this.cursor.fail(`${what} precision ${precision} is out of range (1 to ${MAX_PRECISION})`, precisionToken);
    }
    let scale = 0;
    if (this.atPunct(',')) {
      this.cursor.next();
      const scaleToken = this.cursor.peek();
      scale = this.cursor.readNonNegativeInteger(`${what} scale`);
      if (scale > precision) this.cursor.fail(`${what} scale ${scale} is out of range (0 to the precision ${precision})`, scaleToken);
    }
    this.cursor.expectPunct(')', `${what}(precision, scale)`);
    return decimal(precision, scale);
  }

  private readArray(): DataType {
    this.expectOpen('ARRAY');
    const element = this.readType();
    this.expectClose('ARRAY');
    return { kind: 'array', element, containsNull: true };
  }

  /** MAP<K, V> (Spark) or MAP(K, V) (DuckDB). */
  private readMap(): DataType {
    const parens = this.atPunct('(');
    if (parens) this.cursor.next();
    else this.expectOpen('MAP');
    const key = this.readType();
    if (!this.atPunct(',')) this.fail("MAP expects ',' between the key and value types");
    this.cursor.next();
    const value = this.readType();
    if (parens) this.cursor.expectPunct(')', 'MAP(key, value)');
    else this.expectClose('MAP');
    return { kind: 'map', key, value, valueContainsNull: true };
  }

  /** STRUCT<a: T, …> / STRUCT<> (Spark) or STRUCT(a T, …) (DuckDB). */
  private readStruct(): DataType {
    const parens = this.atPunct('(');
    if (parens) this.cursor.next();
    else this.expectOpen('STRUCT');
    const fields: StructField[] = [];
    const seen = new Set<string>();
    const atEnd = (): boolean => (parens ? this.atPunct(')') : this.opChar() === '>');
    while (!atEnd()) {
      if (fields.length > 0) {
        if (!this.atPunct(',')) this.fail(`STRUCT expects ',' or '${parens ? ')' : '>'}' after a field`);
        this.cursor.next();
      }
      const nameToken = this.cursor.peek();
      const next = this.readField();
      if (seen.has(next.name.toLowerCase())) this.cursor.fail(`STRUCT has two fields named ${next.name}`, nameToken);
      seen.add(next.name.toLowerCase());
      fields.push(next);
    }
    if (parens) this.cursor.next();
    else this.expectClose('STRUCT');
    return { kind: 'struct', fields };
  }

  /** name [:] type [NOT NULL] [COMMENT 'c'], options in either order. */
  private readField(): StructField {
    const token = this.cursor.peek();
    const name = this.opOffset > 0 ? undefined : identifierValue(token);
    if (name === undefined) return this.fail('STRUCT expects a field name');
    this.cursor.next();
    if (this.atPunct(':')) this.cursor.next();
    const type = this.readType();
    let nullable = true;
    let comment: string | undefined;
    for (;;) {
      if (this.opOffset === 0 && wordsAhead(this.cursor, 'not', 'null') && nullable) {
        this.skip(2);
        nullable = false;
      } else if (this.opOffset === 0 && isWord(this.cursor.peek(), 'comment') && comment === undefined) {
        this.cursor.next();
        comment = this.cursor.readString('STRUCT field COMMENT');
      } else {
        break;
      }
    }
    return comment === undefined ? field(name, type, nullable) : field(name, type, nullable, { metadata: { comment } });
  }

  private expectOpen(what: string): void {
    if (this.opChar() !== '<') this.fail(`${what} expects '<'`);
    this.takeOpChar();
  }

  private expectClose(what: string): void {
    if (this.opChar() !== '>') this.fail(`${what} expects '>'`);
    this.takeOpChar();
  }

  /** The next unread character of an operator token, or undefined when the cursor is not on one. */
  private opChar(): string | undefined {
    const token = this.cursor.peek();
    return token?.kind === 'op' ? token.text.charAt(this.opOffset) : undefined;
  }

  private takeOpChar(): void {
    this.opOffset++;
    if (this.opOffset >= (this.cursor.peek()?.text.length ?? 0)) {
      this.cursor.next();
      this.opOffset = 0;
    }
  }

  private atPunct(ch: string): boolean {
    return this.opOffset === 0 && isPunct(this.cursor.peek(), ch);
  }

  /** The unread part of a split operator token, as a token so that errors point inside it. */
  private restOfOp(): Token {
    const token = this.cursor.peek() as Token;
    const start = token.start + this.opOffset;
    return { kind: 'op', text: token.text.slice(this.opOffset), start, end: token.end };
  }

  private fail(message: string): never {
    return this.cursor.fail(message, this.opOffset > 0 ? this.restOfOp() : this.cursor.peek());
  }

  private failType(message: string, at: Token, typeName: string): never {
    throw sqlSyntaxError(this.cursor.sql, at.start, message, { found: at.text, typeName });
  }

  private skip(count: number): void {
    for (let i = 0; i < count; i++) this.cursor.next();
  }
}

/** The name an identifier token stands for: a word as written, or a quoted name unescaped. */
export function identifierValue(token: Token | undefined): string | undefined {
  if (token?.kind === 'word') return token.text;
  if (token?.kind === 'backtick_ident' || token?.kind === 'quoted_ident') return token.value;
  return undefined;
}
