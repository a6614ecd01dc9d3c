import type { DataType, StructField } from '../../../expr/types.js';
import { typeToString } from '../../../expr/types.js';
import { parseDateText, parseDecimalText, parseTimestampText } from '../partition-values.js';

/**
 * The writer-side check of an add's `stats` JSON (PROTOCOL.md "Per-file Statistics"): the shape
 * Loch's readers and every other Delta reader expect, keyed by physical names.
 */

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

const INT_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  byte: [-128, 127],
  short: [-32768, 32767],
  integer: [-2147483648, 2147483647],
  long: [-(2 ** 63), 2 ** 63],
};

/**
 * Problems of one stats JSON string against the data (non-partition) top-level fields: it must
 * be an object with numRecords a non-negative integer, tightBounds a boolean if present, and
 * minValues/maxValues/nullCount objects whose keys are physical names of those fields, nested
 * structs as nested objects. Bounds need the column's JSON type (numbers for numeric columns,
 * 'NaN'/'Infinity' strings allowed for floating point, decimal numbers or strings that fit the
 * precision, 'YYYY-MM-DD' dates, parseable timestamps, strings, booleans) and are not allowed
 * for arrays and maps; null counts are non-negative integers (arrays and maps included).
 */
export function statsProblems(stats: string, dataFields: readonly StructField[]): string[] {
  let root: unknown;
  try {
    root = JSON.parse(stats);
  } catch {
    return ['stats are not valid JSON'];
  }
  if (!isObject(root)) return ['stats are not a JSON object'];
  const problems: string[] = [];
  const numRecords = root['numRecords'];
  if (numRecords === undefined) problems.push('stats have no numRecords');
  else if (!isCount(numRecords)) problems.push(`stats numRecords ${JSON.stringify(numRecords)} is not a non-negative integer`);
  if (root['tightBounds'] !== undefined && typeof root['tightBounds'] !== 'boolean') problems.push('stats tightBounds is not a boolean');
  for (const section of ['minValues', 'maxValues'] as const) {
    const value = root[section];
    if (value === undefined) continue;
    if (!isObject(value)) problems.push(`stats ${section} is not an object`);
    else checkBounds(value, dataFields, section, '', problems);
  }
  const nulls = root['nullCount'];
  if (nulls !== undefined) {
    if (!isObject(nulls)) problems.push('stats nullCount is not an object');
    else checkNullCounts(nulls, dataFields, '', problems);
  }
  return problems;
}

function fieldFor(fields: readonly StructField[], key: string): StructField | undefined {
  return fields.find((f) => f.physicalName === key);
}

function checkBounds(values: JsonObject, fields: readonly StructField[], section: string, prefix: string, problems: string[]): void {
  for (const [key, value] of Object.entries(values)) {
    const path = `${prefix}${key}`;
    const field = fieldFor(fields, key);
    if (field === undefined) {
      problems.push(`stats ${section} key '${path}' is not the physical name of a data column`);
      continue;
    }
    const type = field.type;
    if (type.kind === 'struct') {
      if (isObject(value)) checkBounds(value, type.fields, section, `${path}.`, problems);
      else if (value !== null) problems.push(`stats ${section}.${path} is not an object although the column is a struct`);
    } else if (type.kind === 'array' || type.kind === 'map') {
      problems.push(`stats ${section}.${path}: ${type.kind} columns have no ${section === 'minValues' ? 'minimum' : 'maximum'}`);
    } else if (value !== null && !boundFits(value, type)) {
      problems.push(`stats ${section}.${path} = ${JSON.stringify(value)} is not a ${typeToString(type)} value`);
    }
  }
}

function checkNullCounts(values: JsonObject, fields: readonly StructField[], prefix: string, problems: string[]): void {
  for (const [key, value] of Object.entries(values)) {
    const path = `${prefix}${key}`;
    const field = fieldFor(fields, key);
    if (field === undefined) {
      problems.push(`stats nullCount key '${path}' is not the physical name of a data column`);
    } else if (field.type.kind === 'struct') {
      if (isObject(value)) checkNullCounts(value, field.type.fields, `${path}.`, problems);
      else problems.push(`stats nullCount.${path} is not an object although the column is a struct`);
    } else if (!isCount(value)) {
      problems.push(`stats nullCount.${path} = ${JSON.stringify(value)} is not a non-negative integer`);
    }
  }
}

/** True when a JSON min/max value has the representation Delta uses for `type`. */
function boundFits(value: unknown, type: DataType): boolean {
  if (type.kind === 'decimal') {
    // JSON.parse cannot hold more than ~15 digits exactly: such a number is checked for being a number only.
    if (typeof value === 'number' && Math.abs(value) >= 1e15) return Number.isFinite(value);
    const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : undefined;
    return text !== undefined && parseDecimalText(text, type.precision, type.scale, 'floor') !== undefined;
  }
  if (type.kind !== 'primitive') return false;
  switch (type.name) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'long': {
      const [min, max] = INT_RANGES[type.name]!;
      return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
    }
    case 'float':
    case 'double':
      return (typeof value === 'number' && Number.isFinite(value)) || value === 'NaN' || value === 'Infinity' || value === '-Infinity';
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
    case 'binary':
      return typeof value === 'string';
    case 'date':
      return typeof value === 'string' && parseDateText(value) !== undefined;
    case 'timestamp':
      return typeof value === 'string' && parseTimestampText(value, 'utc') !== undefined;
    case 'timestamp_ntz':
      return typeof value === 'string' && parseTimestampText(value, 'wall') !== undefined;
    default:
      // Types Delta has no name for never reach a Delta schema.
      return false;
  }
}
