import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { LochError } from '../../core/errors.js';
import { dataTypeToDuckDb, quoteIdentifier, quoteString } from '../../expr/to-sql.js';
import type { DataType, StructType } from '../../expr/types.js';

/** Rows handed in from JavaScript, as a relation DuckDB can read. */
export interface RowsRelation {
  /** A table expression (a subquery over `read_json(…)`) with exactly the schema's columns. */
  readonly sql: string;
  readonly rowCount: number;
  /** Deletes the temporary file; call after the statement that reads `sql` has finished. */
  dispose(): Promise<void>;
}

/**
 * Streams JavaScript row objects to a temporary newline-delimited JSON file and returns a
 * `read_json` expression typed by `schema`, so rows never accumulate in memory and DuckDB does
 * the conversion. Values by type: numbers (NaN and ±Infinity included), bigints and numeric strings
 * for numbers; Date, ISO text, epoch milliseconds (number, a fraction for microseconds) or epoch
 * microseconds (bigint) for timestamps; Date, epoch milliseconds or 'YYYY-MM-DD' for dates;
 * Uint8Array for binary; plain objects / arrays / Map for structs, arrays and maps. Keys not in the schema are refused (INVALID_ARGUMENT naming the key).
 */
export async function rowsRelation(rows: Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>, schema: StructType, what: string): Promise<RowsRelation> {
  const dir = await mkdtemp(join(tmpdir(), 'loch-rows-'));
  const path = join(dir, 'rows.ndjson');
  const out = createWriteStream(path);
  // A write still pending when the rows' iterator fails errors after destroy(): keep it from going uncaught.
  out.on('error', () => {});
  const known = new Set(schema.fields.map((f) => f.name));
  let rowCount = 0;
  try {
    for await (const row of rows) {
      for (const key of Object.keys(row)) {
        if (!known.has(key)) throw new LochError('INVALID_ARGUMENT', `${what}: row ${rowCount + 1} has a field ${key} that is not a column (columns: ${[...known].join(', ')})`);
      }
      const line: Record<string, unknown> = {};
      for (const f of schema.fields) line[f.name] = encodeValue(row[f.name], f.type);
      if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
      rowCount++;
    }
    out.end();
    await finished(out);
  } catch (error) {
    out.destroy();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  // read_json takes JSON text for BLOB columns byte for byte; a cast from VARCHAR decodes the \xNN escapes.
  const columns = schema.fields.map((f) => `${quoteString(f.name)}: ${quoteString(jsonType(f.type))}`).join(', ');
  const casts = schema.fields.map((f) => `CAST(${quoteIdentifier(f.name)} AS ${dataTypeToDuckDb(f.type)}) AS ${quoteIdentifier(f.name)}`).join(', ');
  const sql = rowCount === 0
    ? `(SELECT ${schema.fields.map((f) => `NULL::${dataTypeToDuckDb(f.type)} AS ${quoteIdentifier(f.name)}`).join(', ')} WHERE false)`
    : `(SELECT ${casts} FROM read_json(${quoteString(path)}, format = 'newline_delimited', columns = {${columns}}))`;
  return { sql, rowCount, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** The DuckDB type read_json reads a column as: the column's type with binary as VARCHAR. */
function jsonType(type: DataType): string {
  switch (type.kind) {
    case 'struct':
      return `STRUCT(${type.fields.map((f) => `${quoteIdentifier(f.name)} ${jsonType(f.type)}`).join(', ')})`;
    case 'array':
      return `${jsonType(type.element)}[]`;
    case 'map':
      return `MAP(${jsonType(type.key)}, ${jsonType(type.value)})`;
    default:
      return type.kind === 'primitive' && type.name === 'binary' ? 'VARCHAR' : dataTypeToDuckDb(type);
  }
}

function encodeValue(value: unknown, type: DataType): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'struct': {
      const obj = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of type.fields) out[f.name] = encodeValue(obj[f.name], f.type);
      return out;
    }
    case 'array':
      return [...(value as Iterable<unknown>)].map((v) => encodeValue(v, type.element));
    case 'map': {
      const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as Record<string, unknown>);
      return Object.fromEntries(entries.map(([k, v]) => [String(encodeValue(k, type.key)), encodeValue(v, type.value)]));
    }
    case 'decimal':
      return typeof value === 'bigint' ? value.toString() : value;
    case 'primitive':
      return encodePrimitive(value, type.name);
  }
}

function encodePrimitive(value: unknown, name: string): unknown {
  // JSON has no NaN or infinities (JSON.stringify would turn them into null); DuckDB casts these texts.
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (typeof value === 'bigint') {
    if (name === 'timestamp' || name === 'timestamp_ntz') return microsToIso(value, name === 'timestamp');
    return value.toString();
  }
  if (value instanceof Date) {
    if (name === 'date') return value.toISOString().slice(0, 10);
    return name === 'timestamp_ntz' ? value.toISOString().slice(0, -1) : value.toISOString();
  }
  // Epoch milliseconds may carry microseconds as a fraction (Arrow JS gives timestamps so); a Date would drop them.
  if (typeof value === 'number' && (name === 'timestamp' || name === 'timestamp_ntz')) return microsToIso(BigInt(Math.round(value * 1000)), name === 'timestamp');
  if (typeof value === 'number' && name === 'date') return new Date(value).toISOString().slice(0, 10);
  if (value instanceof Uint8Array) return [...value].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
  return value;
}

function microsToIso(micros: bigint, zoned: boolean): string {
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const frac = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  const base = new Date(Number(ms)).toISOString().slice(0, 19);
  return `${base}.${frac.toString().padStart(6, '0')}${zoned ? 'Z' : ''}`;
}
