import { LochError } from '../../core/errors.js';
import type { Clock } from '../../core/clock.js';
import type { IdSource } from '../../core/ids.js';
import type { Random } from '../../core/random.js';
import type { Metastore, StoredObject } from '../metastore.js';
import { ALL_USERS_GROUP } from './governance-types.js';
import type { Principal, PrincipalInfo, TokenInfo } from './governance-types.js';
import type { IdentityStore } from './identity-store.js';
import { principalOf, readPrincipal, readToken, tokenHash, validatePrincipalName } from './identity-documents.js';
import type { PrincipalDoc } from './identity-documents.js';

/** Compare-and-swap attempts of a membership change before giving up. */
const MAX_ATTEMPTS = 16;
/** Attempts at drawing a token whose hash is not taken (a clash means broken randomness). */
const TOKEN_ATTEMPTS = 4;

export interface MetastoreIdentityStoreOptions {
  readonly metastore: Metastore;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly random: Random;
}

/**
 * The IdentityStore (see its contract) over the metastore: principals are objects of kind
 * 'principal' (document { kind, admin, members }), tokens objects of kind 'token' named by the
 * SHA-256 hex of the token (document { id, principal, comment, expiresAt }; the object id is the
 * token id). Membership changes are compare-and-swap updates of the group's document.
 * `account users` is built in: every user is a member, it is never stored and cannot be changed.
 * `createUser(name, { admin: true })` of an existing user makes it an admin (the CLI's user is
 * always one) and still answers 'exists'.
 */
export class MetastoreIdentityStore implements IdentityStore {
  private readonly metastore: Metastore;
  private readonly clock: Clock;
  private readonly ids: IdSource;
  private readonly random: Random;

  constructor(options: MetastoreIdentityStoreOptions) {
    this.metastore = options.metastore;
    this.clock = options.clock;
    this.ids = options.ids;
    this.random = options.random;
  }

  async createUser(name: string, options: { readonly admin?: boolean } = {}): Promise<'created' | 'exists'> {
    const admin = options.admin === true;
    const outcome = await this.createPrincipal(name, { kind: 'user', admin, members: [] });
    if (outcome.status === 'created') return 'created';
    const existing = readPrincipal(outcome.object);
    if (existing.kind !== 'user') throw kindClash(name, 'user', existing.kind);
    if (admin && !existing.admin) await this.change(name, (doc) => ({ ...doc, admin: true }));
    return 'exists';
  }

  async createGroup(name: string): Promise<'created' | 'exists'> {
    const outcome = await this.createPrincipal(name, { kind: 'group', admin: false, members: [] });
    if (outcome.status === 'created') return 'created';
    const existing = readPrincipal(outcome.object);
    if (existing.kind !== 'group') throw kindClash(name, 'group', existing.kind);
    return 'exists';
  }

  async addMember(group: string, member: string): Promise<'added' | 'exists'> {
    refuseBuiltIn(group);
    const memberObject = await this.requirePrincipal(member);
    const groupObject = await this.requirePrincipal(group);
    if (readPrincipal(groupObject).kind !== 'group') throw notAGroup(group);
    if (readPrincipal(memberObject).kind === 'group') await this.refuseCycle(group, member);
    let outcome: 'added' | 'exists' = 'exists';
    await this.change(group, (doc) => {
      if (doc.members.includes(member)) {
        outcome = 'exists';
        return undefined;
      }
      outcome = 'added';
      return { ...doc, members: [...doc.members, member] };
    });
    return outcome;
  }

  async removeMember(group: string, member: string): Promise<'removed' | 'missing'> {
    refuseBuiltIn(group);
    const groupObject = await this.requirePrincipal(group);
    if (readPrincipal(groupObject).kind !== 'group') throw notAGroup(group);
    let outcome: 'removed' | 'missing' = 'missing';
    await this.change(group, (doc) => {
      if (!doc.members.includes(member)) {
        outcome = 'missing';
        return undefined;
      }
      outcome = 'removed';
      return { ...doc, members: doc.members.filter((m) => m !== member) };
    });
    return outcome;
  }

