import type { FunctionInfo, TableInfo } from '../../catalog/catalog-types.js';
import { LochError } from '../../core/errors.js';
import { formatName } from '../sql-env.js';
import { sqlIdent } from '../sql-text.js';
import type { ExpandContext, QueryExpander } from './expand-context.js';
import { inlineCall } from './function-expansion.js';

/** The alias a governed scan gets inside its policy subquery; policy arguments are qualified by it. */
export const ROW_ALIAS = '"__loch_row"';

/** A table's row filter and column masks as SQL over `ROW_ALIAS`, for the invoker of `x`. */
export interface PolicySql {
  /** The filter's call (a BOOLEAN expression); undefined when the table has none. */
  readonly filter?: string;
  /** Each masked column (as stored, lower case) with the mask's call. */
  readonly masks: readonly { readonly column: string; readonly sql: string }[];
}

/** True when the table has a row filter or a column mask. */
export function hasPolicies(info: TableInfo): boolean {
  return info.rowFilter !== undefined || Object.keys(info.columnMasks ?? {}).length > 0;
}

/**
 * The policies of a table as SQL: each policy function is looked up as the table's owner (the
 * reader needs no EXECUTE on it, as in Unity Catalog) and expanded inline, its body with its own
 * owner's rights; current_user() and group tests in it answer for the invoker. A policy whose
 * function is gone fails the read (fail closed).
 */
export async function policySql(x: ExpandContext, info: TableInfo, expand: QueryExpander): Promise<PolicySql> {
  const owner = await x.memo.definer(x.env.catalog, info.owner);
  const column = (name: string) => `${ROW_ALIAS}.${sqlIdent(name)}`;
  const call = async (fullName: string, args: readonly string[]): Promise<string> => {
    const fn = await policyFunction(owner.findFunction.bind(owner), fullName, info);
    return inlineCall(x, fn, args.map(column), expand, { checkExecute: false });
  };
  const filter = info.rowFilter === undefined ? undefined : await call(info.rowFilter.function, info.rowFilter.columns);
  const masks: { column: string; sql: string }[] = [];
  for (const [name, mask] of Object.entries(info.columnMasks ?? {})) {
    masks.push({ column: name, sql: await call(mask.function, [name, ...mask.usingColumns]) });
  }
  return { ...(filter === undefined ? {} : { filter }), masks };
}

/**
 * `scan` (a placeholder for the table's data) as every reader must see it:
 * `(SELECT * REPLACE (<mask> AS c, …) FROM scan AS __loch_row WHERE COALESCE(<filter>, FALSE))`
 * — rows the filter does not answer TRUE for are gone, masked columns read as their mask.
 * Tables without policies keep the bare scan.
 */
export async function governedScan(x: ExpandContext, info: TableInfo, scan: string, expand: QueryExpander): Promise<string> {
  if (!hasPolicies(info)) return scan;
  const policies = await policySql(x, info, expand);
  const replace = policies.masks.length === 0 ? '' : ` REPLACE (${policies.masks.map((m) => `${m.sql} AS ${sqlIdent(m.column)}`).join(', ')})`;
  const where = policies.filter === undefined ? '' : ` WHERE COALESCE(${policies.filter}, FALSE)`;
  return `(SELECT *${replace} FROM ${scan} AS ${ROW_ALIAS}${where})`;
}

async function policyFunction(find: (name: { catalog: string; schema: string; name: string }) => Promise<FunctionInfo | undefined>, fullName: string, info: TableInfo): Promise<FunctionInfo> {
  const [catalog, schema, name, ...rest] = fullName.split('.');
  const fn = catalog !== undefined && schema !== undefined && name !== undefined && rest.length === 0 ? await find({ catalog, schema, name }) : undefined;
  if (fn === undefined) {
    throw new LochError('INVALID_ARGUMENT', `sql: table ${formatName(info)}: its row filter or column mask function ${fullName} does not exist; the table cannot be read until the policy is dropped or the function recreated`, {
      context: { table: formatName(info), function: fullName },
    });
  }
  return fn;
}
