import type { NameParts } from '../../sql/parse/catalog-ast.js';
import type { Token } from '../../sql/parse/lexer.js';
import { acceptInOrFrom, readClauses, readIfExists, readIfNotExists, readName, readPattern, readPrincipal, readSchemaName } from '../../sql/parse/catalog-clauses.js';
import { isWord, wordsAhead, type TokenCursor } from '../../sql/parse/token-cursor.js';
import { identifierValue } from '../../sql/parse/type-name.js';
import { acceptWord, expectEnd } from '../../sql/parse/write-clauses.js';
import { readOptionKeys, readOptions, type OptionEntry } from './option-values.js';

/** The model endpoint statements as parsed (names as written, 1–3 parts). */
export type EndpointStatement =
  | {
      readonly kind: 'create';
      readonly name: NameParts;
      readonly orReplace: boolean;
      readonly ifNotExists: boolean;
      readonly provider: string;
      readonly task?: string;
      readonly options: readonly OptionEntry[];
      readonly comment?: string;
    }
  | { readonly kind: 'set_options'; readonly name: NameParts; readonly options: readonly OptionEntry[] }
  | { readonly kind: 'unset_options'; readonly name: NameParts; readonly keys: readonly string[]; readonly ifExists: boolean }
  | { readonly kind: 'owner'; readonly name: NameParts; readonly principal: string }
  /** null removes the comment. */
  | { readonly kind: 'comment'; readonly name: NameParts; readonly comment: string | null }
  | { readonly kind: 'drop'; readonly name: NameParts; readonly ifExists: boolean }
  | { readonly kind: 'describe'; readonly name: NameParts }
  | { readonly kind: 'show'; readonly schema?: NameParts; readonly pattern?: string };

const CREATE = 'CREATE MODEL ENDPOINT';
const ALTER = 'ALTER MODEL ENDPOINT';

/**
 * Reads a model endpoint statement from a cursor at its first word, or returns undefined when
 * the words do not make one (so that the statement goes on to the SQL layer):
 *
 *   CREATE [OR REPLACE] MODEL ENDPOINT [IF NOT EXISTS] name
 *     PROVIDER 'openai' | 'anthropic' | 'local' [TASK 'chat' | 'embeddings'] OPTIONS (key [=] value, …) [COMMENT 'text']
 *     (PROVIDER 'local': OPTIONS optional, no url, model defaults to 'hash' — see providers/local-provider.ts)
 *   ALTER MODEL ENDPOINT name SET OPTIONS (key [=] value, …)         -- merged into the definition
 *   ALTER MODEL ENDPOINT name UNSET OPTIONS [IF EXISTS] (key, …)
 *   ALTER MODEL ENDPOINT name [SET] OWNER TO principal
 *   ALTER MODEL ENDPOINT name SET COMMENT 'text' | NULL
 *   COMMENT ON MODEL ENDPOINT name IS 'text' | NULL
 *   DROP MODEL ENDPOINT [IF EXISTS] name
 *   {DESCRIBE | DESC} MODEL ENDPOINT name
 *   SHOW MODEL ENDPOINTS [{IN | FROM} [catalog.]schema] [[LIKE] 'pattern']
 *
 * The clauses after the name of CREATE may come in any order, each once; PROVIDER and OPTIONS
 * are required. PROVIDER and TASK take a string or a bare word. Malformed statements of these
 * shapes are INVALID_ARGUMENT with line and column.
 */
export function readEndpointStatement(cursor: TokenCursor): EndpointStatement | undefined {
  const first = cursor.peek();
  if (isWord(first, 'create')) return readCreate(cursor);
  if (isWord(first, 'alter')) return wordsAhead(cursor, 'alter', 'model', 'endpoint') ? readAlter(cursor) : undefined;
  if (isWord(first, 'drop')) return wordsAhead(cursor, 'drop', 'model', 'endpoint') ? readDrop(cursor) : undefined;
  if (isWord(first, 'describe') || isWord(first, 'desc')) return isWord(cursor.peek(1), 'model') && isWord(cursor.peek(2), 'endpoint') ? readDescribe(cursor) : undefined;
  if (isWord(first, 'show')) return wordsAhead(cursor, 'show', 'model', 'endpoints') ? readShow(cursor) : undefined;
  if (isWord(first, 'comment')) return wordsAhead(cursor, 'comment', 'on', 'model', 'endpoint') ? readCommentOn(cursor) : undefined;
  return undefined;
}

