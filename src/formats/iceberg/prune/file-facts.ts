import type { FileFacts } from '../../../expr/file-facts.js';
import type { LiteralValue } from '../../../expr/nodes.js';
import type { DataFile, IcebergField, IcebergSchema, IcebergType } from '../model.js';
import { decodeBinaryValue } from '../values/binary-value.js';

/**
 * Column statistics of Iceberg data files as FileFacts for expr/prune.ts. Statistics are an
 * optimisation: a bound that does not decode is dropped, never an error. Every bound kept is a
 * true bound of the file's rows (rows removed by deletes only narrow the truth):
 * - string and binary upper bounds may be cut prefixes. Java cuts them to 16 characters/bytes
 *   and increments the last one, but the length is a table property and other writers may cut
 *   without incrementing, so every such upper bound is replaced by the smallest value above
 *   every value that starts with it (the same rule Delta's stats.ts applies to cut maxes);
 * - NaN bounds (written by old writers) are dropped;
 * - fields inside lists and maps are left out: a filter cannot name them.
 */

/** A primitive column reachable through structs only: its Loch path and Iceberg type. */
export interface LeafColumn {
  readonly path: readonly string[];
  readonly type: IcebergType;
}

/**
 * Every primitive (incl. decimal and fixed) field reachable from the schema root through
 * structs, by field id, with its Loch column path (Loch names equal Iceberg names).
 */
export function leafColumns(schema: { readonly fields: readonly IcebergField[] }): ReadonlyMap<number, LeafColumn> {
  const out = new Map<number, LeafColumn>();
  const walk = (fields: readonly IcebergField[], prefix: readonly string[]): void => {
    for (const f of fields) {
      const path = [...prefix, f.name];
      if (f.type.kind === 'struct') walk(f.type.fields, path);
      else if (f.type.kind === 'primitive' || f.type.kind === 'decimal' || f.type.kind === 'fixed') out.set(f.id, { path, type: f.type });
    }
  };
  walk(schema.fields, []);
  return out;
}

/**
 * FileFacts of one data file read with `schema`: bounds and null counts by field id, keyed by
 * the columns' Loch paths joined with '.'; `numRecords` from the record count; no partition
 * values (partition pruning is partition-prune.ts). Bounds of a field whose type was promoted
 * since the file was written are read by length (see values/binary-value.ts).
 */
export function dataFileFacts(file: DataFile, schema: IcebergSchema): FileFacts {
  const minValues = new Map<string, LiteralValue>();
  const maxValues = new Map<string, LiteralValue>();
  const nullCount = new Map<string, number>();
  for (const [id, leaf] of leafColumns(schema)) {
    const key = leaf.path.join('.');
    const where = `${file.filePath}: field ${id}`;
    const lower = boundOf(file.lowerBounds?.get(id), leaf.type, where);
    const upper = boundOf(file.upperBounds?.get(id), leaf.type, where);
    if (lower !== undefined) minValues.set(key, lower);
    const widened = upper === undefined ? undefined : inexactUpperBound(upper, leaf.type);
    if (widened !== undefined) maxValues.set(key, widened);
    const nulls = file.nullValueCounts?.get(id);
    if (nulls !== undefined && Number.isFinite(nulls) && nulls >= 0) nullCount.set(key, nulls);
  }
  return {
    partitionValues: new Map(),
    stats: { numRecords: file.recordCount, minValues, maxValues, nullCount, tightBounds: true },
  };
}

function boundOf(bytes: Uint8Array | undefined, type: IcebergType, where: string): Exclude<LiteralValue, null> | undefined {
  if (bytes === undefined) return undefined;
  try {
    const value = decodeBinaryValue(bytes, type, where);
    if (value === null || (typeof value === 'number' && Number.isNaN(value))) return undefined;
    return value;
  } catch {
    return undefined;
  }
}

/**
 * An upper bound of a column of `type` that stays one when the stored value was a cut prefix:
 * string, binary and fixed values become the smallest value greater than every value starting
 * with them (undefined when none exists, i.e. no upper bound); other values are returned as
 * they are.
 */
export function inexactUpperBound(value: Exclude<LiteralValue, null>, type: IcebergType): Exclude<LiteralValue, null> | undefined {
  const name = type.kind === 'primitive' ? type.name : type.kind;
  if (name === 'string' && typeof value === 'string') return nextStringPrefix(value);
  if ((name === 'binary' || name === 'fixed') && value instanceof Uint8Array) return nextBytesPrefix(value);
  return value;
}

function nextStringPrefix(text: string): string | undefined {
  const points = Array.from(text, (ch) => ch.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last < 0x10ffff) {
      // Surrogate code points are not characters: step over them.
      points.push(last + 1 === 0xd800 ? 0xe000 : last + 1);
      return String.fromCodePoint(...points);
    }
  }
  return undefined;
}

function nextBytesPrefix(bytes: Uint8Array): Uint8Array | undefined {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  const out = bytes.slice(0, end);
  out[end - 1]! += 1;
  return out;
}
