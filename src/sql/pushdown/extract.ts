import type { RawConstant, RawPredicate } from './raw-predicate.js';

type Node = Record<string, unknown>;

const OPS: Record<string, '=' | '!=' | '<' | '<=' | '>' | '>='> = {
  COMPARE_EQUAL: '=',
  COMPARE_NOTEQUAL: '!=',
  COMPARE_LESSTHAN: '<',
  COMPARE_LESSTHANOREQUALTO: '<=',
  COMPARE_GREATERTHAN: '>',
  COMPARE_GREATERTHANOREQUALTO: '>=',
};
const FLIP: Record<string, '=' | '!=' | '<' | '<=' | '>' | '>='> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

export const PLACEHOLDER = '__loch_ref_';

/**
 * Walks a `json_serialize_sql` tree and collects, per placeholder table `__loch_ref_<i>`, the
 * WHERE conjuncts that must hold for every row read from it. Only SELECTs whose FROM is the
 * placeholder itself or an inner-join tree of tables qualify: under an outer join, dropping
 * rows from one side can turn a non-match into a NULL-extended row that passes the WHERE.
 */
export function extractPredicates(tree: unknown, refCount: number): RawPredicate[][] {
  const out: RawPredicate[][] = Array.from({ length: refCount }, () => []);
  visit(tree, (node) => {
    if (node['type'] !== 'SELECT_NODE' || !isObject(node['where_clause'])) return;
    // A sample is taken before WHERE: fewer files would change which rows it picks.
    if (node['sample'] !== null && node['sample'] !== undefined) return;
    const tables = innerJoinTables(node['from_table']);
    if (tables === undefined) return;
    for (const table of tables) {
      const index = placeholderIndex(table.name);
      if (index === undefined || index >= refCount) continue;
      const qualifiers = new Set([table.alias || table.name]);
      const single = tables.length === 1;
      for (const conjunct of conjuncts(node['where_clause'] as Node)) {
        const predicate = toRaw(conjunct, qualifiers, single);
        if (predicate !== undefined) out[index]?.push(predicate);
      }
    }
  });
  return out;
}

function visit(value: unknown, fn: (node: Node) => void): void {
  if (Array.isArray(value)) value.forEach((v) => visit(v, fn));
  else if (isObject(value)) {
    fn(value);
    for (const child of Object.values(value)) visit(child, fn);
  }
}

