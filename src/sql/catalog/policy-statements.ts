import type { FunctionInfo, ObjectName } from '../../catalog/catalog-types.js';
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
    case 'set_row_filter': {
      const columns = await tableColumns(env, s.table, 'SET ROW FILTER');
      const fn = await policyFunction(env, s.function, s.columns.length, 'SET ROW FILTER');
      if (!isBoolean(fn.definition.returnType)) throw invalid(`SET ROW FILTER: function ${functionFullName(fn)} returns ${fn.definition.returnType}; a row filter returns BOOLEAN`);
      await env.catalog.setRowFilter(table, { function: functionFullName(fn), columns: s.columns.map((c) => findColumn(columns, c, table).name) });
      break;
    }
    case 'set_column_mask': {
      const columns = await tableColumns(env, s.table, 'SET MASK');
      const masked = findColumn(columns, s.column, table);
      const usingColumns = s.usingColumns.map((c) => findColumn(columns, c, table).name);
      const fn = await policyFunction(env, s.function, 1 + usingColumns.length, 'SET MASK');
      const returns = sparkType(fn.definition.returnType);
      if (returns !== masked.type) {
        throw invalid(`SET MASK on ${formatName(table)}.${masked.name}: function ${functionFullName(fn)} returns ${returns} but the column is ${masked.type}; a mask returns the column's type`);
      }
      await env.catalog.setColumnMask(table, masked.name.toLowerCase(), { function: functionFullName(fn), usingColumns });
      break;
    }
  }
  return { resultSql: NO_ROWS };
}

async function tableColumns(env: SqlEnv, parts: readonly string[], what: string): Promise<RelationColumn[]> {
  const source = await openRelation(env, { kind: 'name', parts }, what);
  if (source.info?.tableType === 'VIEW') throw invalid(`${what}: ${source.display} is a view; row filters and column masks apply to tables`);
  return relationColumns(source);
}

function findColumn(columns: readonly RelationColumn[], name: string, table: ObjectName): RelationColumn {
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
