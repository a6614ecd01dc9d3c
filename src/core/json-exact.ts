import { LochError } from './errors.js';

/**
 * Exact JSON: numbers stay as the text that was written, so that 64-bit ids (Iceberg snapshot
 * ids, Delta stats of long columns) and long decimals keep every digit. `JSON.parse` would round
 * them through a double.
 */

/** A JSON number as written, so that longs and decimals keep every digit. */
export class JsonNumber {
  constructor(
    readonly text: string,
    /** True when read from JSON text; false when it went through a JS double (stats_parsed). */
    readonly fromText: boolean,
  ) {}
}

export type Json = null | boolean | string | JsonNumber | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const BLANK = /[ \t\n\r]*/y;
const MAX_DEPTH = 200;

/**
 * A strict JSON parser that keeps numbers as `JsonNumber` (JSON.parse would round longs).
 * Objects have no prototype, so keys such as "__proto__" are plain keys.
 * Throws SyntaxError naming the position on malformed input; callers wrap it in their LochError.
 */
export function parseJsonExact(text: string): Json {
  const reader = new ExactJsonReader(text);
  const result = reader.value(0);
  reader.end();
  return result;
}

/** True for a JSON object (not null, not an array, not a JsonNumber). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber) && !(value instanceof Uint8Array);
}

/**
 * JSON text of a value, writing `JsonNumber` and `bigint` as bare numbers with every digit.
 * Plain values follow JSON.stringify: object members that are undefined are left out, undefined
 * in arrays becomes null. Non-finite numbers and values JSON cannot express (functions, symbols,
 * byte arrays) throw INVALID_ARGUMENT rather than silently turning into null.
 * `indent` (spaces) pretty-prints like JSON.stringify(value, null, indent).
 */
export function stringifyJsonExact(value: unknown, indent?: number): string {
  const pad = indent !== undefined && indent > 0 ? ' '.repeat(Math.min(indent, 10)) : '';
  return write(value, pad, '', 0);
}

function write(value: unknown, pad: string, current: string, depth: number): string {
  if (depth > MAX_DEPTH) throw new LochError('INVALID_ARGUMENT', 'json: value nests deeper than 200 levels');
  if (value === null || value === undefined) return 'null';
  if (value instanceof JsonNumber) return value.text;
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'number':
      if (!Number.isFinite(value)) throw new LochError('INVALID_ARGUMENT', `json: the number ${value} has no JSON form`);
      return JSON.stringify(value);
    default:
      break;
  }
  if (Array.isArray(value)) return writeArray(value, pad, current, depth);
  if (isJsonObject(value)) return writeObject(value, pad, current, depth);
  throw new LochError('INVALID_ARGUMENT', `json: a value of type ${value instanceof Uint8Array ? 'Uint8Array' : typeof value} has no JSON form`);
}

function writeArray(items: readonly unknown[], pad: string, current: string, depth: number): string {
  if (items.length === 0) return '[]';
  const inner = current + pad;
  const parts = items.map((item) => write(item, pad, inner, depth + 1));
  return pad === '' ? `[${parts.join(',')}]` : `[\n${inner}${parts.join(`,\n${inner}`)}\n${current}]`;
}

function writeObject(object: Record<string, unknown>, pad: string, current: string, depth: number): string {
  const inner = current + pad;
  const parts: string[] = [];
  for (const key of Object.keys(object)) {
    const member = object[key];
    if (member === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${pad === '' ? '' : ' '}${write(member, pad, inner, depth + 1)}`);
  }
  if (parts.length === 0) return '{}';
  return pad === '' ? `{${parts.join(',')}}` : `{\n${inner}${parts.join(`,\n${inner}`)}\n${current}}`;
}

class ExactJsonReader {
  private pos = 0;

  constructor(private readonly text: string) {}

  value(depth: number): Json {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    this.skip();
    const ch = this.text[this.pos];
    if (ch === '{') return this.object(depth);
    if (ch === '[') return this.array(depth);
    if (ch === '"') return this.string();
    for (const [word, result] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return result;
      }
    }
    const number = this.match(NUMBER);
    return number === undefined ? this.fail('unexpected character') : new JsonNumber(number, true);
  }

  end(): void {
    this.skip();
    if (this.pos !== this.text.length) this.fail('trailing characters');
  }

  private object(depth: number): JsonObject {
    const out: JsonObject = Object.create(null) as JsonObject;
    this.pos++;
    this.skip();
    if (this.text[this.pos] === '}') return this.pos++, out;
    for (;;) {
      this.skip();
      const key = this.string();
      this.skip();
      if (this.text[this.pos++] !== ':') this.fail('expected ":"');
      out[key] = this.value(depth + 1);
      if (this.separator('}')) return out;
    }
  }

  private array(depth: number): Json[] {
    const out: Json[] = [];
    this.pos++;
    this.skip();
    if (this.text[this.pos] === ']') return this.pos++, out;
    for (;;) {
      out.push(this.value(depth + 1));
      if (this.separator(']')) return out;
    }
  }

  /** After a member: true at the closing bracket, false after a comma. */
  private separator(close: string): boolean {
    this.skip();
    const next = this.text[this.pos++];
    if (next === close) return true;
    if (next !== ',') this.fail(`expected "," or "${close}"`);
    return false;
  }

  private string(): string {
    return JSON.parse(this.match(STRING) ?? this.fail('expected a string')) as string;
  }

  private skip(): void {
    this.match(BLANK);
  }

  private match(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return undefined;
    this.pos = re.lastIndex;
    return m[0];
  }

  private fail(what: string): never {
    throw new SyntaxError(`${what} at position ${this.pos}`);
  }
}
