import type { NameParts } from '../parse/catalog-ast.js';
import { resolveName, type SqlEnv } from '../sql-env.js';
import { sqlString } from '../sql-text.js';
import type { WriteSummary } from '../write-target.js';
import { resolveSchema } from './alteration.js';
import { javaDate } from './describe-table.js';
import { rowsSql, textColumns } from './result-rows.js';

/**
 * DESCRIBE CATALOG / SCHEMA (info_name, info_value rows, as Spark's DESCRIBE NAMESPACE and
 * Databricks' DESCRIBE CATALOG) and DESCRIBE VOLUME (one row, Databricks' columns).
 */

const INFO = textColumns('info_name', 'info_value');

/** Catalog Name, Comment, Owner, Catalog Type; EXTENDED adds storage root, properties and who/when. */
export async function describeCatalog(env: SqlEnv, name: string, extended: boolean): Promise<WriteSummary> {
  const info = await env.catalog.getCatalog(name);
  const rows: [string, string | undefined][] = [
    ['Catalog Name', info.name],
    ['Comment', info.comment],
    ['Owner', info.owner],
    ['Catalog Type', 'Regular'],
  ];
  if (extended) {
    if (info.storageRoot !== undefined) rows.push(['Storage Root', info.storageRoot]);
    rows.push(['Properties', propertiesText(info.properties)], ...auditRows(info));
  }
  return { resultSql: rowsSql(INFO, rows.map(([k, v]) => [sqlString(k), sqlString(v)])) };
}

/** Catalog Name, Namespace Name, Comment, Location, Owner; EXTENDED adds properties and who/when. */
export async function describeSchema(env: SqlEnv, parts: NameParts, extended: boolean): Promise<WriteSummary> {
  const { catalog, schema } = resolveSchema(env.state, parts);
  const info = await env.catalog.getSchema(catalog, schema);
  const rows: [string, string | undefined][] = [
    ['Catalog Name', info.catalog],
    ['Namespace Name', info.name],
    ['Comment', info.comment],
  ];
  if (info.storageRoot !== undefined) rows.push(['Location', info.storageRoot]);
  rows.push(['Owner', info.owner]);
  if (extended) rows.push(['Properties', propertiesText(info.properties)], ...auditRows(info));
  return { resultSql: rowsSql(INFO, rows.map(([k, v]) => [sqlString(k), sqlString(v)])) };
}

const VOLUME_COLUMNS = textColumns('name', 'catalog', 'database', 'owner', 'storageLocation', 'volumeType', 'comment');

export async function describeVolume(env: SqlEnv, parts: NameParts): Promise<WriteSummary> {
  const v = await env.catalog.getVolume(resolveName(env.state, parts));
  const row = [v.name, v.catalog, v.schema, v.owner, v.location, v.volumeType, v.comment].map((x) => sqlString(x));
  return { resultSql: rowsSql(VOLUME_COLUMNS, [row]) };
}

/** Spark's rendering of namespace properties: ((k,v), (k2,v2)), sorted; '' when none. */
function propertiesText(properties: Readonly<Record<string, string>>): string {
  const entries = Object.entries(properties).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '' : `(${entries.map(([k, v]) => `(${k},${v})`).join(', ')})`;
}

function auditRows(info: { createdBy: string; createdAt: number; updatedBy: string; updatedAt: number }): [string, string][] {
  return [
    ['Created By', info.createdBy],
    ['Created At', javaDate(info.createdAt)],
    ['Updated By', info.updatedBy],
    ['Updated At', javaDate(info.updatedAt)],
  ];
}
