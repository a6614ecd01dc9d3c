/**
 * Statement parameters of the extended protocol: PostgreSQL's `$1..$n` markers become Loch's
 * positional `?` markers (values are bound by the SQL layer, never spliced into the text), and
 * the values of a Bind message are decoded from their text or binary form by the parameter's
 * type OID. A marker is found with Loch's lexer, so `'$1'` in a string literal, `"$1"` in a
 * quoted identifier, comments and `$$…$$` strings are left alone.
 *
 * Text values whose type the client leaves unspecified (OID 0, pg's default, or `unknown`) are
 * untyped parameters, as in PostgreSQL: written as a column's value (INSERT … VALUES, SET) they
 * take the column's type; elsewhere they are text, which SQL casts where it is used
 * (`WHERE id = $1`, `$1::date`). Values of a declared type with no closer JavaScript form
 * (numeric, date, timestamp, …) are bound as text (VARCHAR).
 */
import { LochError } from '../../core/errors.js';
import { tokenize } from '../../sql/parse/index.js';
import { UntypedParam } from '../../sql/params.js';
import type { SqlValue as ParamValue } from '../../sql/params.js';
import { OID, pgError } from './types.js';

export type { ParamValue };

/** A statement text with `$n` rewritten to `?`, and which `$n` each `?` stands for (0-based). */
export interface TranslatedStatement {
  readonly sql: string;
  /** order[i] = n - 1 for the i-th `?` of `sql`. */
  readonly order: readonly number[];
  /** The highest n used (the number of parameters the statement takes). */
  readonly parameterCount: number;
}

/** Largest parameter count the protocol can describe (an int16). */
const MAX_PARAMETERS = 32_767;

/** Rewrites `$n` markers to `?`; text without markers is returned unchanged. */
export function translateMarkers(sql: string): TranslatedStatement {
  if (!sql.includes('$')) return { sql, order: [], parameterCount: 0 };
  const tokens = tokenize(sql);
  const order: number[] = [];
  let out = '';
  for (const token of tokens) {
    const m = token.kind === 'param' ? /^\$(\d+)$/.exec(token.text) : null;
    if (m === null) {
      out += token.text;
      continue;
    }
    const n = Number(m[1]);
    if (n < 1 || n > MAX_PARAMETERS) throw pgError('42P02', `pgwire: there is no parameter $${m[1]}`);
    order.push(n - 1);
    out += '?';
  }
  return { sql: out, order, parameterCount: order.reduce((max, i) => Math.max(max, i + 1), 0) };
}

/** The `?` values in order for `$n` values given by position. */
export function orderedValues(statement: TranslatedStatement, values: readonly ParamValue[]): ParamValue[] {
  return statement.order.map((i) => values[i] ?? null);
}

function invalid(typeName: string, text: string): LochError {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return pgError('22P02', `pgwire: invalid input syntax for type ${typeName}: "${shown}"`);
}

function parseBool(text: string): boolean {
  const t = text.trim().toLowerCase();
  if (['t', 'true', 'y', 'yes', 'on', '1'].includes(t)) return true;
  if (['f', 'false', 'n', 'no', 'off', '0'].includes(t)) return false;
  throw invalid('boolean', text);
}

function parseInteger(text: string, bits: 16 | 32 | 64): number | bigint {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) throw invalid(bits === 64 ? 'bigint' : bits === 32 ? 'integer' : 'smallint', text);
  const value = BigInt(t);
  const limit = 2n ** BigInt(bits - 1);
  if (value < -limit || value >= limit) throw pgError('22003', `pgwire: value "${t}" is out of range for a ${bits}-bit integer`);
  return bits === 64 ? value : Number(value);
}

function parseFloatText(text: string): number {
  const t = text.trim();
  const special: Record<string, number> = { nan: NaN, infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity, inf: Infinity, '-inf': -Infinity };
  const known = special[t.toLowerCase()];
  if (known !== undefined) return known;
  if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) throw invalid('double precision', text);
  return Number(t);
}

