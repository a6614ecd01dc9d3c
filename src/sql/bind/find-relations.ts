import { LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import { isTrivia, tokenize } from '../parse/index.js';
import type { Token } from '../parse/index.js';
import { byteToCharOffsets } from './byte-offsets.js';

/** A table named in a query: its name parts as written (unquoted), any alias, and the span of the name. */
export interface TableRelation {
  readonly kind: 'table';
  readonly parts: readonly string[];
  readonly alias?: string;
  /** [start, end) covers exactly the dotted name. */
  readonly start: number;
  readonly end: number;
}

/** A table function call: its name (lower case) and the span of the whole call, name to ')'. */
export interface FunctionRelation {
  readonly kind: 'function';
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

export type Relation = TableRelation | FunctionRelation;

type Node = Record<string, unknown>;

/**
 * The relations of a SELECT as DuckDB's own parser sees them (json_serialize_sql), in order of
 * position: tables (BASE_TABLE nodes; CTE names in scope are left out) and table functions.
 * Names written as strings (DuckDB's `FROM 'file.csv'`) are left out too. Undefined when DuckDB
 * cannot serialise the text (a syntax error, or not a SELECT: PRAGMA, SET, EXPLAIN, …).
 */
export async function findRelations(session: Session, sql: string): Promise<Relation[] | undefined> {
  let tree: Node;
  try {
    const rows = await (await session.query('SELECT json_serialize_sql($1::VARCHAR)', { params: [sql] })).all();
    tree = JSON.parse(String(rows[0]?.[0])) as Node;
  } catch {
    return undefined;
  }
  if (tree['error'] === true) {
    // DuckDB's parser cannot name a reference of four or more parts; say which one it is.
    if (String(tree['error_message']).includes('NameListToString')) throw tooManyParts(sql);
    return undefined;
  }
  const found: { node: Node; cte: boolean }[] = [];
  visit(tree, new Set(), found);
  const tokens = tokenize(sql).filter((t) => !isTrivia(t));
  const byStart = new Map(tokens.map((t, i) => [t.start, i]));
  const toChar = byteToCharOffsets(sql);
  const relations = new Map<number, Relation>();
  for (const { node, cte } of found) {
    const location = node['query_location'];
    if (typeof location !== 'number' || location >= Number.MAX_SAFE_INTEGER) continue;
    const start = toChar(location);
    const index = byStart.get(start);
    if (index === undefined || relations.has(start)) continue;
    const relation = node['type'] === 'BASE_TABLE' ? (cte ? undefined : tableRelation(node, tokens, index)) : functionRelation(node, tokens, index);
    if (relation !== undefined) relations.set(start, relation);
  }
  return [...relations.values()].sort((a, b) => a.start - b.start);
}

/** Collects BASE_TABLE and TABLE_FUNCTION nodes; `cte` marks one-part names bound by a WITH in scope. */
function visit(value: unknown, ctes: ReadonlySet<string>, out: { node: Node; cte: boolean }[]): void {
  if (Array.isArray(value)) {
    for (const v of value) visit(v, ctes, out);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const node = value as Node;
  const scope = withCtes(node, ctes);
  if (node['type'] === 'BASE_TABLE') {
    const oneName = node['catalog_name'] === '' && node['schema_name'] === '';
    out.push({ node, cte: oneName && scope.has(String(node['table_name']).toLowerCase()) });
  } else if (node['type'] === 'TABLE_FUNCTION') {
    out.push({ node, cte: false });
  }
  for (const child of Object.values(node)) visit(child, scope, out);
}

function withCtes(node: Node, ctes: ReadonlySet<string>): ReadonlySet<string> {
  const map = (node['cte_map'] as Node | undefined)?.['map'];
  if (!Array.isArray(map) || map.length === 0) return ctes;
  const scope = new Set(ctes);
  for (const entry of map as Node[]) scope.add(String(entry['key']).toLowerCase());
  return scope;
}

function tableRelation(node: Node, tokens: readonly Token[], index: number): TableRelation | undefined {
  const parts = [node['catalog_name'], node['schema_name'], node['table_name']].filter((p): p is string => typeof p === 'string' && p !== '');
  let end = -1;
  for (let k = 0; k < parts.length; k++) {
    const token = tokens[index + 2 * k];
    const dot = tokens[index + 2 * k - 1];
    if (token === undefined || (token.kind !== 'word' && token.kind !== 'quoted_ident')) return undefined;
    if (k > 0 && (dot?.kind !== 'punct' || dot.text !== '.')) return undefined;
    end = token.end;
  }
  const start = (tokens[index] as Token).start;
  const alias = typeof node['alias'] === 'string' && node['alias'] !== '' ? node['alias'] : undefined;
  return { kind: 'table', parts, start, end, ...(alias !== undefined ? { alias } : {}) };
}

function functionRelation(node: Node, tokens: readonly Token[], index: number): FunctionRelation | undefined {
  const name = (node['function'] as Node | undefined)?.['function_name'];
  const first = tokens[index];
  if (typeof name !== 'string' || first?.kind !== 'word' || tokens[index + 1]?.text !== '(') return undefined;
  let depth = 0;
  for (let k = index + 1; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (t.kind !== 'punct') continue;
    if (t.text === '(') depth++;
    else if (t.text === ')' && --depth === 0) return { kind: 'function', name: name.toLowerCase(), start: first.start, end: t.end };
  }
  return undefined;
}

/** INVALID_ARGUMENT naming the first dotted name of four or more parts in `sql`. */
function tooManyParts(sql: string): LochError {
  const tokens = tokenize(sql).filter((t) => !isTrivia(t));
  for (let i = 0; i < tokens.length; i++) {
    const parts: string[] = [];
    let j = i;
    while (isNamePart(tokens[j]) && (parts.length === 0 || tokens[j - 1]?.text === '.')) {
      parts.push((tokens[j] as Token).value ?? (tokens[j] as Token).text);
      if (tokens[j + 1]?.text !== '.') break;
      j += 2;
    }
    if (parts.length > 3) {
      const name = parts.join('.');
      return new LochError('INVALID_ARGUMENT', `sql: name ${name} has ${parts.length} parts; expected table, schema.table or catalog.schema.table`, { context: { name } });
    }
  }
  return new LochError('INVALID_ARGUMENT', 'sql: a table name has more than three parts; expected table, schema.table or catalog.schema.table');
}

function isNamePart(token: Token | undefined): boolean {
  return token !== undefined && (token.kind === 'word' || token.kind === 'quoted_ident' || token.kind === 'backtick_ident');
}
