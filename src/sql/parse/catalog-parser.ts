import type { CatalogStatement } from './catalog-ast.js';
import { readAlter, readCommentOn, readCreate, readDrop, readUndrop } from './catalog-ddl.js';
import { readDescribe } from './catalog-describe.js';
import { readShow, readUse } from './catalog-show.js';
import { isTrivia, tokenizePartial } from './lexer.js';
import type { TokenCursor } from './token-cursor.js';
import { statementCursor } from './write-clauses.js';

export type * from './catalog-ast.js';

const READERS: Readonly<Record<string, (cursor: TokenCursor) => CatalogStatement | undefined>> = {
  create: readCreate,
  drop: readDrop,
  alter: readAlter,
  comment: readCommentOn,
  undrop: readUndrop,
  use: readUse,
  show: readShow,
  describe: readDescribe,
  desc: readDescribe,
};

/**
 * Parses ONE statement (trailing semicolons allowed, keywords case-insensitive, comments and
 * whitespace anywhere) when it is a catalog statement: CREATE/DROP/ALTER CATALOG, SCHEMA
 * (DATABASE), VIEW and VOLUME; DROP/UNDROP TABLE and ALTER TABLE … RENAME TO / [SET] OWNER TO;
 * COMMENT ON; USE [CATALOG|SCHEMA|DATABASE]; SHOW CATALOGS/SCHEMAS/TABLES [DROPPED]/VIEWS/
 * VOLUMES/COLUMNS/TBLPROPERTIES/CREATE TABLE; DESCRIBE CATALOG/SCHEMA/VOLUME/[TABLE].
 *
 * Returns undefined for anything else (queries, write statements such as CREATE TABLE and other
 * ALTER TABLE forms, DESCRIBE HISTORY/DETAIL/QUERY, CREATE TEMP VIEW, DuckDB's own statements).
 * A malformed statement that is clearly one of these throws LochError INVALID_ARGUMENT
 * "sql: <what is wrong> at line L column C".
 */
export function parseCatalogStatement(sql: string): CatalogStatement | undefined {
  const first = tokenizePartial(sql).tokens.find((t) => !isTrivia(t));
  const reader = first?.kind === 'word' ? READERS[first.text.toLowerCase()] : undefined;
  if (reader === undefined || !Object.hasOwn(READERS, first?.text.toLowerCase() ?? '')) return undefined;
  return reader(statementCursor(sql));
}
