import type { ObjectName, TableInfo } from '../../catalog/catalog-types.js';
import { alterIceberg } from '../../table/iceberg/write/evolution.js';
import { catalogIcebergTarget, isIcebergTable } from '../iceberg-catalog-target.js';
import { LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import { DeltaTable } from '../../table/delta-table.js';
import type { CatalogStatement, CreateVolumeStatement } from '../parse/catalog-ast.js';
import { formatName, resolveName, type SqlEnv } from '../sql-env.js';
import { NO_ROWS, type WriteSummary } from '../write-target.js';
import { relationChange } from './alteration.js';
import { notAView } from './view-definition.js';

/**
 * DROP / UNDROP / ALTER / COMMENT ON for tables, views and volumes, and CREATE VOLUME. A Delta
 * table's comment lives in its log (metaData.description), so COMMENT ON TABLE commits there;
 * everything else is a catalog change. No result rows, as on Databricks.
 */

type RelationStatement = Extract<CatalogStatement, { kind: 'drop' | 'alter' | 'comment_on' | 'undrop_table' }>;

export async function createVolume(env: SqlEnv, s: CreateVolumeStatement): Promise<WriteSummary> {
  await env.catalog.createVolume(resolveName(env.state, s.name), {
    ifNotExists: s.ifNotExists,
    ...(s.comment === undefined ? {} : { comment: s.comment }),
    ...(s.location === undefined ? {} : { location: s.location }),
  });
  return { resultSql: NO_ROWS };
}

/** The table, view and volume forms of DROP, UNDROP, ALTER and COMMENT ON. */
export async function alterRelation(env: SqlEnv, session: Session, s: RelationStatement): Promise<WriteSummary> {
  switch (s.kind) {
    case 'undrop_table':
      await env.catalog.undropTable(resolveName(env.state, s.name));
      break;
    case 'drop': {
      const name = resolveName(env.state, s.name);
      if (s.object === 'volume') await env.catalog.dropVolume(name, { ifExists: s.ifExists });
      else await env.catalog.dropTable(name, s.object === 'view' ? 'view' : 'table', { ifExists: s.ifExists });
      break;
    }
    case 'alter':
      await alterObject(env, s);
      break;
    case 'comment_on':
      await commentOn(env, session, s);
      break;
  }
  return { resultSql: NO_ROWS };
}

async function alterObject(env: SqlEnv, s: Extract<CatalogStatement, { kind: 'alter' }>): Promise<void> {
  const name = resolveName(env.state, s.name);
  const what = `ALTER ${s.object.toUpperCase()}`;
  if (s.object === 'volume') {
    await env.catalog.alterVolume(name, relationChange(env.state, what, name, s.change));
    return;
  }
  const info = await env.catalog.getTable(name);
  const display = formatName(name);
  if (s.object === 'view' && info.tableType !== 'VIEW') throw notAView(display);
  if (s.object === 'table' && info.tableType === 'VIEW') {
    throw new LochError('INVALID_ARGUMENT', `sql: ${display} is a view, not a table; use ALTER VIEW (EXPECT_TABLE_NOT_VIEW.USE_ALTER_VIEW)`, { context: { name: display } });
  }
  if (s.change.kind === 'unset_properties' && !s.change.ifExists) {
    const missing = s.change.keys.filter((k) => !Object.hasOwn(info.properties, k));
    if (missing.length > 0) {
      throw new LochError('INVALID_ARGUMENT', `sql: view ${display} has no properties ${missing.join(', ')}; use UNSET TBLPROPERTIES IF EXISTS to ignore missing ones (UNSET_NONEXISTENT_PROPERTIES)`, {
        context: { name: display, keys: missing },
      });
    }
  }
  await env.catalog.alterTable(name, relationChange(env.state, what, name, s.change));
}

async function commentOn(env: SqlEnv, session: Session, s: Extract<CatalogStatement, { kind: 'comment_on' }>): Promise<void> {
  if (s.object === 'volume') {
    const parts = s.target.kind === 'name' ? s.target.parts : [];
    await env.catalog.alterVolume(resolveName(env.state, parts), { comment: s.comment });
    return;
  }
  if (s.target.kind === 'path') {
    if (s.target.format !== 'delta') throw new LochError('INVALID_ARGUMENT', `sql: COMMENT ON TABLE needs a Delta table (delta.\`<path>\`), not ${s.target.format}.\`${s.target.path}\``);
    await setDescription(env, session, s.target.path, s.comment);
    return;
  }
  const name: ObjectName = resolveName(env.state, s.target.parts);
  const info = await env.catalog.getTable(name);
  if (info.tableType === 'VIEW') await env.catalog.alterTable(name, { comment: s.comment });
  else if (isIcebergTable(info)) await setIcebergComment(env, info, s.comment);
  else await setDescription(env, session, info.location ?? '', s.comment);
}

/** Iceberg keeps the table comment as the `comment` property: one metadata-only commit. */
async function setIcebergComment(env: SqlEnv, info: TableInfo, comment: string | null): Promise<void> {
  const target = catalogIcebergTarget(env, info);
  const change = comment === null || comment === '' ? { kind: 'unset_properties' as const, keys: ['comment'], ifExists: true } : { kind: 'set_properties' as const, properties: { comment } };
  await alterIceberg(target, change);
}

/** One Delta commit changing metaData.description, recorded as Delta records COMMENT ON TABLE. */
async function setDescription(env: SqlEnv, session: Session, location: string, comment: string | null): Promise<void> {
  await DeltaTable.open(env.ctx, location).alter({ kind: 'set_comment', comment }, session);
}
