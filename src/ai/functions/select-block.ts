import { LochError } from '../../core/errors.js';
import type { Token } from '../../sql/parse/index.js';
import { identifierOf, isKeyword, isPunctText, SqlStructure } from './sql-structure.js';
import type { Span } from './sql-structure.js';

/**
 * One SELECT block of a query (a SELECT … up to the end of its parenthesis, set operation or
 * text), split into clauses at its own level. Read from tokens: DuckDB checks the grammar later.
 */
export interface SelectBlock {
  /** Query group (index of its '(' token, -1: whole text) and its nesting depth (0: top level). */
  readonly group: number;
  readonly depth: number;
  readonly span: Span;
  readonly distinct: boolean;
  readonly itemsSpan: Span;
  readonly items: readonly SelectItem[];
  readonly from?: FromClause;
  readonly clauses: Readonly<Partial<Record<ClauseName, Clause>>>;
  /** The block is a branch of UNION / EXCEPT / INTERSECT (trailing ORDER BY/LIMIT belong to the whole). */
  readonly inSetOperation: boolean;
  /** CTE definitions (`name AS (…)`) visible from the block, outermost first, and whether one list was RECURSIVE. */
  readonly ctes: readonly string[];
  readonly recursive: boolean;
  /** Tokens of the block at its own level (not inside nested queries), as token indexes. */
  readonly ownTokens: readonly number[];
}

export type ClauseName = 'where' | 'groupBy' | 'having' | 'qualify' | 'window' | 'orderBy' | 'limit' | 'offset';

export interface Clause {
  /** From the clause keyword to the end of its body. */
  readonly span: Span;
  readonly body: Span;
}

export interface SelectItem {
  readonly span: Span;
  /** `*` or `x.*`: offset just after the star, and the inside of an EXCLUDE (…) list written after it. */
  readonly star?: { readonly after: number; readonly exclude?: Span };
  /** The output name given with AS (or a trailing identifier), lower-case. */
  readonly alias?: string;
}

export interface FromClause {
  /** The relation text after FROM. */
  readonly relation: Span;
  /** The alias as written (unquoted), or the relation's own name (table or table function), or undefined. */
  readonly name?: string;
  readonly isJoin: boolean;
}

const CLAUSE_WORDS: Readonly<Record<string, ClauseName | 'from'>> = {
  from: 'from', where: 'where', group: 'groupBy', having: 'having', qualify: 'qualify', window: 'window', order: 'orderBy', limit: 'limit', offset: 'offset',
};
const SET_OPERATIONS = new Set(['union', 'except', 'intersect']);
const NEEDS_BY = new Set(['group', 'order']);
/** Words after a relation that are not its alias. */
const NOT_ALIASES = new Set(['tablesample', 'using', 'at', 'pivot', 'unpivot', 'with', 'for', 'repeatable', 'join', 'left', 'right', 'inner', 'full', 'cross', 'natural', 'positional', 'asof', 'anti', 'semi', 'lateral']);
/** Words that can end an expression, so a trailing one is not an alias. */
const NOT_ITEM_ALIASES = new Set(['end', 'null', 'true', 'false', 'desc', 'asc', 'first', 'last']);

/** The SELECT block holding the token at index `at`, or undefined when it is in no SELECT (FROM-first syntax…). */
export function blockAt(structure: SqlStructure, at: number): SelectBlock | undefined {
  const groups = structure.enclosingGroups(at);
  const group = groups[0];
  if (group === undefined) return undefined;
  const { first, end } = structure.inside(group);
  const level = (i: number): boolean => structure.parent[i] === group;
  let start = -1;
  let setOps = false;
  for (let i = first; i < end; i++) {
    if (!level(i)) continue;
    const t = structure.tokens[i];
    if (isKeyword(t, 'select') && i <= at) start = i;
    if (t?.kind === 'word' && SET_OPERATIONS.has(t.text.toLowerCase())) setOps = true;
  }
  if (start < 0) return undefined;
  let stop = end;
  for (let i = start + 1; i < end; i++) {
    const t = structure.tokens[i];
    if (!level(i) || t?.kind !== 'word') continue;
    const word = t.text.toLowerCase();
    if (SET_OPERATIONS.has(word) || (setOps && (word === 'order' || word === 'limit' || word === 'offset'))) {
      stop = i;
      break;
    }
  }
  const own: number[] = [];
  for (let i = start; i < stop; i++) if (structure.groupOf[i] === group) own.push(i);
  const ctes = visibleCtes(structure, [...groups].reverse(), structure.tokens[start] as Token);
  return { group, depth: groups.length - 1, ...readClauses(structure, start, stop, level), inSetOperation: setOps, ...ctes, ownTokens: own };
}

