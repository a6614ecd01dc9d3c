import { LochError } from '../../../core/errors.js';
import { parseJsonExact } from '../../../core/json-exact.js';
import { asArray, asObject, optArray, optInt } from './json-read.js';

/**
 * Name mappings (spec "Column Projection", table property `schema.name-mapping.default`): field
 * ids for data files written without them (migrated Hive tables). Names are literal: a dot is
 * part of the name, not nesting. Apply a mapping only to files that carry no field ids.
 */

export interface MappedField {
  /** Every name that maps to the id; several spellings may map to one field. */
  readonly names: readonly string[];
  /** Absent when the names are known but have no field (the column is ignored). */
  readonly fieldId?: number;
  /** Nested mappings of a struct, list ("element") or map ("key", "value"). */
  readonly fields?: readonly MappedField[];
}

export type NameMapping = readonly MappedField[];

const SUBSYSTEM = 'iceberg name mapping';

/** Parses the mapping JSON (a list of `{names, field-id?, fields?}`); malformed → CORRUPT_DATA. */
export function parseNameMapping(text: string, where: string): NameMapping {
  let json: unknown;
  try {
    json = parseJsonExact(text);
  } catch (error) {
    throw new LochError('CORRUPT_DATA', `${SUBSYSTEM}: ${where}: not valid JSON: ${(error as Error).message}`, { cause: error, context: { where } });
  }
  return parseFields(json, where);
}

function parseFields(json: unknown, where: string): MappedField[] {
  return wrap(where, () => asArray(json, where, 'name mapping')).map((f, i) => parseField(f, `${where}: [${i}]`));
}

function parseField(json: unknown, where: string): MappedField {
  const o = wrap(where, () => asObject(json, where, 'mapped field'));
  const names = wrap(where, () => asArray(o.names, where, '"names"')).map((n) => {
    if (typeof n !== 'string') throw new LochError('CORRUPT_DATA', `${SUBSYSTEM}: ${where}: a name is not a string`, { context: { where } });
    return n;
  });
  const fieldId = wrap(where, () => optInt(o, 'field-id', where));
  const nested = wrap(where, () => optArray(o, 'fields', where));
  return {
    names,
    ...(fieldId !== undefined ? { fieldId } : {}),
    ...(nested !== undefined ? { fields: parseFields(nested, `${where}.fields`) } : {}),
  };
}

/** Re-labels the shared JSON readers' errors with this subsystem. */
function wrap<T>(where: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof LochError)) throw error;
    throw new LochError(error.code, error.message.replace(/^iceberg metadata:/, `${SUBSYSTEM}:`), { context: { where }, cause: error });
  }
}

/** The first name of the top-level mapped field with `fieldId`, or undefined. */
export function nameForId(mapping: NameMapping, fieldId: number): string | undefined {
  return mapping.find((f) => f.fieldId === fieldId)?.names[0];
}

/** The field id a top-level column name maps to, or undefined (names compare exactly). */
export function idForName(mapping: NameMapping, name: string): number | undefined {
  return mapping.find((f) => f.names.includes(name))?.fieldId;
}
