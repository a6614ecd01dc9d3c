/**
 * Which catalog tables the Iceberg REST API serves and how: Iceberg tables natively (their
 * metadata pointer is the catalog record), Delta tables with UniForm read-only, nothing else
 * (views live under /views; plain Delta tables have no Iceberg metadata).
 */
import type { Catalog, ObjectName, TableInfo } from '../../catalog/catalog-types.js';
import type { Privilege } from '../../catalog/governance/governance-types.js';
import { displayName } from '../../catalog/names.js';
import type { TableMetadata } from '../../formats/iceberg/model.js';
import type { Loch } from '../../sql/loch.js';
import { isIcebergTable } from '../../sql/iceberg-catalog-target.js';
import { loadMetadata } from '../../table/iceberg/load-metadata.js';
import { forbidden, notFound } from './errors.js';
import { isUniformTable, tableLocation, uniformMetadata } from './uniform.js';

export type IcebergTableInfo = TableInfo & { readonly location: string; readonly metadataLocation: string };

export type ServedTable =
  | { readonly kind: 'iceberg'; readonly info: IcebergTableInfo }
  | { readonly kind: 'uniform'; readonly info: TableInfo & { readonly location: string } };

/**
 * The table as this API serves it; 404 NoSuchTableException for views and plain Delta tables.
 * `privilege` is checked (and audited) by the governed catalog before anything of the table
 * is read, so a caller without it learns nothing about the table's format.
 */
export async function servedTable(loch: Loch, catalog: Catalog, name: ObjectName, privilege?: Privilege): Promise<ServedTable> {
  const info = await catalog.getTable(name);
  if (privilege !== undefined) await catalog.authorize(privilege, { type: 'TABLE', name: { catalog: info.catalog, schema: info.schema, name: info.name } });
  const served = await classify(loch, info);
  if (served === undefined) throw notFound('table', `table ${fullName(name)} does not exist: ${whyNot(info)}`);
  return served;
}

/** The served form of a table, or undefined when this API does not serve it. */
export async function classify(loch: Loch, info: TableInfo): Promise<ServedTable | undefined> {
  if (info.tableType === 'VIEW' || info.location === undefined) return undefined;
  if (isIcebergTable(info)) return { kind: 'iceberg', info };
  if (info.format === 'ICEBERG') return undefined;
  return (await isUniformTable(loch, info)) ? { kind: 'uniform', info: info as TableInfo & { readonly location: string } } : undefined;
}

function whyNot(info: TableInfo): string {
  return info.tableType === 'VIEW' ? 'it is a view' : 'it is a Delta table without UniForm (it has no Iceberg metadata)';
}

/**
 * Row filters and column masks are applied by Loch's query engine; an Iceberg client reads the
 * files directly, so such tables are refused to everyone (their files would bypass the policy).
 */
export function refusePolicies(info: TableInfo, action: string): void {
  const masks = Object.keys(info.columnMasks ?? {}).length;
  if (info.rowFilter !== undefined || masks > 0) {
    throw forbidden(`${action} ${fullName(info)}: the table has a row filter or column masks, which Iceberg clients reading its files would bypass; read it through SQL`);
  }
}

/** Refuses changes of a UniForm table (its Delta log is the only writer). */
export function refuseReadOnly(served: ServedTable, action: string): asserts served is Extract<ServedTable, { kind: 'iceberg' }> {
  if (served.kind === 'uniform') {
    throw forbidden(`${action} ${fullName(served.info)}: the table is a Delta table served read-only as Iceberg (UniForm); change it through SQL or the Delta API`);
  }
}

/** Current metadata and its location. */
export async function currentMetadata(loch: Loch, served: ServedTable): Promise<{ readonly metadata: TableMetadata; readonly metadataLocation: string }> {
  if (served.kind === 'iceberg') {
    const table = await tableLocation(loch, served.info.location);
    const loaded = await loadMetadata(table, { metadataFile: served.info.metadataLocation });
    return { metadata: loaded.metadata, metadataLocation: served.info.metadataLocation };
  }
  const uniform = await uniformMetadata(loch, served.info.location);
  if (uniform === undefined) throw notFound('table', `table ${fullName(served.info)} has UniForm turned on but no Iceberg metadata has been written yet`);
  return uniform;
}

export function fullName(name: { readonly catalog: string; readonly schema: string; readonly name: string }): string {
  return displayName(name.catalog, name.schema, name.name);
}
