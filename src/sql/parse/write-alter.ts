import type { DataType } from '../../expr/types.js';
import { isPunct, isWord, wordsAhead, type TokenCursor } from './token-cursor.js';
import { identifierValue, isTypeNameError, parseTypeName } from './type-name.js';
import {
  acceptWord,
  constraintLabel,
  duckdbOnly,
  isKeyword,
  expectEnd,
  expectWord,
  NotAWriteStatement,
  readColumnDef,
  readIdentifier,
  readIdentifierList,
  readParenthesizedSql,
  readProperties,
  readPropertyKeys,
  readTableRef,
  skip,
  type ColumnDef,
  type TableRef,
} from './write-clauses.js';
import type { PartitionFieldStatement, PartitionTermSql, WriteStatement } from './write-statements.js';
import { readTransformTerm, TRANSFORMS } from './write-create.js';

const WHAT = 'ALTER TABLE';

const SUPPORTED_ACTIONS =
  'ALTER TABLE supports ADD CONSTRAINT, DROP CONSTRAINT, ADD COLUMN[S], DROP COLUMN[S], RENAME COLUMN, SET TBLPROPERTIES, ' +
  'UNSET TBLPROPERTIES, ALTER|CHANGE COLUMN … COMMENT/TYPE/SET NOT NULL/DROP NOT NULL and CLUSTER BY';

/**
 * ALTER TABLE <ref> followed by one of the Delta actions. The cursor is on ALTER. Actions DuckDB
 * also has (RENAME TO, RENAME COLUMN, DROP COLUMN c, ALTER COLUMN … TYPE / SET DEFAULT, …) return
 * undefined on a plain name (DuckDB may know the table); on a path they are Delta statements or
 * fail. So does DuckDB's ALTER TABLE IF EXISTS.
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
  if (action === undefined) return cursor.fail(`${WHAT} expects an action (ADD, DROP, SET, UNSET, ALTER, CHANGE, RENAME COLUMN or CLUSTER BY)`);
  if (wordsAhead(cursor, 'add', 'constraint')) return readAddConstraint(cursor, target);
  const partitionAction = ['add', 'drop', 'replace'].find((w) => wordsAhead(cursor, w, 'partition', 'field'));
  if (partitionAction !== undefined) return readPartitionField(cursor, target, partitionAction as 'add' | 'drop' | 'replace');
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
  if (isWord(action, 'drop') && (isWord(cursor.peek(1), 'column') || isWord(cursor.peek(1), 'columns'))) return readDropColumns(cursor, target);
  if (wordsAhead(cursor, 'rename', 'column')) return readRenameColumn(cursor, target);
  if (wordsAhead(cursor, 'cluster', 'by')) return readClusterBy(cursor, target);
  if (isKeyword(action, 'alter') || isKeyword(action, 'change')) return readAlterColumn(cursor, target);
  return duckdbOnly(cursor, lenient, `${SUPPORTED_ACTIONS}; found ${action.text}`);
}

/** a[.b…]: a column or a nested field (element, key and value step into arrays and maps). */
function readColumnPath(cursor: TokenCursor, what: string): string[] {
  const path = [readIdentifier(cursor, what)];
  while (isPunct(cursor.peek(), '.')) {
    cursor.next();
    path.push(readIdentifier(cursor, what));
  }
  return path;
}

/** RENAME COLUMN a[.b…] TO c; DuckDB's own form on a plain name. */
function readRenameColumn(cursor: TokenCursor, target: TableRef): WriteStatement {
  if (target.kind === 'name') duckdbOnly(cursor, true, `${WHAT} RENAME COLUMN on a table name`);
  skip(cursor, 2);
  const path = readColumnPath(cursor, `${WHAT} RENAME COLUMN`);
  expectWord(cursor, 'to', `${WHAT} RENAME COLUMN ${path.join('.')}`);
  const at = cursor.peek();
  const newName = readIdentifier(cursor, `${WHAT} RENAME COLUMN … TO`);
  if (isPunct(cursor.peek(), '.')) cursor.fail(`${WHAT} RENAME COLUMN … TO expects the new name of the field alone, not a path`, at);
  return { kind: 'rename_column', target, path, newName };
}

/** DROP COLUMN[S] [IF EXISTS] (a, b.c) | a, b.c; DuckDB's single DROP COLUMN c on a plain name. */
function readDropColumns(cursor: TokenCursor, target: TableRef): WriteStatement {
  const plural = isWord(cursor.peek(1), 'columns');
  const what = `${WHAT} DROP ${plural ? 'COLUMNS' : 'COLUMN'}`;
  skip(cursor, 2);
  const ifExists = acceptWord(cursor, 'if', 'exists');
  const parens = isPunct(cursor.peek(), '(');
  if (target.kind === 'name' && !plural && !parens) duckdbOnly(cursor, true, `${what} on a table name`);
  if (parens) cursor.next();
  const paths: string[][] = [];
  do {
    if (paths.length > 0) cursor.next();
    paths.push(readColumnPath(cursor, what));
  } while (isPunct(cursor.peek(), ','));
  if (parens) cursor.expectPunct(')', what);
  return { kind: 'drop_columns', target, paths, ifExists };
}

