import type { ObjectName } from '../../catalog/catalog-types.js';

/**
 * Column lineage of one SELECT from DuckDB's parse tree (`json_serialize_sql`): which source
 * columns each output column is computed from. No binding happens here: the caller resolves
 * the table names first (`referencedTables`) and hands the resolved sources in.
 *
 * What is followed: direct column references, expressions, function and aggregate arguments,
 * CASE branches, window PARTITION/ORDER keys, scalar subqueries, `*` and `t.*` (with EXCLUDE,
 * REPLACE, RENAME, COLUMNS('regex')), aliases, subqueries in FROM, joins, CTEs (WITH, column
 * aliases too), UNION/INTERSECT/EXCEPT (by position), correlated references to outer queries.
 * Limits: a name that resolves nowhere (a lambda parameter, a select-list alias reused in the
 * same list, a table function's columns) contributes nothing; WHERE/JOIN/GROUP BY columns are
 * not output lineage (the tables they read still are sources); a name that could belong to
 * several FROM items is taken from the first one that has it.
 */

/** A table, view or path a query reads, resolved by the caller. */
export interface LineageSource {
  /** Identity of the source (same key ⇒ same source). */
  readonly key: string;
  readonly type: 'TABLE' | 'VIEW' | 'PATH';
  readonly name?: ObjectName;
  readonly path?: string;
  /** Its columns in order; undefined when unknown (then `*` over it yields nothing). */
  readonly columns: readonly string[] | undefined;
}

export interface ColumnOrigin {
  readonly source: LineageSource;
  readonly column: string;
}

export interface OutputColumn {
  /** The alias, the column's own name for a plain reference, '' for an unnamed expression. */
  readonly name: string;
  readonly origins: readonly ColumnOrigin[];
}

/** Resolves a table reference as written (1–3 parts; one-part CTE names never reach it). */
export type SourceResolver = (parts: readonly string[]) => LineageSource | undefined;

type Node = Record<string, unknown>;

interface Column {
  readonly name: string;
  readonly origins: readonly ColumnOrigin[];
}

interface Binding {
  readonly alias: string;
  /** Undefined: a relation whose columns are unknown (a table function, an unresolved name). */
  readonly columns: readonly Column[] | undefined;
}

interface Scope {
  readonly bindings: readonly Binding[];
  readonly parent?: Scope;
}

type Ctes = ReadonlyMap<string, readonly Column[]>;

/** The root query node of a `json_serialize_sql` result; undefined for errors and non-SELECTs. */
export function rootQuery(tree: unknown): Node | undefined {
  if (!isNode(tree) || tree['error'] === true) return undefined;
  const statements = tree['statements'];
  if (!Array.isArray(statements) || !isNode(statements[0])) return undefined;
  const node = statements[0]['node'];
  return isNode(node) ? node : undefined;
}

/** Every table name the query reads (parts as written), CTE names in scope left out, in order of appearance. */
export function referencedTables(root: Node): string[][] {
  const found: string[][] = [];
  collectTables(root, new Set(), found);
  return found;
}

/** The output columns of `root` with the source columns each is computed from. */
export function outputLineage(root: Node, resolve: SourceResolver): OutputColumn[] {
  return queryColumns(root, resolve, new Map(), undefined).map((c) => ({ name: c.name, origins: c.origins }));
}

function collectTables(value: unknown, ctes: ReadonlySet<string>, out: string[][]): void {
  if (Array.isArray(value)) {
    for (const v of value) collectTables(v, ctes, out);
    return;
  }
  if (!isNode(value)) return;
  let scope = ctes;
  const names = cteEntries(value).map((e) => e.name);
  if (names.length > 0) scope = new Set([...ctes, ...names]);
  if (value['type'] === 'BASE_TABLE') {
    const parts = tableParts(value);
    if (!(parts.length === 1 && scope.has((parts[0] as string).toLowerCase()))) out.push(parts);
  }
  for (const child of Object.values(value)) collectTables(child, scope, out);
}

