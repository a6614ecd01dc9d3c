import { LochError } from '../../core/errors.js';
import type { NameParts } from './catalog-ast.js';
import { readName } from './catalog-clauses.js';
import { isTrivia, tokenizePartial, type Token } from './lexer.js';
import { replaceSpans, type SpanReplacement } from './lake-refs.js';
import { isPunct, isWord, TokenCursor } from './token-cursor.js';
import { readPolicyColumns } from './policy-statements.js';
import { identifierValue } from './type-name.js';
import { acceptWord } from './write-clauses.js';

/** A column mask declared in CREATE TABLE: `c type MASK f [USING COLUMNS (…)]`. */
export interface DeclaredMask {
  readonly column: string;
  readonly function: NameParts;
  readonly usingColumns: readonly string[];
}

/** CREATE TABLE with policy clauses: the statement without them, and the policies to set after. */
export interface CreateTableWithPolicies {
  readonly kind: 'create_table_with_policies';
  /** The CREATE TABLE text with the policy clauses cut out (the write parser reads it). */
  readonly createSql: string;
  readonly rowFilter?: { readonly function: NameParts; readonly columns: readonly string[] };
  readonly masks: readonly DeclaredMask[];
}

/**
 * Databricks' policy clauses of CREATE [OR REPLACE] TABLE: `WITH ROW FILTER f ON (col, …)` after
 * the column list and `MASK f [USING COLUMNS (col, …)]` in a column definition. Undefined when
 * the statement is not a CREATE TABLE or has neither clause. CREATE TABLE … AS SELECT with a
 * policy is NOT_IMPLEMENTED: the data would be readable unfiltered between the two steps; create
 * the table first, then insert. Malformed clauses are INVALID_ARGUMENT with line and column.
 */
export function parseCreateTableWithPolicies(sql: string): CreateTableWithPolicies | undefined {
  const tokens = tokenizePartial(sql).tokens.filter((t) => !isTrivia(t) && !isPunct(t, ';'));
  const start = createTableStart(tokens);
  if (start === undefined || !tokens.some((t, i) => (isWord(t, 'row') && isWord(tokens[i + 1], 'filter')) || isWord(t, 'mask'))) return undefined;
  const cursor = new TokenCursor(sql, tokens);
  const cuts: SpanReplacement[] = [];
  const masks: DeclaredMask[] = [];
  let rowFilter: CreateTableWithPolicies['rowFilter'];
  let depth = 0;
  let columnStart: Token | undefined;
  for (let i = 0; i < start; i++) cursor.next();
  while (!cursor.atEnd()) {
    const t = cursor.peek() as Token;
    if (depth === 0 && isWord(t, 'with') && isWord(cursor.peek(1), 'row') && isWord(cursor.peek(2), 'filter')) {
      rowFilter = readRowFilterClause(cursor, cuts);
      continue;
    }
    if (depth === 1 && isWord(t, 'mask') && t !== columnStart && identifierValue(cursor.peek(1)) !== undefined && columnStart !== undefined) {
      masks.push(readMaskClause(cursor, cuts, columnStart));
      continue;
    }
    // The policy clauses come before AS <query>: a query's own words are not read as clauses.
    if (depth === 0 && isWord(t, 'as')) {
      if (rowFilter === undefined && masks.length === 0) return undefined;
      throw new LochError('NOT_IMPLEMENTED', 'sql: CREATE TABLE … AS SELECT with a row filter or column mask is not supported; create the table with its policies, then INSERT');
    }
    cursor.next();
    if (isPunct(t, '(')) depth++;
    else if (isPunct(t, ')')) depth--;
    if (depth === 1 && (isPunct(t, '(') || isPunct(t, ','))) columnStart = cursor.peek();
  }
  if (rowFilter === undefined && masks.length === 0) return undefined;
  return { kind: 'create_table_with_policies', createSql: replaceSpans(sql, cuts), ...(rowFilter === undefined ? {} : { rowFilter }), masks };
}

/** Index of the token after CREATE [OR REPLACE] TABLE, or undefined. */
function createTableStart(tokens: readonly Token[]): number | undefined {
  if (!isWord(tokens[0], 'create')) return undefined;
  const i = isWord(tokens[1], 'or') && isWord(tokens[2], 'replace') ? 3 : 1;
  return isWord(tokens[i], 'table') ? i + 1 : undefined;
}

function readRowFilterClause(cursor: TokenCursor, cuts: SpanReplacement[]): NonNullable<CreateTableWithPolicies['rowFilter']> {
  const first = cursor.peek() as Token;
  for (let i = 0; i < 3; i++) cursor.next();
  const fn = readName(cursor, 'WITH ROW FILTER', 3);
  if (!acceptWord(cursor, 'on')) cursor.fail('WITH ROW FILTER expects ON (<columns>)');
  const columns = readPolicyColumns(cursor, 'WITH ROW FILTER … ON', true);
  cuts.push({ start: first.start, end: (cursor.peek(-1) as Token).end, text: '' });
  return { function: fn, columns };
}

function readMaskClause(cursor: TokenCursor, cuts: SpanReplacement[], columnStart: Token): DeclaredMask {
  const first = cursor.next() as Token;
  const column = identifierValue(columnStart) as string;
  const fn = readName(cursor, `column ${column} MASK`, 3);
  const usingColumns = acceptWord(cursor, 'using', 'columns') ? readPolicyColumns(cursor, `column ${column} MASK … USING COLUMNS`, false) : [];
  cuts.push({ start: first.start, end: (cursor.peek(-1) as Token).end, text: '' });
  return { column, function: fn, usingColumns };
}

