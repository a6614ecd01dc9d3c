/**
 * PostgreSQL catalog queries (psql's `\dt`, `\d t`, `\dn`, `\l`, drivers' metadata queries,
 * `SELECT version()`) answered by an emulated pg_catalog.
 *
 * The query text runs unchanged in meaning on a private, locked-down DuckDB (no file system,
 * no extensions; only SELECT reaches it) holding TEMP tables shaped like PostgreSQL 15's
 * catalog relations and TEMP macros for its functions (pg_get_userbyid, pg_table_is_visible,
 * format_type, obj_description, …), filled per query from what the connection's principal may
 * see through its governed catalog: nothing the principal cannot list is ever in them. TEMP
 * objects live on the query's own DuckDB connection, so connections never see each other's.
 * The text is adapted with Loch's lexer (never inside literals): `pg_catalog.` qualifiers are
 * dropped, `OPERATOR(pg_catalog.~)` becomes `~`, `COLLATE pg_catalog.default` is removed.
 * Regular expressions follow DuckDB (`~` matches the whole string); psql anchors its patterns.
 */
import type { Principal } from '../../catalog/governance/governance-types.js';
import type { IdSource } from '../../core/ids.js';
import { DuckDbEngine } from '../../engine/index.js';
import type { Row, Session } from '../../engine/index.js';
import type { LochSession } from '../../sql/loch.js';
import { isTrivia, tokenize } from '../../sql/parse/index.js';
import type { Token } from '../../sql/parse/index.js';
import { sqlString } from '../../sql/sql-text.js';
import type { RowSource } from './cursor.js';
import { UntypedParam } from '../../sql/params.js';
import type { ParamValue } from './params.js';
import { pgError } from './types.js';
import { namespaceOid, SHIM_ALIASES, SHIM_TABLES, tableKey, tableSql } from './pg-catalog-tables.js';
import type { CatalogView, ColumnFact } from './pg-catalog-tables.js';

/** What the emulation needs of one connection. */
export interface CatalogQueryContext {
  readonly database: string;
  readonly principal: Principal;
  readonly loch: LochSession;
  readonly pid: number;
}

/** The server version clients see (psql adapts its catalog queries to it). */
export const SERVER_VERSION = '15.0';
export const VERSION_TEXT = `PostgreSQL ${SERVER_VERSION} (Loch) on Node.js, compatible with psql and libpq clients`;

interface Macro {
  readonly sql: (ctx: MacroContext) => string;
  readonly tables: readonly string[];
  /** Created for every query (operators, which the word scan cannot see). */
  readonly always?: boolean;
}

interface MacroContext {
  readonly view: CatalogView;
  readonly ctx: CatalogQueryContext;
}

