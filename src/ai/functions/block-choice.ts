import { LochError } from '../../core/errors.js';
import type { Token } from '../../sql/parse/index.js';
import type { AiCallSite } from './ai-calls.js';
import { blockAt } from './select-block.js';
import type { SelectBlock } from './select-block.js';
import { isKeyword, isPunctText, SqlStructure } from './sql-structure.js';
import type { Span } from './sql-structure.js';

/** The SELECT block evaluated in one round, the calls evaluated in it, and what may move into the staging query. */
export interface BlockChoice {
  readonly structure: SqlStructure;
  readonly block: SelectBlock;
  /** Distinct call texts evaluated this round; `sites` lists every occurrence of each. */
  readonly calls: readonly { readonly call: AiCallSite; readonly sites: readonly Span[] }[];
  /** The block groups or aggregates (GROUP BY, HAVING or an aggregate function). */
  readonly aggregated: boolean;
  /** WHERE holds no ai call: it filters the staged rows (and leaves the block). */
  readonly whereInStage: boolean;
  /** ORDER BY / LIMIT / OFFSET move into the staging query (only the rows asked for are sent to the model). */
  readonly pushdown: boolean;
  /** The block's ORDER BY is one an earlier round added (input order): the staging keeps it. */
  readonly ordersByRid: boolean;
}

const RID_ORDER = /^(?:"(?:[^"]|"")*"|\w+)\.__loch_rid_\d+$/;

/**
 * Chooses the innermost SELECT block holding ready calls (calls without ai calls in their
 * arguments) and decides how it is staged. Calls in WHERE/GROUP BY/… go first when the block
 * also has calls in its items, so that the items' calls can use LIMIT pushdown in the next
 * round. INVALID_ARGUMENT for a join in FROM, an aggregate inside an ai call's arguments of an
 * aggregating block, or a call outside any SELECT.
 */
export function chooseBlock(sql: string, calls: readonly AiCallSite[], aggregates: ReadonlySet<string>): BlockChoice {
  const structure = new SqlStructure(sql);
  const located = calls.map((call) => ({ call, at: structure.indexAt(call.span.start) }));
  const ready = located.filter((c) => c.call.ready);
  const deepest = ready.reduce<{ call: AiCallSite; at: number; depth: number } | undefined>((best, c) => {
    const depth = structure.enclosingGroups(c.at).length;
    return best === undefined || depth > best.depth ? { ...c, depth } : best;
  }, undefined);
  if (deepest === undefined) throw new LochError('INTERNAL', 'ai: no ai call is ready to evaluate');
  const block = blockAt(structure, deepest.at);
  if (block === undefined) {
    throw new LochError('INVALID_ARGUMENT', `ai: ${deepest.call.name} must be called in a SELECT (… FROM …) block`, { context: { function: deepest.call.name } });
  }
  const inBlock = located.filter((c) => structure.groupOf[c.at] === block.group && within(c.call.span, block.span));
  const inItems = (c: { call: AiCallSite }): boolean => within(c.call.span, block.itemsSpan);
  const readyHere = inBlock.filter((c) => c.call.ready);
  const outside = readyHere.filter((c) => !inItems(c));
  // An item repeating a call of GROUP BY/WHERE must get the same column (GROUP BY ai_x(…) with SELECT ai_x(…)).
  const outsideTexts = new Set(outside.map((c) => sql.slice(c.call.span.start, c.call.span.end)));
  const chosen = outside.length > 0 ? readyHere.filter((c) => !inItems(c) || outsideTexts.has(sql.slice(c.call.span.start, c.call.span.end))) : readyHere;
  if (block.from?.isJoin === true) {
    throw new LochError('INVALID_ARGUMENT', `ai: ai_* functions need a single table in FROM; put the join in a subquery or CTE (${chosen[0]?.call.name ?? deepest.call.name})`);
  }
  const aggregated = block.clauses.groupBy !== undefined || block.clauses.having !== undefined || aggregateCalls(structure, block.ownTokens, aggregates).length > 0;
  if (aggregated) refuseAggregateArguments(structure, block, chosen.map((c) => c.call), aggregates);
  const where = block.clauses.where;
  const whereInStage = where !== undefined && !inBlock.some((c) => within(c.call.span, where.body));
  const orderBy = block.clauses.orderBy;
  const ordersByRid = orderBy !== undefined && RID_ORDER.test(sql.slice(orderBy.body.start, orderBy.body.end));
  const pushdown = inBlock.every(inItems) && !aggregated && !block.distinct && !block.inSetOperation && block.clauses.qualify === undefined
    && !block.ownTokens.some((i) => isKeyword(structure.tokens[i], 'over')) && (orderBy === undefined || orderIsPushable(structure, block));
  return { structure, block, calls: distinctCalls(sql, chosen.map((c) => c.call)), aggregated, whereInStage, pushdown, ordersByRid };
}

