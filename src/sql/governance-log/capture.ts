import type { CatalogStatement } from '../parse/catalog-ast.js';
import type { FileStatement } from '../parse/file-statement.js';
import type { WriteStatement } from '../parse/write-statements.js';
import type { SqlEnv } from '../sql-env.js';
import type { LineageStatement } from './lineage-types.js';

/** A statement that has just succeeded, by where the executor recognised it. */
export type SucceededStatement =
  | { readonly kind: 'catalog'; readonly statement: CatalogStatement }
  | { readonly kind: 'write'; readonly statement: WriteStatement }
  | { readonly kind: 'file'; readonly statement: FileStatement }
  | { readonly kind: 'query'; readonly sql: string };

/** Text DuckDB-only statements start with (PRAGMA, SET, SHOW, …) is not a query over tables. */
const QUERY_START = /^[\s(]*(select|with|from|values|table)\b/i;

/**
 * Reports a succeeded statement to the session's lineage sink, when there is one: CTAS,
 * INSERT [OVERWRITE], MERGE, CREATE VIEW / ALTER VIEW … AS, COPY INTO, and queries. Cheap and
 * never throws: only the parsed statement is queued; the analysis happens when the log flushes.
 */
export function recordLineage(env: SqlEnv, succeeded: SucceededStatement): void {
  const sink = env.lineage;
  if (sink === undefined) return;
  try {
    const statement = lineageStatement(succeeded);
    if (statement === undefined) return;
    sink.recordLineage({ time: env.ctx.clock.now(), principal: env.catalog.principal, catalog: env.state.catalog, schema: env.state.schema, statement });
  } catch {
    // Lineage is best effort: the statement itself has succeeded.
  }
}

function lineageStatement(s: SucceededStatement): LineageStatement | undefined {
  switch (s.kind) {
    case 'query':
      return QUERY_START.test(s.sql) ? { kind: 'query', sql: s.sql } : undefined;
    case 'write': {
      const w = s.statement;
      const captured = (w.kind === 'create_table' && w.asQuery !== undefined) || w.kind === 'insert' || w.kind === 'merge';
      return captured ? { kind: 'write', statement: w } : undefined;
    }
    case 'file':
      return s.statement.kind === 'copy_into' ? { kind: 'copy_into', statement: s.statement } : undefined;
    case 'catalog': {
      const c = s.statement;
      if (c.kind === 'create_view') return { kind: 'view', statementType: 'CREATE_VIEW', name: c.name, query: c.query, ...(c.columns !== undefined ? { columns: c.columns.map((col) => col.name) } : {}) };
      if (c.kind === 'redefine_view') return { kind: 'view', statementType: 'ALTER_VIEW', name: c.name, query: c.query };
      return undefined;
    }
  }
}
