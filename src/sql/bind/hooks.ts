import { DIALECT_MACROS as MACROS, rewriteDialect } from '../dialect/index.js';
import { informationSchemaSql } from '../catalog/information-schema.js';
import { FILE_FUNCTIONS as FILE_FUNCTION_NAMES, rewriteFileCall } from '../files/file-functions.js';
import type { FileCallRewrite } from '../files/file-functions.js';
import type { SqlEnv } from '../sql-env.js';

/** The binder's wiring points to other parts of the SQL layer, in one place. */

/** Databricks syntax and functions DuckDB lacks, rewritten at token level (text it does not understand is left as is). */
export function dialect(sql: string): string {
  return rewriteDialect(sql);
}

/** SQL run once per engine when Loch opens (Databricks functions as DuckDB macros). */
export const DIALECT_MACROS: string = MACROS;

/** `<catalog>.information_schema.<view>` as a parenthesised SELECT. */
export async function informationSchema(env: SqlEnv, catalog: string, view: string): Promise<string> {
  return informationSchemaSql(env, catalog, view);
}

/** Table functions whose calls go to the volumes' file reader. */
export const FILE_FUNCTIONS: ReadonlySet<string> = FILE_FUNCTION_NAMES;

/** The replacement for a file-reading table function call (release its loan when done), or undefined to leave it. */
export async function fileCall(env: SqlEnv, call: { name: string; text: string }): Promise<FileCallRewrite | undefined> {
  return rewriteFileCall(env, call);
}
