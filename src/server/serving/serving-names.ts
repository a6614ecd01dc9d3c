/**
 * Names on the serving routes. An endpoint is a catalog object `catalog.schema.name`; paths,
 * create bodies and the OpenAI `model` field may give 1–3 parts, resolved like unqualified SQL
 * names in a fresh session (catalog `main`, schema `default`). Each part must be a valid
 * identifier (catalog/names.ts); names are lower-cased. Anything else is INVALID_ARGUMENT before
 * a catalog call, so a bad name never reaches storage.
 */
import type { ObjectName } from '../../catalog/catalog-types.js';
import { invalidReason } from '../../catalog/names.js';
import { LochError } from '../../core/errors.js';

/** Where unqualified endpoint names live (a fresh SQL session's current catalog and schema). */
export const DEFAULT_CATALOG = 'main';
export const DEFAULT_SCHEMA = 'default';

const MAX_TEXT = 3 * 255 + 2;

/** `text` (1–3 dotted parts) as a full endpoint name; `field` names the input in messages. */
export function endpointName(text: string, field: string): ObjectName {
  if (text.length > MAX_TEXT) throw invalid(field, `is ${text.length} characters long; an endpoint name has at most ${MAX_TEXT}`);
  const parts = text.split('.');
  if (parts.length > 3) throw invalid(field, `'${printable(text)}' has ${parts.length} parts; an endpoint name is [catalog.][schema.]name`);
  const kinds = ['catalog', 'schema', 'endpoint'].slice(3 - parts.length);
  const lower = parts.map((part, i) => {
    const why = invalidReason(part.toLowerCase());
    if (why !== undefined) throw invalid(field, `'${printable(text)}' has an invalid ${kinds[i] ?? 'endpoint'} name: ${why}`);
    return part.toLowerCase();
  });
  const [a, b, c] = lower;
  if (c !== undefined) return { catalog: a as string, schema: b as string, name: c };
  if (b !== undefined) return { catalog: DEFAULT_CATALOG, schema: a as string, name: b };
  return { catalog: DEFAULT_CATALOG, schema: DEFAULT_SCHEMA, name: a as string };
}

/** `catalog.schema.name`. */
export function fullNameOf(name: ObjectName): string {
  return `${name.catalog}.${name.schema}.${name.name}`;
}

function invalid(field: string, why: string): LochError {
  return new LochError('INVALID_ARGUMENT', `serving: ${field} ${why}`, { context: { field } });
}

/** Control characters escaped and long text cut, so a message stays one readable line. */
export function printable(text: string): string {
  const cut = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return cut.replace(/\p{Cc}/gu, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
