/**
 * Untyped parameters (UntypedParam: text whose type its context decides, as PostgreSQL's
 * `unknown`) written as the value of a table column take that column's type. bindParams leaves
 * each as a VARCHAR variable the bound text names recognisably (isUntypedParam); here the write
 * executors, which know the target columns, turn every value that is exactly such a parameter
 * into a checked conversion to the column's type. Typed parameters and every other expression are
 * left alone, so Spark's store assignment still refuses real VARCHAR data in a numeric column.
 */
import { dataTypeToDuckDb, quoteString } from '../expr/to-sql.js';
import { typeToString } from '../expr/types.js';
import type { DataType, StructField, StructType } from '../expr/types.js';
import { isUntypedParam, mentionsUntypedParam } from './params.js';
import { isTrivia, replaceSpans, tokenize } from './parse/index.js';
import type { SpanReplacement, Token } from './parse/index.js';
import type { InsertStatement, MergeStatement } from './parse/write-statements.js';

/** A column a value is written to: its name (for messages) and type. */
export interface TargetColumn {
  readonly name: string;
  readonly type: DataType;
}

/** Longest part of a bad value an error message repeats. */
const SHOWN_CHARS = 40;

/**
 * `valueSql` converted to `column`'s type when it is exactly an untyped parameter, else unchanged.
 * NULL stays NULL; text that does not convert fails when the statement runs with
 * "sql: cannot convert parameter value "<text>" to column <name> of type <type> (CAST_INVALID_INPUT)".
 */
export function castUntyped(valueSql: string, column: TargetColumn): string {
  if (!isUntypedParam(valueSql)) return valueSql;
  const value = valueSql.trim();
  const type = dataTypeToDuckDb(column.type);
  const before = quoteString('sql: cannot convert parameter value "');
  const after = quoteString(`" to column ${column.name} of type ${typeToString(column.type)} (CAST_INVALID_INPUT)`);
  const failure = `error(concat(${before}, left(CAST(${value} AS VARCHAR), ${SHOWN_CHARS}), ${after}))`;
  return `CASE WHEN ${value} IS NULL THEN NULL::${type} ELSE COALESCE(TRY_CAST(${value} AS ${type}), ${failure}) END`;
}

/**
 * The columns an INSERT's query feeds, in order, as the write path aligns them (alignSource):
 * the column list when given, else every column but the static partition ones. Undefined when
 * the query is matched by name, or a listed column is unknown (the write reports it).
 */
export function insertTargets(s: Pick<InsertStatement, 'columns' | 'byName' | 'partitionSpec'>, schema: StructType): TargetColumn[] | undefined {
  if (s.byName) return undefined;
  if (s.columns !== undefined) {
    const found = s.columns.map((name) => schema.fields.find((f) => same(f.name, name)));
    return found.every((f) => f !== undefined) ? found : undefined;
  }
  const statics = (s.partitionSpec ?? []).filter((p) => p.valueSql !== undefined).map((p) => p.column);
  return schema.fields.filter((f) => !statics.some((c) => same(c, f.name)));
}

/**
 * An INSERT's query with every untyped parameter that is a whole cell of its top-level
 * `VALUES (…), (…)` converted to the type of the column the cell feeds (castUntyped). Rows whose
 * width differs from `targets`, and queries of any other shape, are left as they are.
 */
export function castUntypedValues(querySql: string, targets: readonly TargetColumn[] | undefined): string {
  if (targets === undefined || !mentionsUntypedParam(querySql)) return querySql;
  let tokens: Token[];
  try {
    tokens = tokenize(querySql).filter((t) => !isTrivia(t));
  } catch {
    return querySql;
  }
  if (tokens[0]?.kind !== 'word' || tokens[0].text.toLowerCase() !== 'values') return querySql;
  const replacements: SpanReplacement[] = [];
  let i = 1;
  while (isPunct(tokens[i], '(')) {
    const row = readRow(tokens, i);
    if (row === undefined) break;
    if (row.cells.length === targets.length) {
      row.cells.forEach((cell, k) => {
        const first = cell[0];
        const last = cell.at(-1);
        if (first === undefined || last === undefined) return;
        const text = querySql.slice(first.start, last.end);
        const cast = castUntyped(text, targets[k] as TargetColumn);
        if (cast !== text) replacements.push({ start: first.start, end: last.end, text: cast });
      });
    }
    i = row.next;
    if (!isPunct(tokens[i], ',')) break;
    i += 1;
  }
  return replaceSpans(querySql, replacements);
}

/** The cells of the parenthesised row opening at tokens[open], split at its top-level commas. */
function readRow(tokens: readonly Token[], open: number): { cells: Token[][]; next: number } | undefined {
  const cells: Token[][] = [[]];
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'punct' && '([{'.includes(t.text)) depth += 1;
    if (t.kind === 'punct' && ')]}'.includes(t.text)) depth -= 1;
    if (depth === 0) return { cells, next: i + 1 };
    if (i === open) continue;
    if (depth === 1 && isPunct(t, ',')) cells.push([]);
    else cells.at(-1)?.push(t);
  }
  return undefined;
}

/**
 * A MERGE clause whose SET values and INSERT values that are untyped parameters are converted to
 * their columns' types (INSERT without a column list fills the columns in order). Values of
 * unknown columns are left for the merge to report.
 */
export function castUntypedClause(clause: MergeStatement['clauses'][number], schema: StructType): MergeStatement['clauses'][number] {
  const action = clause.action;
  if (action.kind === 'update') return { ...clause, action: { ...action, assignments: castUntypedAssignments(action.assignments, schema) } } as MergeStatement['clauses'][number];
  if (action.kind === 'insert') {
    const columns = action.columns ?? schema.fields.map((f) => f.name);
    const valuesSql = action.valuesSql.map((v, i) => (columns[i] === undefined ? v : castAt(v, schema, [columns[i] as string])));
    return { ...clause, action: { ...action, valuesSql } } as MergeStatement['clauses'][number];
  }
  return clause;
}

/** SET assignments (UPDATE's or MERGE's) with untyped parameter values converted to their columns' types. */
export function castUntypedAssignments<A extends { readonly path: readonly string[]; readonly valueSql: string }>(assignments: readonly A[], schema: StructType): A[] {
  return assignments.map((a) => ({ ...a, valueSql: castAt(a.valueSql, schema, a.path) }));
}

/** Whether any SET or INSERT value of a MERGE mentions an untyped parameter. */
export function mergeMentionsUntyped(s: Pick<MergeStatement, 'clauses'>): boolean {
  return s.clauses.some((c) => {
    const a = c.action;
    if (a.kind === 'update') return a.assignments.some((x) => mentionsUntypedParam(x.valueSql));
    return a.kind === 'insert' && a.valuesSql.some(mentionsUntypedParam);
  });
}

/** castUntyped for the (possibly nested) column at `path`; unchanged when there is none. */
function castAt(valueSql: string, schema: StructType, path: readonly string[]): string {
  let fields: readonly StructField[] = schema.fields;
  let found: StructField | undefined;
  for (const part of path) {
    found = fields.find((f) => same(f.name, part));
    if (found === undefined) return valueSql;
    fields = found.type.kind === 'struct' ? found.type.fields : [];
  }
  return found === undefined ? valueSql : castUntyped(valueSql, { name: path.join('.'), type: found.type });
}

function isPunct(token: Token | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text;
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