const MACROS: Readonly<Record<string, Macro>> = {
  // PostgreSQL's `~` finds a match anywhere; DuckDB's operator maps to a full match unless shadowed.
  regexp_full_match: { tables: [], always: true, sql: () => '(a, b) AS regexp_matches(a, b)' },
  '"~*"': { tables: [], always: true, sql: () => "(a, b) AS regexp_matches(a, b, 'i')" },
  '"!~*"': { tables: [], always: true, sql: () => "(a, b) AS NOT regexp_matches(a, b, 'i')" },
  pg_get_userbyid: { tables: ['pg_roles'], sql: () => `(r) AS COALESCE((SELECT rolname FROM pg_roles WHERE oid = r), 'unknown (OID=' || r || ')')` },
  pg_table_is_visible: { tables: ['pg_class'], sql: ({ view }) => `(o) AS (o IN (SELECT oid FROM pg_class WHERE relnamespace = ${namespaceOid(view, view.currentSchema)}))` },
  pg_type_is_visible: { tables: [], sql: () => '(o) AS true' },
  pg_function_is_visible: { tables: [], sql: () => '(o) AS true' },
  format_type: {
    tables: ['pg_type'],
    sql: () => `(t, m) AS CASE WHEN t = 1700 AND m >= 4 THEN 'numeric(' || ((m - 4) // 65536) || ',' || ((m - 4) % 65536) || ')'
      ELSE COALESCE((SELECT loch_format FROM pg_type WHERE oid = t), '???') END`,
  },
  pg_get_expr: { tables: [], sql: () => '(e, r) AS e, (e, r, p) AS e' },
  obj_description: {
    tables: ['pg_description'],
    sql: () => '(o) AS (SELECT description FROM pg_description WHERE objoid = o AND objsubid = 0 LIMIT 1), (o, c) AS (SELECT description FROM pg_description WHERE objoid = o AND objsubid = 0 LIMIT 1)',
  },
  col_description: { tables: ['pg_description'], sql: () => '(o, n) AS (SELECT description FROM pg_description WHERE objoid = o AND objsubid = n LIMIT 1)' },
  shobj_description: { tables: [], sql: () => '(o, c) AS NULL::VARCHAR' },
  pg_encoding_to_char: { tables: [], sql: () => `(e) AS 'UTF8'` },
  version: { tables: [], sql: () => `() AS ${sqlString(VERSION_TEXT)}` },
  current_database: { tables: [], sql: ({ ctx }) => `() AS ${sqlString(ctx.database)}` },
  current_schema: { tables: [], sql: ({ view }) => `() AS ${sqlString(view.currentSchema)}` },
  current_schemas: { tables: [], sql: ({ view }) => `(b) AS [${sqlString(view.currentSchema)}]` },
  pg_get_viewdef: { tables: ['pg_class'], sql: () => '(o) AS (SELECT loch_viewdef FROM pg_class WHERE oid = o), (o, p) AS (SELECT loch_viewdef FROM pg_class WHERE oid = o)' },
  pg_get_indexdef: { tables: [], sql: () => '(o) AS NULL::VARCHAR, (o, n, p) AS NULL::VARCHAR' },
  pg_get_constraintdef: { tables: [], sql: () => '(o) AS NULL::VARCHAR, (o, p) AS NULL::VARCHAR' },
  pg_get_triggerdef: { tables: [], sql: () => '(o) AS NULL::VARCHAR, (o, p) AS NULL::VARCHAR' },
  pg_get_statisticsobjdef_columns: { tables: [], sql: () => '(o) AS NULL::VARCHAR' },
  has_table_privilege: { tables: [], sql: () => '(t, p) AS true, (u, t, p) AS true' },
  has_schema_privilege: { tables: [], sql: () => '(s, p) AS true, (u, s, p) AS true' },
  has_database_privilege: { tables: [], sql: () => '(d, p) AS true, (u, d, p) AS true' },
  pg_table_size: { tables: [], sql: () => '(o) AS NULL::BIGINT' },
  pg_relation_size: { tables: [], sql: () => '(o) AS NULL::BIGINT, (o, f) AS NULL::BIGINT' },
  pg_total_relation_size: { tables: [], sql: () => '(o) AS NULL::BIGINT' },
  pg_database_size: { tables: [], sql: () => '(o) AS NULL::BIGINT' },
  pg_size_pretty: { tables: [], sql: () => '(b) AS CASE WHEN b IS NULL THEN NULL ELSE format_bytes(b::BIGINT) END' },
  pg_is_other_temp_schema: { tables: [], sql: () => '(o) AS false' },
  pg_my_temp_schema: { tables: [], sql: () => '() AS 0' },
  pg_get_function_result: { tables: [], sql: () => '(o) AS NULL::VARCHAR' },
  pg_get_function_arguments: { tables: [], sql: () => '(o) AS NULL::VARCHAR' },
  pg_get_function_identity_arguments: { tables: [], sql: () => '(o) AS NULL::VARCHAR' },
  pg_relation_is_publishable: { tables: [], sql: () => '(o) AS false' },
  array_upper: { tables: [], sql: () => '(a, d) AS len(a)' },
  array_lower: { tables: [], sql: () => '(a, d) AS CASE WHEN len(a) > 0 THEN 1 END' },
  pg_backend_pid: { tables: [], sql: ({ ctx }) => `() AS ${ctx.pid}` },
};

/** Words that make a statement more than a read; catalog queries never contain them. */
const WRITE_WORDS = new Set(['insert', 'update', 'delete', 'merge', 'copy', 'attach', 'detach', 'create', 'drop', 'alter', 'pragma', 'call', 'install', 'load', 'export', 'import', 'checkpoint', 'vacuum']);

/** Type names of PostgreSQL's catalog that casts in client queries use. */
const CAST_TYPES = ['regclass', 'regtype', 'regproc', 'regprocedure', 'regoper', 'regnamespace', 'regrole', 'name', 'int2vector', 'oidvector', 'xid', 'cid', 'aclitem', 'pg_node_tree'];

/**
 * The emulation over one private DuckDB, shared by every connection of a server and opened on
 * first use.
 */
export class PgCatalogEmulation {
  private engine: Promise<DuckDbEngine> | undefined;

  constructor(private readonly ids: IdSource) {}

