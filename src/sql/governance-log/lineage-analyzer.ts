import type { Catalog, ObjectName, TableInfo } from '../../catalog/catalog-types.js';
import type { Session } from '../../engine/index.js';
import type { TableContext } from '../../table/context.js';
import { DeltaTable } from '../../table/delta-table.js';
import { openIcebergView } from '../../table/iceberg/iceberg-table.js';
import { parseObjectName } from '../bind/object-name.js';
import { dialect } from '../bind/hooks.js';
import { PLACEHOLDER_PREFIX, RefRegistry, prepareText } from '../bind/prepare-text.js';
import { findParamMarkers } from '../params.js';
import { replaceSpans } from '../parse/index.js';
import type { MergeStatement, TableRef } from '../parse/write-statements.js';
import { SessionState, formatName, resolveName } from '../sql-env.js';
import type { LineageEvent } from './lineage-types.js';
import { outputLineage, referencedTables, rootQuery } from './query-lineage.js';
import type { LineageSource, OutputColumn } from './query-lineage.js';

/** One end of a lineage edge. */
export type LineageEndpoint = Pick<LineageSource, 'type' | 'name' | 'path'>;

/** One statement's lineage: table edges (source or target may be absent) and column edges. */
export interface StatementLineage {
  readonly statementType: string;
  readonly tables: readonly { readonly source?: LineageEndpoint; readonly target?: LineageEndpoint }[];
  readonly columns: readonly { readonly source: LineageEndpoint; readonly sourceColumn: string; readonly target: LineageEndpoint; readonly targetColumn: string }[];
}

interface QueryAnalysis {
  readonly sources: readonly LineageSource[];
  readonly outputs: readonly OutputColumn[];
}

const NOTHING: QueryAnalysis = { sources: [], outputs: [] };

/**
 * Turns recorded statements into lineage edges: their queries are parsed by DuckDB
 * (json_serialize_sql on `session`), names resolved through `catalog` (an admin's: the
 * statement already passed its own checks) as they are now, columns read from the tables'
 * current schemas. One analyzer serves one flush (it caches lookups); it never throws: text it
 * cannot parse yields table edges it could find, or none.
 */
export class LineageAnalyzer {
  private readonly infos = new Map<string, Promise<TableInfo | undefined>>();
  private readonly columnsByLocation = new Map<string, Promise<string[] | undefined>>();

  constructor(
    private readonly ctx: TableContext,
    private readonly catalog: Catalog,
    private readonly session: Session,
  ) {}

  async analyze(event: LineageEvent): Promise<StatementLineage | undefined> {
    const state = new SessionState();
    state.catalog = event.catalog;
    state.schema = event.schema;
    const s = event.statement;
    switch (s.kind) {
      case 'query': {
        const q = await this.query(s.sql, state);
        return { statementType: 'SELECT', tables: q.sources.map((source) => ({ source: endpoint(source) })), columns: [] };
      }
      case 'view': {
        const target = await this.named(resolveName(state, s.name));
        const q = await this.query(s.query, state);
        return edges(s.statementType, q, target, byPosition(q.outputs, s.columns ?? target.columns ?? q.outputs.map((o) => o.name)));
      }
      case 'copy_into': {
        const target = await this.target(s.statement.target, state);
        const source: LineageSource = { key: `PATH:${s.statement.source}`, type: 'PATH', path: s.statement.source, columns: undefined };
        return edges('COPY_INTO', { sources: [source], outputs: [] }, target, []);
      }
      case 'write':
        return this.write(s.statement, state);
    }
  }

  private async write(w: Extract<LineageEvent['statement'], { kind: 'write' }>['statement'], state: SessionState): Promise<StatementLineage | undefined> {
    if (w.kind === 'create_table' && w.asQuery !== undefined) {
      const target = await this.target(w.target, state);
      const q = await this.query(w.asQuery, state);
      return edges('CREATE_TABLE_AS_SELECT', q, target, byPosition(q.outputs, target.columns ?? q.outputs.map((o) => o.name)));
    }
    if (w.kind === 'insert') {
      const target = await this.target(w.target, state);
      const q = await this.query(w.querySql, state);
      const pairs = w.byName ? byName(q.outputs, target.columns) : byPosition(q.outputs, w.columns ?? target.columns ?? []);
      return edges(w.mode === 'append' ? 'INSERT' : 'INSERT_OVERWRITE', q, target, pairs);
    }
    if (w.kind === 'merge') return this.merge(w, state);
    return undefined;
  }

