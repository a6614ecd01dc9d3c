import { ALL_USERS_GROUP } from '../../catalog/governance/governance-types.js';
import type { PrincipalInfo } from '../../catalog/governance/governance-types.js';
import type { IdentityStore } from '../../catalog/governance/identity-store.js';
import { LochError } from '../../core/errors.js';
import type { GovernanceStatement, Members } from '../parse/governance-ast.js';
import type { SqlEnv } from '../sql-env.js';
import { sqlString } from '../sql-text.js';
import { NO_ROWS } from '../write-target.js';
import type { WriteSummary } from '../write-target.js';
import { likeMatcher } from './like-pattern.js';
import { rowsSql, sqlBoolean, textColumns } from './result-rows.js';

type IdentityStatement = Exclude<GovernanceStatement, { kind: 'grant' | 'revoke' | 'show_grants' | 'show_grants_to' }>;

/**
 * CREATE/DROP USER, CREATE/ALTER/DROP GROUP (admins only: PERMISSION_DENIED for anyone else,
 * before anything is read) and SHOW USERS/GROUPS (anyone: principal names are not secret within
 * one Loch), against the session's identity store. A member of the wrong kind (ALTER GROUP g ADD
 * USER <a group>) is INVALID_ARGUMENT; unknown principals are NOT_FOUND
 * (PRINCIPAL_DOES_NOT_EXIST) unless IF EXISTS says otherwise.
 */
export async function executeIdentityStatement(env: SqlEnv, s: IdentityStatement): Promise<WriteSummary> {
  const identity = identityOf(env, s.kind);
  if (s.kind === 'show_users') return showPrincipals(identity, 'user', s.pattern);
  if (s.kind === 'show_groups') return s.withUser === undefined && s.withGroup === undefined ? showPrincipals(identity, 'group', s.pattern) : showGroupsOf(identity, s.withUser ?? (s.withGroup as string), s.withUser !== undefined ? 'user' : 'group', s.pattern);
  requireAdmin(env, s.kind);
  switch (s.kind) {
    case 'create_user':
      await create(identity, s.name, 'user', s.ifNotExists, () => identity.createUser(s.name));
      return { resultSql: NO_ROWS };
    case 'create_group': {
      await checkMembers(identity, s);
      // An existing group (IF NOT EXISTS) is left as it is, members included.
      if (await create(identity, s.name, 'group', s.ifNotExists, () => identity.createGroup(s.name))) {
        for (const member of [...s.users, ...s.groups]) await identity.addMember(s.name, member);
      }
      return { resultSql: NO_ROWS };
    }
    case 'alter_group': {
      await requireKind(identity, s.name, 'group');
      await checkMembers(identity, s);
      for (const member of [...s.users, ...s.groups]) await (s.action === 'add' ? identity.addMember(s.name, member) : identity.removeMember(s.name, member));
      return { resultSql: NO_ROWS };
    }
    case 'drop_user':
    case 'drop_group':
      return drop(env, identity, s.name, s.kind === 'drop_user' ? 'user' : 'group', s.ifExists);
  }
}

function identityOf(env: SqlEnv, kind: string): IdentityStore {
  if (env.identity === undefined) throw new LochError('NOT_IMPLEMENTED', `sql: ${statementName(kind)}: this session has no identity store (open it through Loch)`);
  return env.identity;
}

function requireAdmin(env: SqlEnv, kind: string): void {
  const actor = env.catalog.actor;
  if (actor.admin) return;
  throw new LochError('PERMISSION_DENIED', `sql: ${actor.name} may not run ${statementName(kind)}: only admins manage users and groups (PERMISSION_DENIED)`, {
    context: { principal: actor.name, statement: statementName(kind) },
  });
}

function statementName(kind: string): string {
  return kind.replace('_', ' ').toUpperCase();
}

