import type { Privilege } from '../../catalog/governance/governance-types.js';
import type { NameParts } from './catalog-ast.js';

/**
 * Governance statements as parsed (Databricks syntax, plus Loch's CREATE/DROP USER): names are
 * the parts as written (quotes removed, case kept); principals exactly as written (they are
 * case-sensitive). The executor resolves object names against the session.
 */

/** The object a GRANT, REVOKE or SHOW GRANTS names. */
export type SecurableSpec =
  | { readonly kind: 'metastore' }
  /** CATALOG without a name is the session's current catalog. */
  | { readonly kind: 'catalog'; readonly name?: string }
  | { readonly kind: 'schema'; readonly name: NameParts }
  /** TABLE and VIEW are one securable type (TABLE), as in Unity Catalog; the keyword is kept for messages. */
  | { readonly kind: 'table' | 'view' | 'volume' | 'function'; readonly name: NameParts }
  /** MODEL ENDPOINT e (a MODEL_ENDPOINT securable). */
  | { readonly kind: 'model_endpoint'; readonly name: NameParts };

export interface GrantStatement {
  readonly kind: 'grant' | 'revoke';
  /** Normalised spellings (`USE CATALOG`), duplicates removed, in the order written. */
  readonly privileges: readonly Privilege[];
  readonly securable: SecurableSpec;
  readonly principal: string;
}

/** Membership lists of CREATE GROUP … WITH and ALTER GROUP … ADD|REMOVE. */
export interface Members {
  readonly users: readonly string[];
  readonly groups: readonly string[];
}

export type GovernanceStatement =
  | GrantStatement
  /** SHOW GRANTS [principal] ON securable. */
  | { readonly kind: 'show_grants'; readonly principal?: string; readonly securable: SecurableSpec }
  /** SHOW GRANTS TO principal (Loch): what the principal holds, directly, on what the caller can see. */
  | { readonly kind: 'show_grants_to'; readonly principal: string }
  | { readonly kind: 'create_user'; readonly name: string; readonly ifNotExists: boolean }
  | { readonly kind: 'drop_user'; readonly name: string; readonly ifExists: boolean }
  | ({ readonly kind: 'create_group'; readonly name: string; readonly ifNotExists: boolean } & Members)
  | ({ readonly kind: 'alter_group'; readonly name: string; readonly action: 'add' | 'remove' } & Members)
  | { readonly kind: 'drop_group'; readonly name: string; readonly ifExists: boolean }
  | { readonly kind: 'show_users'; readonly pattern?: string }
  | { readonly kind: 'show_groups'; readonly withUser?: string; readonly withGroup?: string; readonly pattern?: string };
