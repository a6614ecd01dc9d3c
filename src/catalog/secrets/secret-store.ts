import type { Principal } from '../governance/governance-types.js';

/**
 * Secrets (API keys of model providers, passwords of external systems), Databricks' model:
 * named scopes of key → value, each scope with its own ACL.
 *
 * Permissions, each including the ones before it: READ (list keys, use values: endpoints read
 * the key they reference with their owner's rights), WRITE (put and delete secrets), MANAGE
 * (change the ACL, delete the scope). The creator of a scope gets MANAGE; admins hold every
 * permission on every scope.
 */
export type SecretPermission = 'READ' | 'WRITE' | 'MANAGE';

export interface SecretScopeInfo {
  readonly name: string;
  readonly owner: string;
  readonly createdAt: number;
}

export interface SecretKeyInfo {
  readonly key: string;
  /** Epoch ms of the last put. */
  readonly updatedAt: number;
}

export interface SecretAcl {
  readonly principal: string;
  readonly permission: SecretPermission;
}

/**
 * The port. Contract, for every implementation:
 * - Values are encrypted at rest (AES-256-GCM, a fresh 96-bit IV per put, the key never stored
 *   beside them); the store's own records, errors, logs and listings never hold a value.
 * - Scope names and keys: 1–128 characters of [A-Za-z0-9_.-@]; INVALID_ARGUMENT otherwise,
 *   naming the bad one. Values: any string up to 128 KiB.
 * - Denials are PERMISSION_DENIED naming the principal, the scope and the permission needed;
 *   a scope the actor has no permission on is refused the same way whether or not it exists.
 * - Unknown scopes and keys are NOT_FOUND (for actors that may see the scope).
 * - `putSecret` on a missing scope creates it with the actor as owner (MANAGE), like
 *   `loch secret put` expects; it is atomic per key (last writer wins) and idempotent.
 * - A value written with another master key fails to decrypt with CORRUPT_DATA saying the secret
 *   key does not match (not garbage).
 */
export interface SecretStore {
  createScope(actor: Principal, scope: string): Promise<'created' | 'exists'>;
  /** Deletes the scope and its secrets (MANAGE). */
  deleteScope(actor: Principal, scope: string): Promise<'deleted' | 'missing'>;
  /** The scopes `actor` holds any permission on, by name. */
  listScopes(actor: Principal): Promise<SecretScopeInfo[]>;
  /** WRITE; creates the scope when missing. */
  putSecret(actor: Principal, scope: string, key: string, value: string): Promise<'created' | 'replaced'>;
  /** WRITE. */
  deleteSecret(actor: Principal, scope: string, key: string): Promise<'deleted' | 'missing'>;
  /** READ; keys and times only, by key. */
  listSecrets(actor: Principal, scope: string): Promise<SecretKeyInfo[]>;
  /** MANAGE. Replaces the principal's permission. */
  putAcl(actor: Principal, scope: string, principal: string, permission: SecretPermission): Promise<void>;
  /** MANAGE. */
  deleteAcl(actor: Principal, scope: string, principal: string): Promise<'deleted' | 'missing'>;
  /** MANAGE. */
  listAcls(actor: Principal, scope: string): Promise<SecretAcl[]>;
  /** PERMISSION_DENIED unless `actor` holds `permission` on the scope (NOT_FOUND for a missing scope the actor could see). */
  check(actor: Principal, scope: string, permission: SecretPermission): Promise<void>;
  /** The plaintext value (READ). Only the model gateway calls this, as the endpoint's owner. */
  reveal(actor: Principal, scope: string, key: string): Promise<string>;
}
