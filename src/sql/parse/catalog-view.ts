import type { CatalogStatement, CreateViewStatement, NameParts } from './catalog-ast.js';
import { readAlteration, readClauses, readIfNotExists, readName } from './catalog-clauses.js';
import { isPunct, isWord, type TokenCursor } from './token-cursor.js';
import { acceptWord, expectEnd, readIdentifier, readProperties, readQueryToEnd } from './write-clauses.js';

/**
 * CREATE [OR REPLACE] VIEW [IF NOT EXISTS] v [(col [COMMENT 'c'], …)] [COMMENT 'c']
 * [TBLPROPERTIES (…)] AS query, with the cursor on VIEW.
 */
export function readCreateView(cursor: TokenCursor, orReplace: boolean): CreateViewStatement {
  const at = cursor.peek(-1);
  cursor.next();
  const ifNotExists = readIfNotExists(cursor);
  if (orReplace && ifNotExists) cursor.fail('CREATE VIEW cannot have both OR REPLACE and IF NOT EXISTS', at);
  const name = readName(cursor, 'CREATE VIEW', 3);
  const columns = isPunct(cursor.peek(), '(') ? readViewColumns(cursor) : undefined;
  let comment: string | undefined;
  let properties: Record<string, string> = {};
  readClauses(cursor, 'CREATE VIEW', [
    { words: ['comment'], read: () => (comment = cursor.readString('CREATE VIEW COMMENT')) },
    { words: ['tblproperties'], read: () => (properties = readProperties(cursor, 'CREATE VIEW TBLPROPERTIES')) },
  ]);
  if (!acceptWord(cursor, 'as')) cursor.fail('CREATE VIEW expects AS <query>');
  const query = readQueryToEnd(cursor, 'CREATE VIEW');
  return {
    kind: 'create_view',
    name,
    orReplace,
    ifNotExists,
    ...(columns === undefined ? {} : { columns }),
    ...(comment === undefined || comment === '' ? {} : { comment }),
    properties,
    query,
  };
}

/** ( name [COMMENT 'c'], … ) */
function readViewColumns(cursor: TokenCursor): { name: string; comment?: string }[] {
  cursor.expectPunct('(', 'CREATE VIEW column list');
  const columns: { name: string; comment?: string }[] = [];
  const seen = new Set<string>();
  do {
    if (columns.length > 0) cursor.next();
    const at = cursor.peek();
    const name = readIdentifier(cursor, 'CREATE VIEW column list');
    if (seen.has(name.toLowerCase())) cursor.fail(`CREATE VIEW column list names ${name} twice`, at);
    seen.add(name.toLowerCase());
    if (isWord(cursor.peek(), 'comment')) {
      cursor.next();
      columns.push({ name, comment: cursor.readString(`CREATE VIEW column ${name} COMMENT`) });
    } else {
      columns.push({ name });
    }
  } while (isPunct(cursor.peek(), ','));
  cursor.expectPunct(')', 'CREATE VIEW column list');
  return columns;
}

/** After ALTER VIEW name: AS query | RENAME TO | [SET] OWNER TO | SET/UNSET TBLPROPERTIES. */
export function readAlterView(cursor: TokenCursor, name: NameParts): CatalogStatement {
  if (acceptWord(cursor, 'as')) return { kind: 'redefine_view', name, query: readQueryToEnd(cursor, 'ALTER VIEW') };
  const change = readAlteration(cursor, 'ALTER VIEW', ['tblproperties']);
  expectEnd(cursor, 'ALTER VIEW');
  return { kind: 'alter', object: 'view', name, change };
}
