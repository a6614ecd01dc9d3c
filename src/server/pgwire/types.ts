/**
 * Result columns as PostgreSQL types: DuckDB type names (StatementResult.columns[].type) → the
 * standard pg_type OID, its typlen and typmod, and encoders of Loch row values (see
 * engine/duckdb/values.ts for their JavaScript form) in text format and, for the types clients
 * commonly ask binary for, binary format.
 *
 * Mapping: BOOLEAN bool · TINYINT/SMALLINT/UTINYINT int2 · INTEGER/USMALLINT int4 ·
 * BIGINT/UINTEGER int8 · HUGEINT/UBIGINT/UHUGEINT/VARINT numeric · FLOAT float4 · DOUBLE float8 ·
 * DECIMAL(p,s) numeric(p,s) · VARCHAR text · BLOB bytea · DATE date · TIME time ·
 * TIMESTAMP(_S/_MS/_NS) timestamp · TIMESTAMP WITH TIME ZONE timestamptz · INTERVAL interval ·
 * UUID uuid · JSON json · STRUCT/MAP/UNION json (the value as JSON text) · LIST/ARRAY of X the
 * array type of X (nested lists are multi-dimensional arrays of the same OID) · anything else
 * text in DuckDB's spelling. Text output follows PostgreSQL's (ISO dates, `t`/`f`, `\x` hex
 * bytea, `{a,"b c",NULL}` arrays, `Infinity`/`NaN` floats), so stock client parsers (pg-types,
 * libpq users) read the values back.
 */
import { LochError } from '../../core/errors.js';
import type { ErrorCode } from '../../core/errors.js';
import type { SqlValue } from '../../engine/index.js';

export const OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  json: 114,
  float4: 700,
  float8: 701,
  unknown: 705,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  numeric: 1700,
  uuid: 2950,
} as const;

/** Array type OIDs by element OID. */
const ARRAY_OIDS: ReadonlyMap<number, number> = new Map([
  [OID.bool, 1000],
  [OID.bytea, 1001],
  [OID.int2, 1005],
  [OID.int4, 1007],
  [OID.text, 1009],
  [OID.varchar, 1015],
  [OID.int8, 1016],
  [OID.float4, 1021],
  [OID.float8, 1022],
  [OID.timestamp, 1115],
  [OID.date, 1182],
  [OID.time, 1183],
  [OID.timestamptz, 1185],
  [OID.interval, 1187],
  [OID.numeric, 1231],
  [OID.uuid, 2951],
  [OID.json, 199],
]);

/** How one result column travels: its pg type and encoders for non-null values. */
export interface PgType {
  readonly oid: number;
  /** pg_type.typlen (-1 variable). */
  readonly size: number;
  readonly modifier: number;
  /** The pg type name (for messages). */
  readonly name: string;
  text(value: SqlValue): string;
  /** Binary send format; undefined when this server only sends the type as text. */
  readonly binary?: (value: SqlValue) => Buffer;
}

type Scalar = Omit<PgType, 'modifier'> & { readonly modifier?: number };

const str = (value: SqlValue): string => (typeof value === 'string' ? value : jsonText(value));

function floatText(value: SqlValue): string {
  const n = Number(value);
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return String(n);
}

function fixed(size: number, write: (out: Buffer, value: SqlValue) => void): (value: SqlValue) => Buffer {
  return (value) => {
    const out = Buffer.allocUnsafe(size);
    write(out, value);
    return out;
  };
}

const utf8 = (text: (v: SqlValue) => string) => (value: SqlValue): Buffer => Buffer.from(text(value), 'utf8');

const POSTGRES_EPOCH_DAYS = 10_957; // 2000-01-01 in days since 1970-01-01
const POSTGRES_EPOCH_MICROS = BigInt(POSTGRES_EPOCH_DAYS) * 86_400_000_000n;
const INT64_MAX = 2n ** 63n - 1n;

/** 'YYYY-MM-DD' → days since 1970-01-01. */
function epochDays(date: string): number {
  const m = /^(-?\d+)-(\d\d)-(\d\d)/.exec(date);
  if (m === null) return 0;
  return Math.round(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000);
}