function isObject(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function placeholderIndex(name: string): number | undefined {
  return name.startsWith(PLACEHOLDER) && /^\d+$/.test(name.slice(PLACEHOLDER.length)) ? Number(name.slice(PLACEHOLDER.length)) : undefined;
}

function innerJoinTables(from: unknown): { name: string; alias: string }[] | undefined {
  if (!isObject(from)) return undefined;
  const renamed = Array.isArray(from['column_name_alias']) && (from['column_name_alias'] as unknown[]).length > 0;
  const sampled = from['sample'] !== null && from['sample'] !== undefined;
  if (from['type'] === 'BASE_TABLE' && from['schema_name'] === '' && from['catalog_name'] === '' && !renamed && !sampled) {
    return [{ name: String(from['table_name']), alias: String(from['alias'] ?? '') }];
  }
  if (from['type'] === 'JOIN' && (from['join_type'] === 'INNER' || from['join_type'] === undefined) && from['ref_type'] !== 'ASOF' && from['ref_type'] !== 'POSITIONAL') {
    const left = innerJoinTables(from['left']);
    const right = innerJoinTables(from['right']);
    return left && right ? [...left, ...right] : undefined;
  }
  return undefined;
}

function conjuncts(node: Node): Node[] {
  if (node['type'] === 'CONJUNCTION_AND' && Array.isArray(node['children'])) return (node['children'] as Node[]).flatMap(conjuncts);
  return [node];
}

function toRaw(node: Node, qualifiers: Set<string>, single: boolean): RawPredicate | undefined {
  const type = String(node['type']);
  if (type === 'CONJUNCTION_AND' || type === 'CONJUNCTION_OR') {
    const operands = ((node['children'] as Node[]) ?? []).map((c) => toRaw(c, qualifiers, single));
    if (operands.some((o) => o === undefined)) return type === 'CONJUNCTION_AND' ? andOfDefined(operands) : undefined;
    return { kind: type === 'CONJUNCTION_AND' ? 'and' : 'or', operands: operands as RawPredicate[] };
  }
  const op = OPS[type];
  if (op !== undefined) {
    const left = columnName(node['left'], qualifiers, single);
    const right = columnName(node['right'], qualifiers, single);
    if (left !== undefined) return withConstant(node['right'], (constant) => ({ kind: 'cmp', op, column: left, constant }));
    if (right !== undefined) return withConstant(node['left'], (constant) => ({ kind: 'cmp', op: FLIP[op] ?? op, column: right, constant }));
    return undefined;
  }
  if (type === 'COMPARE_BETWEEN') return between(node, qualifiers, single);
  if (type === 'COMPARE_IN') {
    const [first, ...rest] = (node['children'] as Node[]) ?? [];
    const column = columnName(first, qualifiers, single);
    const constants = rest.map(constantOf);
    if (column === undefined || constants.some((c) => c === undefined)) return undefined;
    return { kind: 'in', column, constants: constants as RawConstant[] };
  }
  if (type === 'OPERATOR_IS_NULL' || type === 'OPERATOR_IS_NOT_NULL') {
    const column = columnName(((node['children'] as Node[]) ?? [])[0], qualifiers, single);
    return column === undefined ? undefined : { kind: 'is_null', column, negated: type === 'OPERATOR_IS_NOT_NULL' };
  }
  return undefined;
}

function andOfDefined(operands: (RawPredicate | undefined)[]): RawPredicate | undefined {
  const defined = operands.filter((o): o is RawPredicate => o !== undefined);
  return defined.length === 0 ? undefined : { kind: 'and', operands: defined };
}

function between(node: Node, qualifiers: Set<string>, single: boolean): RawPredicate | undefined {
  const column = columnName(node['input'], qualifiers, single);
  const lower = constantOf(node['lower']);
  const upper = constantOf(node['upper']);
  if (column === undefined || lower === undefined || upper === undefined) return undefined;
  return {
    kind: 'and',
    operands: [
      { kind: 'cmp', op: '>=', column, constant: lower },
      { kind: 'cmp', op: '<=', column, constant: upper },
    ],
  };
}

function withConstant(node: unknown, build: (c: RawConstant) => RawPredicate): RawPredicate | undefined {
  const constant = constantOf(node);
  return constant === undefined ? undefined : build(constant);
}

/** A column of this table: `c` when the SELECT reads only this table, else `alias.c`. */
function columnName(node: unknown, qualifiers: Set<string>, single: boolean): string | undefined {
  if (!isObject(node) || node['class'] !== 'COLUMN_REF') return undefined;
  const names = node['column_names'];
  if (!Array.isArray(names)) return undefined;
  if (names.length === 1 && single) return String(names[0]);
  if (names.length === 2 && qualifiers.has(String(names[0]))) return String(names[1]);
  return undefined;
}

/** A constant, or a cast of a constant (`DATE '…'`, `TIMESTAMP '…'`, `'…'::DATE`). */
function constantOf(node: unknown): RawConstant | undefined {
  if (!isObject(node)) return undefined;
  if (node['class'] === 'CONSTANT' && isObject(node['value'])) {
    const value = node['value'];
    const type = value['type'] as Node | undefined;
    const info = type?.['type_info'] as Node | null | undefined;
    return {
      typeId: String(type?.['id']),
      ...(isObject(info) && typeof info['scale'] === 'number' ? { scale: info['scale'] } : {}),
      value: value['value'],
      isNull: value['is_null'] === true,
    };
  }
  if (node['class'] === 'CAST' && node['try_cast'] !== true) {
    const inner = constantOf(node['child']);
    const castType = node['cast_type'] as Node | undefined;
    if (inner === undefined || inner.typeId !== 'VARCHAR' || castType === undefined) return undefined;
    return { typeId: `CAST:${String(castType['id'])}`, value: inner.value, isNull: inner.isNull };
  }
  return undefined;
}