function queryColumns(node: Node, resolve: SourceResolver, outerCtes: Ctes, outer: Scope | undefined): Column[] {
  const ctes = withCtes(node, resolve, outerCtes, outer);
  switch (node['type']) {
    case 'SELECT_NODE': {
      const scope: Scope = { bindings: fromItem(node['from_table'], resolve, ctes, outer), ...(outer !== undefined ? { parent: outer } : {}) };
      const list = Array.isArray(node['select_list']) ? (node['select_list'] as unknown[]) : [];
      return list.filter(isNode).flatMap((item) => selectItem(item, scope, resolve, ctes));
    }
    case 'SET_OPERATION_NODE':
    case 'RECURSIVE_CTE_NODE': {
      const sides = (Array.isArray(node['children']) ? (node['children'] as unknown[]) : [node['left'], node['right']]).filter(isNode);
      const results = sides.map((side) => queryColumns(side, resolve, ctes, outer));
      return zipByPosition(results);
    }
    case 'CTE_NODE':
      return isNode(node['child']) ? queryColumns(node['child'], resolve, ctes, outer) : [];
    default:
      return [];
  }
}

/** Output i of a set operation is computed from output i of every branch; names from the first. */
function zipByPosition(results: readonly Column[][]): Column[] {
  const first = results[0] ?? [];
  return first.map((column, i) => ({ name: column.name, origins: dedupe(results.flatMap((r) => r[i]?.origins ?? [])) }));
}

function cteEntries(node: Node): { name: string; value: Node }[] {
  const map = isNode(node['cte_map']) ? node['cte_map']['map'] : undefined;
  if (!Array.isArray(map)) return [];
  return map.filter(isNode).flatMap((entry) => (typeof entry['key'] === 'string' && isNode(entry['value']) ? [{ name: entry['key'].toLowerCase(), value: entry['value'] }] : []));
}

function withCtes(node: Node, resolve: SourceResolver, ctes: Ctes, outer: Scope | undefined): Ctes {
  const entries = cteEntries(node);
  if (entries.length === 0) return ctes;
  const scope = new Map(ctes);
  for (const { name, value } of entries) {
    const query = isNode(value['query']) ? value['query']['node'] : undefined;
    const columns = isNode(query) ? queryColumns(query, resolve, scope, outer) : [];
    scope.set(name, renamed(columns, value['aliases']));
  }
  return scope;
}

function fromItem(item: unknown, resolve: SourceResolver, ctes: Ctes, outer: Scope | undefined): Binding[] {
  if (!isNode(item)) return [];
  const alias = typeof item['alias'] === 'string' ? item['alias'].toLowerCase() : '';
  switch (item['type']) {
    case 'BASE_TABLE': {
      const parts = tableParts(item);
      const own = alias !== '' ? alias : (parts.at(-1) ?? '').toLowerCase();
      const cte = parts.length === 1 ? ctes.get((parts[0] as string).toLowerCase()) : undefined;
      if (cte !== undefined) return [{ alias: own, columns: renamed(cte, item['column_name_alias']) }];
      const source = resolve(parts);
      const columns = source?.columns?.map((c) => ({ name: c, origins: [{ source, column: c }] }));
      return [{ alias: own, columns: columns === undefined ? undefined : renamed(columns, item['column_name_alias']) }];
    }
    case 'SUBQUERY': {
      const query = isNode(item['subquery']) ? item['subquery']['node'] : undefined;
      const columns = isNode(query) ? queryColumns(query, resolve, ctes, outer) : [];
      return [{ alias, columns: renamed(columns, item['column_name_alias']) }];
    }
    case 'JOIN':
      return [...fromItem(item['left'], resolve, ctes, outer), ...fromItem(item['right'], resolve, ctes, outer)];
    case 'EMPTY_FROM':
      return [];
    default:
      return [{ alias, columns: undefined }];
  }
}

function selectItem(item: Node, scope: Scope, resolve: SourceResolver, ctes: Ctes): Column[] {
  if (item['class'] === 'STAR') return starColumns(item, scope, resolve, ctes);
  const alias = typeof item['alias'] === 'string' ? item['alias'] : '';
  const names = item['class'] === 'COLUMN_REF' && Array.isArray(item['column_names']) ? (item['column_names'] as unknown[]) : [];
  const own = alias !== '' ? alias : String(names.at(-1) ?? '');
  return [{ name: own, origins: expressionOrigins(item, scope, resolve, ctes) }];
}