/** CLUSTER BY (a, b) | CLUSTER BY NONE */
function readClusterBy(cursor: TokenCursor, target: TableRef): WriteStatement {
  skip(cursor, 2);
  if (acceptWord(cursor, 'none')) return { kind: 'cluster_by', target, columns: [] };
  return { kind: 'cluster_by', target, columns: readIdentifierList(cursor, `${WHAT} CLUSTER BY`) };
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

/**
 * { ALTER | CHANGE } [COLUMN] path { SET NOT NULL | DROP NOT NULL | COMMENT 'text' | TYPE type }.
 * DuckDB's ALTER COLUMN … TYPE / SET DEFAULT / DROP DEFAULT on a plain name are DuckDB's.
 */
function readAlterColumn(cursor: TokenCursor, target: TableRef): WriteStatement {
  const verb = cursor.next()?.text.toUpperCase() ?? 'ALTER';
  const lenient = target.kind === 'name';
  // COLUMN is the keyword unless it is the column's name (ALTER COLUMN SET NOT NULL).
  const keyword = isWord(cursor.peek(), 'column') && identifierValue(cursor.peek(1)) !== undefined && !isColumnAction(cursor, 1);
  if (keyword) cursor.next();
  const what = `${WHAT} ${verb} COLUMN`;
  const path = readColumnPath(cursor, what);
  const column = path.join('.');
  if (isNullabilityAction(cursor, 0)) {
    if (path.length > 1) cursor.fail(`${what} ${column}: SET/DROP NOT NULL applies to top-level columns only`);
    const nullable = isWord(cursor.peek(), 'drop');
    skip(cursor, 3);
    return { kind: 'set_nullability', target, column: path[0] as string, nullable };
  }
  const action = cursor.peek();
  if (isWord(action, 'comment')) {
    cursor.next();
    return { kind: 'alter_column', target, path, comment: cursor.readString(`${what} ${column} COMMENT`) };
  }
  if (isWord(action, 'type')) {
    if (lenient && verb === 'ALTER') duckdbOnly(cursor, true, `${what} … TYPE on a table name`);
    cursor.next();
    return { kind: 'alter_column', target, path, type: readColumnType(cursor, lenient) };
  }
  if (isWord(action, 'first') || isWord(action, 'after')) cursor.fail(`${what} ${column}: column positions (FIRST, AFTER) are not supported`);
  if (identifierValue(action) !== undefined && !isWord(action, 'set') && !isWord(action, 'drop')) {
    cursor.fail(`${what} ${column}: the Hive form CHANGE COLUMN old new type is not supported; use RENAME COLUMN and ALTER COLUMN … TYPE`);
  }
  return duckdbOnly(cursor, lenient, `${what} supports COMMENT, TYPE, SET NOT NULL and DROP NOT NULL`);
}

function isNullabilityAction(cursor: TokenCursor, ahead: number): boolean {
  const verb = cursor.peek(ahead);
  return (isWord(verb, 'set') || isWord(verb, 'drop')) && isWord(cursor.peek(ahead + 1), 'not') && isWord(cursor.peek(ahead + 2), 'null');
}

/** True when an ALTER COLUMN action starts `ahead` tokens on (so a COLUMN before it is the column's name). */
function isColumnAction(cursor: TokenCursor, ahead: number): boolean {
  if (isNullabilityAction(cursor, ahead)) return true;
  const word = cursor.peek(ahead);
  return isWord(word, 'comment') && cursor.peek(ahead + 1)?.kind === 'string';
}

/** A type name; on a plain name a type Delta cannot store makes the statement DuckDB's. */
function readColumnType(cursor: TokenCursor, lenient: boolean): DataType {
  try {
    return parseTypeName(cursor);
  } catch (error) {
    if (lenient && isTypeNameError(error)) throw new NotAWriteStatement(error.message);
    throw error;
  }
}

/** [ADD|DROP|REPLACE] PARTITION FIELD term [WITH term] [AS name] (the cursor is on the action word). */
function readPartitionField(cursor: TokenCursor, target: TableRef, action: 'add' | 'drop' | 'replace'): PartitionFieldStatement {
  const what = `${WHAT} ${action.toUpperCase()} PARTITION FIELD`;
  skip(cursor, 3);
  const first = readTerm(cursor, what);
  const withTerm = action === 'replace' ? (acceptWord(cursor, 'with') ? readTerm(cursor, `${what} … WITH`) : cursor.fail(`${what} expects WITH <new term>`)) : undefined;
  const as = action !== 'drop' && acceptWord(cursor, 'as') ? readIdentifier(cursor, `${what} AS`) : undefined;
  return {
    kind: 'partition_field',
    target,
    action,
    term: first.term,
    ...(action !== 'add' && first.bare ? { fieldName: first.term.column } : {}),
    ...(withTerm === undefined ? {} : { with: withTerm.term }),
    ...(as === undefined ? {} : { as }),
  };
}

function readTerm(cursor: TokenCursor, what: string): { term: PartitionTermSql; bare: boolean } {
  const at = cursor.peek();
  const transform = at?.kind === 'word' && isPunct(cursor.peek(1), '(') ? TRANSFORMS[at.text.toLowerCase()] : undefined;
  if (transform !== undefined) return { term: readTransformTerm(cursor, transform, what), bare: false };
  return { term: { transform: 'identity', column: readIdentifier(cursor, what) }, bare: true };
}
