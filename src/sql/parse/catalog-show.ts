import type { CatalogStatement, NameParts } from './catalog-ast.js';
import { acceptInOrFrom, isOneOf, readName, readPattern, readSchemaName, readSimpleName } from './catalog-clauses.js';
import { isPunct, isWord, wordsAhead, type TokenCursor } from './token-cursor.js';
import { acceptWord, expectEnd, readTableRef, skip } from './write-clauses.js';

/**
 * SHOW CATALOGS / SCHEMAS / TABLES [DROPPED] / VIEWS / VOLUMES / COLUMNS / TBLPROPERTIES /
 * CREATE TABLE, and USE. Other SHOW forms (DuckDB's SHOW ALL TABLES, SHOW FUNCTIONS…) are not ours.
 */
export function readShow(cursor: TokenCursor): CatalogStatement | undefined {
  const word = cursor.peek(1);
  if (isWord(word, 'catalogs')) {
    skip(cursor, 2);
    return ended(cursor, 'SHOW CATALOGS', optionalPattern(cursor, 'SHOW CATALOGS', { kind: 'show_catalogs' as const }));
  }
  if (isOneOf(word, 'schemas', 'databases')) return readShowSchemas(cursor);
  if (wordsAhead(cursor, 'show', 'tables', 'dropped')) return readShowDropped(cursor);
  if (isWord(word, 'tables') || isWord(word, 'views')) return readShowRelations(cursor, isWord(word, 'tables') ? 'tables' : 'views');
  if (isWord(word, 'volumes')) {
    skip(cursor, 2);
    return ended(cursor, 'SHOW VOLUMES', optionalPattern(cursor, 'SHOW VOLUMES', { kind: 'show_volumes' as const, ...inSchema(cursor, 'SHOW VOLUMES') }));
  }
  if (isWord(word, 'columns')) return readShowColumns(cursor);
  if (isWord(word, 'tblproperties')) return readShowProperties(cursor);
  if (wordsAhead(cursor, 'show', 'create', 'table')) {
    skip(cursor, 3);
    const table = readTableRef(cursor, 'SHOW CREATE TABLE');
    acceptWord(cursor, 'as', 'serde');
    expectEnd(cursor, 'SHOW CREATE TABLE');
    return { kind: 'show_create_table', table };
  }
  return undefined;
}

/** The statement, once the cursor is checked to be at the end. */
function ended(cursor: TokenCursor, what: string, statement: CatalogStatement): CatalogStatement {
  expectEnd(cursor, what);
  return statement;
}

function optionalPattern<T extends object>(cursor: TokenCursor, what: string, base: T): T & { pattern?: string } {
  const pattern = readPattern(cursor, what);
  return pattern === undefined ? base : { ...base, pattern };
}

/** [IN|FROM schema] */
function inSchema(cursor: TokenCursor, what: string): { schema?: NameParts } {
  return acceptInOrFrom(cursor) ? { schema: readSchemaName(cursor, what) } : {};
}

function readShowSchemas(cursor: TokenCursor): CatalogStatement {
  skip(cursor, 2);
  const catalog = acceptInOrFrom(cursor) ? readSimpleName(cursor, 'SHOW SCHEMAS') : undefined;
  return ended(cursor, 'SHOW SCHEMAS', optionalPattern(cursor, 'SHOW SCHEMAS', { kind: 'show_schemas' as const, ...(catalog === undefined ? {} : { catalog }) }));
}

function readShowRelations(cursor: TokenCursor, relation: 'tables' | 'views'): CatalogStatement {
  const what = `SHOW ${relation.toUpperCase()}`;
  skip(cursor, 2);
  return ended(cursor, what, optionalPattern(cursor, what, { kind: 'show_relations' as const, relation, ...inSchema(cursor, what) }));
}

/** SHOW TABLES DROPPED [IN|FROM schema] [LIMIT n] */
function readShowDropped(cursor: TokenCursor): CatalogStatement {
  skip(cursor, 3);
  const schema = inSchema(cursor, 'SHOW TABLES DROPPED');
  const limit = acceptWord(cursor, 'limit') ? cursor.readNonNegativeInteger('SHOW TABLES DROPPED LIMIT') : undefined;
  expectEnd(cursor, 'SHOW TABLES DROPPED');
  return { kind: 'show_tables_dropped', ...schema, ...(limit === undefined ? {} : { limit }) };
}

/** SHOW COLUMNS {IN|FROM} table [{IN|FROM} schema] */
function readShowColumns(cursor: TokenCursor): CatalogStatement {
  skip(cursor, 2);
  if (!acceptInOrFrom(cursor)) cursor.fail('SHOW COLUMNS expects IN or FROM');
  const table = readTableRef(cursor, 'SHOW COLUMNS');
  return ended(cursor, 'SHOW COLUMNS', { kind: 'show_columns', table, ...inSchema(cursor, 'SHOW COLUMNS') });
}

/** SHOW TBLPROPERTIES table [(key)] */
function readShowProperties(cursor: TokenCursor): CatalogStatement {
  skip(cursor, 2);
  const table = readTableRef(cursor, 'SHOW TBLPROPERTIES');
  let key: string | undefined;
  if (isPunct(cursor.peek(), '(')) {
    cursor.next();
    key = cursor.peek()?.kind === 'string' ? cursor.readString('SHOW TBLPROPERTIES key') : readName(cursor, 'SHOW TBLPROPERTIES key', Number.MAX_SAFE_INTEGER).join('.');
    cursor.expectPunct(')', 'SHOW TBLPROPERTIES');
  }
  expectEnd(cursor, 'SHOW TBLPROPERTIES');
  return { kind: 'show_tblproperties', table, ...(key === undefined ? {} : { key }) };
}

/** USE CATALOG c | USE {SCHEMA|DATABASE} s | USE s | USE c.s */
export function readUse(cursor: TokenCursor): CatalogStatement | undefined {
  cursor.next();
  const word = cursor.peek();
  const qualifier = cursor.peek(1) !== undefined && !isPunct(cursor.peek(1), '.');
  if (isWord(word, 'catalog') && qualifier) {
    cursor.next();
    const name = readSimpleName(cursor, 'USE CATALOG');
    expectEnd(cursor, 'USE CATALOG');
    return { kind: 'use_catalog', name };
  }
  if (isOneOf(word, 'schema', 'database') && qualifier) cursor.next();
  const name = readSchemaName(cursor, 'USE SCHEMA');
  expectEnd(cursor, 'USE SCHEMA');
  return { kind: 'use_schema', name };
}
