/**
 * Delta tables with UniForm (Iceberg) are served read-only: their Iceberg metadata is what Loch's
 * UniForm conversion writes after each Delta commit (`<table>/metadata/v<N>.metadata.json` and
 * the version hint). Only the Delta log can change such a table; Iceberg commits, drops and
 * renames through this API are refused.
 */
import type { TableInfo } from '../../catalog/catalog-types.js';
import { isLochError } from '../../core/errors.js';
import type { TableMetadata } from '../../formats/iceberg/model.js';
import type { Loch } from '../../sql/loch.js';
import { loadMetadata } from '../../table/iceberg/load-metadata.js';
import type { TableLocation } from '../../table/location.js';
import { isUniformIceberg } from '../../table/uniform/index.js';

/** The table root with the warehouse's storage options (what Loch itself opens tables with). */
export async function tableLocation(loch: Loch, location: string): Promise<TableLocation> {
  return (await loch.deltaTable(location)).location;
}

/** True when the Delta table at `info.location` has UniForm Iceberg turned on. */
export async function isUniformTable(loch: Loch, info: TableInfo): Promise<boolean> {
  if (info.location === undefined) return false;
  const snapshot = await (await loch.deltaTable(info.location)).snapshot();
  return isUniformIceberg(snapshot.properties);
}

/**
 * The UniForm Iceberg metadata of a Delta table, with its absolute location; undefined when
 * the conversion has not written any yet.
 */
export async function uniformMetadata(loch: Loch, location: string): Promise<{ readonly metadata: TableMetadata; readonly metadataLocation: string } | undefined> {
  const table = await tableLocation(loch, location);
  try {
    const loaded = await loadMetadata(table);
    return { metadata: loaded.metadata, metadataLocation: absoluteFile(table, loaded.metadataFile) };
  } catch (error) {
    if (isLochError(error, 'NOT_FOUND')) return undefined;
    throw error;
  }
}

/** A metadata file named relative to the table → the absolute URL clients can open. */
export function absoluteFile(table: TableLocation, file: string): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(file)) return file;
  return `${table.store.url.replace(/\/+$/, '')}/${file.replace(/^\/+/, '')}`;
}