  /** Runs one catalog query (SELECT or WITH; `$n` parameters bound natively) for a connection. */
  async query(ctx: CatalogQueryContext, sql: string, params: readonly ParamValue[]): Promise<RowSource> {
    const tokens = tokenize(sql);
    const words = new Set(tokens.filter((t) => t.kind === 'word').map((t) => t.text.toLowerCase()));
    if ([...words].some((w) => WRITE_WORDS.has(w))) throw pgError('0A000', 'pgwire: queries over pg_catalog are read-only (SELECT only)');
    const { tables, macros } = usedObjects(words);
    const view = await loadView(ctx, tables, macros);
    const engine = await this.open();
    const session = await engine.session();
    try {
      await session.run(setupSql(view, ctx, tables, macros));
      const result = await session.query(rewrite(tokens), { params: params.map((p) => (p instanceof Date ? p.toISOString() : p instanceof UntypedParam ? p.text : p)) });
      return sessionRows(session, result.columns, result.batches());
    } catch (error) {
      await session.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    const engine = this.engine;
    this.engine = undefined;
    if (engine !== undefined) await (await engine).close();
  }

  private open(): Promise<DuckDbEngine> {
    this.engine ??= (async () => {
      const engine = await DuckDbEngine.create({ ids: this.ids, threads: 1, memoryLimit: '256MB' });
      const session = await engine.session();
      try {
        // No files, no extensions: catalog queries are client text and must reach nothing but the TEMP tables.
        await session.run(['SET enable_external_access = false', ...CAST_TYPES.map((t) => `CREATE TYPE ${t} AS VARCHAR`)].join(';\n'));
      } finally {
        await session.close();
      }
      return engine;
    })();
    return this.engine;
  }
}

function sessionRows(session: Session, columns: readonly { name: string; type: string }[], rows: AsyncIterable<Row[]>): RowSource {
  return {
    columns,
    batches: async function* () {
      try {
        yield* rows;
      } finally {
        await session.close();
      }
    },
    close: () => session.close(),
    interrupt: () => session.interrupt(),
  };
}

function usedObjects(words: ReadonlySet<string>): { tables: Set<string>; macros: string[] } {
  const macros = Object.keys(MACROS).filter((m) => words.has(m) || MACROS[m]?.always === true);
  const tables = new Set<string>(Object.keys(SHIM_TABLES).filter((t) => words.has(t)));
  for (const m of macros) for (const t of MACROS[m]?.tables ?? []) tables.add(t);
  for (const alias of Object.keys(SHIM_ALIASES)) if (words.has(alias)) tables.add('pg_roles');
  return { tables, macros };
}

async function loadView(ctx: CatalogQueryContext, tables: ReadonlySet<string>, macros: readonly string[]): Promise<CatalogView> {
  const catalog = ctx.loch.catalog;
  const needsRelations = ['pg_class', 'pg_tables', 'pg_views', 'pg_roles', 'pg_attribute', 'pg_attrdef', 'pg_description'].some((t) => tables.has(t));
  const needsColumns = [...tables].some((t) => SHIM_TABLES[t]?.needsColumns === true);
  const needsSchemas = needsRelations || tables.has('pg_namespace') || macros.includes('pg_table_is_visible');
  const schemas = needsSchemas ? await catalog.listSchemas(ctx.database) : [];
  const lists = needsRelations ? await Promise.all(schemas.map((s) => catalog.listTables(ctx.database, s.name).catch(() => []))) : [];
  return {
    database: ctx.database,
    currentSchema: macros.some((m) => m.startsWith('current_schema') || m === 'pg_table_is_visible') ? await currentSchema(ctx.loch) : 'default',
    principal: ctx.principal,
    catalogs: tables.has('pg_database') || tables.has('pg_roles') ? await catalog.listCatalogs() : [],
    schemas,
    tables: lists.flat(),
    columns: needsColumns ? await loadColumns(ctx) : [],
    tableComments: tables.has('pg_description') ? await loadTableComments(ctx) : new Map(),
  };
}

async function loadTableComments(ctx: CatalogQueryContext): Promise<Map<string, string>> {
  const sql = `SELECT table_schema, table_name, comment FROM ${quotedCatalog(ctx)}.information_schema.tables WHERE comment IS NOT NULL`;
  const rows = await (await ctx.loch.sql(sql)).all();
  return new Map(rows.map(([schema, table, comment]) => [tableKey(String(schema), String(table)), String(comment)]));
}

function quotedCatalog(ctx: CatalogQueryContext): string {
  return `\`${ctx.database.replace(/`/g, '``')}\``;
}

async function currentSchema(loch: LochSession): Promise<string> {
  const rows = await (await loch.sql('SELECT current_schema()')).all();
  return String(rows[0]?.[0] ?? 'default');
}

