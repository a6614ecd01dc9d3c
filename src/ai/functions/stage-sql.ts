import { quoteIdentifier } from '../../expr/to-sql.js';
import { replaceSpans } from '../../sql/parse/index.js';
import type { SpanReplacement } from '../../sql/parse/index.js';
import type { BlockChoice } from './block-choice.js';
import type { ClauseName } from './select-block.js';

/** Names of round `n`'s temporary tables and columns. */
export interface StageNames {
  readonly input: string;
  readonly output: string;
  readonly rid: string;
  /** Staged argument columns, per call then per argument. */
  readonly args: readonly (readonly string[])[];
  /** Result column per call. */
  readonly results: readonly string[];
}

export function stageNames(n: number, argCounts: readonly number[]): StageNames {
  let j = 0;
  return {
    input: `__loch_ai_in_${n}`,
    output: `__loch_ai_out_${n}`,
    rid: `__loch_rid_${n}`,
    args: argCounts.map((count) => Array.from({ length: count }, () => `__loch_arg_${n}_${++j}`)),
    results: argCounts.map((_, k) => `__loch_ai_${n}_${k + 1}`),
  };
}

/** The alias the rewritten block reads its relation under when it had none. */
const SOURCE_ALIAS = '__loch_ai_src';

/**
 * The statement that stages round n's input: every row of the block's relation (filtered by its
 * WHERE when that holds no ai call; cut by ORDER BY/LIMIT/OFFSET when they can move), numbered
 * in order by `rid`, with each per-row argument as a column. `rowArgs` are SQL expressions per
 * call, in the order of `names.args`.
 */
export function stagingSql(choice: BlockChoice, names: StageNames, rowArgs: readonly (readonly string[])[]): string {
  const { block, structure } = choice;
  const text = (name: ClauseName): string | undefined => {
    const c = block.clauses[name];
    return c === undefined ? undefined : structure.sql.slice(c.span.start, c.span.end);
  };
  const args = rowArgs.flatMap((exprs, k) => exprs.map((e, j) => `${e} AS ${names.args[k]?.[j] as string}`));
  const from = block.from === undefined ? '' : ` FROM ${structure.sql.slice(block.from.relation.start, block.from.relation.end)}`;
  const columns = block.from === undefined ? args : ['*', ...args];
  const tail: string[] = [];
  if (choice.whereInStage) tail.push(text('where') as string);
  if (choice.pushdown || choice.ordersByRid) {
    const orderBy = text('orderBy');
    if (orderBy !== undefined) tail.push(orderBy);
  }
  if (choice.pushdown) for (const name of ['limit', 'offset'] as const) if (text(name) !== undefined) tail.push(text(name) as string);
  const ctes = block.ctes.length === 0 ? '' : `WITH ${block.recursive ? 'RECURSIVE ' : ''}${block.ctes.join(', ')} `;
  const inner = `${ctes}SELECT ${columns.join(', ')}${from}${tail.map((t) => ` ${t}`).join('')}`;
  return `CREATE TEMP TABLE ${names.input} AS SELECT row_number() OVER () AS ${names.rid}, * FROM (${inner}) AS __loch_stage`;
}

/**
 * The text with the block rewritten to read the staged rows joined with the results: each
 * call becomes a column of the relation, `*` items leave out the hidden columns, a staged WHERE
 * and pushed-down ORDER BY/LIMIT/OFFSET leave the block, and input order is kept with
 * ORDER BY rid when the block has no order of its own and does not aggregate.
 */
export function rewrittenSql(choice: BlockChoice, names: StageNames): string {
  const { block, structure } = choice;
  const alias = quoteIdentifier(block.from?.name ?? SOURCE_ALIAS);
  const hidden = names.args.flat();
  const relation = `(SELECT i.* EXCLUDE (${hidden.join(', ')}), o.* EXCLUDE (${names.rid}) FROM ${names.input} AS i LEFT JOIN ${names.output} AS o USING (${names.rid})) AS ${alias}`;
  const edits: SpanReplacement[] = [];
  choice.calls.forEach((c, k) => {
    for (const site of c.sites) edits.push({ ...site, text: `${alias}.${names.results[k] as string}` });
  });
  if (block.from !== undefined) edits.push({ ...block.from.relation, text: relation });
  const where = block.clauses.where;
  if (choice.whereInStage && where !== undefined) edits.push({ ...where.span, text: '' });
  const newColumns = [names.rid, ...names.results];
  const sites = choice.calls.flatMap((c) => c.sites);
  for (const item of block.items) {
    // An item named after its text keeps that name once its calls become columns.
    const holdsCall = sites.some((site) => site.start >= item.span.start && site.end <= item.span.end);
    if (item.star === undefined && item.alias === undefined && holdsCall) {
      edits.push({ start: item.span.end, end: item.span.end, text: ` AS ${quoteIdentifier(structure.sql.slice(item.span.start, item.span.end))}` });
    }
    if (item.star === undefined) continue;
    if (item.star.exclude !== undefined) edits.push({ start: item.star.exclude.end, end: item.star.exclude.end, text: `, ${newColumns.join(', ')}` });
    else edits.push({ start: item.star.after, end: item.star.after, text: ` EXCLUDE (${newColumns.join(', ')})` });
  }
  // After the items' edits: an insertion at the same offset as an item's alias must follow it.
  if (block.from === undefined) edits.push({ start: block.itemsSpan.end, end: block.itemsSpan.end, text: ` FROM ${relation}` });
  edits.push(...orderEdits(choice, `${alias}.${names.rid}`));
  return replaceSpans(structure.sql, edits);
}

function orderEdits(choice: BlockChoice, rid: string): SpanReplacement[] {
  const { block } = choice;
  const { orderBy, limit, offset } = block.clauses;
  const order = `ORDER BY ${rid}`;
  if (choice.pushdown) {
    const moved = [orderBy, limit, offset].filter((c) => c !== undefined);
    if (moved.length === 0) return [{ start: block.span.end, end: block.span.end, text: ` ${order}` }];
    const start = Math.min(...moved.map((c) => c.span.start));
    return [{ start, end: Math.max(...moved.map((c) => c.span.end)), text: order }];
  }
  if (choice.ordersByRid && orderBy !== undefined) return [{ ...orderBy.body, text: rid }];
  if (orderBy !== undefined || choice.aggregated || block.distinct || block.inSetOperation) return [];
  const next = [limit, offset].filter((c) => c !== undefined).map((c) => c.span.start);
  const at = next.length > 0 ? Math.min(...next) : block.span.end;
  return [{ start: at, end: at, text: next.length > 0 ? `${order} ` : ` ${order}` }];
}
