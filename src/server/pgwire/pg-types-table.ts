/**
 * The rows of the emulated pg_catalog.pg_type: the built-in types this server sends (see
 * types.ts) and their array types, with PostgreSQL's OIDs, sizes, categories and the names
 * `format_type` prints. Drivers that load pg_type at connect time (pgjdbc, Npgsql) find every
 * OID they will meet in results here.
 */
import { OID } from './types.js';

export interface TypeRow {
  readonly oid: number;
  readonly name: string;
  readonly size: number;
  readonly category: string;
  /** What format_type prints, e.g. 'double precision'. */
  readonly format: string;
  /** The array type's OID (0 for array types themselves). */
  readonly array: number;
  /** For array types: the element type. */
  readonly element: number;
  /** Default collation: 100 for string types. */
  readonly collation: number;
}

const SCALARS: readonly [oid: number, name: string, size: number, category: string, format: string, array: number][] = [
  [OID.bool, 'bool', 1, 'B', 'boolean', 1000],
  [OID.bytea, 'bytea', -1, 'U', 'bytea', 1001],
  [18, 'char', 1, 'Z', '"char"', 1002],
  [19, 'name', 64, 'S', 'name', 1003],
  [OID.int8, 'int8', 8, 'N', 'bigint', 1016],
  [OID.int2, 'int2', 2, 'N', 'smallint', 1005],
  [OID.int4, 'int4', 4, 'N', 'integer', 1007],
  [OID.text, 'text', -1, 'S', 'text', 1009],
  [26, 'oid', 4, 'N', 'oid', 1028],
  [OID.json, 'json', -1, 'U', 'json', 199],
  [OID.float4, 'float4', 4, 'N', 'real', 1021],
  [OID.float8, 'float8', 8, 'N', 'double precision', 1022],
  [OID.unknown, 'unknown', -2, 'X', 'unknown', 0],
  [OID.varchar, 'varchar', -1, 'S', 'character varying', 1015],
  [OID.date, 'date', 4, 'D', 'date', 1182],
  [OID.time, 'time', 8, 'D', 'time without time zone', 1183],
  [OID.timestamp, 'timestamp', 8, 'D', 'timestamp without time zone', 1115],
  [OID.timestamptz, 'timestamptz', 8, 'D', 'timestamp with time zone', 1185],
  [OID.interval, 'interval', 16, 'T', 'interval', 1187],
  [OID.numeric, 'numeric', -1, 'N', 'numeric', 1231],
  [OID.uuid, 'uuid', 16, 'U', 'uuid', 2951],
  [3802, 'jsonb', -1, 'U', 'jsonb', 3807],
];

const STRING_TYPES = new Set<number>([OID.text, OID.varchar, 19]);

/** Every row of pg_type, scalars first, then their arrays (`_int4`, format 'integer[]'). */
export const TYPE_ROWS: readonly TypeRow[] = [
  ...SCALARS.map(([oid, name, size, category, format, array]) => ({ oid, name, size, category, format, array, element: 0, collation: STRING_TYPES.has(oid) ? 100 : 0 })),
  ...SCALARS.filter(([, , , , , array]) => array !== 0).map(([oid, name, , , format, array]) => ({
    oid: array,
    name: `_${name}`,
    size: -1,
    category: 'A',
    format: `${format}[]`,
    array: 0,
    element: oid,
    collation: STRING_TYPES.has(oid) ? 100 : 0,
  })),
];

/** The OID of the array type of `oid` (text[] when it has none). */
export function arrayOidOf(oid: number): number {
  return TYPE_ROWS.find((t) => t.oid === oid)?.array || 1009;
}

/**
 * A catalog column type as Unity Catalog / Spark spells it (information_schema.columns
 * full_data_type: `bigint`, `decimal(10,2)`, `array<string>`, `struct<…>`) → pg type OID and
 * typmod, for pg_attribute.
 */
export function pgTypeOfSparkType(typeText: string): { readonly oid: number; readonly modifier: number } {
  const t = typeText.trim().toLowerCase();
  const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(t);
  if (decimal !== null) return { oid: OID.numeric, modifier: ((Number(decimal[1]) << 16) | Number(decimal[2])) + 4 };
  const array = /^array<(.*)>$/s.exec(t);
  if (array !== null) return { oid: arrayOidOf(pgTypeOfSparkType(array[1] as string).oid), modifier: -1 };
  if (/^(struct|map|variant)\b/.test(t)) return { oid: OID.json, modifier: -1 };
  const simple: Record<string, number> = {
    bigint: OID.int8,
    long: OID.int8,
    int: OID.int4,
    integer: OID.int4,
    smallint: OID.int2,
    short: OID.int2,
    tinyint: OID.int2,
    byte: OID.int2,
    boolean: OID.bool,
    double: OID.float8,
    float: OID.float4,
    real: OID.float4,
    date: OID.date,
    timestamp: OID.timestamptz,
    timestamp_ntz: OID.timestamp,
    binary: OID.bytea,
    decimal: OID.numeric,
  };
  return { oid: simple[t] ?? OID.text, modifier: -1 };
}
