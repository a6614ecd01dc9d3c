/**
 * Names in Unity Catalog requests: full names in paths (`main.default.t`) and name fields in
 * bodies and queries. Each part must be a valid catalog identifier (catalog/names.ts: 1–255
 * characters, no '.', space, '/', control characters); a full name must have exactly the parts
 * its object has. Anything else — `..%2F` traversal, NUL, extra or empty dots — is 400
 * INVALID_PARAMETER_VALUE before any catalog call, so a bad name never reaches storage.
 * Names are returned lower-case (identifiers are case-insensitive).
 */
import type { ObjectName } from '../../catalog/catalog-types.js';
import { invalidReason } from '../../catalog/names.js';
import { invalidParameter } from './uc-errors.js';

const MAX_FULL_NAME = 3 * 255 + 2;

/** One identifier (`kind` names it in the message), lower-cased. */
export function checkName(kind: string, name: string): string {
  const lower = name.toLowerCase();
  const why = invalidReason(lower);
  if (why !== undefined) throw invalidParameter(`invalid ${kind} name '${printable(name)}': ${why}`, { kind });
  return lower;
}

/** A catalog name from a path. */
export function catalogPath(text: string): string {
  return splitFullName(text, 1, 'catalog')[0] as string;
}

/** `catalog.schema` from a path. */
export function schemaPath(text: string): { readonly catalog: string; readonly schema: string } {
  const [catalog, schema] = splitFullName(text, 2, 'schema') as [string, string];
  return { catalog, schema };
}

/** `catalog.schema.name` of a table, volume or function from a path. */
export function objectPath(text: string, kind: string): ObjectName {
  const [catalog, schema, name] = splitFullName(text, 3, kind) as [string, string, string];
  return { catalog, schema, name };
}

/** The dotted full name of parts (already validated, so no quoting is needed). */
export function fullName(...parts: readonly string[]): string {
  return parts.join('.');
}

function splitFullName(text: string, count: number, kind: string): string[] {
  if (text.length > MAX_FULL_NAME) throw invalidParameter(`invalid ${kind} full name: ${text.length} characters is too long`, { kind });
  const parts = text.split('.');
  if (parts.length !== count) {
    const expected = ['catalog', 'catalog.schema', 'catalog.schema.name'][count - 1];
    throw invalidParameter(`invalid ${kind} full name '${printable(text)}': expected ${expected} (${count} part${count === 1 ? '' : 's'}), got ${parts.length}`, { kind });
  }
  const kinds = ['catalog', 'schema', kind].slice(0, count);
  return parts.map((part, i) => checkName(kinds[i] as string, part));
}

/** Control characters shown escaped, long names cut, so a message stays one readable line. */
function printable(text: string): string {
  const cut = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return cut.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
