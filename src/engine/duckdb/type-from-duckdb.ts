import { LochError } from '../../core/errors.js';
import { decimal, field, primitive } from '../../expr/types.js';
import type { DataType, PrimitiveName } from '../../expr/types.js';

/**
 * DuckDB's spelling of a result column type ('INTEGER', 'DECIMAL(10,2)', 'STRUCT("a" INTEGER,
 * b VARCHAR[])', 'MAP(VARCHAR, INTEGER)') as a table type, for CREATE TABLE … AS SELECT and
 * schema evolution.
 *
 * Values keep their meaning: DuckDB's TIMESTAMP is a wall-clock time (timestamp_ntz) and
 * TIMESTAMPTZ an instant (timestamp). Unsigned integers widen to the next signed type that holds
 * every value (UBIGINT and HUGEINT become decimals). Types a table cannot hold (TIME, INTERVAL,
 * BIT, UNION, …) fail with INVALID_ARGUMENT naming the column.
 */
export function dataTypeFromDuckDb(typeText: string, column: string): DataType {
  const parser = new TypeTextParser(typeText, column);
  const type = parser.type();
  parser.end();
  return type;
}

const SIMPLE: Readonly<Record<string, PrimitiveName | DataType>> = {
  BOOLEAN: 'boolean',
  TINYINT: 'byte',
  SMALLINT: 'short',
  INTEGER: 'integer',
  BIGINT: 'long',
  UTINYINT: 'short',
  USMALLINT: 'integer',
  UINTEGER: 'long',
  UBIGINT: decimal(20, 0),
  HUGEINT: decimal(38, 0),
  UHUGEINT: decimal(38, 0),
  FLOAT: 'float',
  DOUBLE: 'double',
  VARCHAR: 'string',
  UUID: 'string',
  JSON: 'string',
  BLOB: 'binary',
  DATE: 'date',
  TIMESTAMP: 'timestamp_ntz',
  TIMESTAMP_S: 'timestamp_ntz',
  TIMESTAMP_MS: 'timestamp_ntz',
  TIMESTAMP_NS: 'timestamp_ntz',
  'TIMESTAMP WITH TIME ZONE': 'timestamp',
  TIMESTAMPTZ: 'timestamp',
};

class TypeTextParser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly column: string,
  ) {}

  type(): DataType {
    let type = this.base();
    // DuckDB lists: INTEGER[] (and fixed-size INTEGER[3], which a table stores as a list).
    while (this.peek() === '[') {
      this.pos++;
      while (/\d/.test(this.peek())) this.pos++;
      this.expect(']');
      type = { kind: 'array', element: type, containsNull: true };
    }
    return type;
  }

  end(): void {
    this.skipSpace();
    if (this.pos < this.text.length) this.fail();
  }

  private base(): DataType {
    this.skipSpace();
    const word = this.word();
    if (word === 'STRUCT') return this.struct();
    if (word === 'MAP') {
      this.expect('(');
      const key = this.type();
      this.expect(',');
      const value = this.type();
      this.expect(')');
      return { kind: 'map', key, value, valueContainsNull: true };
    }
    if (word === 'DECIMAL') {
      this.expect('(');
      const precision = this.integer();
      this.expect(',');
      const scale = this.integer();
      this.expect(')');
      return decimal(precision, scale);
    }
    if (word.startsWith('ENUM')) {
      this.skipParenthesised();
      return primitive('string');
    }
    const zoned = word === 'TIMESTAMP' && this.text.slice(this.pos).trimStart().toUpperCase().startsWith('WITH TIME ZONE');
    const simple = zoned ? this.zoned() : SIMPLE[word];
    if (simple === undefined) {
      throw new LochError('INVALID_ARGUMENT', `sql: column ${this.column} has type ${this.text}, which a Delta table cannot store`, { context: { column: this.column, type: this.text } });
    }
    return typeof simple === 'string' ? primitive(simple) : simple;
  }

  private zoned(): PrimitiveName {
    this.pos = this.text.toUpperCase().indexOf('WITH TIME ZONE', this.pos) + 'WITH TIME ZONE'.length;
    return 'timestamp';
  }

  private struct(): DataType {
    this.expect('(');
    const fields = [];
    while (this.peek() !== ')') {
      const name = this.fieldName();
      fields.push(field(name, this.type(), true));
      this.skipSpace();
      if (this.peek() === ',') this.pos++;
      else break;
    }
    this.expect(')');
    return { kind: 'struct', fields };
  }

  private fieldName(): string {
    this.skipSpace();
    if (this.peek() !== '"') return this.rawWord();
    let name = '';
    this.pos++;
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos++] as string;
      if (ch === '"') {
        if (this.text[this.pos] !== '"') return name;
        this.pos++;
      }
      name += ch;
    }
    return this.fail();
  }

  private word(): string {
    return this.rawWord().toUpperCase();
  }

  private rawWord(): string {
    this.skipSpace();
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (match === null) this.fail();
    this.pos += match[0].length;
    return match[0];
  }

  private integer(): number {
    this.skipSpace();
    const match = /^\d+/.exec(this.text.slice(this.pos));
    if (match === null) this.fail();
    this.pos += match[0].length;
    return Number(match[0]);
  }

  private skipParenthesised(): void {
    this.skipSpace();
    if (this.peek() !== '(') return;
    let depth = 0;
    let quoted = false;
    for (; this.pos < this.text.length; this.pos++) {
      const ch = this.text[this.pos];
      if (ch === "'") quoted = !quoted;
      else if (!quoted && ch === '(') depth++;
      else if (!quoted && ch === ')' && --depth === 0) {
        this.pos++;
        return;
      }
    }
  }

  private expect(ch: string): void {
    this.skipSpace();
    if (this.peek() !== ch) this.fail();
    this.pos++;
  }

  private peek(): string {
    return this.text[this.pos] ?? '';
  }

  private skipSpace(): void {
    while (this.peek() === ' ') this.pos++;
  }

  private fail(): never {
    throw new LochError('INTERNAL', `engine: cannot read DuckDB type '${this.text}' of column ${this.column} at character ${this.pos}`);
  }
}