  async dropPrincipal(name: string): Promise<'dropped' | 'missing'> {
    refuseBuiltIn(name);
    const object = await this.metastore.get('principal', null, name);
    if (object === undefined) return 'missing';
    for (const group of await this.metastore.list(['principal'], null)) {
      if (readPrincipal(group).members.includes(name)) await this.removeMember(group.name, name).catch(ignoreMissing);
    }
    for (const token of await this.tokenObjects()) {
      if (readToken(token).principal === name) await this.metastore.removeTree(token.id);
    }
    const removed = await this.metastore.removeTree(object.id);
    return Array.isArray(removed) && removed.length > 0 ? 'dropped' : 'missing';
  }

  async getPrincipalInfo(name: string): Promise<PrincipalInfo | undefined> {
    if (name === ALL_USERS_GROUP) return { name, kind: 'group', admin: false, members: [], createdAt: 0 };
    const object = await this.metastore.get('principal', null, name);
    return object === undefined ? undefined : infoOf(object);
  }

  async listPrincipals(kind?: 'user' | 'group'): Promise<PrincipalInfo[]> {
    const all = (await this.metastore.list(['principal'], null)).map(infoOf);
    return kind === undefined ? all : all.filter((p) => p.kind === kind);
  }

  async resolve(name: string): Promise<Principal | undefined> {
    if (name === ALL_USERS_GROUP) return { name, kind: 'group', admin: false, groups: [] };
    const objects = await this.metastore.list(['principal'], null);
    const docs = new Map(objects.map((o) => [o.name, readPrincipal(o)] as const));
    const own = docs.get(name);
    if (own === undefined) return undefined;
    return principalOf(name, own, docs);
  }

  async createToken(
    principal: string,
    options: { readonly comment?: string; readonly lifetimeSeconds?: number } = {},
  ): Promise<{ readonly token: string; readonly info: TokenInfo }> {
    await this.requirePrincipal(principal);
    const lifetime = options.lifetimeSeconds;
    if (lifetime !== undefined && (!Number.isFinite(lifetime) || lifetime <= 0)) {
      throw new LochError('INVALID_ARGUMENT', `identity: token lifetime ${lifetime} s for ${principal} must be a positive number of seconds`, { context: { principal } });
    }
    const createdAt = this.clock.now();
    const info: TokenInfo = {
      id: this.ids.uuid(),
      principal,
      createdAt,
      ...(options.comment === undefined ? {} : { comment: options.comment }),
      ...(lifetime === undefined ? {} : { expiresAt: createdAt + Math.round(lifetime * 1000) }),
    };
    for (let attempt = 0; attempt < TOKEN_ATTEMPTS; attempt += 1) {
      const token = `dapi${Buffer.from(this.random.bytes(16)).toString('hex')}`;
      const outcome = await this.metastore.create({ kind: 'token', parentId: null, name: tokenHash(token), data: { ...info }, id: info.id });
      if (outcome.status === 'created') return { token, info };
    }
    throw new LochError('INTERNAL', `identity: could not draw an unused token for ${principal} in ${TOKEN_ATTEMPTS} attempts (is the randomness broken?)`, { context: { principal } });
  }

