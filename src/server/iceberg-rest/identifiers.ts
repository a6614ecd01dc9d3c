/**
 * Iceberg names → Loch names. The path prefix (the Iceberg "warehouse") is a Loch catalog;
 * without a prefix the catalog is `main`. A namespace is exactly one level: a Loch schema.
 * Multi-level namespaces (parts joined by the unit separator 0x1F, `%1F` in paths) do not exist
 * in Loch, so a path naming one is 404 and a body naming one is 400; no part of a name is ever
 * used as a storage path. Names are validated with the catalog's own rules (400 otherwise).
 */
import type { Context } from 'hono';
import type { ObjectName } from '../../catalog/catalog-types.js';
import { invalidReason } from '../../catalog/names.js';
import { badRequest, notFound } from './errors.js';

/** The catalog a request without prefix addresses. */
export const DEFAULT_CATALOG = 'main';

/** The namespace separator of paths and of the `parent` query parameter. */
export const NAMESPACE_SEPARATOR = '\u001f';

/** The catalog of the request: its `{prefix}` path parameter, else `main`. */
export function catalogOf(c: Context): string {
  const prefix = c.req.param('prefix');
  return prefix === undefined ? DEFAULT_CATALOG : checkedName('warehouse (prefix)', prefix);
}

/** The schema a `{namespace}` path parameter names; 404 for a multi-level namespace. */
export function schemaOfPath(c: Context): string {
  const raw = c.req.param('namespace') ?? '';
  const parts = raw.split(NAMESPACE_SEPARATOR);
  if (parts.length !== 1) {
    throw notFound('namespace', `namespace ${printable(parts.join('.'))} does not exist: Loch namespaces have exactly one level (a schema)`);
  }
  return checkedName('namespace', raw);
}

/** The schema a namespace array of a request body names; 400 unless it has exactly one level. */
export function schemaOfBody(namespace: readonly string[], where: string): string {
  if (namespace.length !== 1) {
    throw badRequest(`${where}: namespace ${JSON.stringify(namespace.map(printable))} must have exactly one level (a Loch schema)`);
  }
  return checkedName('namespace', namespace[0] as string);
}

/** The `{table}` (or `{view}`) path parameter. */
export function objectOfPath(c: Context, param: 'table' | 'view'): string {
  return checkedName(param, c.req.param(param) ?? '');
}

/** catalog.schema.name, each part validated. */
export function objectName(catalog: string, schema: string, name: string, kind = 'table'): ObjectName {
  return { catalog, schema, name: checkedName(kind, name) };
}

/** Lower-cased (Loch names are case-insensitive) and validated; 400 naming the reason. */
export function checkedName(kind: string, name: string): string {
  const lower = name.toLowerCase();
  const why = invalidReason(lower);
  if (why !== undefined) throw badRequest(`invalid ${kind} name ${JSON.stringify(printable(name).slice(0, 300))}: ${why}`);
  return lower;
}

/** Control characters shown as \uXXXX so a message stays one readable line. */
export function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
