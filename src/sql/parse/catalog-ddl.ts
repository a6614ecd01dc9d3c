import type { CatalogObjectKind, CatalogStatement, CreateCatalogStatement, CreateSchemaStatement, CreateVolumeStatement, NameParts } from './catalog-ast.js';
import {
  isOneOf,
  readClauses,
  readDropBehavior,
  readIfExists,
  readIfNotExists,
  readName,
  readAlteration,
  readSchemaName,
  readSimpleName,
} from './catalog-clauses.js';
import { readAlterView, readCreateView } from './catalog-view.js';
import type { Token } from './lexer.js';
import { isWord, wordsAhead, type TokenCursor } from './token-cursor.js';
import { acceptWord, expectEnd, expectWord, readProperties, readTableRef, type TableRef } from './write-clauses.js';

/**
 * CREATE / DROP / ALTER / COMMENT ON / UNDROP for catalogs, schemas, views, volumes and the
 * catalog side of tables (DROP, UNDROP, RENAME, OWNER). Returns undefined for the forms other
 * parsers own (CREATE TABLE, CREATE TEMP VIEW, ALTER TABLE … ADD COLUMNS, DROP MACRO, …).
 */

/** CREATE … after the CREATE keyword has been seen (cursor still on it). */
export function readCreate(cursor: TokenCursor): CatalogStatement | undefined {
  const at = cursor.peek();
  cursor.next();
  const orReplace = acceptWord(cursor, 'or', 'replace');
  const next = cursor.peek();
  if (isOneOf(next, 'temp', 'temporary', 'global', 'materialized')) return undefined;
  if (isWord(next, 'view')) return readCreateView(cursor, orReplace);
  const kind = isWord(next, 'catalog') ? 'catalog' : isOneOf(next, 'schema', 'database') ? 'schema' : isWord(next, 'volume') || wordsAhead(cursor, 'external', 'volume') ? 'volume' : undefined;
  if (kind === undefined) return undefined;
  if (orReplace) cursor.fail(`CREATE OR REPLACE is not supported for a ${kind}`, at);
  if (kind === 'catalog') return readCreateCatalog(cursor);
  if (kind === 'schema') return readCreateSchema(cursor);
  return readCreateVolume(cursor);
}

function readCreateCatalog(cursor: TokenCursor): CreateCatalogStatement {
  cursor.next();
  const ifNotExists = readIfNotExists(cursor);
  const name = readSimpleName(cursor, 'CREATE CATALOG');
  let managedLocation: string | undefined;
  let comment: string | undefined;
  readClauses(cursor, 'CREATE CATALOG', [
    { words: ['managed', 'location'], read: () => (managedLocation = readLocation(cursor, 'CREATE CATALOG MANAGED LOCATION')) },
    { words: ['comment'], read: () => (comment = cursor.readString('CREATE CATALOG COMMENT')) },
  ]);
  expectEnd(cursor, 'CREATE CATALOG');
  return { kind: 'create_catalog', name, ifNotExists, ...optional({ managedLocation, comment: nonEmpty(comment) }) };
}

function readCreateSchema(cursor: TokenCursor): CreateSchemaStatement {
  cursor.next();
  const ifNotExists = readIfNotExists(cursor);
  const name = readSchemaName(cursor, 'CREATE SCHEMA');
  let managedLocation: string | undefined;
  let comment: string | undefined;
  let properties: Record<string, string> = {};
  const readProps = () => (properties = readProperties(cursor, 'CREATE SCHEMA DBPROPERTIES'));
  readClauses(cursor, 'CREATE SCHEMA', [
    { words: ['managed', 'location'], read: () => (managedLocation = readLocation(cursor, 'CREATE SCHEMA MANAGED LOCATION')) },
    { words: ['location'], read: () => cursor.fail('CREATE SCHEMA: LOCATION is the Hive metastore form; use MANAGED LOCATION', cursor.peek(-1)) },
    { words: ['comment'], read: () => (comment = cursor.readString('CREATE SCHEMA COMMENT')) },
    { words: ['with', 'dbproperties'], read: readProps },
    { words: ['with', 'properties'], read: readProps },
  ]);
  expectEnd(cursor, 'CREATE SCHEMA');
  return { kind: 'create_schema', name, ifNotExists, properties, ...optional({ managedLocation, comment: nonEmpty(comment) }) };
}