/** bytea text input: `\x<hex>` or the escape format (`\\` and `\ooo` octal escapes). */
function parseBytea(text: string): Uint8Array {
  if (text.startsWith('\\x')) {
    const hex = text.slice(2);
    if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw invalid('bytea', text);
    return new Uint8Array(Buffer.from(hex, 'hex'));
  }
  const bytes: number[] = [];
  const raw = Buffer.from(text, 'utf8');
  for (let i = 0; i < raw.length; i += 1) {
    const b = raw[i] as number;
    if (b !== 0x5c) bytes.push(b);
    else if (raw[i + 1] === 0x5c) {
      bytes.push(0x5c);
      i += 1;
    } else {
      const octal = raw.toString('latin1', i + 1, i + 4);
      if (!/^[0-3][0-7]{2}$/.test(octal)) throw invalid('bytea', text);
      bytes.push(parseInt(octal, 8));
      i += 3;
    }
  }
  return Uint8Array.from(bytes);
}

function decodeText(oid: number, text: string): ParamValue {
  switch (oid) {
    case OID.bool:
      return parseBool(text);
    case OID.int2:
      return parseInteger(text, 16);
    case OID.int4:
      return parseInteger(text, 32);
    case OID.int8:
      return parseInteger(text, 64);
    case OID.float4:
    case OID.float8:
      return parseFloatText(text);
    case OID.bytea:
      return parseBytea(text);
    case 0:
    case OID.unknown:
      return new UntypedParam(text);
    default:
      return text;
  }
}

function isoDate(daysSince2000: number): string {
  return new Date(Date.UTC(2000, 0, 1 + daysSince2000)).toISOString().slice(0, 10);
}

function isoTimestamp(microsSince2000: bigint, zone: string): string {
  const millis = microsSince2000 / 1000n;
  const micros = Number(((microsSince2000 % 1_000_000n) + 1_000_000n) % 1_000_000n);
  const base = new Date(Date.UTC(2000, 0, 1) + Number(millis)).toISOString().slice(0, 19).replace('T', ' ');
  return `${base}.${String(micros).padStart(6, '0')}${zone}`;
}

function expectLength(bytes: Buffer, n: number, typeName: string): void {
  if (bytes.length !== n) throw pgError('22P03', `pgwire: binary ${typeName} parameter has ${bytes.length} bytes, expected ${n}`);
}

function decodeBinary(oid: number, bytes: Buffer): ParamValue {
  switch (oid) {
    case OID.bool:
      expectLength(bytes, 1, 'boolean');
      return bytes[0] !== 0;
    case OID.int2:
      expectLength(bytes, 2, 'smallint');
      return bytes.readInt16BE(0);
    case OID.int4:
      expectLength(bytes, 4, 'integer');
      return bytes.readInt32BE(0);
    case OID.int8:
      expectLength(bytes, 8, 'bigint');
      return bytes.readBigInt64BE(0);
    case OID.float4:
      expectLength(bytes, 4, 'real');
      return bytes.readFloatBE(0);
    case OID.float8:
      expectLength(bytes, 8, 'double precision');
      return bytes.readDoubleBE(0);
    case 0:
    case OID.bytea:
      // pg sends Buffer values in binary with no type: they are bytes.
      return new Uint8Array(bytes);
    case OID.text:
    case OID.varchar:
    case OID.unknown:
    case OID.json:
      return bytes.toString('utf8');
    case OID.uuid:
      expectLength(bytes, 16, 'uuid');
      return bytes.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
    case OID.date:
      expectLength(bytes, 4, 'date');
      return isoDate(bytes.readInt32BE(0));
    case OID.timestamp:
    case OID.timestamptz:
      expectLength(bytes, 8, 'timestamp');
      return isoTimestamp(bytes.readBigInt64BE(0), oid === OID.timestamptz ? '+00' : '');
    default:
      throw pgError('0A000', `pgwire: binary format is not supported for parameters of type OID ${oid}; send it as text`);
  }
}

/** One Bind parameter value: null (length -1), or decoded by OID and format (0 text, 1 binary). */
export function decodeParam(oid: number, format: number, bytes: Buffer | null): ParamValue {
  if (bytes === null) return null;
  if (format === 0) return decodeText(oid, bytes.toString('utf8'));
  if (format === 1) return decodeBinary(oid, bytes);
  throw pgError('08P01', `pgwire: unknown parameter format code ${format}`);
}
