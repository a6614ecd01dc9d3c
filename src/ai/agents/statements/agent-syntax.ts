import type { NameParts } from '../../../sql/parse/catalog-ast.js';
import { acceptInOrFrom, readClauses, readIfExists, readIfNotExists, readName, readPattern, readSchemaName } from '../../../sql/parse/catalog-clauses.js';
import { isWord, wordsAhead, type TokenCursor } from '../../../sql/parse/token-cursor.js';
import { acceptWord, expectEnd } from '../../../sql/parse/write-clauses.js';
import { readOptions, type OptionEntry } from '../../statements/option-values.js';

/** The agent statements as parsed (names as written, 1–3 parts). */
export type AgentStatement =
  | {
      readonly kind: 'create';
      readonly name: NameParts;
      readonly orReplace: boolean;
      readonly ifNotExists: boolean;
      readonly options: readonly OptionEntry[];
      readonly comment?: string;
    }
  | { readonly kind: 'drop'; readonly name: NameParts; readonly ifExists: boolean }
  | { readonly kind: 'describe'; readonly name: NameParts }
  | { readonly kind: 'show'; readonly schema?: NameParts; readonly pattern?: string };

const CREATE = 'CREATE AGENT';

/**
 * Reads an agent statement from a cursor at its first word, or undefined when the words do not
 * make one (the statement then goes on):
 *
 *   CREATE [OR REPLACE] AGENT [IF NOT EXISTS] name
 *     WITH (endpoint => 'c.s.chat', instructions => '…', tools => array('sql', 'c.s.f', …),
 *           max_steps => 8, temperature => 0) [COMMENT 'text']
 *   DROP AGENT [IF EXISTS] name
 *   {DESCRIBE | DESC} AGENT name
 *   SHOW AGENTS [{IN | FROM} [catalog.]schema] [[LIKE] 'pattern']
 *
 * Options take `=>` or `=` (or nothing) between key and literal value; WITH and COMMENT come in
 * any order, WITH is required. Malformed statements of these shapes are INVALID_ARGUMENT with
 * line and column.
 */
export function readAgentStatement(cursor: TokenCursor): AgentStatement | undefined {
  const first = cursor.peek();
  if (isWord(first, 'create')) return readCreate(cursor);
  if (isWord(first, 'drop')) return wordsAhead(cursor, 'drop', 'agent') ? readDrop(cursor) : undefined;
  if (isWord(first, 'describe') || isWord(first, 'desc')) return isWord(cursor.peek(1), 'agent') && cursor.peek(2) !== undefined ? readDescribe(cursor) : undefined;
  if (isWord(first, 'show')) return wordsAhead(cursor, 'show', 'agents') ? readShow(cursor) : undefined;
  return undefined;
}

function readCreate(cursor: TokenCursor): AgentStatement | undefined {
  const at = cursor.next();
  const orReplace = acceptWord(cursor, 'or', 'replace');
  if (!acceptWord(cursor, 'agent')) return undefined;
  const ifNotExists = readIfNotExists(cursor);
  if (orReplace && ifNotExists) cursor.fail(`${CREATE} cannot have both OR REPLACE and IF NOT EXISTS`, at);
  const name = readName(cursor, CREATE, 3);
  let options: OptionEntry[] | undefined;
  let comment: string | undefined;
  readClauses(cursor, CREATE, [
    { words: ['with'], read: () => (options = readOptions(cursor, `${CREATE} WITH`)) },
    { words: ['comment'], read: () => (comment = cursor.readString(`${CREATE} COMMENT`)) },
  ]);
  expectEnd(cursor, CREATE);
  if (options === undefined) cursor.fail(`${CREATE} expects WITH (endpoint => 'catalog.schema.chat', instructions => '…', tools => array(…))`);
  return { kind: 'create', name, orReplace, ifNotExists, options, ...(comment === undefined ? {} : { comment }) };
}

function readDrop(cursor: TokenCursor): AgentStatement {
  cursor.next();
  cursor.next();
  const ifExists = readIfExists(cursor);
  const name = readName(cursor, 'DROP AGENT', 3);
  expectEnd(cursor, 'DROP AGENT');
  return { kind: 'drop', name, ifExists };
}

function readDescribe(cursor: TokenCursor): AgentStatement {
  cursor.next();
  cursor.next();
  const name = readName(cursor, 'DESCRIBE AGENT', 3);
  expectEnd(cursor, 'DESCRIBE AGENT');
  return { kind: 'describe', name };
}

function readShow(cursor: TokenCursor): AgentStatement {
  cursor.next();
  cursor.next();
  const schema = acceptInOrFrom(cursor) ? readSchemaName(cursor, 'SHOW AGENTS') : undefined;
  const pattern = readPattern(cursor, 'SHOW AGENTS');
  expectEnd(cursor, 'SHOW AGENTS');
  return { kind: 'show', ...(schema === undefined ? {} : { schema }), ...(pattern === undefined ? {} : { pattern }) };
}