function readCreateVolume(cursor: TokenCursor): CreateVolumeStatement {
  const external = acceptWord(cursor, 'external');
  const at = cursor.peek();
  cursor.next();
  const ifNotExists = readIfNotExists(cursor);
  const name = readName(cursor, 'CREATE VOLUME', 3);
  let location: string | undefined;
  let comment: string | undefined;
  readClauses(cursor, 'CREATE VOLUME', [
    { words: ['location'], read: () => (location = readLocation(cursor, 'CREATE VOLUME LOCATION')) },
    { words: ['comment'], read: () => (comment = cursor.readString('CREATE VOLUME COMMENT')) },
  ]);
  expectEnd(cursor, 'CREATE VOLUME');
  if (external && location === undefined) cursor.fail('CREATE EXTERNAL VOLUME expects LOCATION', at);
  if (!external && location !== undefined) cursor.fail('CREATE VOLUME: a volume with a LOCATION is external; write CREATE EXTERNAL VOLUME', at);
  return { kind: 'create_volume', name, ifNotExists, ...optional({ location, comment: nonEmpty(comment) }) };
}

function readLocation(cursor: TokenCursor, what: string): string {
  const at = cursor.peek();
  const location = cursor.readString(what);
  if (location.trim() === '') cursor.fail(`${what} expects a non-empty location`, at);
  return location;
}

const DROPPABLE: Readonly<Record<string, CatalogObjectKind>> = { catalog: 'catalog', schema: 'schema', database: 'schema', table: 'table', view: 'view', volume: 'volume' };

function droppable(token: Token | undefined): CatalogObjectKind | undefined {
  const key = token?.kind === 'word' ? token.text.toLowerCase() : '';
  return Object.hasOwn(DROPPABLE, key) ? DROPPABLE[key] : undefined;
}

/** DROP {CATALOG|SCHEMA|DATABASE|TABLE|VIEW|VOLUME} [IF EXISTS] name [CASCADE|RESTRICT]. */
export function readDrop(cursor: TokenCursor): CatalogStatement | undefined {
  const object = droppable(cursor.peek(1));
  if (object === undefined) return undefined;
  cursor.next();
  cursor.next();
  const what = `DROP ${object.toUpperCase()}`;
  const ifExists = readIfExists(cursor);
  const name = readObjectName(cursor, object, what);
  const at = cursor.peek();
  const cascade = readDropBehavior(cursor);
  if (cascade && object !== 'catalog' && object !== 'schema') cursor.fail(`${what} does not take CASCADE`, at);
  expectEnd(cursor, what);
  return { kind: 'drop', object, name, ifExists, cascade };
}

/** A catalog (1 part), schema (1–2) or relation/volume (1–3) name. */
function readObjectName(cursor: TokenCursor, object: CatalogObjectKind, what: string): NameParts {
  if (object === 'catalog') return [readSimpleName(cursor, what)];
  if (object === 'schema') return readSchemaName(cursor, what);
  if (object === 'table' || object === 'view') {
    const ref = readTableRef(cursor, what);
    if (ref.kind === 'path') cursor.fail(`${what} takes a catalog name, not a path: a table addressed by path is dropped by deleting its folder`, cursor.peek(-1));
    if (ref.parts.length > 3) cursor.fail(`${what}: ${ref.parts.join('.')} has ${ref.parts.length} name parts; expected at most 3`, cursor.peek(-1));
    return ref.parts;
  }
  return readName(cursor, what, 3);
}

