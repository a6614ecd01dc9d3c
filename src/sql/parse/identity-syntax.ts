import { readIfExists, readIfNotExists, readPattern, readPrincipal } from './catalog-clauses.js';
import type { GovernanceStatement, Members } from './governance-ast.js';
import { isPunct, isWord, type TokenCursor } from './token-cursor.js';
import { acceptWord, expectEnd, skip } from './write-clauses.js';

/**
 * CREATE/DROP USER (Loch), CREATE/ALTER/DROP GROUP and SHOW USERS/GROUPS (Databricks); the
 * cursor is at the statement's first word. Undefined when the words are not one of these.
 */
export function readIdentityStatement(cursor: TokenCursor): GovernanceStatement | undefined {
  const first = cursor.peek()?.text.toLowerCase();
  const second = cursor.peek(1)?.text.toLowerCase();
  if (cursor.peek(1)?.kind !== 'word') return undefined;
  if (first === 'create' && (second === 'user' || second === 'group')) return readCreate(cursor, second);
  if (first === 'drop' && (second === 'user' || second === 'group')) return readDrop(cursor, second);
  if (first === 'alter' && second === 'group') return readAlterGroup(cursor);
  if (first === 'show' && second === 'users') return readShowUsers(cursor);
  if (first === 'show' && second === 'groups') return readShowGroups(cursor);
  return undefined;
}

function readCreate(cursor: TokenCursor, object: 'user' | 'group'): GovernanceStatement {
  const what = `CREATE ${object.toUpperCase()}`;
  skip(cursor, 2);
  const ifNotExists = readIfNotExists(cursor);
  const name = readPrincipal(cursor, what);
  if (object === 'user') {
    expectEnd(cursor, what);
    return { kind: 'create_user', name, ifNotExists };
  }
  const members = acceptWord(cursor, 'with') ? readMembers(cursor, `${what} WITH`) : { users: [], groups: [] };
  expectEnd(cursor, what);
  return { kind: 'create_group', name, ifNotExists, ...members };
}

function readDrop(cursor: TokenCursor, object: 'user' | 'group'): GovernanceStatement {
  const what = `DROP ${object.toUpperCase()}`;
  skip(cursor, 2);
  const ifExists = readIfExists(cursor);
  const name = readPrincipal(cursor, what);
  expectEnd(cursor, what);
  return { kind: object === 'user' ? 'drop_user' : 'drop_group', name, ifExists };
}

/** ALTER GROUP g {ADD | REMOVE} [USER u, …] [GROUP h, …] */
function readAlterGroup(cursor: TokenCursor): GovernanceStatement {
  const what = 'ALTER GROUP';
  skip(cursor, 2);
  const name = readPrincipal(cursor, what);
  const action = acceptWord(cursor, 'add') ? 'add' : acceptWord(cursor, 'remove') ? 'remove' : cursor.fail(`${what} expects ADD or REMOVE`);
  const members = readMembers(cursor, `${what} ${action.toUpperCase()}`);
  expectEnd(cursor, what);
  return { kind: 'alter_group', name, action, ...members };
}

/** [USER u, …] [GROUP h, …], at least one of them. */
function readMembers(cursor: TokenCursor, what: string): Members {
  const users: string[] = [];
  const groups: string[] = [];
  for (const [word, into] of [
    ['user', users],
    ['group', groups],
  ] as const) {
    if (!acceptWord(cursor, word)) continue;
    into.push(readPrincipal(cursor, what));
    while (isPunct(cursor.peek(), ',')) {
      cursor.next();
      into.push(readPrincipal(cursor, what));
    }
  }
  if (users.length === 0 && groups.length === 0) cursor.fail(`${what} expects USER <principal> or GROUP <principal>`);
  return { users, groups };
}

function readShowUsers(cursor: TokenCursor): GovernanceStatement {
  skip(cursor, 2);
  const pattern = readPattern(cursor, 'SHOW USERS');
  expectEnd(cursor, 'SHOW USERS');
  return pattern === undefined ? { kind: 'show_users' } : { kind: 'show_users', pattern };
}

/** SHOW GROUPS [WITH USER u | WITH GROUP g] [[LIKE] 'pattern'] */
function readShowGroups(cursor: TokenCursor): GovernanceStatement {
  const what = 'SHOW GROUPS';
  skip(cursor, 2);
  let member: { withUser: string } | { withGroup: string } | undefined;
  if (acceptWord(cursor, 'with')) {
    if (acceptWord(cursor, 'user')) member = { withUser: readPrincipal(cursor, `${what} WITH USER`) };
    else if (acceptWord(cursor, 'group')) member = { withGroup: readPrincipal(cursor, `${what} WITH GROUP`) };
    else cursor.fail(`${what} WITH expects USER or GROUP`);
  }
  const pattern = isWord(cursor.peek(), 'like') || cursor.peek()?.kind === 'string' ? readPattern(cursor, what) : undefined;
  expectEnd(cursor, what);
  return { kind: 'show_groups', ...(member ?? {}), ...(pattern === undefined ? {} : { pattern }) };
}
