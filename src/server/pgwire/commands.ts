/**
 * What the wire protocol does with one statement before Loch sees it: the session and
 * transaction commands drivers send on their own (BEGIN/COMMIT/ROLLBACK, SET/RESET/SHOW of
 * PostgreSQL settings, DISCARD, DEALLOCATE) are answered here, since Loch statements
 * auto-commit and Loch has no such settings; PostgreSQL catalog queries (psql's backslash
 * commands, `version()`) go to the pg_catalog emulation; everything else runs in Loch, and the
 * statement's first words decide how its result is reported: rows (RowDescription + DataRows,
 * `SELECT n`), a count (`INSERT 0 n`, `UPDATE n`, `DELETE n`, `MERGE n`, from the
 * num_inserted_rows / num_affected_rows summary Loch returns), or a bare command tag
 * (`CREATE TABLE`, `DROP SCHEMA`, `GRANT`…) with no rows.
 */
import { isTrivia, tokenize } from '../../sql/parse/index.js';
import type { Token } from '../../sql/parse/index.js';

export type Command =
  | { readonly kind: 'empty' }
  | { readonly kind: 'transaction'; readonly action: 'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' }
  | { readonly kind: 'set'; readonly name: string; readonly value: string | undefined }
  | { readonly kind: 'reset'; readonly name: string }
  | { readonly kind: 'show'; readonly name: string }
  | { readonly kind: 'discard' | 'deallocate'; readonly tag: string; readonly target?: string }
  | { readonly kind: 'unsupported'; readonly message: string }
  | { readonly kind: 'pg_catalog' }
  | { readonly kind: 'loch'; readonly result: LochResultKind; readonly verb: string; readonly tag: string };

/** rows: the result's rows are the answer; count: DML, reported by count; command: DDL, reported by tag. */
export type LochResultKind = 'rows' | 'count' | 'command';

/** Loch's own SHOW statements (SHOW TABLES…), which run in Loch rather than reading a setting. */
const LOCH_SHOW = new Set([
  'tables', 'schemas', 'databases', 'catalogs', 'views', 'volumes', 'functions', 'user', 'grants', 'grant', 'columns', 'create', 'tblproperties',
  'partitions', 'table', 'users', 'groups', 'current', 'system', 'all_functions', 'user_functions', 'storage', 'external', 'shares', 'providers', 'recipients',
]);

/** Relations and functions of PostgreSQL's catalog that mark a statement as a catalog query. */
const PG_CATALOG_WORDS = new Set([
  'pg_catalog', 'pg_class', 'pg_namespace', 'pg_attribute', 'pg_type', 'pg_database', 'pg_am', 'pg_roles', 'pg_user', 'pg_tables', 'pg_views',
  'pg_settings', 'pg_description', 'pg_index', 'pg_proc', 'pg_constraint', 'pg_attrdef', 'pg_inherits', 'pg_collation', 'pg_extension',
  'pg_enum', 'pg_range', 'pg_matviews', 'pg_authid', 'pg_get_userbyid', 'pg_table_is_visible', 'format_type', 'pg_encoding_to_char',
]);

const ROW_VERBS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE', 'FROM', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'LIST']);
const COUNT_VERBS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);
const COMMAND_VERBS = new Set(['CREATE', 'DROP', 'ALTER', 'GRANT', 'REVOKE', 'USE', 'COMMENT', 'TRUNCATE', 'UNDROP']);
/** Words between CREATE and the object type. */
const CREATE_MODIFIERS = new Set(['OR', 'REPLACE', 'TEMP', 'TEMPORARY', 'EXTERNAL', 'MANAGED', 'GLOBAL', 'LOCAL', 'UNLOGGED', 'STREAMING', 'IF', 'NOT', 'EXISTS']);
const OBJECT_TYPES = new Set(['TABLE', 'VIEW', 'SCHEMA', 'DATABASE', 'CATALOG', 'VOLUME', 'FUNCTION', 'MATERIALIZED', 'USER', 'GROUP', 'INDEX']);

function words(statement: string): Token[] {
  return tokenize(statement).filter((t) => !isTrivia(t));
}

const upper = (t: Token | undefined): string => (t?.kind === 'word' ? t.text.toUpperCase() : (t?.text ?? ''));

/** Classifies one statement (text of a single statement, as split by Loch's splitter). */
export function classifyCommand(statement: string): Command {
  const tokens = words(statement);
  if (tokens.length === 0) return { kind: 'empty' };
  const first = upper(tokens[0]);
  const second = upper(tokens[1]);
  const session = sessionCommand(first, second, tokens, statement);
  if (session !== undefined) return session;
  if (first === 'COPY' && tokens.some((t) => ['STDIN', 'STDOUT'].includes(upper(t)))) {
    return { kind: 'unsupported', message: 'pgwire: COPY FROM STDIN / TO STDOUT is not supported; use INSERT or COPY INTO from a volume' };
  }
  if (isCatalogQuery(first, tokens)) return { kind: 'pg_catalog' };
  return lochCommand(first, tokens);
}