type Parsed = Pick<SelectBlock, 'span' | 'distinct' | 'itemsSpan' | 'items' | 'from' | 'clauses'>;

/** Splits tokens [start, stop) of one block into its clauses; `level(i)` tells tokens at the block's own bracket level. */
function readClauses(s: SqlStructure, start: number, stop: number, level: (i: number) => boolean): Parsed {
  const marks: { name: ClauseName | 'from'; keyword: number; body: number }[] = [];
  for (let i = start + 1; i < stop; i++) {
    const t = s.tokens[i];
    if (!level(i) || t?.kind !== 'word') continue;
    const name = CLAUSE_WORDS[t.text.toLowerCase()];
    if (name === undefined) continue;
    if (name === 'from' && isKeyword(s.tokens[i - 1], 'distinct')) continue;
    const byNeeded = NEEDS_BY.has(t.text.toLowerCase());
    if (byNeeded && !isKeyword(s.tokens[i + 1], 'by')) continue;
    marks.push({ name, keyword: i, body: byNeeded ? i + 2 : i + 1 });
  }
  let itemsFirst = start + 1;
  const distinct = isKeyword(s.tokens[itemsFirst], 'distinct');
  if (distinct || isKeyword(s.tokens[itemsFirst], 'all')) itemsFirst++;
  if (distinct && isKeyword(s.tokens[itemsFirst], 'on') && isPunctText(s.tokens[itemsFirst + 1], '(')) itemsFirst = (s.match.get(itemsFirst + 1) as number) + 1;
  const itemsStop = marks[0]?.keyword ?? stop;
  const clauses: Partial<Record<ClauseName, Clause>> = {};
  let from: FromClause | undefined;
  marks.forEach((m, k) => {
    const last = (marks[k + 1]?.keyword ?? stop) - 1;
    if (last < m.body) throw new LochError('INVALID_ARGUMENT', `ai: the ${m.name} clause at offset ${(s.tokens[m.keyword] as Token).start} is empty`);
    const body = s.span(m.body, last);
    if (m.name === 'from') from = readFrom(s, m.body, last + 1, level, body);
    else clauses[m.name] = { span: s.span(m.keyword, last), body };
  });
  const items = itemsStop > itemsFirst ? readItems(s, itemsFirst, itemsStop, level) : [];
  const itemsSpan = itemsStop > itemsFirst ? s.span(itemsFirst, itemsStop - 1) : { start: (s.tokens[itemsFirst - 1] as Token).end, end: (s.tokens[itemsFirst - 1] as Token).end };
  return { span: s.span(start, stop - 1), distinct, itemsSpan, items, ...(from === undefined ? {} : { from }), clauses };
}

function readItems(s: SqlStructure, first: number, stop: number, level: (i: number) => boolean): SelectItem[] {
  const items: SelectItem[] = [];
  let itemStart = first;
  for (let i = first; i <= stop; i++) {
    if (i < stop && !(level(i) && isPunctText(s.tokens[i], ','))) continue;
    if (i > itemStart) items.push(readItem(s, itemStart, i));
    itemStart = i + 1;
  }
  return items;
}