  async listTokens(principal?: string): Promise<TokenInfo[]> {
    const tokens = (await this.tokenObjects()).map(readToken);
    const mine = principal === undefined ? tokens : tokens.filter((t) => t.principal === principal);
    return mine.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async revokeToken(id: string): Promise<'revoked' | 'missing'> {
    const object = await this.metastore.getById(id);
    if (object === undefined || object.kind !== 'token') return 'missing';
    const removed = await this.metastore.removeTree(id);
    return Array.isArray(removed) && removed.length > 0 ? 'revoked' : 'missing';
  }

  async authenticate(token: string): Promise<Principal | undefined> {
    if (!/^dapi[0-9a-f]{32}$/.test(token)) return undefined;
    const object = await this.metastore.get('token', null, tokenHash(token));
    if (object === undefined) return undefined;
    const info = readToken(object);
    if (info.expiresAt !== undefined && info.expiresAt <= this.clock.now()) return undefined;
    return this.resolve(info.principal);
  }

  private async createPrincipal(name: string, doc: PrincipalDoc): Promise<{ status: 'created' } | { status: 'exists'; object: StoredObject }> {
    validatePrincipalName(name);
    if (name === ALL_USERS_GROUP) {
      throw new LochError('INVALID_ARGUMENT', `identity: ${ALL_USERS_GROUP} is the built-in group of every user; choose another name`, { context: { principal: name } });
    }
    const outcome = await this.metastore.create({ kind: 'principal', parentId: null, name, data: { ...doc, createdAt: this.clock.now() } });
    if (outcome.status === 'parent_missing') throw new LochError('INTERNAL', `identity: creating principal ${name}: unexpected outcome parent_missing`);
    return outcome.status === 'created' ? { status: 'created' } : { status: 'exists', object: outcome.object };
  }

  private async requirePrincipal(name: string): Promise<StoredObject> {
    const object = await this.metastore.get('principal', null, name);
    if (object === undefined) throw noSuchPrincipal(name);
    return object;
  }

  /** Members of `member` (a group), transitively, must not include `group`. */
  private async refuseCycle(group: string, member: string): Promise<void> {
    const docs = new Map((await this.metastore.list(['principal'], null)).map((o) => [o.name, readPrincipal(o)] as const));
    const seen = new Set<string>();
    const queue = [member];
    while (queue.length > 0) {
      const next = queue.pop() as string;
      if (next === group) {
        throw new LochError('INVALID_ARGUMENT', `identity: adding group ${member} to group ${group} would make a cycle (${group} is already inside ${member})`, {
          context: { group, member },
        });
      }
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(docs.get(next)?.members ?? []));
    }
  }

  /** Compare-and-swap of a principal's document; `compute` returning undefined changes nothing. */
  private async change(name: string, compute: (doc: PrincipalDoc) => PrincipalDoc | undefined): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const object = await this.requirePrincipal(name);
      const next = compute(readPrincipal(object));
      if (next === undefined) return;
      const outcome = await this.metastore.update(object.id, { expectedRevision: object.revision, data: { ...object.data, ...next } });
      if (outcome.status === 'updated') return;
      if (outcome.status === 'missing') throw noSuchPrincipal(name);
    }
    throw new LochError('CONFLICT', `identity: principal ${name} kept changing concurrently; try again`, { context: { principal: name }, retryable: true });
  }

  private tokenObjects(): Promise<StoredObject[]> {
    return this.metastore.list(['token'], null);
  }
}

function infoOf(object: StoredObject): PrincipalInfo {
  const doc = readPrincipal(object);
  const created = object.data['createdAt'];
  return { name: object.name, kind: doc.kind, admin: doc.admin, members: [...doc.members], createdAt: typeof created === 'number' ? created : object.createdAt };
}

export function noSuchPrincipal(name: string): LochError {
  return new LochError('NOT_FOUND', `identity: principal ${name} does not exist (PRINCIPAL_DOES_NOT_EXIST)`, { context: { principal: name } });
}

function notAGroup(name: string): LochError {
  return new LochError('INVALID_ARGUMENT', `identity: ${name} is a user, not a group; only groups have members`, { context: { principal: name } });
}

function kindClash(name: string, wanted: string, actual: string): LochError {
  return new LochError('ALREADY_EXISTS', `identity: cannot create ${wanted} ${name}: a ${actual} of that name exists`, { context: { principal: name } });
}

function refuseBuiltIn(name: string): void {
  if (name !== ALL_USERS_GROUP) return;
  throw new LochError('INVALID_ARGUMENT', `identity: ${ALL_USERS_GROUP} is built in: every user is a member and it cannot be changed`, { context: { principal: name } });
}

function ignoreMissing(error: unknown): void {
  if (error instanceof LochError && error.code === 'NOT_FOUND') return;
  throw error;
}