  /**
   * MERGE: the source is read as `SELECT <assigned values>, * FROM <source> AS <alias>`, so each
   * SET / INSERT value maps to its target column and UPDATE SET * / INSERT * map same-named
   * columns. References to the target alias resolve nowhere (a column is not its own source).
   */
  private async merge(m: MergeStatement, state: SessionState): Promise<StatementLineage> {
    const target = await this.target(m.target, state);
    const alias = m.sourceAlias ?? sourceName(m.sourceSql) ?? '__loch_source';
    const assigned: { column: string; sql: string }[] = [];
    let star = false;
    for (const clause of m.clauses) {
      const action = clause.action;
      if (action.kind === 'update') for (const a of action.assignments) assigned.push({ column: a.path[0] as string, sql: a.valueSql });
      else if (action.kind === 'insert') action.valuesSql.forEach((sql, i) => assigned.push({ column: action.columns?.[i] ?? target.columns?.[i] ?? '', sql }));
      else if (action.kind === 'update_all' || action.kind === 'insert_all') star = true;
    }
    const items = [...assigned.map((a, i) => `(${a.sql}) AS "__loch_v${i}"`), '*'];
    const q = await this.query(`SELECT ${items.join(', ')} FROM ${m.sourceSql} AS "${alias.replaceAll('"', '""')}"`, state);
    const pairs: Pair[] = assigned.flatMap((a, i) => (a.column === '' ? [] : [{ output: q.outputs[i], column: a.column }]));
    if (star) pairs.push(...byName(q.outputs.slice(assigned.length), target.columns));
    return edges('MERGE', q, target, pairs);
  }

  /** Parses `sql` (parameter markers as NULL) and resolves what it reads. */
  private async query(sql: string, state: SessionState): Promise<QueryAnalysis> {
    const registry = new RefRegistry();
    let tree: unknown;
    try {
      const text = prepareText(dialect(withoutMarkers(sql)), registry).text;
      const rows = await (await this.session.query('SELECT json_serialize_sql($1::VARCHAR)', { params: [text] })).all();
      tree = JSON.parse(String(rows[0]?.[0]));
    } catch {
      return NOTHING;
    }
    const root = rootQuery(tree);
    if (root === undefined) return NOTHING;
    const resolved = new Map<string, LineageSource | undefined>();
    for (const parts of referencedTables(root)) {
      const key = partsKey(parts);
      if (!resolved.has(key)) resolved.set(key, await this.source(parts, state, registry));
    }
    const outputs = outputLineage(root, (parts) => resolved.get(partsKey(parts)));
    const sources = new Map<string, LineageSource>();
    for (const s of resolved.values()) if (s !== undefined) sources.set(s.key, s);
    return { sources: [...sources.values()], outputs };
  }

  private async source(parts: readonly string[], state: SessionState, registry: RefRegistry): Promise<LineageSource | undefined> {
    const only = parts.length === 1 ? (parts[0] as string) : '';
    if (only.startsWith(PLACEHOLDER_PREFIX)) {
      const ref = registry.refs[Number(only.slice(PLACEHOLDER_PREFIX.length))];
      if (ref === undefined) return undefined;
      return { key: `PATH:${ref.path}`, type: 'PATH', path: ref.path, columns: await this.pathColumns(ref.path, ref.kind === 'iceberg') };
    }
    let name: ObjectName;
    try {
      name = resolveName(state, parts);
    } catch {
      return undefined;
    }
    const found = await this.named(name);
    return found.exists ? found : undefined;
  }

  private async target(ref: TableRef, state: SessionState): Promise<LineageSource> {
    if (ref.kind === 'path') return { key: `PATH:${ref.path}`, type: 'PATH', path: ref.path, columns: await this.pathColumns(ref.path, ref.format === 'iceberg') };
    return this.named(resolveName(state, ref.parts));
  }