function within(inner: Span, outer: Span): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

/** Calls with the same text are evaluated once. */
function distinctCalls(sql: string, calls: readonly AiCallSite[]): { call: AiCallSite; sites: Span[] }[] {
  const byText = new Map<string, { call: AiCallSite; sites: Span[] }>();
  for (const call of calls) {
    const text = sql.slice(call.span.start, call.span.end);
    const entry = byText.get(text);
    if (entry === undefined) byText.set(text, { call, sites: [call.span] });
    else entry.sites.push(call.span);
  }
  return [...byText.values()];
}

/** Indexes of the aggregate calls among `tokens` (name followed by '(' and not by OVER after its arguments). */
function aggregateCalls(s: SqlStructure, tokens: readonly number[], aggregates: ReadonlySet<string>): number[] {
  return tokens.filter((i) => {
    const t = s.tokens[i];
    if (t?.kind !== 'word' || !aggregates.has(t.text.toLowerCase()) || !isPunctText(s.tokens[i + 1], '(') || isPunctText(s.tokens[i - 1], '.')) return false;
    let after = (s.match.get(i + 1) as number) + 1;
    if (isKeyword(s.tokens[after], 'filter') && isPunctText(s.tokens[after + 1], '(')) after = (s.match.get(after + 1) as number) + 1;
    if (isKeyword(s.tokens[after], 'within') && isPunctText(s.tokens[after + 2], '(')) after = (s.match.get(after + 2) as number) + 1;
    return !isKeyword(s.tokens[after], 'over');
  });
}

function refuseAggregateArguments(s: SqlStructure, block: SelectBlock, calls: readonly AiCallSite[], aggregates: ReadonlySet<string>): void {
  for (const call of calls) {
    const inside = block.ownTokens.filter((i) => {
      const t = s.tokens[i] as Token;
      return t.start > call.span.start && t.end <= call.span.end;
    });
    if (aggregateCalls(s, inside, aggregates).length > 0) {
      throw new LochError('INVALID_ARGUMENT', `ai: the arguments of ${call.name} cannot hold an aggregate in a grouped query; aggregate in a subquery and call ${call.name} over its result`, {
        context: { function: call.name },
      });
    }
  }
}

/** ORDER BY can run before the items only when it names no item alias, no position and not ALL. */
function orderIsPushable(s: SqlStructure, block: SelectBlock): boolean {
  const orderBy = block.clauses.orderBy as { body: Span };
  const aliases = new Set(block.items.flatMap((i) => (i.alias === undefined ? [] : [i.alias])));
  let termStart = true;
  for (const i of block.ownTokens) {
    const t = s.tokens[i] as Token;
    if (t.start < orderBy.body.start || t.end > orderBy.body.end) continue;
    if (termStart && (t.kind === 'number' || isKeyword(t, 'all'))) return false;
    termStart = isPunctText(t, ',') && s.parent[i] === block.group;
    const name = t.kind === 'word' || t.kind === 'quoted_ident' || t.kind === 'backtick_ident' ? (t.value ?? t.text).toLowerCase() : undefined;
    if (name !== undefined && aliases.has(name) && !isPunctText(s.tokens[i - 1], '.')) return false;
  }
  return true;
}
