import { civilFromDays } from '../../../core/calendar.js';
import { LochError } from '../../../core/errors.js';
import type { WrittenColumnStats } from '../../../expr/file-facts.js';
import type { LiteralValue } from '../../../expr/nodes.js';
import type { DataType, StructField, StructType } from '../../../expr/types.js';
import { typeToString } from '../../../expr/types.js';
import { parseDateText, parseDecimalText } from '../partition-values.js';
import { javaFloatText } from './partition-serialize.js';
import { parseColumnPath } from './properties.js';

/**
 * Per-file statistics for add actions (PROTOCOL.md "Per-file Statistics"), written so that
 * stats.ts parseFileStats reads back true bounds and Spark reads them as its own:
 * `{"numRecords":n,"minValues":{…},"maxValues":{…},"nullCount":{…}[,"tightBounds":b]}`, keyed by
 * physical names, nested structs as nested objects.
 */

export interface StatsBuildOptions {
  /** delta.dataSkippingNumIndexedCols: statistics for the first n leaf columns; -1 for all. */
  readonly numIndexedCols: number;
  /** delta.dataSkippingStatsColumns entries (logical, dotted, backticks allowed); overrides the count. */
  readonly statsColumns?: readonly string[];
  /** Written when given (Spark writes it on tables with deletion vectors). */
  readonly tightBounds?: boolean;
}

/** Spark's prefix length for string statistics, and its tie-breaker for cut maxima. */
const STRING_PREFIX = 32;
const TIE_BREAKER = '\u{10FFFF}';

interface Leaf {
  readonly logical: readonly string[];
  readonly physical: readonly string[];
  readonly type: DataType;
}

/** Leaf columns in schema order: non-struct fields, looking into structs only. */
function leaves(fields: readonly StructField[], logical: readonly string[] = [], physical: readonly string[] = []): Leaf[] {
  return fields.flatMap((f) => {
    const l = [...logical, f.name];
    const p = [...physical, f.physicalName];
    return f.type.kind === 'struct' ? leaves(f.type.fields, l, p) : [{ logical: l, physical: p, type: f.type }];
  });
}

/** The leaves a stats column name selects: a leaf, or every leaf under a struct (case-insensitive). */
function selected(all: readonly Leaf[], statsColumns: readonly string[]): Leaf[] {
  const paths = statsColumns.map((entry) => parseColumnPath(entry).map((part) => part.toLowerCase()));
  return all.filter((leaf) => {
    const names = leaf.logical.map((n) => n.toLowerCase());
    return paths.some((path) => path.length <= names.length && path.every((part, i) => part === names[i]));
  });
}

function indexedLeaves(schema: StructType, options: StatsBuildOptions): Leaf[] {
  const all = leaves(schema.fields);
  if (options.statsColumns !== undefined) return selected(all, options.statsColumns);
  if (!Number.isInteger(options.numIndexedCols) || options.numIndexedCols < -1) {
    throw new LochError('INVALID_ARGUMENT', `delta stats: numIndexedCols must be an integer of at least -1, got ${options.numIndexedCols}`);
  }
  return options.numIndexedCols === -1 ? all : all.slice(0, options.numIndexedCols);
}

/** A JSON object under construction: values are JSON text or nested objects, in insertion order. */
type Tree = Map<string, string | Tree>;

function put(tree: Tree, path: readonly string[], token: string): void {
  let node = tree;
  for (const name of path.slice(0, -1)) {
    let next = node.get(name);
    if (!(next instanceof Map)) {
      next = new Map();
      node.set(name, next);
    }
    node = next;
  }
  node.set(path[path.length - 1]!, token);
}

function treeJson(tree: Tree): string {
  const members = [...tree].map(([key, value]) => `${JSON.stringify(key)}:${typeof value === 'string' ? value : treeJson(value)}`);
  return `{${members.join(',')}}`;
}

