/**
 * Column statistics of written parquet files: DuckDB's `COPY … RETURN_STATS` text (keyed by
 * quoted leaf paths such as '"s"."q"."element"') as WrittenColumnStats with Literal values.
 *
 * How DuckDB 1.5 prints bounds (what the parsers below accept): booleans '0'/'1'; integers and
 * decimals in plain notation (decimals with their scale); floats/doubles as shortest round-trip
 * text with 'inf'/'-inf', NaN excluded from min/max and flagged by has_nan; dates 'YYYY-MM-DD'
 * with ' (BC)' after the date for years before 1; timestamps 'YYYY-MM-DD[ (BC)] HH:MM:SS[.f…]'
 * with '+00' for TIMESTAMPTZ (always UTC, whatever the session TimeZone); 'infinity' for
 * infinite dates/timestamps; strings verbatim up to 256 bytes, longer ones cut (min a prefix, max
 * a prefix with its last byte raised) or left out; binary as hex.
 */
import { daysFromCivil } from '../../core/calendar.js';
import type { WrittenColumnStats } from '../../expr/file-facts.js';
import type { LiteralValue } from '../../expr/nodes.js';
import type { DataType } from '../../expr/types.js';
import type { WriteColumn } from '../write-spec.js';
import { formatDate } from './temporal-text.js';
import type { SqlValue } from './values.js';

/** Leaf path key → statistic name → DuckDB text. */
export type StatsMap = ReadonlyMap<string, ReadonlyMap<string, string | null>>;

interface Entry {
  readonly key: SqlValue;
  readonly value: SqlValue;
}

function entries(value: SqlValue): Entry[] {
  return Array.isArray(value) ? (value as unknown as Entry[]) : [];
}

/** A MAP(VARCHAR, VARCHAR) value (as values.ts delivers it) as a Map. */
export function textMapOf(value: SqlValue): Map<string, string | null> {
  return new Map(entries(value).map((e) => [String(e.key), e.value === null ? null : String(e.value)]));
}

/** RETURN_STATS' column_statistics (MAP(VARCHAR, MAP(VARCHAR, VARCHAR))) as a Map of Maps. */
export function statsMapOf(value: SqlValue): StatsMap {
  return new Map(entries(value).map((e) => [String(e.key), textMapOf(e.value)]));
}

interface Leaf {
  readonly path: readonly string[];
  readonly type: DataType;
  /** Inside a list or map: counts are per element, bounds are not kept. */
  readonly repeated: boolean;
}

function leavesOf(type: DataType, path: readonly string[], repeated: boolean): Leaf[] {
  switch (type.kind) {
    case 'struct':
      return type.fields.flatMap((f) => leavesOf(f.type, [...path, f.physicalName], repeated));
    case 'array':
      return leavesOf(type.element, [...path, 'element'], true);
    case 'map':
      return [...leavesOf(type.key, [...path, 'key'], true), ...leavesOf(type.value, [...path, 'value'], true)];
    default:
      return [{ path, type, repeated }];
  }
}

const statsKey = (path: readonly string[]): string => path.map((p) => `"${p.replaceAll('"', '""')}"`).join('.');

function decimalBound(text: string, scale: number): string | undefined {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return undefined;
  const [, sign = '', whole = '', fraction = ''] = match;
  if (fraction.length > scale && /[^0]/.test(fraction.slice(scale))) return undefined;
  const digits = fraction.slice(0, scale).padEnd(scale, '0');
  return scale === 0 ? `${sign}${whole}` : `${sign}${whole}.${digits}`;
}

function floatBound(text: string): number | undefined {
  if (text === 'inf' || text === 'infinity') return Number.POSITIVE_INFINITY;
  if (text === '-inf' || text === '-infinity') return Number.NEGATIVE_INFINITY;
  if (!/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return undefined;
  return Number(text);
}

/** Days since the epoch of 'YYYY-MM-DD[ (BC)]' (DuckDB counts 1 BC as year 1 BC, i.e. year 0). */
function civilDays(year: string, month: string, day: string, bc: string | undefined): number {
  const y = bc ? 1 - Number(year) : Number(year);
  return daysFromCivil(y, Number(month), Number(day));
}

function dateBound(text: string): string | undefined {
  const match = /^(\d{4,})-(\d{2})-(\d{2})( \(BC\))?$/.exec(text);
  if (!match) return undefined;
  const [, y = '', m = '', d = '', bc] = match;
  return formatDate(civilDays(y, m, d, bc));
}

const TIMESTAMP_TEXT = /^(\d{4,})-(\d{2})-(\d{2})( \(BC\))? (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/;

/** Micros since the epoch of DuckDB's timestamp text; an offset, when printed, is applied. */
function timestampBound(text: string): bigint | undefined {
  const match = TIMESTAMP_TEXT.exec(text);
  if (!match) return undefined;
  const [, y = '', mo = '', d = '', bc, h = '0', mi = '0', s = '0', frac = '', sign, oh = '0', om = '0', os = '0'] = match;
  const seconds = BigInt(civilDays(y, mo, d, bc)) * 86_400n + BigInt(Number(h) * 3600 + Number(mi) * 60 + Number(s));
  const offset = sign === undefined ? 0n : BigInt((sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60 + Number(os)));
  return (seconds - offset) * 1_000_000n + BigInt(frac.padEnd(6, '0') || '0');
}

/** One bound in the Literal value representation of `type`; undefined when none can be given. */
export function boundOf(text: string, type: DataType): LiteralValue | undefined {
  if (type.kind === 'decimal') return decimalBound(text, type.scale);
  if (type.kind !== 'primitive') return undefined;
  switch (type.name) {
    case 'boolean':
      return text === '1' || text === 'true' ? true : text === '0' || text === 'false' ? false : undefined;
    case 'byte':
    case 'short':
    case 'integer':
      return /^-?\d+$/.test(text) ? Number(text) : undefined;
    case 'long':
      return /^-?\d+$/.test(text) ? BigInt(text) : undefined;
    case 'float':
    case 'double':
      return floatBound(text);
    case 'string':
      return text;
    case 'date':
      return dateBound(text);
    case 'timestamp':
    case 'timestamp_ntz':
      return timestampBound(text);
    case 'binary':
      return undefined;
  }
}

function leafStats(leaf: Leaf, raw: ReadonlyMap<string, string | null>): WrittenColumnStats {
  const nullText = raw.get('null_count');
  const out: { path: readonly string[]; min?: LiteralValue; max?: LiteralValue; nullCount?: number } = { path: leaf.path };
  if (nullText !== undefined && nullText !== null && /^\d+$/.test(nullText)) out.nullCount = Number(nullText);
  if (leaf.repeated) return out;
  const minText = raw.get('min');
  const maxText = raw.get('max');
  const min = minText === undefined || minText === null ? undefined : boundOf(minText, leaf.type);
  // NaN sorts above every number, so a column holding NaN has no numeric upper bound.
  const max = maxText === undefined || maxText === null || raw.get('has_nan') === 'true' ? undefined : boundOf(maxText, leaf.type);
  if (min !== undefined) out.min = min;
  if (max !== undefined) out.max = max;
  return out;
}

/** Stats of every parquet leaf of the data columns, in schema order (see WrittenFile.columnStats). */
export function columnStatsOf(columns: readonly WriteColumn[], stats: StatsMap): WrittenColumnStats[] {
  const out: WrittenColumnStats[] = [];
  for (const column of columns) {
    for (const leaf of leavesOf(column.type, [column.physicalName], false)) {
      const raw = stats.get(statsKey(leaf.path));
      if (raw) out.push(leafStats(leaf, raw));
    }
  }
  return out;
}
