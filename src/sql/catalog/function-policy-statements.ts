import { LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import { parseCreateTableWithPolicies, type CreateTableWithPolicies } from '../parse/create-table-policies.js';
import { parseFunctionStatement, type FunctionStatement } from '../parse/function-statements.js';
import { parsePolicyStatement, type PolicyStatement } from '../parse/policy-statements.js';
import { parseWriteStatement } from '../parse/write-statements.js';
import { resolveName, type SqlEnv } from '../sql-env.js';
import { executeWrite } from '../write-executor.js';
import { NO_ROWS, type WriteSummary } from '../write-target.js';
import { executeFunctionStatement } from './function-statements.js';
import { executePolicyStatement, planColumnMask, planRowFilter, type PolicyColumn } from './policy-statements.js';
import { sparkCatalogString } from './spark-types.js';

/** A SQL function statement, a row filter / column mask statement, or CREATE TABLE with policies. */
export type FunctionOrPolicyStatement =
  | { readonly family: 'function'; readonly statement: FunctionStatement }
  | { readonly family: 'policy'; readonly statement: PolicyStatement }
  | { readonly family: 'create_table'; readonly statement: CreateTableWithPolicies };

/**
 * CREATE/DROP/DESCRIBE/SHOW FUNCTION(S), ALTER TABLE … SET/DROP ROW FILTER, … SET/DROP MASK and
 * CREATE TABLE … WITH ROW FILTER / MASK; undefined for every other statement (see
 * parseFunctionStatement, parsePolicyStatement, parseCreateTableWithPolicies). Runs before the
 * catalog and write parsers, which would read these as DuckDB's or refuse them.
 */
export function parseFunctionOrPolicyStatement(sql: string): FunctionOrPolicyStatement | undefined {
  const fn = parseFunctionStatement(sql);
  if (fn !== undefined) return { family: 'function', statement: fn };
  const policy = parsePolicyStatement(sql);
  if (policy !== undefined) return { family: 'policy', statement: policy };
  const create = parseCreateTableWithPolicies(sql);
  return create === undefined ? undefined : { family: 'create_table', statement: create };
}

export function executeFunctionOrPolicyStatement(env: SqlEnv, session: Session, s: FunctionOrPolicyStatement): Promise<WriteSummary> {
  switch (s.family) {
    case 'function':
      return executeFunctionStatement(env, session, s.statement);
    case 'policy':
      return executePolicyStatement(env, s.statement);
    case 'create_table':
      return createTableWithPolicies(env, session, s.statement);
  }
}

/**
 * CREATE TABLE with policies: the policies are checked against the declared columns first (so a
 * refused policy creates nothing), the table is created as any CREATE TABLE (empty: no CTAS),
 * then the policies are recorded; if recording fails a newly created table is dropped again.
 */
async function createTableWithPolicies(env: SqlEnv, session: Session, s: CreateTableWithPolicies): Promise<WriteSummary> {
  const create = parseWriteStatement(s.createSql);
  if (create?.kind !== 'create_table' || create.target.kind !== 'name' || create.columns === undefined) {
    throw new LochError('INVALID_ARGUMENT', 'sql: WITH ROW FILTER and MASK need CREATE TABLE <catalog name> (<columns>) …');
  }
  const name = resolveName(env.state, create.target.parts);
  if (create.ifNotExists && (await env.catalog.findTable(name)) !== undefined) return { resultSql: NO_ROWS };
  const columns: PolicyColumn[] = create.columns.map((c) => ({ name: c.name, type: sparkCatalogString(c.type) }));
  const filter = s.rowFilter === undefined ? undefined : await planRowFilter(env, name, columns, s.rowFilter.function, s.rowFilter.columns);
  const masks = [];
  for (const m of s.masks) masks.push(await planColumnMask(env, name, columns, m.column, m.function, m.usingColumns));
  await executeWrite(env, session, create);
  try {
    if (filter !== undefined) await env.catalog.setRowFilter(name, filter);
    for (const m of masks) await env.catalog.setColumnMask(name, m.column, m.mask);
  } catch (error) {
    if (!create.orReplace) await env.catalog.dropTable(name, 'table', { ifExists: true }).catch(() => undefined);
    throw error;
  }
  return { resultSql: NO_ROWS };
}