function wrongValue(leaf: Leaf, side: string, value: LiteralValue): LochError {
  const shown = typeof value === 'bigint' ? `${value}n` : value instanceof Uint8Array ? `${value.length} bytes` : String(value);
  const column = leaf.logical.join('.');
  return new LochError('INVALID_ARGUMENT', `delta stats: column ${column}: ${side} value ${typeof value} ${shown} is not a ${typeToString(leaf.type)} value`, {
    context: { column, type: typeToString(leaf.type) },
  });
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** ISO-8601 text with milliseconds, truncated down: 'YYYY-MM-DDTHH:MM:SS.sss'; undefined outside 0000–9999. */
function timestampMillisText(micros: bigint): string | undefined {
  const millis = micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n);
  const days = Number(millis >= 0n ? millis / 86_400_000n : -((-millis + 86_399_999n) / 86_400_000n));
  const inDay = Number(millis - BigInt(days) * 86_400_000n);
  const { year, month, day } = civilFromDays(days);
  if (year < 0 || year > 9999) return undefined;
  const s = Math.floor(inDay / 1000);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(Math.floor(s / 3600), 2)}:${pad(Math.floor(s / 60) % 60, 2)}:${pad(s % 60, 2)}.${pad(inDay % 1000, 3)}`;
}

/** The first `n` code points of `text` (never splitting a surrogate pair). */
/**
 * The first n code points. A cut max gets U+10FFFF appended, the largest code point, so it stays
 * above every string with that prefix in code point (UTF-8 byte) order, unless the cut-off part
 * itself starts with U+10FFFF: then no max is a true bound (`unbounded`).
 */
function prefix(text: string, n: number): { text: string; cut: boolean; unbounded: boolean } {
  const points = Array.from(text);
  if (points.length <= n) return { text, cut: false, unbounded: false };
  return { text: points.slice(0, n).join(''), cut: true, unbounded: points[n] === TIE_BREAKER };
}

/**
 * The JSON token of one bound, or undefined when the column has no such statistic or the value
 * has no stats form (NaN, years outside 0000–9999). Wrong representations throw.
 */
function boundToken(leaf: Leaf, value: LiteralValue, side: 'min' | 'max'): string | undefined {
  const type = leaf.type;
  const fail = (): never => {
    throw wrongValue(leaf, side, value);
  };
  if (type.kind === 'decimal') {
    const text = typeof value === 'string' ? parseDecimalText(value, type.precision, type.scale, 'exact') : undefined;
    return text ?? fail();
  }
  if (type.kind !== 'primitive') return undefined;
  switch (type.name) {
    case 'boolean':
      return typeof value === 'boolean' ? String(value) : fail();
    case 'byte':
    case 'short':
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? String(value) : fail();
    case 'long':
      if (typeof value === 'bigint') return value.toString();
      return typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : fail();
    case 'float':
    case 'double': {
      if (typeof value !== 'number') return fail();
      if (Number.isNaN(value)) return undefined;
      // JSON has no infinities; Spark's JSON reader and stats.ts both accept them as strings.
      if (!Number.isFinite(value)) return JSON.stringify(value > 0 ? 'Infinity' : '-Infinity');
      return javaFloatText(value, type.name);
    }
    case 'date':
      if (typeof value !== 'string') return fail();
      return parseDateText(value) !== undefined ? JSON.stringify(value) : undefined;
    case 'timestamp':
    case 'timestamp_ntz': {
      if (typeof value !== 'bigint') return fail();
      const text = timestampMillisText(value);
      return text === undefined ? undefined : JSON.stringify(type.name === 'timestamp' ? `${text}Z` : text);
    }
    case 'string': {
      if (typeof value !== 'string') return fail();
      const cut = prefix(value, STRING_PREFIX);
      if (side === 'max' && cut.unbounded) return undefined;
      return JSON.stringify(side === 'max' && cut.cut ? `${cut.text}${TIE_BREAKER}` : cut.text);
    }
    case 'binary':
      return undefined;
  }
}

function nullCountToken(leaf: Leaf, count: number, numRecords: number): string {
  if (!Number.isSafeInteger(count) || count < 0 || count > numRecords) {
    throw new LochError('INVALID_ARGUMENT', `delta stats: column ${leaf.logical.join('.')}: null count ${count} is not between 0 and numRecords ${numRecords}`, {
      context: { column: leaf.logical.join('.') },
    });
  }
  return String(count);
}

/**
 * The `stats` JSON of an add action for a data file of `numRecords` rows whose writer reported
 * `columns` (paths of physical names, exact bounds as Literal values). `schema` is the schema
 * of the data file: the table schema WITHOUT its partition columns (they are not in data files,
 * so never in stats). Statistics cover the first `numIndexedCols` leaf columns in schema order
 * (struct fields counted one by one, an array or map counting as one leaf; -1 for all), or
 * exactly the leaves named by `statsColumns` (a struct name selects all its leaves; names that
 * match no column are ignored, as Spark does).
 *
 * Per indexed leaf, from the entry with exactly its physical path: nullCount when reported
 * (arrays and maps included — their element statistics, paths ending in 'element', 'key' or
 * 'value', are not the column's); minValues/maxValues for numbers, decimals, booleans, dates,
 * timestamps and strings, never for binary, arrays or maps. Bounds are written so they read
 * back as true bounds: timestamps as ISO-8601 with milliseconds truncated down ('…Z' for
 * timestamp, no zone for timestamp_ntz, as Spark writes; the reader widens the max), strings cut
 * to 32 code points (the max then followed by U+FFFF), NaN left out, ±Infinity as strings,
 * floats and doubles as Java prints them, longs and decimals with every digit.
 * Bad input (numRecords, null counts, a value of the wrong representation) throws INVALID_ARGUMENT.
 */
export function buildStatsJson(schema: StructType, numRecords: number, columns: readonly WrittenColumnStats[], options: StatsBuildOptions): string {
  if (!Number.isSafeInteger(numRecords) || numRecords < 0) {
    throw new LochError('INVALID_ARGUMENT', `delta stats: numRecords must be a non-negative integer, got ${numRecords}`);
  }
  const byPath = new Map(columns.map((c) => [c.path.join('\u0000'), c]));
  const mins: Tree = new Map();
  const maxs: Tree = new Map();
  const nulls: Tree = new Map();
  for (const leaf of indexedLeaves(schema, options)) {
    const stats = byPath.get(leaf.physical.join('\u0000'));
    if (stats === undefined) continue;
    if (stats.nullCount !== undefined) put(nulls, leaf.physical, nullCountToken(leaf, stats.nullCount, numRecords));
    const min = stats.min === undefined || stats.min === null ? undefined : boundToken(leaf, stats.min, 'min');
    const max = stats.max === undefined || stats.max === null ? undefined : boundToken(leaf, stats.max, 'max');
    if (min !== undefined) put(mins, leaf.physical, min);
    if (max !== undefined) put(maxs, leaf.physical, max);
  }
  const tight = options.tightBounds === undefined ? '' : `,"tightBounds":${options.tightBounds}`;
  return `{"numRecords":${numRecords},"minValues":${treeJson(mins)},"maxValues":${treeJson(maxs)},"nullCount":${treeJson(nulls)}${tight}}`;
}
