/**
 * Identity and access: the types every door (SQL, statement API, Unity Catalog REST, Iceberg
 * REST, PostgreSQL wire, CLI) shares, so that one decision procedure governs them all.
 *
 * The model is Unity Catalog's:
 * - Securables form a hierarchy: metastore → catalog → schema → table/view, volume, function.
 * - A privilege granted on a catalog or schema applies to every current and future child of the
 *   matching type (`GRANT SELECT ON SCHEMA s` → SELECT on every table of s).
 * - Using an object needs the whole path: SELECT on a table needs USE CATALOG on its catalog and
 *   USE SCHEMA on its schema as well. ALL PRIVILEGES stands for every privilege applicable to
 *   the securable and its children, expanded when checked (so later privileges are included);
 *   it does not include MANAGE.
 * - The owner of an object holds every privilege on it; the owner of a catalog or schema holds
 *   them on its children too (as the parent owner can manage them). Only the owner, a MANAGE
 *   holder (on the object or an ancestor) or an admin may grant, revoke, alter or drop.
 * - Admins (metastore admins: the warehouse's own `loch` CLI user, the bootstrap admin, members
 *   of group `admins`) are never refused.
 * - A principal's privileges are its own plus those of every group it belongs to, directly or
 *   through nested groups, plus those of the built-in group `account users` (every user).
 *
 * Disclosure rule (no leaks through errors): an object the principal cannot see is refused with
 * PERMISSION_DENIED whether or not it exists; NOT_FOUND is only said of names inside something
 * the principal may list. Listings leave out what the principal may not see.
 */
import type { ObjectName } from '../catalog-types.js';

export const PRIVILEGES = [
  'CREATE CATALOG',
  'USE CATALOG',
  'CREATE SCHEMA',
  'USE SCHEMA',
  'CREATE TABLE',
  'CREATE VOLUME',
  'CREATE FUNCTION',
  'CREATE MODEL ENDPOINT',
  'SELECT',
  'MODIFY',
  'READ VOLUME',
  'WRITE VOLUME',
  'EXECUTE',
  'ALL PRIVILEGES',
  'MANAGE',
] as const;

/** A privilege, spelled as in SQL (`USE CATALOG`, `ALL PRIVILEGES`). */
export type Privilege = (typeof PRIVILEGES)[number];

/** Unity Catalog securable types (a view is a TABLE securable, as in UC). */
export type SecurableType = 'METASTORE' | 'CATALOG' | 'SCHEMA' | 'TABLE' | 'VOLUME' | 'FUNCTION' | 'MODEL_ENDPOINT';

/** A securable by name (names normalised: lower case). */
export type SecurableRef =
  | { readonly type: 'METASTORE' }
  | { readonly type: 'CATALOG'; readonly catalog: string }
  | { readonly type: 'SCHEMA'; readonly catalog: string; readonly schema: string }
  | { readonly type: 'TABLE' | 'VOLUME' | 'FUNCTION' | 'MODEL_ENDPOINT'; readonly name: ObjectName };

/** The built-in group every user belongs to. */
export const ALL_USERS_GROUP = 'account users';
/** Members of this group are admins. */
export const ADMINS_GROUP = 'admins';

/** Who acts, resolved: groups are transitive and include `account users` for users. */
export interface Principal {
  readonly name: string;
  readonly kind: 'user' | 'group';
  readonly admin: boolean;
  readonly groups: readonly string[];
}

/** A principal as stored and listed. */
export interface PrincipalInfo {
  readonly name: string;
  readonly kind: 'user' | 'group';
  /** Set directly on the principal (not through `admins`). */
  readonly admin: boolean;
  /** Groups: their direct members (users and groups). Users: []. */
  readonly members: readonly string[];
  readonly createdAt: number;
}

/** A personal access token as listed; the token itself is never stored (only its SHA-256). */
export interface TokenInfo {
  readonly id: string;
  readonly principal: string;
  readonly comment?: string;
  readonly createdAt: number;
  /** Epoch ms; undefined = does not expire. */
  readonly expiresAt?: number;
}

/** The direct grants on one securable, one entry per principal (privileges sorted as PRIVILEGES). */
export interface GrantEntry {
  readonly principal: string;
  readonly privileges: readonly Privilege[];
}

/** A grant that applies to a securable, directly or inherited from an ancestor. */
export interface EffectiveGrant {
  readonly principal: string;
  readonly privilege: Privilege;
  /** Where it was granted: the securable itself or an ancestor. */
  readonly on: SecurableRef;
  readonly inherited: boolean;
}

/** One principal's change in an update of grants (UC's PermissionsChange). */
export interface GrantChange {
  readonly principal: string;
  readonly add?: readonly Privilege[];
  readonly remove?: readonly Privilege[];
}

/** `ALTER TABLE … SET ROW FILTER f ON (cols)`: rows where f(cols) is not TRUE are hidden. */
export interface RowFilter {
  /** The filter function's full name, `catalog.schema.name`, normalised. */
  readonly function: string;
  readonly columns: readonly string[];
}

/** `ALTER COLUMN c SET MASK f [USING COLUMNS (…)]`: c reads as f(c, using…). */
export interface ColumnMask {
  readonly function: string;
  readonly usingColumns: readonly string[];
}

/** A SQL function (`CREATE FUNCTION c.s.f(p T, …) RETURNS T RETURN expr`). */
export interface FunctionParameter {
  readonly name: string;
  /** Spark/Databricks type text as written, e.g. STRING, DECIMAL(10,2). */
  readonly type: string;
  readonly comment?: string;
}

export interface FunctionDefinition {
  readonly parameters: readonly FunctionParameter[];
  /** Type text of the result. */
  readonly returnType: string;
  /** The body: one SQL expression over the parameters (RETURN …). */
  readonly body: string;
  readonly comment?: string;
  /** Deterministic unless NOT DETERMINISTIC was written. */
  readonly deterministic?: boolean;
}

/** Where one request comes from: what audit records carry besides principal and object. */
export interface RequestContext {
  readonly requestId: string;
  /** Which door: 'sql' (embedded), 'cli', 'statements', 'unity-catalog', 'iceberg-rest', 'pgwire'. */
  readonly service: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  readonly sessionId?: string;
}

/** One audited decision or request (rows of system.access.audit). */
export interface AuditEvent {
  /** Epoch ms. */
  readonly time: number;
  readonly request: RequestContext;
  readonly principal: string;
  /** What was attempted: a privilege ('SELECT'), or an API action ('getTable', 'executeStatement', 'login'). */
  readonly action: string;
  /** The object's type and full name, when there is one. */
  readonly objectType?: SecurableType | 'TOKEN' | 'PRINCIPAL' | 'STATEMENT';
  readonly objectName?: string;
  readonly allowed: boolean;
  /** HTTP-like status: 200 allowed, 401 unauthenticated, 403 denied, 4xx/5xx failures. */
  readonly statusCode: number;
  readonly errorMessage?: string;
  /** Request parameters safe to record (never tokens, passwords or statement parameter values). */
  readonly params?: Readonly<Record<string, string>>;
}

/**
 * Where audit events go. `record` never throws and never blocks the request: events are queued
 * and written in batches; `flush` writes what is queued (on shutdown, and in tests).
 */
export interface AuditSink {
  record(event: AuditEvent): void;
  flush(): Promise<void>;
}

/** An audit sink that drops everything (embedded use before the server wires a real one). */
export const NO_AUDIT: AuditSink = {
  record: () => {},
  flush: async () => {},
};
