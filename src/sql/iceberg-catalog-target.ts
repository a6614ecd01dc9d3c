import type { Catalog, TableInfo, TablePlan } from '../catalog/catalog-types.js';
import { LochError, isLochError } from '../core/errors.js';
import type { IcebergPointer } from '../table/iceberg/write/catalog-committer.js';
import { CatalogCommitter } from '../table/iceberg/write/catalog-committer.js';
import { pathTarget } from '../table/iceberg/write/iceberg-writer.js';
import type { IcebergTarget } from '../table/iceberg/write/transaction.js';
import { locateTable } from '../table/location.js';
import { parseObjectName } from './bind/object-name.js';
import type { TableRef } from './parse/write-clauses.js';
import { formatName, resolveName } from './sql-env.js';
import type { SqlEnv } from './sql-env.js';

/**
 * Iceberg tables in the catalog (Unity Catalog's managed and external Iceberg tables): their
 * metadata pointer is the `metadataLocation` of the catalog record, moved by the catalog's
 * compare-and-swap, and their metadata files are `metadata/<NNNNN>-<uuid>.metadata.json`.
 */

/** True for a catalog table of format ICEBERG. */
export function isIcebergTable(info: TableInfo | undefined): info is TableInfo & { readonly location: string; readonly metadataLocation: string } {
  return info !== undefined && info.tableType !== 'VIEW' && info.format === 'ICEBERG' && info.location !== undefined && info.metadataLocation !== undefined;
}

/**
 * The IcebergPointer of a catalog table with id `tableId`. With `plan` (a table being created)
 * the first swap, from no metadata, is the table's registration: the name is taken atomically
 * with the first metadata file, and a name taken meanwhile is a 'conflict'. Later swaps are
 * Catalog.commitIcebergMetadata.
 */
export function catalogPointer(catalog: Catalog, tableId: string, plan?: TablePlan): IcebergPointer {
  return {
    current: () => catalog.icebergMetadataLocation(tableId),
    swap: async (expected, next) => {
      if (expected === undefined && plan !== undefined) {
        try {
          const outcome = await catalog.registerTable(plan, { format: 'ICEBERG', metadataLocation: next });
          return outcome === 'created' ? 'committed' : 'conflict';
        } catch (error) {
          // A second registration of the same plan: PostgreSQL reports the reused id before the
          // taken name (SQLite and memory the other way round); either way this create lost.
          if (isLochError(error, 'ALREADY_EXISTS')) return 'conflict';
          throw error;
        }
      }
      return catalog.commitIcebergMetadata(tableId, expected, next);
    },
  };
}

/** The write target of a registered catalog Iceberg table. */
export function catalogIcebergTarget(env: SqlEnv, info: TableInfo): IcebergTarget {
  if (!isIcebergTable(info)) throw new LochError('INTERNAL', `sql: ${formatName(info)} is not an Iceberg table`);
  return targetAt(env, info.location, catalogPointer(env.catalog, info.id));
}

/** The write target of a table about to be created from `plan` (registered by its first commit). */
export function plannedIcebergTarget(env: SqlEnv, plan: TablePlan): IcebergTarget {
  return targetAt(env, plan.location, catalogPointer(env.catalog, plan.id, plan));
}

function targetAt(env: SqlEnv, location: string, pointer: IcebergPointer): IcebergTarget {
  const table = locateTable(location, env.ctx.storeOptions);
  return { ctx: env.ctx, table, committer: new CatalogCommitter(table, pointer, env.ctx.ids) };
}

/**
 * The Iceberg table a write statement addresses: iceberg.`<path>`, or a catalog name of format
 * ICEBERG; undefined for anything else (Delta handles, or refuses, it). Unknown names are
 * undefined too, so the Delta path reports them as it always has.
 */
export async function icebergTargetOf(env: SqlEnv, ref: TableRef): Promise<IcebergTarget | undefined> {
  if (ref.kind === 'path') return ref.format === 'iceberg' ? pathTarget(env.ctx, ref.path) : undefined;
  const info = await env.catalog.findTable(resolveName(env.state, ref.parts));
  return isIcebergTable(info) ? catalogIcebergTarget(env, info) : undefined;
}

/**
 * The table of a procedure's `table => '…'` argument: iceberg.`<path>`, a path or URL (it holds
 * '/', '\' or ':'), or a 1–3 part catalog name of an Iceberg table (NOT_FOUND when unknown,
 * INVALID_ARGUMENT when not Iceberg).
 */
export async function procedureTarget(env: SqlEnv, text: string, what: string): Promise<{ readonly target: IcebergTarget; readonly display: string }> {
  const quoted = /^iceberg\.`(.+)`$/.exec(text)?.[1];
  if (quoted !== undefined || /[/\\:]/.test(text)) {
    const path = quoted ?? text;
    return { target: pathTarget(env.ctx, path), display: path };
  }
  const name = resolveName(env.state, parseObjectName(text));
  const info = await env.catalog.getTable(name);
  if (!isIcebergTable(info)) throw new LochError('INVALID_ARGUMENT', `sql: ${what}: ${formatName(name)} is not an Iceberg table`, { context: { name: formatName(name) } });
  return { target: catalogIcebergTarget(env, info), display: info.location };
}