/** Columns of every table and view the principal may see, from Loch's information_schema. */
async function loadColumns(ctx: CatalogQueryContext): Promise<ColumnFact[]> {
  const sql = `SELECT table_schema, table_name, column_name, ordinal_position, full_data_type, is_nullable, column_default, comment
    FROM ${quotedCatalog(ctx)}.information_schema.columns`;
  const rows = await (await ctx.loch.sql(sql)).all();
  return rows.map(([schema, table, name, position, type, nullable, defaultSql, comment]) => ({
    schema: String(schema),
    table: String(table),
    name: String(name),
    position: Number(position),
    type: String(type),
    nullable: nullable !== 'NO',
    ...(typeof defaultSql === 'string' ? { defaultSql } : {}),
    ...(typeof comment === 'string' ? { comment } : {}),
  }));
}

function setupSql(view: CatalogView, ctx: CatalogQueryContext, tables: ReadonlySet<string>, macros: readonly string[]): string {
  const statements = [...tables].map((name) => tableSql(name, SHIM_TABLES[name] as (typeof SHIM_TABLES)[string], view));
  for (const [alias, body] of Object.entries(SHIM_ALIASES)) if (tables.has('pg_roles')) statements.push(`CREATE TEMP VIEW ${alias} AS ${body};`);
  for (const name of macros) statements.push(`CREATE TEMP MACRO ${name}${(MACROS[name] as Macro).sql({ view, ctx })};`);
  return statements.join('\n') || 'SELECT 1';
}

/** The query adapted to DuckDB: catalog qualifiers, OPERATOR(...) and default collations removed. */
export function rewrite(tokens: readonly Token[]): string {
  const out: string[] = [];
  const meaningful = (from: number): number[] => {
    const found: number[] = [];
    for (let i = from; i < tokens.length && found.length < 6; i += 1) if (!isTrivia(tokens[i] as Token)) found.push(i);
    return found;
  };
  const lower = (i: number | undefined): string => (i === undefined ? '' : (tokens[i]?.text ?? '').toLowerCase());
  const seriesAliases = functionTableAliases(tokens);
  for (let i = 0; i < tokens.length; i += 1) {
    if (seriesAliases.has(i)) {
      // PostgreSQL names a function's single output column after the table alias; DuckDB needs it said.
      out.push(`${tokens[i]?.text ?? ''}(${tokens[i]?.text ?? ''})`);
      continue;
    }
    const word = lower(i);
    const [n1, n2, n3, n4, n5] = meaningful(i + 1);
    if (word === 'pg_catalog' && lower(n1) === '.') {
      i = n1 as number;
      continue;
    }
    if (word === 'operator' && lower(n1) === '(') {
      // OPERATOR(pg_catalog.~) or OPERATOR(~)
      if (lower(n2) === 'pg_catalog' && lower(n3) === '.' && lower(n5) === ')') {
        out.push(` ${tokens[n4 as number]?.text ?? ''} `);
        i = n5 as number;
        continue;
      }
      if (lower(n3) === ')') {
        out.push(` ${tokens[n2 as number]?.text ?? ''} `);
        i = n3 as number;
        continue;
      }
    }
    if (word === 'collate' && (lower(n1) === 'default' || (lower(n1) === 'pg_catalog' && lower(n2) === '.' && lower(n3) === 'default'))) {
      i = (lower(n1) === 'default' ? n1 : n3) as number;
      continue;
    }
    out.push(tokens[i]?.text ?? '');
  }
  return out.join('');
}

const NOT_ALIASES = new Set(['where', 'join', 'left', 'right', 'inner', 'full', 'cross', 'on', 'group', 'order', 'limit', 'union', 'natural', 'using', 'having', 'window', 'offset']);

/** Token indexes of table aliases of `generate_series(...)` / `unnest(...)` in FROM that name no columns. */
function functionTableAliases(tokens: readonly Token[]): Set<number> {
  const found = new Set<number>();
  const next = (from: number): number => {
    let i = from;
    while (i < tokens.length && isTrivia(tokens[i] as Token)) i += 1;
    return i;
  };
  tokens.forEach((token, start) => {
    if (token.kind !== 'word' || !['generate_series', 'unnest'].includes(token.text.toLowerCase())) return;
    let i = next(start + 1);
    if (tokens[i]?.text !== '(') return;
    for (let depth = 0; i < tokens.length; i += 1) {
      const text = tokens[i]?.text;
      if (text === '(') depth += 1;
      if (text === ')' && --depth === 0) break;
    }
    let alias = next(i + 1);
    if (tokens[alias]?.text.toLowerCase() === 'as') alias = next(alias + 1);
    const candidate = tokens[alias];
    if (candidate?.kind !== 'word' || NOT_ALIASES.has(candidate.text.toLowerCase())) return;
    if (tokens[next(alias + 1)]?.text === '(') return;
    found.add(alias);
  });
  return found;
}