/** Whether the principal was created; ALREADY_EXISTS unless IF NOT EXISTS found one of the same kind. */
async function create(identity: IdentityStore, name: string, kind: 'user' | 'group', ifNotExists: boolean, make: () => Promise<'created' | 'exists'>): Promise<boolean> {
  const existing = await identity.getPrincipalInfo(name);
  if (existing !== undefined && (existing.kind !== kind || !ifNotExists)) throw alreadyExists(existing);
  if (existing !== undefined) return false;
  if ((await make()) === 'created') return true;
  if (!ifNotExists) throw alreadyExists({ name, kind });
  return false;
}

function alreadyExists(p: Pick<PrincipalInfo, 'name' | 'kind'>): LochError {
  return new LochError('ALREADY_EXISTS', `identity: principal ${p.name} already exists as a ${p.kind} (PRINCIPAL_ALREADY_EXISTS)`, { context: { principal: p.name, kind: p.kind } });
}

async function drop(env: SqlEnv, identity: IdentityStore, name: string, kind: 'user' | 'group', ifExists: boolean): Promise<WriteSummary> {
  if (kind === 'group' && name === ALL_USERS_GROUP) throw new LochError('INVALID_ARGUMENT', `sql: DROP GROUP: \`${ALL_USERS_GROUP}\` is built in and cannot be dropped`);
  if (name === env.catalog.actor.name) throw new LochError('INVALID_ARGUMENT', `sql: DROP ${kind.toUpperCase()} ${name}: a principal cannot drop itself`, { context: { principal: name } });
  const info = await identity.getPrincipalInfo(name);
  if (info === undefined && ifExists) return { resultSql: NO_ROWS };
  await requireKind(identity, name, kind, info);
  await identity.dropPrincipal(name);
  return { resultSql: NO_ROWS };
}

/** The principal exists and is of `kind`: NOT_FOUND / INVALID_ARGUMENT otherwise. */
async function requireKind(identity: IdentityStore, name: string, kind: 'user' | 'group', known?: PrincipalInfo): Promise<void> {
  const info = known ?? (await identity.getPrincipalInfo(name));
  if (info === undefined) throw new LochError('NOT_FOUND', `identity: principal ${name} does not exist (PRINCIPAL_DOES_NOT_EXIST)`, { context: { principal: name } });
  if (info.kind !== kind) throw new LochError('INVALID_ARGUMENT', `sql: ${name} is a ${info.kind}, not a ${kind}`, { context: { principal: name, kind: info.kind } });
}

/** Every member named exists with the kind its list says (checked before anything changes). */
async function checkMembers(identity: IdentityStore, members: Members): Promise<void> {
  for (const user of members.users) await requireKind(identity, user, 'user');
  for (const group of members.groups) await requireKind(identity, group, 'group');
}

async function showPrincipals(identity: IdentityStore, kind: 'user' | 'group', pattern: string | undefined): Promise<WriteSummary> {
  const matches = likeMatcher(pattern);
  const names = (await identity.listPrincipals(kind)).map((p) => p.name).filter(matches);
  if (kind === 'group' && !names.includes(ALL_USERS_GROUP) && matches(ALL_USERS_GROUP)) names.push(ALL_USERS_GROUP);
  names.sort();
  return { resultSql: rowsSql(textColumns('name'), names.map((n) => [sqlString(n)])) };
}

/** SHOW GROUPS WITH USER|GROUP p: the groups p belongs to, directly or through other groups. */
async function showGroupsOf(identity: IdentityStore, name: string, kind: 'user' | 'group', pattern: string | undefined): Promise<WriteSummary> {
  await requireKind(identity, name, kind);
  const resolved = await identity.resolve(name);
  const matches = likeMatcher(pattern);
  const groups = [...new Set(resolved?.groups ?? [])].filter(matches).sort();
  const rows: string[][] = [];
  for (const group of groups) {
    const info = await identity.getPrincipalInfo(group);
    rows.push([sqlString(group), sqlBoolean(info?.members.includes(name) ?? false)]);
  }
  return { resultSql: rowsSql([...textColumns('name'), { name: 'directGroup', type: 'BOOLEAN' }], rows) };
}
