import { isPunct, isWord, wordsAhead, type TokenCursor } from './token-cursor.js';
import { identifierValue } from './type-name.js';
import {
  acceptWord,
  constraintLabel,
  duckdbOnly,
  isKeyword,
  expectEnd,
  readColumnDef,
  readIdentifier,
  readParenthesizedSql,
  readProperties,
  readPropertyKeys,
  readTableRef,
  skip,
  type ColumnDef,
  type TableRef,
} from './write-clauses.js';
import type { WriteStatement } from './write-statements.js';

const WHAT = 'ALTER TABLE';

const SUPPORTED_ACTIONS =
  'ALTER TABLE supports ADD CONSTRAINT, DROP CONSTRAINT, ADD COLUMN[S], SET TBLPROPERTIES, UNSET TBLPROPERTIES ' +
  'and ALTER COLUMN … SET/DROP NOT NULL';

/**
 * ALTER TABLE <ref> followed by one of the Delta actions. The cursor is on ALTER. Other actions
 * (RENAME, DROP COLUMN, ALTER COLUMN … TYPE, …) return undefined on a plain name (DuckDB may know
 * them) and fail on a path; so does DuckDB's ALTER TABLE IF EXISTS.
 */
export function readAlterTable(cursor: TokenCursor): WriteStatement | undefined {
  skip(cursor, 2);
  if (wordsAhead(cursor, 'if', 'exists')) return undefined;
  const target = readTableRef(cursor, WHAT);
  const statement = readAction(cursor, target);
  expectEnd(cursor, WHAT);
  return statement;
}

function readAction(cursor: TokenCursor, target: TableRef): WriteStatement {
  const lenient = target.kind === 'name';
  const action = cursor.peek();
  if (action === undefined) return cursor.fail(`${WHAT} expects an action (ADD, DROP, SET, UNSET or ALTER)`);
  if (wordsAhead(cursor, 'add', 'constraint')) return readAddConstraint(cursor, target);
  if (isWord(action, 'add') && (isWord(cursor.peek(1), 'column') || isWord(cursor.peek(1), 'columns'))) {
    return { kind: 'add_columns', target, columns: readAddColumns(cursor, lenient) };
  }
  if (wordsAhead(cursor, 'drop', 'constraint')) {
    skip(cursor, 2);
    const ifExists = acceptWord(cursor, 'if', 'exists');
    return { kind: 'drop_constraint', target, name: readIdentifier(cursor, `${WHAT} DROP CONSTRAINT`), ifExists };
  }
  if (wordsAhead(cursor, 'set', 'tblproperties')) {
    skip(cursor, 2);
    return { kind: 'set_properties', target, properties: readProperties(cursor, `${WHAT} SET TBLPROPERTIES`) };
  }
  if (wordsAhead(cursor, 'unset', 'tblproperties')) {
    skip(cursor, 2);
    const ifExists = acceptWord(cursor, 'if', 'exists');
    return { kind: 'unset_properties', target, keys: readPropertyKeys(cursor, `${WHAT} UNSET TBLPROPERTIES`), ifExists };
  }
  if (isKeyword(action, 'alter') || isKeyword(action, 'change')) return readAlterColumn(cursor, target);
  return duckdbOnly(cursor, lenient, `${SUPPORTED_ACTIONS}; found ${action.text}`);
}

/** ADD CONSTRAINT <name> CHECK (<expr>) */
function readAddConstraint(cursor: TokenCursor, target: TableRef): WriteStatement {
  skip(cursor, 2);
  const name = readIdentifier(cursor, `${WHAT} ADD CONSTRAINT`);
  const kind = cursor.peek();
  if (!isKeyword(kind, 'check')) {
    if (kind?.kind === 'word') duckdbOnly(cursor, target.kind === 'name', `${WHAT} ADD CONSTRAINT: ${constraintLabel(kind.text)} constraints are not supported in Delta tables`);
    cursor.fail(`${WHAT} ADD CONSTRAINT ${name} expects CHECK (<condition>)`);
  }
  cursor.next();
  return { kind: 'add_constraint', target, name, checkSql: readParenthesizedSql(cursor, `CONSTRAINT ${name} CHECK`) };
}

/** ADD COLUMN[S] ( defs ) or ADD COLUMN[S] def[, def…]; Spark's FIRST/AFTER positions are refused. */
function readAddColumns(cursor: TokenCursor, lenient: boolean): ColumnDef[] {
  const what = `${WHAT} ADD ${(cursor.peek(1)?.text ?? '').toUpperCase()}`;
  skip(cursor, 2);
  if (wordsAhead(cursor, 'if', 'not', 'exists')) duckdbOnly(cursor, lenient, `${what} IF NOT EXISTS is not supported for Delta tables`);
  const parens = isPunct(cursor.peek(), '(');
  if (parens) cursor.next();
  const columns: ColumnDef[] = [];
  do {
    if (columns.length > 0) cursor.next();
    const at = cursor.peek();
    const column = readColumnDef(cursor, what, lenient);
    if (columns.some((c) => c.name.toLowerCase() === column.name.toLowerCase())) cursor.fail(`${what} names column ${column.name} twice`, at);
    const position = cursor.peek();
    if (isWord(position, 'first') || isWord(position, 'after')) cursor.fail(`${what}: column positions (FIRST, AFTER) are not supported`);
    columns.push(column);
  } while (isPunct(cursor.peek(), ','));
  if (parens) cursor.expectPunct(')', what);
  return columns;
}

/** { ALTER | CHANGE } [COLUMN] c { SET | DROP } NOT NULL */
function readAlterColumn(cursor: TokenCursor, target: TableRef): WriteStatement {
  cursor.next();
  // COLUMN is the keyword unless it is the column's name (ALTER COLUMN SET NOT NULL).
  const keyword = isWord(cursor.peek(), 'column') && identifierValue(cursor.peek(1)) !== undefined && !isNullabilityAction(cursor, 1);
  if (keyword) cursor.next();
  const column = readIdentifier(cursor, `${WHAT} ALTER COLUMN`);
  if (!isNullabilityAction(cursor, 0)) {
    duckdbOnly(cursor, target.kind === 'name', `${WHAT} ALTER COLUMN supports only SET NOT NULL and DROP NOT NULL`);
  }
  const nullable = isWord(cursor.peek(), 'drop');
  skip(cursor, 3);
  return { kind: 'set_nullability', target, column, nullable };
}

function isNullabilityAction(cursor: TokenCursor, ahead: number): boolean {
  const verb = cursor.peek(ahead);
  return (isWord(verb, 'set') || isWord(verb, 'drop')) && isWord(cursor.peek(ahead + 1), 'not') && isWord(cursor.peek(ahead + 2), 'null');
}
