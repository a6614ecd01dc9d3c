import { createHash } from 'node:crypto';
import { LochError } from '../../core/errors.js';
import type { StoredObject } from '../metastore.js';
import { ADMINS_GROUP, ALL_USERS_GROUP } from './governance-types.js';
import type { Principal, TokenInfo } from './governance-types.js';

/** A principal's metastore document. */
export interface PrincipalDoc {
  readonly kind: 'user' | 'group';
  readonly admin: boolean;
  readonly members: readonly string[];
}

/** The SHA-256 of a token, lower-case hex: the only trace of a token that is stored. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Principal names: 1–255 characters, no control characters (case kept as given). */
export function validatePrincipalName(name: string): void {
  const length = [...name].length;
  const why =
    name.trim() === '' ? 'it is empty' : length > 255 ? `it has ${length} characters, more than 255` : /\p{Cc}/u.test(name) ? 'it contains a control character' : undefined;
  if (why === undefined) return;
  throw new LochError('INVALID_ARGUMENT', `identity: invalid principal name ${JSON.stringify(name)}: ${why}`, { context: { principal: name } });
}

export function readPrincipal(object: StoredObject): PrincipalDoc {
  const { kind, admin, members } = object.data as { kind?: unknown; admin?: unknown; members?: unknown };
  if (kind !== 'user' && kind !== 'group') {
    throw new LochError('CORRUPT_DATA', `identity: the metastore record of principal ${object.name} (id ${object.id}) has kind ${JSON.stringify(kind)}`, {
      context: { id: object.id },
    });
  }
  const list = Array.isArray(members) ? members.filter((m): m is string => typeof m === 'string') : [];
  return { kind, admin: admin === true, members: list };
}

export function readToken(object: StoredObject): TokenInfo {
  const data = object.data as { principal?: unknown; comment?: unknown; createdAt?: unknown; expiresAt?: unknown };
  if (typeof data.principal !== 'string') {
    throw new LochError('CORRUPT_DATA', `identity: the metastore record of token ${object.id} names no principal`, { context: { id: object.id } });
  }
  return {
    id: object.id,
    principal: data.principal,
    createdAt: typeof data.createdAt === 'number' ? data.createdAt : object.createdAt,
    ...(typeof data.comment === 'string' ? { comment: data.comment } : {}),
    ...(typeof data.expiresAt === 'number' ? { expiresAt: data.expiresAt } : {}),
  };
}

/**
 * The resolved principal: every group reaching `name` through memberships (nested groups
 * followed; a cycle stored by a racing writer is walked once, not forever), `account users`
 * for users, admin when flagged or a member of `admins`.
 */
export function principalOf(name: string, own: PrincipalDoc, docs: ReadonlyMap<string, PrincipalDoc>): Principal {
  const parents = new Map<string, string[]>();
  for (const [group, doc] of docs) {
    if (doc.kind !== 'group') continue;
    for (const member of doc.members) parents.set(member, [...(parents.get(member) ?? []), group]);
  }
  const groups = new Set<string>();
  const queue = [...(parents.get(name) ?? [])];
  while (queue.length > 0) {
    const group = queue.pop() as string;
    if (groups.has(group) || group === name) continue;
    groups.add(group);
    queue.push(...(parents.get(group) ?? []));
  }
  if (own.kind === 'user') groups.add(ALL_USERS_GROUP);
  const sorted = [...groups].sort();
  return { name, kind: own.kind, admin: own.admin || groups.has(ADMINS_GROUP), groups: sorted };
}