/** 'YYYY-MM-DD[T ]HH:MM:SS[.f…]' → microseconds since 1970-01-01 (UTC). */
function epochMicros(stamp: string): bigint {
  const m = /^(-?\d+-\d\d-\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?/.exec(stamp);
  if (m === null) return 0n;
  const seconds = epochDays(m[1] as string) * 86_400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  const fraction = ((m[5] ?? '') + '000000').slice(0, 6);
  return BigInt(seconds) * 1_000_000n + BigInt(fraction);
}

function dateBinary(out: Buffer, value: SqlValue): void {
  const text = String(value);
  if (text === 'infinity') out.writeInt32BE(0x7fffffff);
  else if (text === '-infinity') out.writeInt32BE(-0x80000000);
  else out.writeInt32BE(epochDays(text) - POSTGRES_EPOCH_DAYS);
}

function timestampBinary(out: Buffer, value: SqlValue): void {
  const text = String(value);
  if (text === 'infinity') out.writeBigInt64BE(INT64_MAX);
  else if (text === '-infinity') out.writeBigInt64BE(-INT64_MAX - 1n);
  else out.writeBigInt64BE(epochMicros(text) - POSTGRES_EPOCH_MICROS);
}

/** PostgreSQL prints timestamps with a space and only the fraction digits that are not zero. */
function timestampText(value: SqlValue, zone: string): string {
  const text = String(value);
  if (text === 'infinity' || text === '-infinity') return text;
  const m = /^(.*?)[T ](\d\d:\d\d:\d\d)(?:\.(\d+))?Z?$/.exec(text);
  if (m === null) return text;
  return `${m[1]} ${m[2]}${fractionText(m[3])}${zone}`;
}

function fractionText(digits: string | undefined): string {
  const trimmed = (digits ?? '').slice(0, 6).replace(/0+$/, '');
  return trimmed === '' ? '' : `.${trimmed}`;
}

function timeText(value: SqlValue): string {
  const m = /^(\d\d:\d\d:\d\d)(?:\.(\d+))?(.*)$/.exec(String(value));
  return m === null ? String(value) : `${m[1]}${fractionText(m[2])}${m[3]}`;
}

export function byteaText(value: SqlValue): string {
  return value instanceof Uint8Array ? `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}` : String(value);
}

function uuidBinary(value: SqlValue): Buffer {
  return Buffer.from(String(value).replace(/-/g, ''), 'hex');
}

/** JSON text of a Loch value: bigints as plain numbers, bytes as `\x` hex strings. */
export function jsonText(value: SqlValue): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : JSON.stringify(floatText(value));
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (value instanceof Uint8Array) return JSON.stringify(byteaText(value));
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  const fields = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`);
  return `{${fields.join(',')}}`;
}

const BOOL: Scalar = { oid: OID.bool, size: 1, name: 'bool', text: (v) => (v === true ? 't' : 'f'), binary: fixed(1, (o, v) => o.writeUInt8(v === true ? 1 : 0)) };
const INT2: Scalar = { oid: OID.int2, size: 2, name: 'int2', text: String, binary: fixed(2, (o, v) => o.writeInt16BE(Number(v))) };
const INT4: Scalar = { oid: OID.int4, size: 4, name: 'int4', text: String, binary: fixed(4, (o, v) => o.writeInt32BE(Number(v))) };
const INT8: Scalar = { oid: OID.int8, size: 8, name: 'int8', text: String, binary: fixed(8, (o, v) => o.writeBigInt64BE(BigInt(v as number | bigint))) };
const FLOAT4: Scalar = { oid: OID.float4, size: 4, name: 'float4', text: floatText, binary: fixed(4, (o, v) => o.writeFloatBE(Number(v))) };
const FLOAT8: Scalar = { oid: OID.float8, size: 8, name: 'float8', text: floatText, binary: fixed(8, (o, v) => o.writeDoubleBE(Number(v))) };
const NUMERIC: Scalar = { oid: OID.numeric, size: -1, name: 'numeric', text: String };
const TEXT: Scalar = { oid: OID.text, size: -1, name: 'text', text: str, binary: utf8(str) };
const BYTEA: Scalar = {
  oid: OID.bytea,
  size: -1,
  name: 'bytea',
  text: byteaText,
  binary: (v) => (v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : Buffer.from(String(v), 'utf8')),
};
const DATE: Scalar = { oid: OID.date, size: 4, name: 'date', text: String, binary: fixed(4, dateBinary) };
const TIME: Scalar = { oid: OID.time, size: 8, name: 'time', text: timeText };
const TIMESTAMP: Scalar = { oid: OID.timestamp, size: 8, name: 'timestamp', text: (v) => timestampText(v, ''), binary: fixed(8, timestampBinary) };
const TIMESTAMPTZ: Scalar = { oid: OID.timestamptz, size: 8, name: 'timestamptz', text: (v) => timestampText(v, '+00'), binary: fixed(8, timestampBinary) };
const INTERVAL: Scalar = { oid: OID.interval, size: 16, name: 'interval', text: String };
const UUID: Scalar = { oid: OID.uuid, size: 16, name: 'uuid', text: String, binary: uuidBinary };
const JSON_TYPE: Scalar = { oid: OID.json, size: -1, name: 'json', text: str, binary: utf8(str) };
const JSON_OF_VALUE: Scalar = { oid: OID.json, size: -1, name: 'json', text: jsonText, binary: utf8(jsonText) };

const SCALARS: Readonly<Record<string, Scalar>> = {
  BOOLEAN: BOOL,
  TINYINT: INT2,
  SMALLINT: INT2,
  UTINYINT: INT2,
  INTEGER: INT4,
  USMALLINT: INT4,
  BIGINT: INT8,
  UINTEGER: INT8,
  HUGEINT: NUMERIC,
  UBIGINT: NUMERIC,
  UHUGEINT: NUMERIC,
  VARINT: NUMERIC,
  BIGNUM: NUMERIC,
  FLOAT: FLOAT4,
  DOUBLE: FLOAT8,
  VARCHAR: TEXT,
  BLOB: BYTEA,
  DATE,
  TIME,
  TIMESTAMP,
  TIMESTAMP_S: TIMESTAMP,
  TIMESTAMP_MS: TIMESTAMP,
  TIMESTAMP_NS: TIMESTAMP,
  'TIMESTAMP WITH TIME ZONE': TIMESTAMPTZ,
  INTERVAL,
  UUID,
  JSON: JSON_TYPE,
};

/** The pg type of a result column of DuckDB type `duckdbType` (e.g. 'DECIMAL(10,2)', 'INTEGER[]'). */
export function pgTypeOf(duckdbType: string): PgType {
  const type = duckdbType.trim();
  const array = /^(.*)\[\d*\]$/s.exec(type);
  if (array !== null) return arrayType(pgTypeOf(array[1] as string));
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/i.exec(type);
  if (decimal !== null) return { ...NUMERIC, modifier: ((Number(decimal[1]) << 16) | Number(decimal[2])) + 4 };
  const upper = type.toUpperCase();
  const scalar = SCALARS[upper] ?? (/^(STRUCT|MAP|UNION)\b/.test(upper) ? JSON_OF_VALUE : { ...TEXT, text: (v: SqlValue) => (typeof v === 'string' ? v : jsonText(v)) });
  return { modifier: -1, ...scalar };
}

function arrayType(element: PgType): PgType {
  const oid = ARRAY_OIDS.get(element.oid) ?? (isArrayOid(element.oid) ? element.oid : 1009);
  const elementText = ARRAY_OIDS.has(element.oid) || isArrayOid(element.oid) ? element.text : TEXT.text;
  return {
    oid,
    size: -1,
    modifier: -1,
    name: `${element.name}[]`,
    text: (value) => arrayText(value, elementText),
  };
}

function isArrayOid(oid: number): boolean {
  for (const arrayOid of ARRAY_OIDS.values()) if (arrayOid === oid) return true;
  return false;
}

/** PostgreSQL's array literal: `{1,2,NULL}`, elements quoted when they need it. */
function arrayText(value: SqlValue, element: (v: SqlValue) => string): string {
  if (!Array.isArray(value)) return element(value);
  const items = value.map((item) => {
    if (item === null) return 'NULL';
    const text = element(item);
    // Nested lists are already array literals of their own.
    if (Array.isArray(item)) return text;
    return needsQuotes(text) ? `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"` : text;
  });
  return `{${items.join(',')}}`;
}

