import type { NameParts } from '../../../sql/parse/catalog-ast.js';
import { acceptInOrFrom, readClauses, readIfExists, readIfNotExists, readName, readSchemaName } from '../../../sql/parse/catalog-clauses.js';
import { isWord, wordsAhead, type TokenCursor } from '../../../sql/parse/token-cursor.js';
import { acceptWord, expectEnd, readIdentifier } from '../../../sql/parse/write-clauses.js';
import { readOptions, type OptionEntry } from '../../statements/option-values.js';

/** The vector index statements as parsed (names as written, 1–3 parts). */
export type VectorStatement =
  | {
      readonly kind: 'create';
      readonly name: NameParts;
      readonly orReplace: boolean;
      readonly ifNotExists: boolean;
      readonly source: NameParts;
      readonly column: string;
      /** As written: a string, or a dotted name joined with '.'. */
      readonly endpoint?: string;
      readonly options: readonly OptionEntry[];
      readonly comment?: string;
    }
  | { readonly kind: 'drop'; readonly name: NameParts; readonly ifExists: boolean }
  | { readonly kind: 'describe'; readonly name: NameParts }
  | { readonly kind: 'show'; readonly schema?: NameParts }
  | { readonly kind: 'sync'; readonly name: NameParts; readonly full: boolean };

const CREATE = 'CREATE VECTOR INDEX';

/**
 * Reads a vector index statement from a cursor at its first word, or undefined when the words
 * do not make one:
 *
 *   CREATE [OR REPLACE] VECTOR INDEX [IF NOT EXISTS] name ON table (column)
 *     [USING ENDPOINT 'c.s.e' | USING ENDPOINT c.s.e] [WITH (key => value, …)] [COMMENT 'text']
 *   DROP VECTOR INDEX [IF EXISTS] name
 *   {DESCRIBE | DESC} VECTOR INDEX name
 *   SHOW VECTOR INDEXES [{IN | FROM} [catalog.]schema]
 *   {REFRESH | SYNC} VECTOR INDEX name [FULL]
 *   ALTER VECTOR INDEX name REBUILD            -- REFRESH … FULL
 *
 * WITH options take `=>` or `=` (or nothing) between key and literal value. Malformed
 * statements of these shapes are INVALID_ARGUMENT with line and column.
 */
export function readVectorStatement(cursor: TokenCursor): VectorStatement | undefined {
  const first = cursor.peek();
  if (isWord(first, 'create')) return readCreate(cursor);
  if (isWord(first, 'drop') && wordsAhead(cursor, 'drop', 'vector', 'index')) {
    cursor.next(), cursor.next(), cursor.next();
    const ifExists = readIfExists(cursor);
    return ended(cursor, 'DROP VECTOR INDEX', { kind: 'drop', name: readName(cursor, 'DROP VECTOR INDEX', 3), ifExists });
  }
  if ((isWord(first, 'describe') || isWord(first, 'desc')) && isWord(cursor.peek(1), 'vector') && isWord(cursor.peek(2), 'index')) {
    cursor.next(), cursor.next(), cursor.next();
    return ended(cursor, 'DESCRIBE VECTOR INDEX', { kind: 'describe', name: readName(cursor, 'DESCRIBE VECTOR INDEX', 3) });
  }
  if (isWord(first, 'show') && wordsAhead(cursor, 'show', 'vector', 'indexes')) {
    cursor.next(), cursor.next(), cursor.next();
    const schema = acceptInOrFrom(cursor) ? readSchemaName(cursor, 'SHOW VECTOR INDEXES') : undefined;
    return ended(cursor, 'SHOW VECTOR INDEXES', { kind: 'show', ...(schema === undefined ? {} : { schema }) });
  }
  if ((isWord(first, 'refresh') || isWord(first, 'sync')) && isWord(cursor.peek(1), 'vector') && isWord(cursor.peek(2), 'index')) {
    cursor.next(), cursor.next(), cursor.next();
    const name = readName(cursor, 'REFRESH VECTOR INDEX', 3);
    return ended(cursor, 'REFRESH VECTOR INDEX', { kind: 'sync', name, full: acceptWord(cursor, 'full') });
  }
  if (isWord(first, 'alter') && wordsAhead(cursor, 'alter', 'vector', 'index')) {
    cursor.next(), cursor.next(), cursor.next();
    const name = readName(cursor, 'ALTER VECTOR INDEX', 3);
    if (!acceptWord(cursor, 'rebuild')) cursor.fail('ALTER VECTOR INDEX expects REBUILD');
    return ended(cursor, 'ALTER VECTOR INDEX', { kind: 'sync', name, full: true });
  }
  return undefined;
}

function ended<T extends VectorStatement>(cursor: TokenCursor, what: string, statement: T): T {
  expectEnd(cursor, what);
  return statement;
}

function readCreate(cursor: TokenCursor): VectorStatement | undefined {
  const at = cursor.next();
  const orReplace = acceptWord(cursor, 'or', 'replace');
  if (!acceptWord(cursor, 'vector', 'index')) return undefined;
  const ifNotExists = readIfNotExists(cursor);
  if (orReplace && ifNotExists) cursor.fail(`${CREATE} cannot have both OR REPLACE and IF NOT EXISTS`, at);
  const name = readName(cursor, CREATE, 3);
  if (!acceptWord(cursor, 'on')) cursor.fail(`${CREATE} expects ON table (column)`);
  const source = readName(cursor, `${CREATE} ON`, 3);
  cursor.expectPunct('(', `${CREATE} ON ${source.join('.')}`);
  const column = readIdentifier(cursor, `${CREATE} column`);
  cursor.expectPunct(')', `${CREATE} ON ${source.join('.')} (column)`);
  let endpoint: string | undefined;
  let options: OptionEntry[] = [];
  let comment: string | undefined;
  readClauses(cursor, CREATE, [
    { words: ['using', 'endpoint'], read: () => (endpoint = readEndpoint(cursor)) },
    { words: ['with'], read: () => (options = readOptions(cursor, `${CREATE} WITH`)) },
    { words: ['comment'], read: () => (comment = cursor.readString(`${CREATE} COMMENT`)) },
  ]);
  expectEnd(cursor, CREATE);
  return { kind: 'create', name, orReplace, ifNotExists, source, column, ...(endpoint === undefined ? {} : { endpoint }), options, ...(comment === undefined ? {} : { comment }) };
}

function readEndpoint(cursor: TokenCursor): string {
  if (cursor.peek()?.kind === 'string') return cursor.readString(`${CREATE} USING ENDPOINT`);
  return readName(cursor, `${CREATE} USING ENDPOINT`, 3).join('.');
}