function readCreate(cursor: TokenCursor): EndpointStatement | undefined {
  const at = cursor.next();
  const orReplace = acceptWord(cursor, 'or', 'replace');
  if (!acceptWord(cursor, 'model', 'endpoint')) return undefined;
  const ifNotExists = readIfNotExists(cursor);
  if (orReplace && ifNotExists) cursor.fail(`${CREATE} cannot have both OR REPLACE and IF NOT EXISTS`, at);
  const name = readName(cursor, CREATE, 3);
  let provider: string | undefined;
  let task: string | undefined;
  let options: OptionEntry[] | undefined;
  let comment: string | undefined;
  readClauses(cursor, CREATE, [
    { words: ['provider'], read: () => (provider = readWordOrString(cursor, `${CREATE} PROVIDER`)) },
    { words: ['task'], read: () => (task = readWordOrString(cursor, `${CREATE} TASK`)) },
    { words: ['options'], read: () => (options = readOptions(cursor, `${CREATE} OPTIONS`)) },
    { words: ['comment'], read: () => (comment = cursor.readString(`${CREATE} COMMENT`)) },
  ]);
  expectEnd(cursor, CREATE);
  if (provider === undefined) cursor.fail(`${CREATE} expects PROVIDER 'openai', 'anthropic' or 'local'`);
  // Local embeddings need no server: OPTIONS may be left out, and the model defaults to 'hash' (384 dimensions).
  if (provider === 'local') options = withLocalModel(options, at as Token); // `at` is the CREATE word, peeked above
  if (options === undefined) cursor.fail(`${CREATE} expects OPTIONS (url '…', model '…', …)`);
  return {
    kind: 'create',
    name,
    orReplace,
    ifNotExists,
    provider,
    options,
    ...(task === undefined ? {} : { task }),
    ...(comment === undefined ? {} : { comment }),
  };
}

/** The options of a PROVIDER 'local' endpoint with `model 'hash'` added when none is given. */
function withLocalModel(options: OptionEntry[] | undefined, at: Token): OptionEntry[] {
  const given = options ?? [];
  return given.some((o) => o.key === 'model') ? given : [...given, { key: 'model', value: { kind: 'string', value: 'hash' }, at }];
}

/** 'text' or a bare word, lower-cased (PROVIDER openai = PROVIDER 'openai'). */
function readWordOrString(cursor: TokenCursor, what: string): string {
  const token = cursor.peek();
  if (token?.kind === 'string') return cursor.readString(what).toLowerCase();
  const word = identifierValue(token);
  if (word === undefined || word === '') cursor.fail(`${what} expects a string`);
  cursor.next();
  return word.toLowerCase();
}

function readAlter(cursor: TokenCursor): EndpointStatement {
  cursor.next();
  cursor.next();
  cursor.next();
  const name = readName(cursor, ALTER, 3);
  let statement: EndpointStatement;
  if (acceptWord(cursor, 'set', 'options')) {
    statement = { kind: 'set_options', name, options: readOptions(cursor, `${ALTER} SET OPTIONS`) };
  } else if (acceptWord(cursor, 'unset', 'options')) {
    const ifExists = readIfExists(cursor);
    statement = { kind: 'unset_options', name, ifExists, keys: readOptionKeys(cursor, `${ALTER} UNSET OPTIONS`) };
  } else if (acceptWord(cursor, 'owner', 'to') || acceptWord(cursor, 'set', 'owner', 'to')) {
    statement = { kind: 'owner', name, principal: readPrincipal(cursor, `${ALTER} OWNER TO`) };
  } else if (acceptWord(cursor, 'set', 'comment')) {
    statement = { kind: 'comment', name, comment: readCommentValue(cursor, `${ALTER} SET COMMENT`) };
  } else {
    return cursor.fail(`${ALTER} supports SET OPTIONS (…), UNSET OPTIONS (…), [SET] OWNER TO, SET COMMENT`);
  }
  expectEnd(cursor, ALTER);
  return statement;
}

function readCommentOn(cursor: TokenCursor): EndpointStatement {
  for (let i = 0; i < 4; i++) cursor.next();
  const name = readName(cursor, 'COMMENT ON MODEL ENDPOINT', 3);
  if (!acceptWord(cursor, 'is')) cursor.fail('COMMENT ON MODEL ENDPOINT expects IS');
  const comment = readCommentValue(cursor, 'COMMENT ON MODEL ENDPOINT');
  expectEnd(cursor, 'COMMENT ON MODEL ENDPOINT');
  return { kind: 'comment', name, comment };
}

function readCommentValue(cursor: TokenCursor, what: string): string | null {
  if (acceptWord(cursor, 'null')) return null;
  return cursor.readString(what);
}

function readDrop(cursor: TokenCursor): EndpointStatement {
  cursor.next();
  cursor.next();
  cursor.next();
  const ifExists = readIfExists(cursor);
  const name = readName(cursor, 'DROP MODEL ENDPOINT', 3);
  expectEnd(cursor, 'DROP MODEL ENDPOINT');
  return { kind: 'drop', name, ifExists };
}

function readDescribe(cursor: TokenCursor): EndpointStatement {
  cursor.next();
  cursor.next();
  cursor.next();
  const name = readName(cursor, 'DESCRIBE MODEL ENDPOINT', 3);
  expectEnd(cursor, 'DESCRIBE MODEL ENDPOINT');
  return { kind: 'describe', name };
}

function readShow(cursor: TokenCursor): EndpointStatement {
  cursor.next();
  cursor.next();
  cursor.next();
  const schema = acceptInOrFrom(cursor) ? readSchemaName(cursor, 'SHOW MODEL ENDPOINTS') : undefined;
  const pattern = readPattern(cursor, 'SHOW MODEL ENDPOINTS');
  expectEnd(cursor, 'SHOW MODEL ENDPOINTS');
  return { kind: 'show', ...(schema === undefined ? {} : { schema }), ...(pattern === undefined ? {} : { pattern }) };
}
