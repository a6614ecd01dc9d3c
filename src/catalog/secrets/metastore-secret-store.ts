import type { Clock } from '../../core/clock.js';
import { LochError } from '../../core/errors.js';
import type { Random } from '../../core/random.js';
import type { Principal } from '../governance/governance-types.js';
import type { Metastore, ObjectData, StoredObject } from '../metastore.js';
import { SecretCipher, readSealed } from './secret-cipher.js';
import type { SealedValue } from './secret-cipher.js';
import type { SecretAcl, SecretKeyInfo, SecretPermission, SecretScopeInfo, SecretStore } from './secret-store.js';

export interface MetastoreSecretStoreOptions {
  readonly metastore: Metastore;
  readonly clock: Clock;
  /** IVs of sealed values. */
  readonly random: Random;
  /** The 32-byte master key; asked for on the first put or reveal only, then kept. */
  readonly key: () => Promise<Uint8Array>;
}

const KIND = 'secret_scope';
const RANK: Readonly<Record<SecretPermission, number>> = { READ: 1, WRITE: 2, MANAGE: 3 };
const PERMISSIONS: readonly SecretPermission[] = ['READ', 'WRITE', 'MANAGE'];
const NAME = /^[A-Za-z0-9_.@-]{1,128}$/;
const MAX_VALUE_BYTES = 128 * 1024;
/** Compare-and-swap attempts before giving up: puts to one scope race on its one document. */
const MAX_ATTEMPTS = 32;

/** What a change of a scope's document gives: the new document (none: nothing to write) and the result. */
interface Change<T> {
  readonly next?: ObjectData;
  readonly result: T;
}

/**
 * The SecretStore (see secret-store.ts for the contract) over the metastore: one object of kind
 * 'secret_scope' (parent null, named as given: scope names are case-sensitive) per scope, whose
 * document holds `owner`, `createdBy`, `acl` (principal → permission) and `values` (key →
 * SealedValue: AES-256-GCM under the master key, see secret-cipher.ts). Every change is a
 * compare-and-swap of that document, retried on conflict, so concurrent puts to different keys
 * of one scope all survive, also across processes sharing the metastore. The ACL decides alone
 * (the creator starts with MANAGE; removing every MANAGE entry leaves the scope to admins);
 * admins hold every permission. Principals named in ACLs are not checked against the identity
 * store (the SQL/CLI front ends may). createScope answering 'exists' tells anyone that the name
 * is taken, as Databricks' RESOURCE_ALREADY_EXISTS does; nothing else discloses a scope.
 */
export class MetastoreSecretStore implements SecretStore {
  private cipherPromise: Promise<SecretCipher> | undefined;

  constructor(private readonly options: MetastoreSecretStoreOptions) {}

  async createScope(actor: Principal, scope: string): Promise<'created' | 'exists'> {
    checkName('scope', scope);
    const outcome = await this.options.metastore.create({ kind: KIND, parentId: null, name: scope, data: newScopeDocument(actor) });
    return outcome.status === 'created' ? 'created' : 'exists';
  }

  async deleteScope(actor: Principal, scope: string): Promise<'deleted' | 'missing'> {
    checkName('scope', scope);
    const object = await this.options.metastore.get(KIND, null, scope);
    if (object === undefined) {
      if (actor.admin) return 'missing';
      throw denied(actor, scope, 'MANAGE');
    }
    requirePermission(actor, object, 'MANAGE');
    const removed = await this.options.metastore.removeTree(object.id);
    return Array.isArray(removed) && removed.length > 0 ? 'deleted' : 'missing';
  }

  async listScopes(actor: Principal): Promise<SecretScopeInfo[]> {
    const all = await this.options.metastore.list([KIND], null);
    return all.filter((o) => permissionOf(actor, o) !== undefined).map((o) => ({ name: o.name, owner: stringField(o.data, 'owner'), createdAt: o.createdAt }));
  }

