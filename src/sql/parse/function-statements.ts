import { LochError } from '../../core/errors.js';
import type { NameParts } from './catalog-ast.js';
import { acceptInOrFrom, isOneOf, readIfExists, readIfNotExists, readName, readPattern, readSchemaName } from './catalog-clauses.js';
import { isTrivia, tokenizePartial, type Token } from './lexer.js';
import { isPunct, isWord, wordsAhead, type TokenCursor } from './token-cursor.js';
import { parseTypeName } from './type-name.js';
import { acceptWord, expectEnd, readIdentifier, statementCursor } from './write-clauses.js';

/** A parameter of CREATE FUNCTION: the type as written (validated), an optional comment. */
export interface FunctionParameterSql {
  readonly name: string;
  readonly type: string;
  readonly comment?: string;
}

/** The SQL function statements of Unity Catalog, as parsed (names as written, 1–3 parts). */
export type FunctionStatement =
  | {
      readonly kind: 'create_function';
      readonly name: NameParts;
      readonly orReplace: boolean;
      readonly ifNotExists: boolean;
      readonly parameters: readonly FunctionParameterSql[];
      /** RETURNS type as written; undefined when left out (the body's type is used). */
      readonly returnType?: string;
      readonly comment?: string;
      /** False for NOT DETERMINISTIC; undefined when not said. */
      readonly deterministic?: boolean;
      /** The expression (or query) after RETURN, as written. */
      readonly body: string;
    }
  | { readonly kind: 'drop_function'; readonly name: NameParts; readonly ifExists: boolean }
  | { readonly kind: 'describe_function'; readonly name: NameParts; readonly extended: boolean }
  | { readonly kind: 'show_functions'; readonly scope: 'user' | 'system' | 'all'; readonly schema?: NameParts; readonly pattern?: string };

/** Words that may follow a Databricks function's parameter list (DuckDB's macros continue with AS). */
const ROUTINE_WORDS = ['returns', 'return', 'comment', 'deterministic', 'not', 'language', 'contains', 'reads', 'sql'];

/**
 * Parses ONE statement when it is one of:
 *   CREATE [OR REPLACE] FUNCTION [IF NOT EXISTS] name ( [p type [COMMENT 'c'], …] )
 *     [RETURNS type] [COMMENT 'c'] [[NOT] DETERMINISTIC] [LANGUAGE SQL] [CONTAINS SQL | READS SQL DATA]
 *     [SQL SECURITY DEFINER] RETURN { expression | query }
 *   DROP FUNCTION [IF EXISTS] name
 *   { DESCRIBE | DESC } FUNCTION [EXTENDED] name
 *   SHOW [USER | SYSTEM | ALL] FUNCTIONS [{IN | FROM} schema] [[LIKE] 'pattern']
 * Undefined for anything else, including DuckDB's own CREATE [TEMP] FUNCTION f(a) AS … (macros)
 * and the TEMPORARY forms. A malformed statement of these shapes is INVALID_ARGUMENT with line
 * and column; forms Loch does not run (RETURNS TABLE, LANGUAGE PYTHON, DEFAULT parameters, SQL
 * SECURITY INVOKER) are NOT_IMPLEMENTED.
 */
export function parseFunctionStatement(sql: string): FunctionStatement | undefined {
  const first = tokenizePartial(sql).tokens.find((t) => !isTrivia(t));
  if (first?.kind !== 'word' || !['create', 'drop', 'describe', 'desc', 'show'].includes(first.text.toLowerCase())) return undefined;
  const cursor = statementCursor(sql);
  switch (first.text.toLowerCase()) {
    case 'create':
      return readCreateFunction(cursor);
    case 'drop':
      return readDropFunction(cursor);
    case 'show':
      return readShowFunctions(cursor);
    default:
      return readDescribeFunction(cursor);
  }
}