/** `*`, `t.*`, with EXCLUDE / REPLACE / RENAME, and COLUMNS('regex'). */
function starColumns(star: Node, scope: Scope, resolve: SourceResolver, ctes: Ctes): Column[] {
  const relation = typeof star['relation_name'] === 'string' ? star['relation_name'].toLowerCase() : '';
  const bindings = relation === '' ? scope.bindings : scope.bindings.filter((b) => b.alias === relation);
  const excluded = new Set(stringsOf(star['exclude_list']).map((s) => s.toLowerCase()));
  const replaced = new Map<string, Node>();
  for (const r of Array.isArray(star['replace_list']) ? star['replace_list'].filter(isNode) : []) {
    if (typeof r['key'] === 'string' && isNode(r['value'])) replaced.set(r['key'].toLowerCase(), r['value']);
  }
  const renames = new Map<string, string>();
  for (const r of Array.isArray(star['rename_list']) ? star['rename_list'].filter(isNode) : []) {
    if (typeof r['key'] === 'string' && typeof r['value'] === 'string') renames.set(r['key'].toLowerCase(), r['value']);
  }
  const pattern = star['columns'] === true ? columnsPattern(star['expr']) : undefined;
  const out: Column[] = [];
  for (const column of bindings.flatMap((b) => b.columns ?? [])) {
    const lower = column.name.toLowerCase();
    if (excluded.has(lower) || (pattern !== undefined && !pattern.test(column.name))) continue;
    const replacement = replaced.get(lower);
    const origins = replacement === undefined ? column.origins : expressionOrigins(replacement, scope, resolve, ctes);
    out.push({ name: renames.get(lower) ?? column.name, origins });
  }
  return out;
}

/** COLUMNS('regex') matches names by the regular expression; COLUMNS(lambda) keeps every column. */
function columnsPattern(expr: unknown): RegExp | undefined {
  const value = isNode(expr) && isNode(expr['value']) ? expr['value']['value'] : undefined;
  if (typeof value !== 'string') return undefined;
  try {
    return new RegExp(value);
  } catch {
    return undefined;
  }
}

/** The source columns an expression reads (subqueries included), without duplicates. */
function expressionOrigins(expr: unknown, scope: Scope, resolve: SourceResolver, ctes: Ctes): ColumnOrigin[] {
  const found: ColumnOrigin[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
      return;
    }
    if (!isNode(value)) return;
    if (value['class'] === 'COLUMN_REF') {
      found.push(...columnRef(stringsOf(value['column_names']), scope));
      return;
    }
    if (value['class'] === 'SUBQUERY') {
      const query = isNode(value['subquery']) ? value['subquery']['node'] : undefined;
      if (isNode(query)) for (const c of queryColumns(query, resolve, ctes, scope)) found.push(...c.origins);
      walk(value['child']);
      return;
    }
    for (const child of Object.values(value)) walk(child);
  };
  walk(expr);
  return dedupe(found);
}

/**
 * A column reference `c`, `t.c`, `s.t.c`, `c.field`, `t.c.field`: a qualifier naming a FROM item
 * is tried first (longest name first), then the first part as a column of any FROM item, then
 * the enclosing query's scope (correlated subqueries).
 */
function columnRef(names: readonly string[], scope: Scope | undefined): ColumnOrigin[] {
  const lower = names.map((n) => n.toLowerCase());
  for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
    for (let k = Math.min(lower.length - 1, 3); k >= 1; k--) {
      const binding = s.bindings.find((b) => b.alias === lower[k - 1]);
      if (binding === undefined) continue;
      if (binding.columns === undefined) return [];
      const column = binding.columns.find((c) => c.name.toLowerCase() === lower[k]);
      if (column !== undefined) return [...column.origins];
    }
    for (const binding of s.bindings) {
      const column = binding.columns?.find((c) => c.name.toLowerCase() === lower[0]);
      if (column !== undefined) return [...column.origins];
    }
  }
  return [];
}

function renamed(columns: readonly Column[], aliases: unknown): Column[] {
  const names = stringsOf(aliases);
  return columns.map((c, i) => ({ name: names[i] ?? c.name, origins: c.origins }));
}

function tableParts(node: Node): string[] {
  return [node['catalog_name'], node['schema_name'], node['table_name']].filter((p): p is string => typeof p === 'string' && p !== '');
}

function dedupe(origins: readonly ColumnOrigin[]): ColumnOrigin[] {
  const seen = new Map<string, ColumnOrigin>();
  for (const o of origins) seen.set(`${o.source.key}\u0000${o.column.toLowerCase()}`, o);
  return [...seen.values()];
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