  async putSecret(actor: Principal, scope: string, key: string, value: string): Promise<'created' | 'replaced'> {
    checkName('scope', scope);
    checkName('key', key);
    checkValue(scope, key, value);
    const sealed = (await this.cipher()).seal(scope, key, value, this.options.clock.now());
    const metastore = this.options.metastore;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const object = await metastore.get(KIND, null, scope);
      if (object === undefined) {
        const data = { ...newScopeDocument(actor), values: { [key]: sealed } };
        const created = await metastore.create({ kind: KIND, parentId: null, name: scope, data });
        if (created.status === 'created') return 'created';
        continue;
      }
      requirePermission(actor, object, 'WRITE');
      const values = valuesOf(object.data);
      const result = Object.hasOwn(values, key) ? 'replaced' : 'created';
      const outcome = await metastore.update(object.id, { expectedRevision: object.revision, data: { ...object.data, values: { ...values, [key]: sealed } } });
      if (outcome.status === 'updated') return result;
    }
    throw tooManyConflicts(scope);
  }

  async deleteSecret(actor: Principal, scope: string, key: string): Promise<'deleted' | 'missing'> {
    checkName('key', key);
    return this.mutate(actor, scope, 'WRITE', (data) => {
      const values = valuesOf(data);
      if (!Object.hasOwn(values, key)) return { result: 'missing' as const };
      delete values[key];
      return { next: { ...data, values }, result: 'deleted' as const };
    });
  }

  async listSecrets(actor: Principal, scope: string): Promise<SecretKeyInfo[]> {
    const object = await this.requireScope(actor, scope, 'READ');
    return Object.entries(valuesOf(object.data))
      .map(([key, raw]) => ({ key, updatedAt: readSealed(raw)?.updatedAt ?? object.updatedAt }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async putAcl(actor: Principal, scope: string, principal: string, permission: SecretPermission): Promise<void> {
    checkPrincipal(principal);
    if (!PERMISSIONS.includes(permission)) {
      throw new LochError('INVALID_ARGUMENT', `secrets: unknown permission ${JSON.stringify(permission)}; expected one of ${PERMISSIONS.join(', ')}`, { context: { permission } });
    }
    return this.mutate(actor, scope, 'MANAGE', (data) => ({ next: { ...data, acl: { ...aclOf(data), [principal]: permission } }, result: undefined }));
  }

  async deleteAcl(actor: Principal, scope: string, principal: string): Promise<'deleted' | 'missing'> {
    checkPrincipal(principal);
    return this.mutate(actor, scope, 'MANAGE', (data) => {
      const acl = aclOf(data);
      if (!Object.hasOwn(acl, principal)) return { result: 'missing' as const };
      delete acl[principal];
      return { next: { ...data, acl }, result: 'deleted' as const };
    });
  }

  async listAcls(actor: Principal, scope: string): Promise<SecretAcl[]> {
    const object = await this.requireScope(actor, scope, 'MANAGE');
    return Object.entries(aclOf(object.data))
      .map(([principal, permission]) => ({ principal, permission }))
      .sort((a, b) => (a.principal < b.principal ? -1 : a.principal > b.principal ? 1 : 0));
  }

  async check(actor: Principal, scope: string, permission: SecretPermission): Promise<void> {
    await this.requireScope(actor, scope, permission);
  }

  async reveal(actor: Principal, scope: string, key: string): Promise<string> {
    checkName('key', key);
    const object = await this.requireScope(actor, scope, 'READ');
    const values = valuesOf(object.data);
    const raw = Object.hasOwn(values, key) ? values[key] : undefined;
    if (raw === undefined) {
      throw new LochError('NOT_FOUND', `secrets: scope ${scope} has no key ${key} (RESOURCE_DOES_NOT_EXIST)`, { context: { scope, key } });
    }
    const sealed: SealedValue | undefined = readSealed(raw);
    if (sealed === undefined) {
      throw new LochError('CORRUPT_DATA', `secrets: the metastore record of scope ${scope} key ${key} is not a sealed value`, { context: { scope, key } });
    }
    return (await this.cipher()).open(scope, key, sealed);
  }

  /** The scope's object, once the actor is known to hold `permission` (disclosure rule for missing scopes). */
  private async requireScope(actor: Principal, scope: string, permission: SecretPermission): Promise<StoredObject> {
    checkName('scope', scope);
    const object = await this.options.metastore.get(KIND, null, scope);
    if (object === undefined) throw missingScope(actor, scope, permission);
    requirePermission(actor, object, permission);
    return object;
  }

  /** Applies `change` to the scope's document with compare-and-swap, re-checking `permission` on every re-read. */
  private async mutate<T>(actor: Principal, scope: string, permission: SecretPermission, change: (data: Record<string, unknown>) => Change<T>): Promise<T> {
    let object = await this.requireScope(actor, scope, permission);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const { next, result } = change({ ...object.data });
      if (next === undefined) return result;
      const outcome = await this.options.metastore.update(object.id, { expectedRevision: object.revision, data: next });
      if (outcome.status === 'updated') return result;
      if (outcome.status !== 'conflict') throw missingScope(actor, scope, permission);
      object = outcome.object;
      requirePermission(actor, object, permission);
    }
    throw tooManyConflicts(scope);
  }

  private cipher(): Promise<SecretCipher> {
    if (this.cipherPromise === undefined) {
      const pending = this.options.key().then((key) => new SecretCipher(key, this.options.random));
      // A failed resolution (unreadable key file) is retried on the next call, not remembered.
      pending.catch(() => {
        if (this.cipherPromise === pending) this.cipherPromise = undefined;
      });
      this.cipherPromise = pending;
    }
    return this.cipherPromise;
  }
}

function newScopeDocument(actor: Principal): ObjectData {
  return { owner: actor.name, createdBy: actor.name, acl: { [actor.name]: 'MANAGE' }, values: {} };
}

/** The actor's strongest permission on the scope (admins: MANAGE), or undefined for none. */
export function permissionOf(actor: Principal, object: StoredObject): SecretPermission | undefined {
  if (actor.admin) return 'MANAGE';
  const acl = aclOf(object.data);
  let best: SecretPermission | undefined;
  for (const who of [actor.name, ...actor.groups]) {
    const held = Object.hasOwn(acl, who) ? acl[who] : undefined;
    if (held !== undefined && (best === undefined || RANK[held] > RANK[best])) best = held;
  }
  return best;
}

function requirePermission(actor: Principal, object: StoredObject, permission: SecretPermission): void {
  const held = permissionOf(actor, object);
  if (held === undefined || RANK[held] < RANK[permission]) throw denied(actor, object.name, permission);
}

function denied(actor: Principal, scope: string, permission: SecretPermission): LochError {
  return new LochError('PERMISSION_DENIED', `secrets: ${actor.name} lacks ${permission} on secret scope ${scope} (PERMISSION_DENIED)`, {
    context: { principal: actor.name, scope, permission },
  });
}

/** A missing scope: NOT_FOUND for admins (they may see every scope), the same denial as a hidden one for anyone else. */
function missingScope(actor: Principal, scope: string, permission: SecretPermission): LochError {
  if (!actor.admin) return denied(actor, scope, permission);
  return new LochError('NOT_FOUND', `secrets: scope ${scope} does not exist (RESOURCE_DOES_NOT_EXIST)`, { context: { scope } });
}

function tooManyConflicts(scope: string): LochError {
  return new LochError('CONFLICT', `secrets: scope ${scope} kept changing concurrently; try again`, { context: { scope }, retryable: true });
}

function checkName(what: 'scope' | 'key', name: string): void {
  if (typeof name === 'string' && NAME.test(name)) return;
  const shown = typeof name === 'string' ? JSON.stringify(name.length > 140 ? `${name.slice(0, 140)}…` : name) : String(name);
  throw new LochError('INVALID_ARGUMENT', `secrets: invalid ${what} name ${shown}: use 1–128 characters of A-Z a-z 0-9 _ . - @`, { context: { [what]: shown } });
}

/** The value is never named in the message: only where it was going and its size. */
function checkValue(scope: string, key: string, value: string): void {
  if (typeof value !== 'string') {
    throw new LochError('INVALID_ARGUMENT', `secrets: the value for scope ${scope} key ${key} must be a string`, { context: { scope, key } });
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_VALUE_BYTES) {
    throw new LochError('INVALID_ARGUMENT', `secrets: the value for scope ${scope} key ${key} has ${bytes} bytes, more than ${MAX_VALUE_BYTES} (128 KiB)`, { context: { scope, key, bytes } });
  }
}

function checkPrincipal(principal: string): void {
  if (typeof principal === 'string' && principal.trim() !== '' && !/\p{Cc}/u.test(principal)) return;
  throw new LochError('INVALID_ARGUMENT', `secrets: invalid principal name ${JSON.stringify(principal)}`, { context: { principal: String(principal) } });
}

function aclOf(data: ObjectData): Record<string, SecretPermission> {
  const raw = data['acl'];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return {};
  // fromEntries defines own properties, so a principal named __proto__ stays an entry.
  return Object.fromEntries(Object.entries(raw as Record<string, unknown>).filter((e): e is [string, SecretPermission] => (PERMISSIONS as readonly unknown[]).includes(e[1])));
}

function valuesOf(data: ObjectData): Record<string, unknown> {
  const raw = data['values'];
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>) } : {};
}

function stringField(data: ObjectData, key: string): string {
  const value = data[key];
  return typeof value === 'string' ? value : '';
}
