/**
 * Turning engine values (see engine values normalisation: numbers, bigint, strings, Uint8Array,
 * arrays, objects, maps as {key, value} entry arrays) into the three output formats.
 */
export type CellValue = unknown;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** JSON form: integers beyond 2^53 as strings, binary as base64, everything else as JSON. */
export function toJsonValue(value: CellValue, mapAsEntries = true): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value > MAX_SAFE || value < -MAX_SAFE ? value.toString() : Number(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map((v) => toJsonValue(v, mapAsEntries));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJsonValue(v, mapAsEntries);
    return out;
  }
  return value;
}

/** Text form for the table and CSV outputs, close to what DuckDB's shell prints. */
export function toText(value: CellValue, nested = false): string {
  if (value === null || value === undefined) return nested ? 'NULL' : 'NULL';
  if (typeof value === 'string') return nested ? `'${value.replace(/'/g, "''")}'` : value;
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return formatNumber(value);
  if (value instanceof Uint8Array) return blobText(value);
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(isEntry)) return `{${value.map((e) => `${toText(e.key, true)}=${toText(e.value, true)}`).join(', ')}}`;
    return `[${value.map((v) => toText(v, true)).join(', ')}]`;
  }
  if (typeof value === 'object') {
    const parts = Object.entries(value).map(([k, v]) => `'${k}': ${toText(v, true)}`);
    return `{${parts.join(', ')}}`;
  }
  return String(value);
}

function isEntry(value: unknown): value is { key: unknown; value: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 2 && 'key' in value && 'value' in value;
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}

function blobText(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    out += byte >= 0x20 && byte < 0x7f && byte !== 0x5c ? String.fromCharCode(byte) : `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
