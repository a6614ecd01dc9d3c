import { PRIVILEGES } from '../../catalog/governance/governance-types.js';
import type { Privilege } from '../../catalog/governance/governance-types.js';
import { readName, readPrincipal } from './catalog-clauses.js';
import type { GovernanceStatement, GrantStatement, SecurableSpec } from './governance-ast.js';
import { readIdentityStatement } from './identity-syntax.js';
import { isTrivia, tokenizePartial } from './lexer.js';
import type { Token } from './lexer.js';
import { isPunct, isWord, type TokenCursor } from './token-cursor.js';
import { acceptWord, expectEnd, statementCursor } from './write-clauses.js';

export type * from './governance-ast.js';

/** Words that may start a governance statement; anything else is left to the other parsers quickly. */
const FIRST_WORDS = new Set(['grant', 'revoke', 'show', 'create', 'alter', 'drop']);
const SECOND_WORDS = new Set(['grant', 'grants', 'user', 'users', 'group', 'groups']);

/**
 * Parses ONE statement (trailing semicolons allowed, keywords case-insensitive) when it is a
 * governance statement:
 *   GRANT priv [, …] ON securable TO principal
 *   REVOKE priv [, …] ON securable FROM principal
 *   SHOW GRANT[S] [principal] ON securable      SHOW GRANT[S] TO principal
 *   CREATE USER [IF NOT EXISTS] p               DROP USER [IF EXISTS] p
 *   CREATE GROUP [IF NOT EXISTS] g [WITH [USER u, …] [GROUP h, …]]
 *   ALTER GROUP g {ADD | REMOVE} [USER u, …] [GROUP h, …]
 *   DROP GROUP [IF EXISTS] g                    SHOW USERS [[LIKE] 'pattern']
 *   SHOW GROUPS [WITH USER u | WITH GROUP g] [[LIKE] 'pattern']
 * where securable is METASTORE | CATALOG [c] | {SCHEMA | DATABASE} s | [TABLE] t | VIEW v |
 * VOLUME v | FUNCTION f | MODEL ENDPOINT e, privileges are spelled as in Databricks (`USE CATALOG`,
 * also `USE_CATALOG`; `ALL [PRIVILEGES]`; `USE ENDPOINT` is read as EXECUTE, on a MODEL ENDPOINT
 * only, so it is stored and shown as EXECUTE), and principals are names (backquoted when they hold
 * special characters: `` `alice@example.com` ``) or string literals.
 * Returns undefined for anything else; a malformed governance statement throws INVALID_ARGUMENT
 * "sql: <what is wrong> at line L column C".
 */
export function parseGovernanceStatement(sql: string): GovernanceStatement | undefined {
  const words = tokenizePartial(sql)
    .tokens.filter((t) => !isTrivia(t))
    .slice(0, 2);
  const [first, second] = words.map((t) => (t.kind === 'word' ? t.text.toLowerCase() : ''));
  if (first === undefined || !FIRST_WORDS.has(first)) return undefined;
  if (first !== 'grant' && first !== 'revoke' && (second === undefined || !SECOND_WORDS.has(second))) return undefined;
  const cursor = statementCursor(sql);
  if (first === 'grant' || first === 'revoke') return readGrant(cursor, first);
  if (first === 'show' && (second === 'grant' || second === 'grants')) return readShowGrants(cursor);
  return readIdentityStatement(cursor);
}

/** GRANT … TO p | REVOKE … FROM p */
function readGrant(cursor: TokenCursor, kind: 'grant' | 'revoke'): GrantStatement {
  const what = kind.toUpperCase();
  cursor.next();
  const written = readPrivileges(cursor, what);
  if (!acceptWord(cursor, 'on')) cursor.fail(`${what} expects ON after the privileges`);
  const securable = readSecurable(cursor, what);
  const privileges = resolveSynonyms(cursor, what, written, securable);
  const preposition = kind === 'grant' ? 'to' : 'from';
  if (!acceptWord(cursor, preposition)) cursor.fail(`${what} expects ${preposition.toUpperCase()} <principal>`);
  const principal = readPrincipal(cursor, what);
  expectEnd(cursor, what);
  return { kind, privileges, securable, principal };
}

/** `USE ENDPOINT`: the synonym of EXECUTE, for model endpoints only. */
const USE_ENDPOINT = 'USE ENDPOINT';

/** A privilege as written: a known one, or the USE ENDPOINT synonym (with where it was, for errors). */
type WrittenPrivilege = { readonly privilege: Privilege } | { readonly synonym: typeof USE_ENDPOINT; readonly at: Token | undefined };