function readCreateFunction(cursor: TokenCursor): FunctionStatement | undefined {
  const at = cursor.next();
  const orReplace = acceptWord(cursor, 'or', 'replace');
  if (!isWord(cursor.peek(), 'function') || !isDatabricksRoutine(cursor)) return undefined;
  cursor.next();
  const ifNotExists = readIfNotExists(cursor);
  if (orReplace && ifNotExists) cursor.fail('CREATE FUNCTION cannot have both OR REPLACE and IF NOT EXISTS', at);
  const name = readName(cursor, 'CREATE FUNCTION', 3);
  const parameters = readParameters(cursor);
  const options = readRoutineOptions(cursor);
  if (!acceptWord(cursor, 'return')) cursor.fail('CREATE FUNCTION expects RETURN <expression>');
  const body = readToEnd(cursor, 'CREATE FUNCTION … RETURN');
  return { kind: 'create_function', name, orReplace, ifNotExists, parameters, ...options, body };
}

/**
 * True when the tokens after FUNCTION name (…) continue as a Databricks routine, not as DuckDB's
 * macro (`AS …`) or a Hive function (`AS 'class'`). The cursor is on FUNCTION and does not move.
 */
function isDatabricksRoutine(cursor: TokenCursor): boolean {
  let i = 1;
  while (cursor.peek(i) !== undefined && !isPunct(cursor.peek(i), '(')) i++;
  let depth = 0;
  for (; cursor.peek(i) !== undefined; i++) {
    const t = cursor.peek(i) as Token;
    if (isPunct(t, '(')) depth++;
    else if (isPunct(t, ')') && --depth === 0) break;
  }
  return ROUTINE_WORDS.some((w) => isWord(cursor.peek(i + 1), w));
}

/** ( [name type [NOT NULL] [COMMENT 'c'], …] ) */
function readParameters(cursor: TokenCursor): FunctionParameterSql[] {
  cursor.expectPunct('(', 'CREATE FUNCTION parameter list');
  const parameters: FunctionParameterSql[] = [];
  while (!isPunct(cursor.peek(), ')')) {
    if (parameters.length > 0) cursor.expectPunct(',', 'CREATE FUNCTION parameter list');
    const at = cursor.peek();
    const name = readIdentifier(cursor, 'CREATE FUNCTION parameter');
    if (parameters.some((p) => p.name.toLowerCase() === name.toLowerCase())) cursor.fail(`CREATE FUNCTION names parameter ${name} twice`, at);
    const type = readTypeText(cursor, `CREATE FUNCTION parameter ${name}`);
    acceptWord(cursor, 'not', 'null');
    if (isWord(cursor.peek(), 'default')) throw notImplemented('parameter defaults (DEFAULT)');
    const comment = acceptWord(cursor, 'comment') ? cursor.readString(`CREATE FUNCTION parameter ${name} COMMENT`) : undefined;
    parameters.push({ name, type, ...(comment === undefined ? {} : { comment }) });
  }
  cursor.next();
  return parameters;
}

/** A type name, returned as its source text once it parses. */
function readTypeText(cursor: TokenCursor, what: string): string {
  const first = cursor.peek();
  if (first === undefined) cursor.fail(`${what} expects a type`);
  parseTypeName(cursor);
  return cursor.sql.slice(first.start, (cursor.peek(-1) as Token).end);
}

interface RoutineOptions {
  returnType?: string;
  comment?: string;
  deterministic?: boolean;
}

