import type { CatalogStatement } from './catalog-ast.js';
import { isOneOf, readName, readSchemaName, readSimpleName } from './catalog-clauses.js';
import { isPunct, isWord, type TokenCursor } from './token-cursor.js';
import { identifierValue } from './type-name.js';
import { expectEnd, readTableRef, skip, startsQuery } from './write-clauses.js';

/**
 * { DESCRIBE | DESC } CATALOG [EXTENDED] c | SCHEMA|DATABASE [EXTENDED] s | VOLUME v |
 * [TABLE] [EXTENDED|FORMATTED] t [column]. Not ours (undefined): DESCRIBE HISTORY/DETAIL,
 * DESCRIBE QUERY / SELECT … (a query's columns), DESCRIBE FUNCTION, DESCRIBE '<file>' and
 * DESCRIBE of a table function.
 */
export function readDescribe(cursor: TokenCursor): CatalogStatement | undefined {
  const word = cursor.peek(1);
  const more = cursor.peek(2) !== undefined;
  if (more && isOneOf(word, 'history', 'detail', 'query', 'function')) return undefined;
  if (word === undefined || word.kind === 'string' || (!isWord(word, 'table') && startsQuery(cursor, 1))) return undefined;
  if (more && isWord(word, 'catalog')) {
    skip(cursor, 2);
    const extended = readExtended(cursor);
    const name = readSimpleName(cursor, 'DESCRIBE CATALOG');
    return end(cursor, 'DESCRIBE CATALOG', { kind: 'describe_catalog', name, extended });
  }
  if (more && isOneOf(word, 'schema', 'database')) {
    skip(cursor, 2);
    const extended = readExtended(cursor);
    const name = readSchemaName(cursor, 'DESCRIBE SCHEMA');
    return end(cursor, 'DESCRIBE SCHEMA', { kind: 'describe_schema', name, extended });
  }
  if (more && isWord(word, 'volume')) {
    skip(cursor, 2);
    readExtended(cursor);
    return end(cursor, 'DESCRIBE VOLUME', { kind: 'describe_volume', name: readName(cursor, 'DESCRIBE VOLUME', 3) });
  }
  return readDescribeTable(cursor);
}

function readDescribeTable(cursor: TokenCursor): CatalogStatement | undefined {
  cursor.next();
  if (isWord(cursor.peek(), 'table') && cursor.peek(1) !== undefined) cursor.next();
  const extended = readExtended(cursor);
  if (identifierValue(cursor.peek()) === undefined) return undefined;
  const table = readTableRef(cursor, 'DESCRIBE TABLE');
  if (isPunct(cursor.peek(), '(')) return undefined;
  if (isWord(cursor.peek(), 'partition')) cursor.fail('DESCRIBE TABLE … PARTITION is not supported');
  if (isWord(cursor.peek(), 'as')) cursor.fail('DESCRIBE TABLE … AS JSON is not supported');
  const column = cursor.atEnd() ? undefined : readName(cursor, 'DESCRIBE TABLE column', Number.MAX_SAFE_INTEGER);
  return end(cursor, 'DESCRIBE TABLE', { kind: 'describe_table', table, extended, ...(column === undefined ? {} : { column }) });
}

/** EXTENDED or FORMATTED when another token follows (otherwise the word is a name). */
function readExtended(cursor: TokenCursor): boolean {
  if (isOneOf(cursor.peek(), 'extended', 'formatted') && cursor.peek(1) !== undefined) {
    cursor.next();
    return true;
  }
  return false;
}

function end(cursor: TokenCursor, what: string, statement: CatalogStatement): CatalogStatement {
  expectEnd(cursor, what);
  return statement;
}
