import { isLochError } from '../core/errors.js';
import type { Session } from '../engine/index.js';
import type { Expr } from '../expr/nodes.js';
import { quoteIdentifier } from '../expr/to-sql.js';
import type { TableContext } from '../table/context.js';
import { conditionExpr } from './condition-filter.js';

/** target column = source column, read from the ON condition. */
export interface EquiKey {
  readonly target: string;
  readonly sourceSql: string;
}

type Node = Record<string, unknown>;

/**
 * The equalities `target.c = source.d` among the AND-ed conjuncts of `onSql`, found with DuckDB's
 * own parser (json_serialize_sql). Only qualified column references count: an unqualified name
 * could belong to either side. Text DuckDB cannot parse yields none (running the MERGE reports it).
 */
export async function equiJoinKeys(session: Session, onSql: string, targetAlias: string, sourceAlias: string): Promise<EquiKey[]> {
  const text = `SELECT * FROM __loch_t AS ${quoteIdentifier(targetAlias)} JOIN __loch_s AS ${quoteIdentifier(sourceAlias)} ON ${onSql}`;
  let tree: Node;
  try {
    const rows = await (await session.query('SELECT json_serialize_sql($1::VARCHAR)', { params: [text] })).all();
    tree = JSON.parse(String(rows[0]?.[0])) as Node;
  } catch {
    return [];
  }
  const statements = tree['statements'];
  const node = Array.isArray(statements) ? ((statements[0] as Node | undefined)?.['node'] as Node | undefined) : undefined;
  const condition = (node?.['from_table'] as Node | undefined)?.['condition'];
  if (!isNode(condition)) return [];
  const keys: EquiKey[] = [];
  for (const c of conjuncts(condition)) {
    if (c['type'] !== 'COMPARE_EQUAL') continue;
    const left = qualified(c['left']);
    const right = qualified(c['right']);
    if (left === undefined || right === undefined) continue;
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    if (same(left[0], targetAlias) && same(right[0], sourceAlias)) keys.push({ target: left[1], sourceSql: `${quoteIdentifier(sourceAlias)}.${quoteIdentifier(right[1])}` });
    else if (same(right[0], targetAlias) && same(left[0], sourceAlias)) keys.push({ target: right[1], sourceSql: `${quoteIdentifier(sourceAlias)}.${quoteIdentifier(left[1])}` });
  }
  return keys;
}

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function conjuncts(node: Node): Node[] {
  if (node['type'] === 'CONJUNCTION_AND' && Array.isArray(node['children'])) return (node['children'] as Node[]).flatMap(conjuncts);
  return [node];
}

function qualified(node: unknown): [string, string] | undefined {
  if (!isNode(node) || node['class'] !== 'COLUMN_REF') return undefined;
  const names = node['column_names'];
  return Array.isArray(names) && names.length === 2 ? [String(names[0]), String(names[1])] : undefined;
}

/**
 * The condition as a pruning filter; none when the pushdown cannot make sense of it. Pruning is
 * only an optimisation: a condition that is wrong (an unknown column) fails when the operation
 * runs it, with a message about the table rather than about the pushdown's stand-in.
 */
export async function pruningOf(ctx: TableContext, session: Session, path: string, conditionSql: string, alias?: string): Promise<{ filter?: Expr }> {
  try {
    return await conditionExpr(ctx, session, path, conditionSql, alias);
  } catch (error) {
    if (isLochError(error, 'SQL_ERROR')) return {};
    throw error;
  }
}
