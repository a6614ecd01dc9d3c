import { LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import type { WriteStatement } from '../parse/write-statements.js';
import { formatName, resolveName } from '../sql-env.js';
import type { SqlEnv } from '../sql-env.js';
import { sqlIdent } from '../sql-text.js';
import { bindPlaceholders } from './bind-placeholders.js';
import { rootContext } from './expand-context.js';
import { expandQuery, tableRef } from './expand-query.js';
import { ROW_ALIAS, hasPolicies, policySql } from './policy-rewrite.js';
import { RefRegistry } from './prepare-text.js';

/**
 * Row filters and column masks must not be bypassed by changing rows one cannot see: UPDATE,
 * DELETE, MERGE and INSERT OVERWRITE / REPLACE WHERE on a catalog table with policies run only
 * when, at the table's current version, the policies hide nothing from the caller: every row
 * passes the filter and every masked column reads as its own value. Otherwise PERMISSION_DENIED
 * (admins and owners included: policies bind everyone, as in Databricks; drop the policy to
 * maintain such a table). A commit landing between this check and the write is not re-checked.
 * Other statements, tables without policies, unknown names and callers without MODIFY pass
 * (the write itself reports those, before this check could tell anything about hidden rows).
 */
export async function checkPolicyWrite(env: SqlEnv, session: Session, statement: WriteStatement): Promise<void> {
  const what = guardedWrite(statement);
  if (what === undefined || !('target' in statement) || statement.target.kind !== 'name') return;
  let info;
  try {
    info = await env.catalog.findTable(resolveName(env.state, statement.target.parts));
  } catch {
    return;
  }
  if (info === undefined || info.tableType === 'VIEW' || !hasPolicies(info)) return;
  // Without MODIFY the write is refused on its own (unaudited here): say nothing about hidden rows.
  const securable = { type: 'TABLE' as const, name: { catalog: info.catalog, schema: info.schema, name: info.name } };
  if (!(await env.catalog.mayAccess('MODIFY', securable))) return;
  const registry = new RefRegistry();
  try {
    const policies = await policySql(rootContext(env, session, registry), info, expandQuery);
    const hidden = [
      ...(policies.filter === undefined ? [] : [`NOT COALESCE(${policies.filter}, FALSE)`]),
      ...policies.masks.map((m) => `(${m.sql}) IS DISTINCT FROM ${ROW_ALIAS}.${sqlIdent(m.column)}`),
    ];
    const sql = `SELECT count(*) FROM ${registry.add(tableRef(info, undefined))} AS ${ROW_ALIAS} WHERE ${hidden.join(' OR ')}`;
    const bound = await bindPlaceholders(env, session, sql, registry.refs, new Map());
    let rows;
    try {
      rows = await (await session.query(bound.sql)).all();
    } finally {
      bound.release();
    }
    if (Number(rows[0]?.[0] ?? 0) > 0) {
      const table = formatName(info);
      throw new LochError('PERMISSION_DENIED', `sql: ${what} on table ${table}: its row filter or column masks hide data from ${env.catalog.actor.name}; ${what} runs on such a table only when its policies hide nothing from the caller (ROW_COLUMN_ACCESS)`, {
        context: { table, statement: what },
      });
    }
  } finally {
    registry.releases.splice(0).forEach((r) => r());
  }
}

function guardedWrite(s: WriteStatement): string | undefined {
  if (s.kind === 'delete' || s.kind === 'update' || s.kind === 'merge') return s.kind.toUpperCase();
  if (s.kind === 'insert' && s.mode !== 'append') return s.mode === 'overwrite' ? 'INSERT OVERWRITE' : 'INSERT REPLACE WHERE';
  return undefined;
}
