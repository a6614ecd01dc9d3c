import type { ObjectName } from '../../catalog/catalog-types.js';
import { LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import { bindQuery } from '../bind-query.js';
import type { CreateViewStatement, NameParts } from '../parse/catalog-ast.js';
import { formatName, resolveName, type SqlEnv } from '../sql-env.js';
import { NO_ROWS, type WriteSummary } from '../write-target.js';
import { quoteIfNeeded } from './spark-types.js';

/**
 * CREATE VIEW and ALTER VIEW … AS: the query is bound (which checks every name in it) and
 * described on the statement's session to record the view's output columns; the view keeps the
 * text as written and the session's catalog and schema, in which its unqualified names resolve.
 */

interface ViewColumn {
  readonly name: string;
  readonly type: string;
}

export async function createView(env: SqlEnv, session: Session, s: CreateViewStatement): Promise<WriteSummary> {
  const name = resolveName(env.state, s.name);
  if (s.ifNotExists && (await env.catalog.findTable(name)) !== undefined) return { resultSql: NO_ROWS };
  const described = await describeQuery(env, session, s.query, formatName(name));
  const columns = renameColumns(described, s.columns, formatName(name));
  const text = s.columns === undefined ? s.query : withColumnNames(s.query, name, s.columns.map((c) => c.name));
  await env.catalog.createView(
    name,
    { text, context: { catalog: env.state.catalog, schema: env.state.schema }, columns },
    {
      orReplace: s.orReplace,
      ifNotExists: s.ifNotExists,
      properties: s.properties,
      ...(s.comment === undefined ? {} : { comment: s.comment }),
    },
  );
  return { resultSql: NO_ROWS };
}

/** ALTER VIEW v AS query: a new definition; the comment, properties and owner stay. */
export async function redefineView(env: SqlEnv, session: Session, parts: NameParts, query: string): Promise<WriteSummary> {
  const name = resolveName(env.state, parts);
  const info = await env.catalog.getTable(name);
  if (info.tableType !== 'VIEW') throw notAView(formatName(name));
  const columns = await describeQuery(env, session, query, formatName(name));
  checkUnique(columns, formatName(name));
  await env.catalog.createView(
    name,
    { text: query, context: { catalog: env.state.catalog, schema: env.state.schema }, columns },
    { orReplace: true, properties: info.properties, ...(info.comment === undefined ? {} : { comment: info.comment }) },
  );
  return { resultSql: NO_ROWS };
}

export function notAView(display: string): LochError {
  return new LochError('INVALID_ARGUMENT', `sql: ${display} is a table, not a view; use ALTER TABLE (EXPECT_VIEW_NOT_TABLE.USE_ALTER_TABLE)`, { context: { name: display } });
}

/** The query's output columns with DuckDB types, from DESCRIBE of the bound query. */
async function describeQuery(env: SqlEnv, session: Session, query: string, view: string): Promise<ViewColumn[]> {
  const bound = await bindQuery(env, session, query, { describeOnly: true });
  try {
    const rows = await (await session.query(`DESCRIBE ${bound.sql}`)).all();
    return rows.map((row) => ({ name: String(row[0]), type: String(row[1]) }));
  } catch (cause) {
    if (cause instanceof LochError && cause.code !== 'INTERNAL') throw cause;
    throw new LochError('INVALID_ARGUMENT', `sql: view ${view}: the query cannot be described: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  } finally {
    bound.release();
  }
}

/** Applies the view's column list (same count as the query's columns) and checks names are unique. */
function renameColumns(described: ViewColumn[], names: CreateViewStatement['columns'], view: string): ViewColumn[] {
  if (names === undefined) {
    checkUnique(described, view);
    return described;
  }
  if (names.length !== described.length) {
    throw new LochError('INVALID_ARGUMENT', `sql: view ${view} names ${names.length} columns but its query returns ${described.length} (CREATE_VIEW_COLUMN_ARITY_MISMATCH)`, {
      context: { view, listed: names.length, returned: described.length },
    });
  }
  return described.map((c, i) => ({ name: (names[i] as { name: string }).name, type: c.type }));
}

function checkUnique(columns: readonly ViewColumn[], view: string): void {
  const seen = new Set<string>();
  for (const c of columns) {
    const key = c.name.toLowerCase();
    if (seen.has(key)) throw new LochError('INVALID_ARGUMENT', `sql: view ${view}: the query returns two columns named ${c.name}; give them distinct aliases (COLUMN_ALREADY_EXISTS)`, { context: { view, column: c.name } });
    seen.add(key);
  }
}

/**
 * A column list renames the query's columns. The binder inlines a view's text as a subquery, so
 * the renaming is kept in the stored text: SELECT * FROM (<query>) AS `v`(`a`, `b`).
 */
function withColumnNames(query: string, name: ObjectName, columns: readonly string[]): string {
  const alias = `\`${name.name.replaceAll('`', '``')}\``;
  return `SELECT * FROM (\n${query}\n) AS ${alias}(${columns.map(quoteIfNeeded).join(', ')})`;
}
