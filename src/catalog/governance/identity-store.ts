/**
 * Users, groups and personal access tokens, kept in the metastore (kinds 'principal' and
 * 'token', parent null) so that every process sharing the metastore sees the same identities.
 *
 * Contract:
 * - Principal names are case-sensitive as given (e-mail-like names are common), 1–255
 *   characters, no control characters; users and groups share one namespace.
 * - Tokens are 'dapi' + 32 random lower-case hex characters (Databricks PAT shape) drawn from the
 *   injected randomness; only SHA-256(token) is stored. `authenticate` of an unknown, revoked or
 *   expired token is undefined; a revoked token stops working at once in every process (no
 *   cache outlives the call).
 * - Admin operations (creating principals, tokens for others, membership) are checked by the
 *   caller's door (the CLI is admin; the HTTP token API lets users manage their own tokens).
 * - Failures: INVALID_ARGUMENT for bad names, NOT_FOUND for unknown principals
 *   ("identity: principal bob does not exist (PRINCIPAL_DOES_NOT_EXIST)"), STORAGE_ERROR from
 *   the metastore.
 */
import type { Principal, PrincipalInfo, TokenInfo } from './governance-types.js';

export interface IdentityStore {
  createUser(name: string, options?: { readonly admin?: boolean }): Promise<'created' | 'exists'>;
  createGroup(name: string): Promise<'created' | 'exists'>;
  /** Adds a user or group to a group (cycles are INVALID_ARGUMENT). */
  addMember(group: string, member: string): Promise<'added' | 'exists'>;
  removeMember(group: string, member: string): Promise<'removed' | 'missing'>;
  /** Removes a principal, its memberships and its tokens. */
  dropPrincipal(name: string): Promise<'dropped' | 'missing'>;
  getPrincipalInfo(name: string): Promise<PrincipalInfo | undefined>;
  listPrincipals(kind?: 'user' | 'group'): Promise<PrincipalInfo[]>;
  /** The principal resolved (transitive groups incl. `account users`, admin flag); undefined when unknown. */
  resolve(name: string): Promise<Principal | undefined>;

  /** A new token for an existing principal; the token text is returned once and never stored. */
  createToken(principal: string, options?: { readonly comment?: string; readonly lifetimeSeconds?: number }): Promise<{ readonly token: string; readonly info: TokenInfo }>;
  /** Tokens of one principal, or all (admin listing), by creation time. */
  listTokens(principal?: string): Promise<TokenInfo[]>;
  revokeToken(id: string): Promise<'revoked' | 'missing'>;
  /** The principal a token belongs to; undefined for unknown, revoked or expired tokens. */
  authenticate(token: string): Promise<Principal | undefined>;
}
