/**
 * The metastore port: where the catalog keeps the identity of its objects (catalogs, schemas,
 * tables and views, volumes). It is a small hierarchical document store with compare-and-swap:
 * each object has an id, a kind, a parent, a name unique among its live siblings of the same
 * namespace, and a JSON document the catalog layer interprets. Table schemas and versions are
 * NOT here: the Delta log stays their source of truth.
 *
 * Contract, for every implementation (memory, SQLite, PostgreSQL; tests/contract/metastore.*):
 * - Every method is atomic: it takes effect completely or not at all, also when several
 *   processes share one metastore. Concurrent `create`s of one name: exactly one 'created'.
 * - Names are compared exactly as given; the catalog layer normalises them (lower case) before
 *   calling. Names may hold any Unicode, quotes included.
 * - Uniqueness: among objects with the same parent and the same namespace that are not
 *   soft-deleted. Namespaces: 'table' and 'view' share one ('relation'); every other kind is its
 *   own. Soft-deleted objects never block a name.
 * - A parent must exist and be live for `create` (and for `restore` of a child); otherwise the
 *   outcome is 'parent_missing'. A dropped parent hides nothing: `removeTree` is how children go.
 * - Times are epoch milliseconds from the injected Clock; ids come from the injected IdSource
 *   (the caller may also supply one). `revision` starts at 1 and grows by 1 with every update.
 * - Lists are ordered by name (code-point order), then id.
 * - Expected outcomes are values; LochError STORAGE_ERROR (retryable when the backend says so)
 *   only for failures of the backend itself.
 */

/**
 * What an object is. Governance adds 'function' (a SQL function under a schema),
 * 'model_endpoint' (a model endpoint under a schema), 'vector_index' (a vector search index under a
 * schema; catalog-vector-indexes.ts), 'secret_scope' (a secret scope with its
 * ACL and encrypted values, parent null), 'principal'
 * (a user or group, parent null), 'token' (a personal access token by the SHA-256 of its text,
 * parent null) and 'metastore' (the singleton holding metastore-level grants, parent null).
 */
export type ObjectKind = 'catalog' | 'schema' | 'table' | 'view' | 'volume' | 'function' | 'model_endpoint' | 'vector_index' | 'secret_scope' | 'principal' | 'token' | 'metastore';

/**
 * The namespace a kind's names live in: tables and views share one, as in Unity Catalog; every
 * other kind has its own, so a function or a model endpoint may share a table's name (Databricks
 * keeps serving endpoints apart from tables and functions too).
 */
export function namespaceOf(kind: ObjectKind): string {
  return kind === 'table' || kind === 'view' ? 'relation' : kind;
}

/** A JSON document: the catalog layer's typed fields (comment, owner, location, properties…). */
export type ObjectData = Readonly<Record<string, unknown>>;

export interface StoredObject {
  readonly id: string;
  readonly kind: ObjectKind;
  /** null for catalogs. */
  readonly parentId: string | null;
  readonly name: string;
  readonly data: ObjectData;
  readonly revision: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Set while soft-deleted (a dropped table kept for UNDROP); null when live. */
  readonly deletedAt: number | null;
}

export interface NewObject {
  readonly kind: ObjectKind;
  readonly parentId: string | null;
  readonly name: string;
  readonly data: ObjectData;
  /** An id chosen by the caller (a managed table's folder is named by it); generated otherwise. */
  readonly id?: string;
}

export type CreateOutcome =
  | { readonly status: 'created'; readonly object: StoredObject }
  /** A live sibling of the same namespace has the name; `object` is that sibling. */
  | { readonly status: 'exists'; readonly object: StoredObject }
  | { readonly status: 'parent_missing' };

export interface ObjectUpdate {
  /** Compare-and-swap: the update applies only if the object's revision is still this. */
  readonly expectedRevision?: number;
  readonly name?: string;
  /** Replaces the whole document. */
  readonly data?: ObjectData;
}

export type UpdateOutcome =
  | { readonly status: 'updated'; readonly object: StoredObject }
  /** No live object has the id. */
  | { readonly status: 'missing' }
  /** `expectedRevision` did not match; `object` is the current state. */
  | { readonly status: 'conflict'; readonly object: StoredObject }
  /** The new name is taken by a live sibling of the same namespace. */
  | { readonly status: 'name_taken' };

export type RestoreOutcome =
  | { readonly status: 'restored'; readonly object: StoredObject }
  | { readonly status: 'missing' }
  | { readonly status: 'name_taken' }
  | { readonly status: 'parent_missing' };

export interface ListOptions {
  /** Only soft-deleted objects (for UNDROP and purging) instead of live ones. */
  readonly deleted?: boolean;
}

export interface Metastore {
  /** A description for messages: 'sqlite /w/metastore.db', 'postgres 127.0.0.1:5432/loch'. */
  readonly description: string;

  create(object: NewObject): Promise<CreateOutcome>;

  /** The live object of `kind` named `name` under `parentId`. */
  get(kind: ObjectKind, parentId: string | null, name: string): Promise<StoredObject | undefined>;

  /** The object with the id, live or soft-deleted. */
  getById(id: string): Promise<StoredObject | undefined>;

  /** Live (or, with `deleted`, soft-deleted) objects of the kinds under `parentId`, by name. */
  list(kinds: readonly ObjectKind[], parentId: string | null, options?: ListOptions): Promise<StoredObject[]>;

  /** Renames and/or replaces the document of a live object, bumping its revision. */
  update(id: string, update: ObjectUpdate): Promise<UpdateOutcome>;

  /**
   * Soft-deletes a live object at time `at` (it keeps its id and document); returns the object
   * as it now is, or undefined when no live object has the id. Only leaves (no live children)
   * may be soft-deleted; an object with live children is returned unchanged as 'has_children'.
   */
  softDelete(id: string, at: number): Promise<StoredObject | 'has_children' | undefined>;

  /** Brings a soft-deleted object back under its old name and parent. */
  restore(id: string): Promise<RestoreOutcome>;

  /**
   * Removes the object and every descendant (live or soft-deleted) for good, in one
   * transaction; returns everything removed (the object first), or [] when the id is unknown.
   * With `onlyIfLeaf`, removes nothing and returns 'has_children' if a live child exists.
   */
  removeTree(id: string, options?: { readonly onlyIfLeaf?: boolean }): Promise<StoredObject[] | 'has_children'>;

  close(): Promise<void>;
}
