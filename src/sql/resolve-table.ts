import type { ObjectName, TableInfo } from '../catalog/catalog-types.js';
import { LochError } from '../core/errors.js';
import { refuseVolumeLocation } from '../catalog/volume-paths.js';
import type { TableRef } from './parse/write-statements.js';
import { formatName, resolveName } from './sql-env.js';
import type { SqlEnv } from './sql-env.js';

/** Where a write statement's table lives, and its catalog entry when it was named. */
export interface ResolvedTable {
  readonly location: string;
  readonly name?: ObjectName;
  readonly info?: TableInfo;
}

/**
 * The Delta table a statement addresses: delta.`<path>` is the path itself; a 1–3 part name is
 * resolved against the session's catalog and schema and looked up in the catalog. `what` names
 * the statement in errors. NOT_FOUND "catalog: table … does not exist (TABLE_OR_VIEW_NOT_FOUND)"
 * for an unknown name; INVALID_ARGUMENT for a view or a parquet.`<path>` target.
 */
export async function resolveTableLocation(env: SqlEnv, ref: TableRef, what: string): Promise<ResolvedTable> {
  if (ref.kind === 'path' && ref.format === 'delta') {
    refuseVolumeLocation(ref.path, `${what}: table`);
    return { location: ref.path };
  }
  if (ref.kind === 'path') throw new LochError('INVALID_ARGUMENT', `sql: ${what} needs a Delta table (a name or delta.\`<path>\`), not ${ref.format}.\`${ref.path}\``);
  const name = resolveName(env.state, ref.parts);
  const info = await env.catalog.findTable(name);
  if (info === undefined) throw tableNotFound(name);
  return { location: tableLocation(info, what), name, info };
}

/** The location of a catalog table; INVALID_ARGUMENT for a view, which has none. */
export function tableLocation(info: TableInfo, what: string): string {
  if (info.tableType === 'VIEW' || info.location === undefined) {
    const name = formatName(info);
    throw new LochError('INVALID_ARGUMENT', `sql: ${what} ${name}: ${name} is a view, not a table (EXPECT_TABLE_NOT_VIEW)`, { context: { name } });
  }
  return info.location;
}

/** NOT_FOUND worded as the catalog words it. */
export function tableNotFound(name: ObjectName): LochError {
  const full = formatName(name);
  return new LochError('NOT_FOUND', `catalog: table ${full} does not exist (TABLE_OR_VIEW_NOT_FOUND)`, { context: { kind: 'table', name: full } });
}
