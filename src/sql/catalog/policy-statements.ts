import type { FunctionInfo, ObjectName } from '../../catalog/catalog-types.js';
import type { ColumnMask, RowFilter } from '../../catalog/governance/governance-types.js';
import { LochError } from '../../core/errors.js';
import { functionFullName } from '../bind/function-expansion.js';
import type { PolicyStatement } from '../parse/policy-statements.js';
import { parseTypeText } from '../parse/type-name.js';
import { formatName, resolveName, type SqlEnv } from '../sql-env.js';
import { NO_ROWS, type WriteSummary } from '../write-target.js';
import { sparkCatalogString } from './spark-types.js';
import { openRelation, relationColumns, type RelationColumn } from './table-source.js';

/**
 * SET/DROP ROW FILTER and SET/DROP MASK. Setting checks what Databricks checks before the catalog
 * records it (the catalog checks ownership or MANAGE): the table is a table (not a view), the
 * function exists and the caller may EXECUTE it, the columns exist, the function takes one
 * parameter per column (a mask: the masked column, then the USING COLUMNS), a filter returns
 * BOOLEAN and a mask returns the masked column's type. Columns are recorded as the table spells them.
 */
export async function executePolicyStatement(env: SqlEnv, s: PolicyStatement): Promise<WriteSummary> {
  const table = resolveName(env.state, s.table);
  switch (s.kind) {
    case 'drop_row_filter':
      await env.catalog.setRowFilter(table, null);
      break;
    case 'drop_column_mask':
      await env.catalog.setColumnMask(table, s.column.toLowerCase(), null);
      break;
    case 'set_row_filter':
      await env.catalog.setRowFilter(table, await planRowFilter(env, table, await tableColumns(env, s.table, 'SET ROW FILTER'), s.function, s.columns));
      break;
    case 'set_column_mask': {
      const planned = await planColumnMask(env, table, await tableColumns(env, s.table, 'SET MASK'), s.column, s.function, s.usingColumns);
      await env.catalog.setColumnMask(table, planned.column, planned.mask);
      break;
    }
  }
  return { resultSql: NO_ROWS };
}

/** A column as policies check it: its name as the table spells it and its Spark catalog type. */
export interface PolicyColumn {
  readonly name: string;
  readonly type: string;
}

/** The row filter to record for `table` with these columns, once its function is checked. */
export async function planRowFilter(env: SqlEnv, table: ObjectName, columns: readonly PolicyColumn[], fnParts: readonly string[], filterColumns: readonly string[]): Promise<RowFilter> {
  const fn = await policyFunction(env, fnParts, filterColumns.length, 'SET ROW FILTER');
  if (!isBoolean(fn.definition.returnType)) throw invalid(`SET ROW FILTER: function ${functionFullName(fn)} returns ${fn.definition.returnType}; a row filter returns BOOLEAN`);
  return { function: functionFullName(fn), columns: filterColumns.map((c) => findColumn(columns, c, table).name) };
}

/** The mask to record for a column of `table` (key: the column's lower-case name), once its function is checked. */
export async function planColumnMask(
  env: SqlEnv,
  table: ObjectName,
  columns: readonly PolicyColumn[],
  column: string,
  fnParts: readonly string[],
  using: readonly string[],
): Promise<{ column: string; mask: ColumnMask }> {
  const masked = findColumn(columns, column, table);
  const usingColumns = using.map((c) => findColumn(columns, c, table).name);
  const fn = await policyFunction(env, fnParts, 1 + usingColumns.length, 'SET MASK');
  const returns = sparkType(fn.definition.returnType);
  if (returns !== masked.type) {
    throw invalid(`SET MASK on ${formatName(table)}.${masked.name}: function ${functionFullName(fn)} returns ${returns} but the column is ${masked.type}; a mask returns the column's type`);
  }
  return { column: masked.name.toLowerCase(), mask: { function: functionFullName(fn), usingColumns } };
}

async function tableColumns(env: SqlEnv, parts: readonly string[], what: string): Promise<RelationColumn[]> {
  const source = await openRelation(env, { kind: 'name', parts }, what);
  if (source.info?.tableType === 'VIEW') throw invalid(`${what}: ${source.display} is a view; row filters and column masks apply to tables`);
  return relationColumns(source);
}

function findColumn(columns: readonly PolicyColumn[], name: string, table: ObjectName): PolicyColumn {
  const found = columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (found === undefined) throw invalid(`table ${formatName(table)} has no column ${name} (UNRESOLVED_COLUMN)`);
  return found;
}

/** The function, once the caller may EXECUTE it and it takes `arity` parameters. */
async function policyFunction(env: SqlEnv, parts: readonly string[], arity: number, what: string): Promise<FunctionInfo> {
  const name = resolveName(env.state, parts);
  const fn = await env.catalog.getFunction(name);
  await env.catalog.authorize('EXECUTE', { type: 'FUNCTION', name });
  const params = fn.definition.parameters.length;
  if (params !== arity) throw invalid(`${what}: function ${functionFullName(fn)} takes ${params} parameter${params === 1 ? '' : 's'} but ${arity} column${arity === 1 ? ' is' : 's are'} passed`);
  return fn;
}

function sparkType(typeText: string): string {
  try {
    return sparkCatalogString(parseTypeText(typeText));
  } catch {
    return typeText.toLowerCase();
  }
}

function isBoolean(typeText: string): boolean {
  return sparkType(typeText) === 'boolean';
}

function invalid(message: string): LochError {
  return new LochError('INVALID_ARGUMENT', `sql: ${message}`);
}