  /** A catalog object by name; when it cannot be found (dropped meanwhile) a TABLE with unknown columns. */
  private async named(name: ObjectName): Promise<LineageSource & { readonly exists: boolean }> {
    const info = await this.info(name);
    const key = `TABLE:${formatName(name)}`;
    if (info === undefined) return { key, type: 'TABLE', name, columns: undefined, exists: false };
    const canonical = { catalog: info.catalog, schema: info.schema, name: info.name };
    if (info.tableType === 'VIEW') return { key, type: 'VIEW', name: canonical, columns: info.viewColumns?.map((c) => c.name), exists: true };
    const columns = info.location === undefined ? undefined : await this.locationColumns(info.location, info.format === 'ICEBERG' ? info.metadataLocation : undefined, info.format === 'ICEBERG');
    return { key, type: 'TABLE', name: canonical, columns, exists: true };
  }

  private info(name: ObjectName): Promise<TableInfo | undefined> {
    const key = formatName(name);
    let found = this.infos.get(key);
    if (found === undefined) {
      found = this.catalog.findTable(name).catch(() => undefined);
      this.infos.set(key, found);
    }
    return found;
  }

  private pathColumns(path: string, iceberg: boolean): Promise<string[] | undefined> {
    return this.locationColumns(path, undefined, iceberg);
  }

  private locationColumns(location: string, metadataFile: string | undefined, iceberg: boolean): Promise<string[] | undefined> {
    const key = `${iceberg ? 'iceberg' : 'delta'}:${location}:${metadataFile ?? ''}`;
    let found = this.columnsByLocation.get(key);
    if (found === undefined) {
      found = readColumns(this.ctx, location, metadataFile, iceberg).catch(() => undefined);
      this.columnsByLocation.set(key, found);
    }
    return found;
  }
}

async function readColumns(ctx: TableContext, location: string, metadataFile: string | undefined, iceberg: boolean): Promise<string[]> {
  if (!iceberg) return (await DeltaTable.open(ctx, location).snapshot()).schema.fields.map((f) => f.name);
  const view = await openIcebergView(ctx, location, metadataFile === undefined ? {} : { metadataFile });
  return view.lochSchema.fields.map((f) => f.name);
}

interface Pair {
  readonly output: OutputColumn | undefined;
  readonly column: string;
}

function byPosition(outputs: readonly OutputColumn[], columns: readonly string[]): Pair[] {
  return columns.map((column, i) => ({ output: outputs[i], column }));
}

function byName(outputs: readonly OutputColumn[], columns: readonly string[] | undefined): Pair[] {
  const pairs: Pair[] = [];
  for (const column of columns ?? []) {
    const output = outputs.find((o) => o.name.toLowerCase() === column.toLowerCase());
    if (output !== undefined) pairs.push({ output, column });
  }
  return pairs;
}

/** Table edges source → target (a write reading nothing has one edge without source) and column edges. */
function edges(statementType: string, q: QueryAnalysis, target: LineageSource, pairs: readonly Pair[]): StatementLineage {
  const to = endpoint(target);
  const tables = q.sources.length === 0 ? [{ target: to }] : q.sources.map((source) => ({ source: endpoint(source), target: to }));
  const seen = new Set<string>();
  const columns: StatementLineage['columns'][number][] = [];
  for (const { output, column } of pairs) {
    for (const origin of output?.origins ?? []) {
      const key = `${origin.source.key}\u0000${origin.column}\u0000${column}`;
      if (seen.has(key)) continue;
      seen.add(key);
      columns.push({ source: endpoint(origin.source), sourceColumn: origin.column, target: to, targetColumn: column });
    }
  }
  return { statementType, tables, columns };
}

function endpoint(source: LineageSource): LineageEndpoint {
  return { type: source.type, ...(source.name !== undefined ? { name: source.name } : {}), ...(source.path !== undefined ? { path: source.path } : {}) };
}

/** Markers (`?`, `:name`) become NULL: the parser needs an expression, lineage needs no value. */
function withoutMarkers(sql: string): string {
  return replaceSpans(sql, findParamMarkers(sql).map((m) => ({ start: m.start, end: m.end, text: 'NULL' })));
}

function partsKey(parts: readonly string[]): string {
  return parts.map((p) => p.toLowerCase()).join('\u0000');
}

/** As the MERGE executor names an unaliased source: a table name's last part. */
function sourceName(sourceSql: string): string | undefined {
  try {
    const parts = parseObjectName(sourceSql);
    return parts.length === 2 && /^(delta|parquet|iceberg)$/i.test(parts[0] ?? '') ? undefined : parts.at(-1);
  } catch {
    return undefined;
  }
}