/** ALTER {CATALOG|SCHEMA|DATABASE|VIEW|VOLUME|TABLE} name …; undefined for ALTER TABLE forms the write parser owns. */
export function readAlter(cursor: TokenCursor): CatalogStatement | undefined {
  const object = droppable(cursor.peek(1));
  if (object === undefined) return undefined;
  if (object === 'table') return readAlterTable(cursor);
  cursor.next();
  cursor.next();
  const what = `ALTER ${object.toUpperCase()}`;
  const name = readObjectName(cursor, object, what);
  if (object === 'view') return readAlterView(cursor, name);
  const change = readAlteration(cursor, what, object === 'schema' ? ['dbproperties', 'properties'] : []);
  expectEnd(cursor, what);
  return { kind: 'alter', object, name, change };
}

/** ALTER TABLE t RENAME TO n | [SET] OWNER TO p; anything else belongs to the write statements. */
function readAlterTable(cursor: TokenCursor): CatalogStatement | undefined {
  let ref: TableRef;
  try {
    cursor.next();
    cursor.next();
    ref = readTableRef(cursor, 'ALTER TABLE');
  } catch {
    return undefined;
  }
  if (!wordsAhead(cursor, 'rename', 'to') && !wordsAhead(cursor, 'owner', 'to') && !wordsAhead(cursor, 'set', 'owner', 'to')) return undefined;
  if (ref.kind === 'path') cursor.fail('ALTER TABLE … RENAME/OWNER needs a catalog table name, not a path', cursor.peek(-1));
  const change = readAlteration(cursor, 'ALTER TABLE', []);
  expectEnd(cursor, 'ALTER TABLE');
  return { kind: 'alter', object: 'table', name: ref.parts, change };
}

const COMMENTABLE: Readonly<Record<string, 'catalog' | 'schema' | 'table' | 'volume'>> = {
  catalog: 'catalog',
  schema: 'schema',
  database: 'schema',
  table: 'table',
  view: 'table',
  volume: 'volume',
};

/** COMMENT ON {CATALOG|SCHEMA|DATABASE|TABLE|VIEW|VOLUME} name IS 'text' | NULL. */
export function readCommentOn(cursor: TokenCursor): CatalogStatement | undefined {
  if (!isWord(cursor.peek(1), 'on')) return undefined;
  const word = cursor.peek(2);
  const key = word?.kind === 'word' ? word.text.toLowerCase() : '';
  if (!Object.hasOwn(COMMENTABLE, key)) return undefined;
  const object = COMMENTABLE[key] as 'catalog' | 'schema' | 'table' | 'volume';
  cursor.next();
  cursor.next();
  cursor.next();
  const what = `COMMENT ON ${key.toUpperCase()}`;
  const target: TableRef = object === 'table' ? readTableRef(cursor, what) : { kind: 'name', parts: readObjectName(cursor, object, what) };
  if (target.kind === 'name' && target.parts.length > 3) cursor.fail(`${what}: ${target.parts.join('.')} has too many name parts`, cursor.peek(-1));
  expectWord(cursor, 'is', what);
  let comment: string | null;
  if (acceptWord(cursor, 'null')) comment = null;
  else comment = nonEmpty(cursor.readString(`${what} IS`)) ?? null;
  expectEnd(cursor, what);
  return { kind: 'comment_on', object, target, comment };
}

/** UNDROP TABLE name. */
export function readUndrop(cursor: TokenCursor): CatalogStatement | undefined {
  if (!isWord(cursor.peek(1), 'table')) return undefined;
  cursor.next();
  cursor.next();
  if (wordsAhead(cursor, 'with', 'id')) cursor.fail('UNDROP TABLE WITH ID is not supported; name the table (SHOW TABLES DROPPED lists them)');
  const name = readObjectName(cursor, 'table', 'UNDROP TABLE');
  expectEnd(cursor, 'UNDROP TABLE');
  return { kind: 'undrop_table', name };
}

/** An empty comment means none (Unity Catalog stores no empty comments). */
function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}

/** The defined entries only, for spreading into a statement with optional fields. */
export function optional<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}