/** priv [, priv …] up to ON; each a run of words, underscores standing for spaces. */
function readPrivileges(cursor: TokenCursor, what: string): WrittenPrivilege[] {
  const out: WrittenPrivilege[] = [];
  for (;;) {
    const start = cursor.peek();
    const words: string[] = [];
    while (cursor.peek()?.kind === 'word' && !isWord(cursor.peek(), 'on')) words.push((cursor.next()?.text ?? '').toUpperCase());
    if (words.length === 0) cursor.fail(`${what} expects a privilege`, start);
    const spelled = words.join(' ').replaceAll('_', ' ').replace(/\s+/g, ' ').trim();
    const privilege = privilegeOf(spelled);
    if (privilege !== undefined) out.push({ privilege });
    else if (spelled === USE_ENDPOINT) out.push({ synonym: USE_ENDPOINT, at: start });
    else cursor.fail(`${what}: unknown privilege ${words.join(' ')} (expected one of ${PRIVILEGES.join(', ')}, or USE ENDPOINT on a MODEL ENDPOINT)`, start);
    if (!isPunct(cursor.peek(), ',')) return out;
    cursor.next();
  }
}

/** The privileges to grant, synonyms replaced (USE ENDPOINT → EXECUTE), duplicates removed, in the order written. */
function resolveSynonyms(cursor: TokenCursor, what: string, written: readonly WrittenPrivilege[], securable: SecurableSpec): Privilege[] {
  const out: Privilege[] = [];
  for (const p of written) {
    if ('synonym' in p && securable.kind !== 'model_endpoint') cursor.fail(`${what}: USE ENDPOINT applies only ON MODEL ENDPOINT (use EXECUTE on other securables)`, p.at);
    const privilege: Privilege = 'synonym' in p ? 'EXECUTE' : p.privilege;
    if (!out.includes(privilege)) out.push(privilege);
  }
  return out;
}

function privilegeOf(spelled: string): Privilege | undefined {
  if (spelled === 'ALL') return 'ALL PRIVILEGES';
  return PRIVILEGES.find((p) => p === spelled);
}

const KEYWORD_SECURABLES: Readonly<Record<string, { kind: 'table' | 'view' | 'volume' | 'function'; parts: number }>> = {
  table: { kind: 'table', parts: 3 },
  view: { kind: 'view', parts: 3 },
  volume: { kind: 'volume', parts: 3 },
  function: { kind: 'function', parts: 3 },
};

/** METASTORE | CATALOG [c] | SCHEMA s | DATABASE s | TABLE t | VIEW v | VOLUME v | FUNCTION f | MODEL ENDPOINT e | t */
export function readSecurable(cursor: TokenCursor, what: string): SecurableSpec {
  const word = cursor.peek();
  const key = word?.kind === 'word' ? word.text.toLowerCase() : '';
  if (key === 'model' && isWord(cursor.peek(1), 'endpoint')) {
    cursor.next();
    cursor.next();
    return { kind: 'model_endpoint', name: readName(cursor, `${what} ON MODEL ENDPOINT`, 3) };
  }
  if (key === 'metastore') {
    cursor.next();
    return { kind: 'metastore' };
  }
  if (key === 'catalog') {
    cursor.next();
    if (cursor.atEnd() || isWord(cursor.peek(), 'to') || isWord(cursor.peek(), 'from')) return { kind: 'catalog' };
    return { kind: 'catalog', name: readName(cursor, `${what} ON CATALOG`, 1)[0] as string };
  }
  if (key === 'schema' || key === 'database') {
    cursor.next();
    return { kind: 'schema', name: readName(cursor, `${what} ON SCHEMA`, 2) };
  }
  const keyword = Object.hasOwn(KEYWORD_SECURABLES, key) && !isPunct(cursor.peek(1), '.') ? KEYWORD_SECURABLES[key] : undefined;
  if (keyword !== undefined) {
    cursor.next();
    return { kind: keyword.kind, name: readName(cursor, `${what} ON ${keyword.kind.toUpperCase()}`, keyword.parts) };
  }
  return { kind: 'table', name: readName(cursor, `${what} ON TABLE`, 3) };
}

/** SHOW GRANT[S] [principal] ON securable | SHOW GRANT[S] TO principal */
function readShowGrants(cursor: TokenCursor): GovernanceStatement {
  const what = 'SHOW GRANTS';
  cursor.next();
  cursor.next();
  if (acceptWord(cursor, 'to')) {
    const principal = readPrincipal(cursor, `${what} TO`);
    expectEnd(cursor, what);
    return { kind: 'show_grants_to', principal };
  }
  const principal = isWord(cursor.peek(), 'on') ? undefined : readPrincipal(cursor, what);
  if (!acceptWord(cursor, 'on')) cursor.fail(`${what} expects ON <securable> (or TO <principal>)`);
  const securable = readSecurable(cursor, what);
  expectEnd(cursor, what);
  return principal === undefined ? { kind: 'show_grants', securable } : { kind: 'show_grants', principal, securable };
}