function needsQuotes(text: string): boolean {
  return text === '' || /[{}",\\\s]/.test(text) || text.toUpperCase() === 'NULL';
}

/** The FieldDescription format code for `type` given the client's requested result format. */
export function resultFormat(type: PgType, requested: number): 0 | 1 {
  if (requested === 0) return 0;
  if (requested !== 1) throw pgError('08P01', `pgwire: unknown result format code ${requested}`);
  if (type.binary === undefined) throw pgError('0A000', `pgwire: binary result format is not supported for type ${type.name}; ask for text`);
  return 1;
}

/** Encodes one value of a column (undefined/null → SQL NULL). */
export function encodeValue(type: PgType, format: 0 | 1, value: SqlValue | undefined): Buffer | null {
  if (value === null || value === undefined) return null;
  if (format === 1 && type.binary !== undefined) return type.binary(value);
  return Buffer.from(type.text(value), 'utf8');
}

/** A LochError carrying the SQLSTATE the wire protocol reports for it. */
export function pgError(sqlState: string, message: string): LochError {
  return new LochError(errorCodeOf(sqlState), message, { context: { sqlState } });
}

function errorCodeOf(sqlState: string): ErrorCode {
  if (sqlState === '57014') return 'CANCELLED';
  if (sqlState === '0A000') return 'UNSUPPORTED_FEATURE';
  if (sqlState === '3D000') return 'NOT_FOUND';
  if (sqlState === '42501') return 'PERMISSION_DENIED';
  if (sqlState.startsWith('28')) return 'UNAUTHENTICATED';
  if (sqlState.startsWith('53') || sqlState.startsWith('54')) return 'RESOURCE_EXHAUSTED';
  if (sqlState.startsWith('08') || sqlState === 'XX000') return 'PROTOCOL_VIOLATION';
  return 'INVALID_ARGUMENT';
}