function readItem(s: SqlStructure, first: number, stop: number): SelectItem {
  const span = s.span(first, stop - 1);
  let k = first;
  while (identifierOf(s.tokens[k]) !== undefined && isPunctText(s.tokens[k + 1], '.')) k += 2;
  const star = s.tokens[k];
  if (star?.kind === 'op' && star.text === '*') {
    const exclude = isKeyword(s.tokens[k + 1], 'exclude') && isPunctText(s.tokens[k + 2], '(') ? k + 2 : undefined;
    const close = exclude === undefined ? undefined : (s.match.get(exclude) as number);
    const list = exclude === undefined || close === undefined ? undefined : { start: (s.tokens[exclude] as Token).end, end: (s.tokens[close] as Token).start };
    return { span, star: { after: star.end, ...(list === undefined ? {} : { exclude: list }) } };
  }
  const alias = itemAlias(s, first, stop);
  return alias === undefined ? { span } : { span, alias };
}

function itemAlias(s: SqlStructure, first: number, stop: number): string | undefined {
  if (stop - first < 2) return undefined;
  const last = s.tokens[stop - 1];
  const name = identifierOf(last);
  if (name === undefined) return undefined;
  const before = s.tokens[stop - 2];
  if (isKeyword(before, 'as')) return name.toLowerCase();
  if (last?.kind === 'word' && NOT_ITEM_ALIASES.has(name.toLowerCase())) return undefined;
  if (before === undefined || before.kind === 'op' || isPunctText(before, '.') || isPunctText(before, ',')) return undefined;
  return name.toLowerCase();
}

/** The relation of a FROM clause: its text, its name (alias or own name) and whether it joins. */
function readFrom(s: SqlStructure, first: number, stop: number, level: (i: number) => boolean, relation: Span): FromClause {
  let isJoin = false;
  for (let i = first; i < stop; i++) {
    if (level(i) && (isPunctText(s.tokens[i], ',') || isKeyword(s.tokens[i], 'join'))) isJoin = true;
  }
  let k = first;
  let ownName: string | undefined;
  if (isPunctText(s.tokens[k], '(')) {
    k = (s.match.get(k) as number) + 1;
  } else {
    while (identifierOf(s.tokens[k]) !== undefined && isPunctText(s.tokens[k + 1], '.')) k += 2;
    ownName = identifierOf(s.tokens[k]);
    k++;
    if (isPunctText(s.tokens[k], '(')) k = (s.match.get(k) as number) + 1;
  }
  if (isKeyword(s.tokens[k], 'as')) k++;
  const aliasToken = k < stop ? s.tokens[k] : undefined;
  const alias = identifierOf(aliasToken);
  const isAlias = alias !== undefined && !(aliasToken?.kind === 'word' && NOT_ALIASES.has(alias.toLowerCase()));
  const name = isAlias ? alias : ownName;
  return { relation, isJoin, ...(name === undefined ? {} : { name }) };
}

/** CTE definitions written before the block in the WITH lists of the groups around it (outermost first). */
function visibleCtes(s: SqlStructure, groups: readonly number[], blockStart: Token): { ctes: string[]; recursive: boolean } {
  const ctes: string[] = [];
  let recursive = false;
  for (const group of groups) {
    let k = s.inside(group).first;
    if (!isKeyword(s.tokens[k], 'with')) continue;
    k++;
    if (isKeyword(s.tokens[k], 'recursive')) {
      recursive = true;
      k++;
    }
    for (;;) {
      const nameStart = k;
      while (k < s.tokens.length && !(isPunctText(s.tokens[k], '(') && isCteBodyOpen(s, k))) k++;
      const close = s.match.get(k);
      if (close === undefined || (s.tokens[close] as Token).end > blockStart.start) break;
      ctes.push(s.sql.slice((s.tokens[nameStart] as Token).start, (s.tokens[close] as Token).end));
      if (!isPunctText(s.tokens[close + 1], ',')) break;
      k = close + 2;
    }
  }
  return { ctes, recursive };
}

/** `AS (`, `AS MATERIALIZED (` or `AS NOT MATERIALIZED (`: the '(' at k opens a CTE body. */
function isCteBodyOpen(s: SqlStructure, k: number): boolean {
  const before = s.tokens[k - 1];
  return isKeyword(before, 'as') || isKeyword(before, 'materialized');
}
