/**
 * Loch tables and views → Unity Catalog TableInfo, with `columns` read from the table itself:
 * the Delta log's current schema (and partition columns), the Iceberg table's current metadata
 * file, or a view's recorded output columns.
 *
 * The spec's DataSourceFormat has no ICEBERG: Iceberg tables leave `data_source_format` out and
 * carry `"table_format": "ICEBERG"` (and their current `metadata_location`) in `properties`.
 * Properties are the catalog's merged with the table format's own (Delta configuration, Iceberg
 * table properties). A table whose schema cannot be read (files missing, corrupt log) is listed
 * without `columns` rather than failing the whole request.
 *
 * The table layer is reached through the admin Loch only after the governed catalog returned the
 * TableInfo, i.e. the caller was allowed to see the table.
 */
import type { TableInfo } from '../../catalog/catalog-types.js';
import type { Loch } from '../../sql/loch.js';
import type { UcColumn } from './columns.js';
import { columnsOf, typeFieldsOfText } from './columns.js';
import { commonFields } from './mapping.js';

type Json = Record<string, unknown>;

interface TableDetails {
  readonly columns?: UcColumn[];
  readonly properties: Readonly<Record<string, string>>;
}

/** The TableInfo JSON of a table or view. */
export async function tableJson(loch: Loch, t: TableInfo): Promise<Json> {
  const details = await readDetails(loch, t);
  const common = commonFields(t);
  return {
    name: t.name,
    catalog_name: t.catalog,
    schema_name: t.schema,
    full_name: `${t.catalog}.${t.schema}.${t.name}`,
    table_type: t.tableType,
    ...(t.tableType !== 'VIEW' && t.format !== 'ICEBERG' ? { data_source_format: 'DELTA' } : {}),
    ...(details.columns !== undefined ? { columns: details.columns } : {}),
    ...(t.location !== undefined ? { storage_location: t.location } : {}),
    ...common,
    properties: { ...details.properties, ...t.properties, ...formatProperties(t) },
    table_id: t.id,
    ...(t.viewText !== undefined ? { view_definition: t.viewText } : {}),
  };
}

/** TableInfo JSON of many tables, reading at most `concurrency` schemas at once. */
export async function tablesJson(loch: Loch, tables: readonly TableInfo[], concurrency = 8): Promise<Json[]> {
  const out: Json[] = new Array<Json>(tables.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tables.length) {
      const i = next++;
      out[i] = await tableJson(loch, tables[i] as TableInfo);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tables.length) }, worker));
  return out;
}

function formatProperties(t: TableInfo): Record<string, string> {
  if (t.format !== 'ICEBERG') return {};
  return { table_format: 'ICEBERG', ...(t.metadataLocation !== undefined ? { metadata_location: t.metadataLocation } : {}) };
}

async function readDetails(loch: Loch, t: TableInfo): Promise<TableDetails> {
  if (t.tableType === 'VIEW') return { columns: viewColumns(t), properties: {} };
  if (t.location === undefined) return { properties: {} };
  try {
    if (t.format === 'ICEBERG') {
      const view = await loch.icebergTable(t.location, t.metadataLocation === undefined ? {} : { metadataFile: t.metadataLocation });
      return { columns: columnsOf(view.lochSchema), properties: view.files.metadata.properties };
    }
    const snapshot = await (await loch.deltaTable(t.location)).snapshot();
    return { columns: columnsOf(snapshot.schema, snapshot.partitionColumns), properties: snapshot.properties };
  } catch {
    // A broken table is still a catalog entry the caller may see and drop.
    return { properties: {} };
  }
}

function viewColumns(t: TableInfo): UcColumn[] | undefined {
  return t.viewColumns?.map((c, position) => ({ name: c.name, ...typeFieldsOfText(c.type, c.name), position, nullable: true }));
}
