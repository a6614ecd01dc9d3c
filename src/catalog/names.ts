import { LochError } from '../core/errors.js';
import type { ObjectName } from './catalog-types.js';

/** Unity Catalog's limit on an identifier, in characters (code points). */
export const MAX_NAME_LENGTH = 255;

/**
 * Normalises a catalog, schema, table, view or volume name: lower case (identifiers are
 * case-insensitive, as in Unity Catalog), then validated. A valid name has 1–255 characters and
 * no '.', ' ', '/', control character (C0, DEL, C1) or unpaired surrogate; quotes and any other
 * Unicode are allowed. `kind` only names the object in the message.
 * Throws INVALID_ARGUMENT "catalog: invalid <kind> name '<name>': <why> (INVALID_IDENTIFIER)".
 */
export function normalizeName(kind: string, name: string): string {
  const lower = name.toLowerCase();
  const why = invalidReason(lower);
  if (why !== undefined) {
    throw new LochError('INVALID_ARGUMENT', `catalog: invalid ${kind} name '${printable(name)}': ${why} (INVALID_IDENTIFIER)`, {
      context: { kind, name },
    });
  }
  return lower;
}

/** The reason `name` is not a valid identifier, or undefined when it is. */
export function invalidReason(name: string): string | undefined {
  if (name === '') return 'the name is empty';
  const length = [...name].length;
  if (length > MAX_NAME_LENGTH) return `the name has ${length} characters, more than ${MAX_NAME_LENGTH}`;
  if (name.includes('.')) return "it contains '.'";
  if (name.includes(' ')) return 'it contains a space';
  if (name.includes('/')) return "it contains '/'";
  if (/\p{Cc}/u.test(name)) return 'it contains a control character';
  if (/\p{Cs}/u.test(name)) return 'it contains an unpaired surrogate';
  return undefined;
}

/** Normalises the three parts of a name (see normalizeName); `kind` names the last part. */
export function normalizeObjectName(kind: string, name: ObjectName): ObjectName {
  return {
    catalog: normalizeName('catalog', name.catalog),
    schema: normalizeName('schema', name.schema),
    name: normalizeName(kind, name.name),
  };
}

/**
 * A dotted name for messages, each part backtick-quoted when it is not a plain identifier
 * (`main.default.t`, main.default.`my table`), so a name holding quotes stays unambiguous.
 */
export function displayName(...parts: readonly string[]): string {
  return parts.map(displayPart).join('.');
}

function displayPart(part: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(part) ? part : `\`${printable(part).replaceAll('`', '``')}\``;
}

/** Control characters shown as \uXXXX so a message stays one readable line. */
function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A table name normalised, or undefined when it cannot be valid: such a name cannot exist, so a lookup finds nothing rather than failing. */
export function normalizedTableNameOrUndefined(name: ObjectName): ObjectName | undefined {
  try {
    return normalizeObjectName('table', name);
  } catch (error) {
    if (error instanceof LochError && error.code === 'INVALID_ARGUMENT') return undefined;
    throw error;
  }
}
