import type { ObjectName } from '../../catalog/catalog-types.js';
import { invalidReason } from '../../catalog/names.js';
import { LochError } from '../../core/errors.js';

/** Where unqualified index names live (a fresh SQL session's current catalog and schema). */
const DEFAULT_CATALOG = 'main';
const DEFAULT_SCHEMA = 'default';
const MAX_TEXT = 3 * 255 + 2;

/**
 * An index name from a path or body (`catalog.schema.name`; 1–2 parts resolve against
 * main.default as in a fresh SQL session), lower-cased, each part a valid identifier; anything
 * else is INVALID_ARGUMENT naming `field` before a catalog call.
 */
export function indexName(text: unknown, field: string): ObjectName {
  if (typeof text !== 'string' || text === '') throw invalid(field, 'must be a non-empty string such as main.default.docs_index');
  if (text.length > MAX_TEXT) throw invalid(field, `is ${text.length} characters long; a name has at most ${MAX_TEXT}`);
  const parts = text.split('.').map((p) => p.toLowerCase());
  if (parts.length > 3) throw invalid(field, `'${shown(text)}' has ${parts.length} parts; a name is [catalog.][schema.]name`);
  for (const part of parts) {
    const why = invalidReason(part);
    if (why !== undefined) throw invalid(field, `'${shown(text)}' is not a valid name: ${why}`);
  }
  const [a, b, c] = parts as [string, string?, string?];
  if (c !== undefined) return { catalog: a, schema: b as string, name: c };
  if (b !== undefined) return { catalog: DEFAULT_CATALOG, schema: a, name: b };
  return { catalog: DEFAULT_CATALOG, schema: DEFAULT_SCHEMA, name: a };
}

/** `catalog.schema.name`. */
export function fullName(name: ObjectName): string {
  return `${name.catalog}.${name.schema}.${name.name}`;
}

function invalid(field: string, why: string): LochError {
  return new LochError('INVALID_ARGUMENT', `vector search: ${field} ${why}`, { context: { field } });
}

function shown(text: string): string {
  const cut = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return cut.replace(/\p{Cc}/gu, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