function sessionCommand(first: string, second: string, tokens: readonly Token[], statement: string): Command | undefined {
  switch (first) {
    case 'BEGIN':
    case 'START':
      if (first === 'START' && second !== 'TRANSACTION') return undefined;
      return { kind: 'transaction', action: 'begin' };
    case 'COMMIT':
    case 'END':
      return { kind: 'transaction', action: 'commit' };
    case 'ROLLBACK':
    case 'ABORT':
      return { kind: 'transaction', action: 'rollback' };
    case 'SAVEPOINT':
      return { kind: 'transaction', action: 'savepoint' };
    case 'RELEASE':
      return { kind: 'transaction', action: 'release' };
    case 'SET':
      return setCommand(tokens, statement);
    case 'RESET':
      return { kind: 'reset', name: (tokens[1]?.value ?? tokens[1]?.text ?? 'all').toLowerCase() };
    case 'SHOW':
      if (tokens.length === 2 && (tokens[1]?.kind === 'word' || tokens[1]?.kind === 'quoted_ident') && !LOCH_SHOW.has(second.toLowerCase())) {
        return { kind: 'show', name: (tokens[1]?.value ?? tokens[1]?.text ?? '').toLowerCase() };
      }
      return undefined;
    case 'DISCARD':
      return { kind: 'discard', tag: `DISCARD ${second || 'ALL'}`, target: second || 'ALL' };
    case 'DEALLOCATE': {
      const rest = tokens.slice(second === 'PREPARE' ? 2 : 1);
      const target = upper(rest[0]) === 'ALL' ? undefined : (rest[0]?.value ?? rest[0]?.text);
      return { kind: 'deallocate', tag: target === undefined ? 'DEALLOCATE ALL' : 'DEALLOCATE', ...(target === undefined ? {} : { target }) };
    }
    default:
      return undefined;
  }
}

/**
 * `SET [SESSION|LOCAL] name {=|TO} value`, `SET TIME ZONE x`, `SET NAMES x`: PostgreSQL session
 * settings, remembered for SHOW and otherwise ignored. `SET` forms Loch knows (e.g. Databricks'
 * `SET key=value` of a dotted Spark key) are treated the same way: the server has no settings.
 */
function setCommand(tokens: readonly Token[], statement: string): Command {
  const valueText = (value: readonly Token[]): string | undefined => settingValue(value, statement);
  let rest = tokens.slice(1);
  if (['SESSION', 'LOCAL'].includes(upper(rest[0])) && upper(rest[1]) !== 'CHARACTERISTICS') rest = rest.slice(1);
  if (upper(rest[0]) === 'TIME' && upper(rest[1]) === 'ZONE') return { kind: 'set', name: 'timezone', value: valueText(rest.slice(2)) };
  if (upper(rest[0]) === 'NAMES') return { kind: 'set', name: 'client_encoding', value: valueText(rest.slice(1)) };
  const separator = rest.findIndex((t) => t.text === '=' || upper(t) === 'TO');
  if (separator < 0) return { kind: 'set', name: rest.map((t) => t.text).join(' ').toLowerCase(), value: undefined };
  const name = rest.slice(0, separator).map((t) => t.value ?? t.text).join('').toLowerCase();
  return { kind: 'set', name, value: valueText(rest.slice(separator + 1)) };
}

/** A setting's value as written (one string literal unquoted); undefined for none or DEFAULT. */
function settingValue(tokens: readonly Token[], statement: string): string | undefined {
  const first = tokens[0];
  const last = tokens[tokens.length - 1];
  if (first === undefined || last === undefined || upper(first) === 'DEFAULT') return undefined;
  if (tokens.length === 1 && first.kind === 'string') return first.value ?? first.text;
  return statement.slice(first.start, last.end);
}

function isCatalogQuery(first: string, tokens: readonly Token[]): boolean {
  if (first !== 'SELECT' && first !== 'WITH') return false;
  if (tokens.some((t) => t.kind === 'word' && PG_CATALOG_WORDS.has(t.text.toLowerCase()))) return true;
  // `SELECT version()`: clients read the server's version from it.
  const text = tokens.map((t) => t.text.toLowerCase()).join('');
  return text === 'selectversion()';
}

function lochCommand(first: string, tokens: readonly Token[]): Command {
  if (COUNT_VERBS.has(first)) return { kind: 'loch', result: 'count', verb: first, tag: first };
  if (first === 'CREATE' || first === 'REPLACE') {
    const objectIndex = tokens.findIndex((t, i) => i > 0 && !CREATE_MODIFIERS.has(upper(t)));
    const object = upper(tokens[objectIndex]);
    const asSelect = object === 'TABLE' && tokens.some((t, i) => upper(t) === 'AS' && ['SELECT', 'WITH', 'VALUES', 'FROM', '('].includes(upper(tokens[i + 1])));
    if (asSelect) return { kind: 'loch', result: 'count', verb: 'SELECT', tag: 'SELECT' };
    const objectWords = object === 'MATERIALIZED' ? 'MATERIALIZED VIEW' : OBJECT_TYPES.has(object) ? object : '';
    return { kind: 'loch', result: 'command', verb: 'CREATE', tag: `CREATE${objectWords === '' ? '' : ` ${objectWords}`}` };
  }
  if (COMMAND_VERBS.has(first)) {
    const object = upper(tokens[1]);
    const tag = ['DROP', 'ALTER', 'UNDROP', 'TRUNCATE'].includes(first) && OBJECT_TYPES.has(object) ? `${first} ${object}` : first;
    return { kind: 'loch', result: 'command', verb: first, tag };
  }
  if (ROW_VERBS.has(first) || tokens[0]?.text === '(') return { kind: 'loch', result: 'rows', verb: 'SELECT', tag: 'SELECT' };
  // OPTIMIZE, VACUUM, RESTORE, COPY INTO, CONVERT TO DELTA…: whatever Loch returns is shown as rows.
  return { kind: 'loch', result: 'rows', verb: first, tag: 'SELECT' };
}

/** The CommandComplete tag of a Loch statement once its row count is known. */
export function completionTag(command: { readonly result: LochResultKind; readonly tag: string }, rows: number | bigint): string {
  if (command.result === 'command') return command.tag;
  if (command.tag === 'INSERT') return `INSERT 0 ${rows}`;
  return `${command.tag} ${rows}`;
}