/** The characteristics between the parameter list and RETURN, in any order, each once. */
function readRoutineOptions(cursor: TokenCursor): RoutineOptions {
  const options: RoutineOptions = {};
  const seen = new Set<string>();
  const once = (clause: string, at: Token | undefined) => {
    if (seen.has(clause)) cursor.fail(`CREATE FUNCTION has two ${clause} clauses`, at);
    seen.add(clause);
  };
  for (;;) {
    const at = cursor.peek();
    if (acceptWord(cursor, 'returns')) {
      once('RETURNS', at);
      if (isWord(cursor.peek(), 'table')) throw notImplemented('table functions (RETURNS TABLE)');
      options.returnType = readTypeText(cursor, 'CREATE FUNCTION RETURNS');
    } else if (acceptWord(cursor, 'comment')) {
      once('COMMENT', at);
      options.comment = cursor.readString('CREATE FUNCTION COMMENT');
    } else if (isWord(at, 'deterministic') || wordsAhead(cursor, 'not', 'deterministic')) {
      once('DETERMINISTIC', at);
      options.deterministic = !acceptWord(cursor, 'not');
      cursor.next();
    } else if (acceptWord(cursor, 'language')) {
      once('LANGUAGE', at);
      if (!acceptWord(cursor, 'sql')) throw notImplemented(`LANGUAGE ${cursor.peek()?.text.toUpperCase() ?? ''} functions; Loch runs SQL functions`);
    } else if (acceptWord(cursor, 'contains', 'sql') || acceptWord(cursor, 'reads', 'sql', 'data')) {
      once('data access', at);
    } else if (acceptWord(cursor, 'sql', 'security')) {
      once('SQL SECURITY', at);
      if (!acceptWord(cursor, 'definer')) throw notImplemented('SQL SECURITY INVOKER');
    } else {
      return options;
    }
  }
}

/** The rest of the statement as written. */
function readToEnd(cursor: TokenCursor, what: string): string {
  const first = cursor.peek();
  if (first === undefined) cursor.fail(`${what} expects an expression`);
  let last = first;
  while (!cursor.atEnd()) {
    const token = cursor.next() as Token;
    if (isPunct(token, ';')) cursor.fail(`unexpected ; in ${what}`, token);
    last = token;
  }
  return cursor.sql.slice(first.start, last.end);
}

function readDropFunction(cursor: TokenCursor): FunctionStatement | undefined {
  if (!isWord(cursor.peek(1), 'function')) return undefined;
  cursor.next();
  cursor.next();
  const ifExists = readIfExists(cursor);
  const name = readName(cursor, 'DROP FUNCTION', 3);
  expectEnd(cursor, 'DROP FUNCTION');
  return { kind: 'drop_function', name, ifExists };
}

function readDescribeFunction(cursor: TokenCursor): FunctionStatement | undefined {
  if (!isWord(cursor.peek(1), 'function') || cursor.peek(2) === undefined) return undefined;
  cursor.next();
  cursor.next();
  const extended = isWord(cursor.peek(), 'extended') && cursor.peek(1) !== undefined && acceptWord(cursor, 'extended');
  const name = readName(cursor, 'DESCRIBE FUNCTION', 3);
  expectEnd(cursor, 'DESCRIBE FUNCTION');
  return { kind: 'describe_function', name, extended };
}

function readShowFunctions(cursor: TokenCursor): FunctionStatement | undefined {
  const scopeWord = cursor.peek(1);
  const scoped = isOneOf(scopeWord, 'user', 'system', 'all');
  if (!isWord(cursor.peek(scoped ? 2 : 1), 'functions')) return undefined;
  const scope = scoped ? ((scopeWord as Token).text.toLowerCase() as 'user' | 'system' | 'all') : 'all';
  cursor.next();
  if (scoped) cursor.next();
  cursor.next();
  const schema = acceptInOrFrom(cursor) ? readSchemaName(cursor, 'SHOW FUNCTIONS') : undefined;
  const pattern = readPattern(cursor, 'SHOW FUNCTIONS');
  expectEnd(cursor, 'SHOW FUNCTIONS');
  return { kind: 'show_functions', scope, ...(schema === undefined ? {} : { schema }), ...(pattern === undefined ? {} : { pattern }) };
}

function notImplemented(what: string): LochError {
  return new LochError('NOT_IMPLEMENTED', `sql: CREATE FUNCTION: not supported: ${what}`);
}
