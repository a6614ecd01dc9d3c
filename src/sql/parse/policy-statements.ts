import type { NameParts } from './catalog-ast.js';
import { readName } from './catalog-clauses.js';
import { isTrivia, tokenizePartial } from './lexer.js';
import { isPunct, isWord, wordsAhead, type TokenCursor } from './token-cursor.js';
import { identifierValue } from './type-name.js';
import { acceptWord, expectEnd, readIdentifier, readTableRef, skip, statementCursor } from './write-clauses.js';

/** Row filter and column mask statements, as parsed (names as written). */
export type PolicyStatement =
  | { readonly kind: 'set_row_filter'; readonly table: NameParts; readonly function: NameParts; readonly columns: readonly string[] }
  | { readonly kind: 'drop_row_filter'; readonly table: NameParts }
  | { readonly kind: 'set_column_mask'; readonly table: NameParts; readonly column: string; readonly function: NameParts; readonly usingColumns: readonly string[] }
  | { readonly kind: 'drop_column_mask'; readonly table: NameParts; readonly column: string };

/**
 * Parses ONE statement when it is one of:
 *   ALTER TABLE t SET ROW FILTER f ON ( [col, …] )
 *   ALTER TABLE t DROP ROW FILTER
 *   ALTER TABLE t { ALTER | CHANGE } [COLUMN] c SET MASK f [USING COLUMNS ( col, … )]
 *   ALTER TABLE t { ALTER | CHANGE } [COLUMN] c DROP MASK
 * Undefined for every other statement. Malformed forms are INVALID_ARGUMENT with line and
 * column; so is a table addressed by path (policies live in the catalog), a nested column and a
 * constant argument (Databricks allows literals in ON (…); Loch passes columns only).
 */
export function parsePolicyStatement(sql: string): PolicyStatement | undefined {
  const tokens = tokenizePartial(sql).tokens.filter((t) => !isTrivia(t));
  if (!isWord(tokens[0], 'alter') || !isWord(tokens[1], 'table') || !mentionsPolicy(tokens.map((t) => t.text.toLowerCase()))) return undefined;
  const cursor = statementCursor(sql);
  skip(cursor, 2);
  const ref = readTableRef(cursor, 'ALTER TABLE');
  const action = policyAction(cursor);
  if (action === undefined) return undefined;
  if (ref.kind === 'path') return cursor.fail('ALTER TABLE: row filters and column masks apply to catalog tables, not to a table addressed by path');
  if (ref.parts.length > 3) cursor.fail(`ALTER TABLE: ${ref.parts.join('.')} has ${ref.parts.length} name parts; expected at most 3`);
  const statement = action(cursor, ref.parts);
  expectEnd(cursor, 'ALTER TABLE');
  return statement;
}

/** A quick look for the words before parsing: most ALTER TABLE statements are not ours. */
function mentionsPolicy(words: readonly string[]): boolean {
  return words.some((w, i) => (w === 'row' && words[i + 1] === 'filter') || ((w === 'set' || w === 'drop') && words[i + 1] === 'mask'));
}

type Action = (cursor: TokenCursor, table: NameParts) => PolicyStatement;

/** The reader for the action at the cursor, or undefined when it is not a policy action. */
function policyAction(cursor: TokenCursor): Action | undefined {
  if (wordsAhead(cursor, 'set', 'row', 'filter')) return readSetRowFilter;
  if (wordsAhead(cursor, 'drop', 'row', 'filter')) {
    return (c, table) => {
      skip(c, 3);
      return { kind: 'drop_row_filter', table };
    };
  }
  if (!isWord(cursor.peek(), 'alter') && !isWord(cursor.peek(), 'change')) return undefined;
  const hasKeyword = isWord(cursor.peek(1), 'column') && identifierValue(cursor.peek(2)) !== undefined && !isMaskAction(cursor, 2);
  const at = hasKeyword ? 3 : 2;
  if (isPunct(cursor.peek(at), '.')) return (c) => c.fail('ALTER COLUMN … SET MASK applies to top-level columns, not nested fields', c.peek(at));
  return isMaskAction(cursor, at) ? (c, table) => readMask(c, table, hasKeyword) : undefined;
}

function isMaskAction(cursor: TokenCursor, ahead: number): boolean {
  return (isWord(cursor.peek(ahead), 'set') || isWord(cursor.peek(ahead), 'drop')) && isWord(cursor.peek(ahead + 1), 'mask');
}

function readSetRowFilter(cursor: TokenCursor, table: NameParts): PolicyStatement {
  skip(cursor, 3);
  const fn = readName(cursor, 'SET ROW FILTER', 3);
  if (!acceptWord(cursor, 'on')) cursor.fail('SET ROW FILTER expects ON (<columns>)');
  return { kind: 'set_row_filter', table, function: fn, columns: readPolicyColumns(cursor, 'SET ROW FILTER … ON', true) };
}

function readMask(cursor: TokenCursor, table: NameParts, hasKeyword: boolean): PolicyStatement {
  skip(cursor, hasKeyword ? 2 : 1);
  const column = readIdentifier(cursor, 'ALTER COLUMN');
  if (acceptWord(cursor, 'drop', 'mask')) return { kind: 'drop_column_mask', table, column };
  skip(cursor, 2);
  const fn = readName(cursor, 'SET MASK', 3);
  let usingColumns: string[] = [];
  if (acceptWord(cursor, 'using', 'columns')) usingColumns = readPolicyColumns(cursor, 'SET MASK … USING COLUMNS', false);
  const all = [column, ...usingColumns].map((c) => c.toLowerCase());
  if (new Set(all).size !== all.length) cursor.fail(`SET MASK on ${column}: USING COLUMNS repeats a column or names the masked column itself`);
  return { kind: 'set_column_mask', table, column, function: fn, usingColumns };
}

/** ( col, … ) of plain top-level columns (no constants, no nested fields); `empty` allows ( ). */
export function readPolicyColumns(cursor: TokenCursor, what: string, empty: boolean): string[] {
  cursor.expectPunct('(', what);
  const columns: string[] = [];
  if (empty && isPunct(cursor.peek(), ')')) {
    cursor.next();
    return columns;
  }
  do {
    if (columns.length > 0) cursor.next();
    const token = cursor.peek();
    if (token?.kind === 'string' || token?.kind === 'number' || isWord(token, 'null') || isWord(token, 'true') || isWord(token, 'false')) {
      cursor.fail(`${what}: constant arguments are not supported; pass columns`);
    }
    columns.push(readIdentifier(cursor, what));
    if (isPunct(cursor.peek(), '.')) cursor.fail(`${what}: pass top-level columns, not nested fields`);
  } while (isPunct(cursor.peek(), ','));
  cursor.expectPunct(')', what);
  return columns;
}
