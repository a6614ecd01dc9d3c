/**
 * The catalog's objects as the layers above see them (Unity Catalog's model), and the Catalog
 * service contract. The SQL front end, the CLI and (later) the server use only this interface;
 * `LakehouseCatalog` (catalog-service.ts) implements it over a Metastore and the object stores.
 *
 * Names: identifiers are case-insensitive and stored lower-case, as in Unity Catalog. A name is
 * 1–255 characters and holds no '.', ' ', '/', control characters or DEL; anything else
 * (quotes, Unicode) is allowed. An invalid name is INVALID_ARGUMENT naming the object.
 *
 * Errors (LochError; message starts with "catalog: " and names the full object name, ending with
 * Databricks' error class in parentheses so users can search it):
 * - NOT_FOUND: "catalog: table main.default.t does not exist (TABLE_OR_VIEW_NOT_FOUND)",
 *   likewise NO_SUCH_CATALOG_EXCEPTION, SCHEMA_NOT_FOUND, VOLUME_NOT_FOUND.
 * - ALREADY_EXISTS: TABLE_OR_VIEW_ALREADY_EXISTS, SCHEMA_ALREADY_EXISTS,
 *   CATALOG_ALREADY_EXISTS, VOLUME_ALREADY_EXISTS.
 * - INVALID_ARGUMENT: dropping a non-empty catalog or schema without CASCADE
 *   (SCHEMA_NOT_EMPTY), DROP VIEW on a table and DROP TABLE on a view (WRONG_COMMAND_FOR_OBJECT_TYPE),
 *   dropping `main` is allowed (Databricks allows it) but dropping the current schema is not refused.
 */
import type { LochError } from '../core/errors.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { ColumnMask, EffectiveGrant, FunctionDefinition, GrantChange, GrantEntry, Principal, Privilege, RowFilter, SecurableRef } from './governance/governance-types.js';

/** A three-part name, normalised (lower case). */
export interface ObjectName {
  readonly catalog: string;
  readonly schema: string;
  readonly name: string;
}

/** What every catalog object carries. Times are epoch ms. */
export interface ObjectCommon {
  readonly id: string;
  readonly comment?: string;
  readonly owner: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly updatedAt: number;
  readonly updatedBy: string;
}

export interface CatalogInfo extends ObjectCommon {
  readonly name: string;
  /** MANAGED LOCATION: where managed tables and volumes of this catalog live (URL or path). */
  readonly storageRoot?: string;
}

export interface SchemaInfo extends ObjectCommon {
  readonly catalog: string;
  readonly name: string;
  readonly storageRoot?: string;
}

export type TableType = 'MANAGED' | 'EXTERNAL' | 'VIEW';

/** How a table's data and history are kept: a Delta log, or Iceberg metadata the catalog points to. */
export type TableFormat = 'DELTA' | 'ICEBERG';

/** What registerTable records besides the plan. */
export interface RegisterOptions {
  readonly comment?: string;
  /** Default 'DELTA'. */
  readonly format?: TableFormat;
  /** Required for (and only for) 'ICEBERG': the table's first committed metadata file. */
  readonly metadataLocation?: string;
}

export interface TableInfo extends ObjectCommon {
  readonly catalog: string;
  readonly schema: string;
  readonly name: string;
  readonly tableType: TableType;
  /** The table format ('DELTA' or 'ICEBERG'; a record without one is Delta); undefined for views. */
  readonly format?: TableFormat;
  /**
   * ICEBERG tables: the current metadata JSON file (absolute URL or path), moved only by
   * commitIcebergMetadata. Readers open exactly this file and never list `metadata/`.
   */
  readonly metadataLocation?: string;
  /** The table's root (absolute local path or URL); undefined for views. */
  readonly location?: string;
  /** Views: the query text as written, and the catalog/schema its unqualified names resolve in. */
  readonly viewText?: string;
  readonly viewContext?: { readonly catalog: string; readonly schema: string };
  /** Views: the output columns recorded at creation (name and DuckDB type), for DESCRIBE and information_schema. */
  readonly viewColumns?: readonly { readonly name: string; readonly type: string }[];
  /** Set for a dropped table awaiting UNDROP or purge. */
  readonly deletedAt?: number;
  /** Row filter applied to every read of the table (tables only). */
  readonly rowFilter?: RowFilter;
  /** Column masks by (lower-case) column name. */
  readonly columnMasks?: Readonly<Record<string, ColumnMask>>;
}

/** A SQL function of a schema (kind 'function' in the metastore). */
export interface FunctionInfo extends ObjectCommon {
  readonly catalog: string;
  readonly schema: string;
  readonly name: string;
  readonly definition: FunctionDefinition;
}

/**
 * A model endpoint of a schema (kind 'model_endpoint' in the metastore). The catalog stores the
 * definition as an opaque JSON document: the ai layer defines and validates it.
 */
export interface ModelEndpointInfo extends ObjectCommon {
  readonly catalog: string;
  readonly schema: string;
  readonly name: string;
  readonly definition: Readonly<Record<string, unknown>>;
}

export type VolumeType = 'MANAGED' | 'EXTERNAL';

export interface VolumeInfo extends ObjectCommon {
  readonly catalog: string;
  readonly schema: string;
  readonly name: string;
  readonly volumeType: VolumeType;
  /** The folder holding the volume's files (absolute local path or URL). */
  readonly location: string;
}

/** Changes of ALTER … (each optional; properties merge, unset removes). */
export interface ObjectChange {
  readonly comment?: string | null;
  readonly owner?: string;
  readonly setProperties?: Readonly<Record<string, string>>;
  readonly unsetProperties?: readonly string[];
  /** RENAME TO: a new last name part (catalog, schema, table or volume stays in its parent). */
  readonly newName?: string;
}

export interface CreateOptions {
  readonly comment?: string;
  readonly properties?: Readonly<Record<string, string>>;
  /** IF NOT EXISTS: an existing object is the outcome 'exists' instead of ALREADY_EXISTS. */
  readonly ifNotExists?: boolean;
}

export interface DropOptions {
  /** IF EXISTS: a missing object is the outcome 'missing' instead of NOT_FOUND. */
  readonly ifExists?: boolean;
  /** CASCADE: drop children too (catalogs, schemas). */
  readonly cascade?: boolean;
}

/** Identity and location reserved for a table about to be created (see planTable). */
export interface TablePlan {
  readonly id: string;
  readonly name: ObjectName;
  readonly tableType: 'MANAGED' | 'EXTERNAL';
  readonly location: string;
}

/** A file inside a volume: the store rooted at the volume and the key within it. */
export interface VolumeFile {
  readonly volume: VolumeInfo;
  /** The volume's store (keys are relative to the volume's root). */
  readonly store: ObjectStore;
  /** The key under the volume root ('' for the root itself); never escapes it. */
  readonly key: string;
  /** The path as given, normalised: /Volumes/<catalog>/<schema>/<volume>/<key>. */
  readonly path: string;
}

/**
 * Governance: every method of a Catalog acts as `actor` and checks its privileges first (see
 * governance/governance-types.ts for the model and the disclosure rule): PERMISSION_DENIED
 * (message "catalog: <principal> lacks <PRIVILEGE> on <type> <full name> (PERMISSION_DENIED)")
 * when refused; listings leave out what the actor may not see; every decision of `authorize`
 * and every refused call is recorded in the audit sink the catalog was made with. An admin
 * actor is never refused. The SQL front end adds the checks the catalog cannot know (SELECT on
 * every table a query reads, MODIFY on every table a write changes, EXECUTE on functions called)
 * through `authorize`.
 *
 * What each method needs (all below the catalog also need the USE path: USE CATALOG on the
 * catalog and USE SCHEMA on the schema; owners of a parent hold everything below it):
 * - createCatalog: CREATE CATALOG on the metastore. createSchema: CREATE SCHEMA on the catalog.
 *   planTable, registerTable, discardPlan, createView: CREATE TABLE on the schema (CREATE OR
 *   REPLACE of an existing view also needs MANAGE on it). createVolume: CREATE VOLUME;
 *   createFunction: CREATE FUNCTION (OR REPLACE: MANAGE on the existing function).
 * - get…, find… and list… methods: visibility. A catalog is visible with USE CATALOG, a schema with the USE
 *   path; a table, view, volume or function with the path and any privilege on it (its own,
 *   inherited, MANAGE) or ownership. A catalog or schema the actor cannot see is refused whether
 *   or not it exists (PERMISSION_DENIED naming USE CATALOG / USE SCHEMA); inside a visible
 *   schema a missing object is NOT_FOUND (find*: undefined) and a hidden one PERMISSION_DENIED
 *   naming SELECT / READ VOLUME / EXECUTE. Listings leave hidden objects out.
 * - alter*, drop*, undropTable, setRowFilter/setColumnMask, updateGrants: ownership (of the
 *   object or a parent) or MANAGE (on it or a parent). A new owner must be a known principal.
 *   Policies also need EXECUTE on the function set. listDroppedTables lists only what the actor
 *   may undrop. purgeDropped and metastore grants: admins only.
 * - getGrants/getEffectiveGrants: visibility. icebergMetadataLocation: SELECT;
 *   commitIcebergMetadata: MODIFY (the table found by id). resolveVolumePath: READ VOLUME or
 *   WRITE VOLUME.
 * Objects are owned by the actor that created them.
 */
export interface Catalog {
  /** Who acts: owner of what this process creates (the OS user for the embedded shell). */
  readonly principal: string;
  /** The acting principal with its groups and admin flag. */
  readonly actor: Principal;

  /**
   * The same catalog acting as the principal named `owner` (definer rights): a view's body is
   * expanded with its owner's privileges, not the reader's. Resolves the owner's groups and
   * admin flag from the identity store; an owner that no longer exists holds no privileges (so
   * its views stop working rather than running with someone else's rights). Shares the
   * metastore, audit sink and request context; the same owner gives the same catalog within
   * one catalog instance.
   */
  definer(owner: string): Promise<Catalog>;

  /** PERMISSION_DENIED unless the actor holds `privilege` on the securable (with the USE path). Audited. */
  authorize(privilege: Privilege, securable: SecurableRef): Promise<void>;
  /**
   * Records in the audit sink a PERMISSION_DENIED refusal decided outside the catalog (the SQL
   * front end's lockdown and guards) as a refused `action`; errors the catalog raised itself
   * are audited already (context `audited`) and ignored, as is any other error.
   */
  recordRefusal(action: string, error: LochError): void;
  /** The same decision as a value, not audited (for listings and visibility). */
  mayAccess(privilege: Privilege, securable: SecurableRef): Promise<boolean>;
  /** Direct grants on the securable (the actor must see it). */
  getGrants(securable: SecurableRef): Promise<GrantEntry[]>;
  /** Grants that apply to the securable, inherited ones included; optionally of one principal. */
  getEffectiveGrants(securable: SecurableRef, principal?: string): Promise<EffectiveGrant[]>;
  /**
   * GRANT/REVOKE: applies the changes atomically (CAS on the securable's document) and returns
   * the direct grants after. Only the owner, a MANAGE holder or an admin; a grantee that is not
   * a known principal is INVALID_ARGUMENT (PRINCIPAL_DOES_NOT_EXIST); a privilege that does not
   * apply to the securable type is INVALID_ARGUMENT.
   */
  updateGrants(securable: SecurableRef, changes: readonly GrantChange[]): Promise<GrantEntry[]>;

  createFunction(name: ObjectName, definition: FunctionDefinition, options?: CreateOptions & { readonly orReplace?: boolean }): Promise<'created' | 'exists' | 'replaced'>;
  getFunction(name: ObjectName): Promise<FunctionInfo>;
  findFunction(name: ObjectName): Promise<FunctionInfo | undefined>;
  listFunctions(catalog: string, schema: string): Promise<FunctionInfo[]>;
  dropFunction(name: ObjectName, options?: DropOptions): Promise<'dropped' | 'missing'>;
  /**
   * Model endpoints, governed like functions: create needs CREATE MODEL ENDPOINT on the schema
   * (OR REPLACE also MANAGE on the existing one); get/find/list need visibility (any privilege
   * on the endpoint, e.g. EXECUTE, or ownership); alter (definition and/or comment) and drop
   * need ownership or MANAGE. Calling one needs EXECUTE (checked by the ai layer via authorize).
   * Endpoints have their own namespace in a schema (one may share a table's or a function's
   * name, as Databricks keeps serving endpoints apart); they make a schema non-empty for DROP
   * SCHEMA without CASCADE and go with it under CASCADE. The definition is any JSON object
   * (INVALID_ARGUMENT otherwise), stored as a deep copy and handed back as one; alter's
   * `comment: ''` removes the comment. Errors: NOT_FOUND RESOURCE_DOES_NOT_EXIST, ALREADY_EXISTS
   * RESOURCE_ALREADY_EXISTS, hidden ones PERMISSION_DENIED naming EXECUTE.
   */
  createModelEndpoint(name: ObjectName, definition: Readonly<Record<string, unknown>>, options?: CreateOptions & { readonly orReplace?: boolean }): Promise<'created' | 'exists' | 'replaced'>;
  getModelEndpoint(name: ObjectName): Promise<ModelEndpointInfo>;
  findModelEndpoint(name: ObjectName): Promise<ModelEndpointInfo | undefined>;
  listModelEndpoints(catalog: string, schema: string): Promise<ModelEndpointInfo[]>;
  alterModelEndpoint(name: ObjectName, change: { readonly definition?: Readonly<Record<string, unknown>>; readonly comment?: string; readonly owner?: string }): Promise<ModelEndpointInfo>;
  dropModelEndpoint(name: ObjectName, options?: DropOptions): Promise<'dropped' | 'missing'>;

  /** SET/DROP ROW FILTER (null drops); owner, MANAGE or admin. The function must exist. */
  setRowFilter(table: ObjectName, filter: RowFilter | null): Promise<TableInfo>;
  /** ALTER COLUMN … SET/DROP MASK (null drops); owner, MANAGE or admin. */
  setColumnMask(table: ObjectName, column: string, mask: ColumnMask | null): Promise<TableInfo>;

  /** Ensures catalog `main` and schema `main.default` exist (idempotent; safe across processes). */
  bootstrap(): Promise<void>;

  createCatalog(name: string, options?: CreateOptions & { readonly managedLocation?: string }): Promise<'created' | 'exists'>;
  getCatalog(name: string): Promise<CatalogInfo>;
  listCatalogs(): Promise<CatalogInfo[]>;
  alterCatalog(name: string, change: ObjectChange): Promise<CatalogInfo>;
  /** CASCADE removes schemas, tables (managed data deleted), volumes (managed files deleted), functions and model endpoints. */
  dropCatalog(name: string, options?: DropOptions): Promise<'dropped' | 'missing'>;

  createSchema(catalog: string, name: string, options?: CreateOptions & { readonly managedLocation?: string }): Promise<'created' | 'exists'>;
  getSchema(catalog: string, name: string): Promise<SchemaInfo>;
  listSchemas(catalog: string): Promise<SchemaInfo[]>;
  alterSchema(catalog: string, name: string, change: ObjectChange): Promise<SchemaInfo>;
  dropSchema(catalog: string, name: string, options?: DropOptions): Promise<'dropped' | 'missing'>;

  /** A table or view; NOT_FOUND (TABLE_OR_VIEW_NOT_FOUND) when absent, also when the schema or catalog is. */
  getTable(name: ObjectName): Promise<TableInfo>;
  findTable(name: ObjectName): Promise<TableInfo | undefined>;
  /** Tables and views of a schema, by name. NOT_FOUND when the schema does not exist. */
  listTables(catalog: string, schema: string): Promise<TableInfo[]>;

  /**
   * Reserves an id and a location for a new table: `location` given → EXTERNAL there; otherwise
   * MANAGED under the schema's, catalog's or warehouse's storage root at `<root>/tables/<id>`.
   * Writes nothing; the caller creates the Delta table there and then calls registerTable.
   * NOT_FOUND when the schema does not exist.
   */
  planTable(name: ObjectName, location?: string): Promise<TablePlan>;
  /**
   * Records a table whose Delta log (format DELTA, the default) or first Iceberg metadata file
   * (format ICEBERG, `metadataLocation` required; INVALID_ARGUMENT without it, or with it for
   * Delta) now exists at plan.location. 'exists' when another table took the name meanwhile
   * (the caller then removes a managed plan's folder with discardPlan).
   */
  registerTable(plan: TablePlan, options?: RegisterOptions): Promise<'created' | 'exists'>;
  /**
   * The current metadata file of the ICEBERG table with this id (TableInfo.id / TablePlan.id);
   * undefined when no live table has the id (dropped, purged, never registered).
   * INVALID_ARGUMENT when the id names a Delta table or a view.
   */
  icebergMetadataLocation(tableId: string): Promise<string | undefined>;
  /**
   * Moves an ICEBERG table's metadata pointer from `expected` to `next`: the commit point of
   * every Iceberg write to a catalog table. Compare-and-swap on the metastore document's
   * revision, atomic across processes sharing the metastore: of concurrent calls with the same
   * `expected`, exactly one returns 'committed'. 'conflict' (nothing changed) when the pointer
   * is no longer `expected` (undefined never matches a registered table) or the table was
   * dropped; NOT_FOUND when no table, live or dropped, has the id; INVALID_ARGUMENT for a Delta
   * table or a view. Changes of other fields meanwhile (owner, comment, rename) are not
   * conflicts: the swap re-reads and retries. Nothing else of the document changes.
   */
  commitIcebergMetadata(tableId: string, expected: string | undefined, next: string): Promise<'committed' | 'conflict'>;
  /** Best-effort removal of a managed plan's folder after a lost race or a failed create. */
  discardPlan(plan: TablePlan): Promise<void>;

  createView(
    name: ObjectName,
    view: { readonly text: string; readonly context: { readonly catalog: string; readonly schema: string }; readonly columns: readonly { readonly name: string; readonly type: string }[] },
    options?: CreateOptions & { readonly orReplace?: boolean },
  ): Promise<'created' | 'exists' | 'replaced'>;

  /** ALTER TABLE/VIEW … RENAME TO, SET/UNSET TBLPROPERTIES (views only: Delta tables keep theirs in the log), OWNER, COMMENT. */
  alterTable(name: ObjectName, change: ObjectChange): Promise<TableInfo>;
  /**
   * DROP TABLE soft-deletes (UNDROP can bring it back within the retention window; a managed
   * table's data is deleted when purged); DROP VIEW removes. `kind` checks the object's type.
   */
  dropTable(name: ObjectName, kind: 'table' | 'view', options?: DropOptions): Promise<'dropped' | 'missing'>;
  /** UNDROP TABLE: the most recently dropped table of that name, within the retention window. */
  undropTable(name: ObjectName): Promise<TableInfo>;
  /** Dropped tables of a schema (SHOW TABLES DROPPED), newest first. */
  listDroppedTables(catalog: string, schema: string): Promise<TableInfo[]>;
  /** Deletes for good the tables dropped longer ago than the retention (7 days); returns how many. */
  purgeDropped(): Promise<number>;

  createVolume(name: ObjectName, options?: CreateOptions & { readonly location?: string }): Promise<'created' | 'exists'>;
  getVolume(name: ObjectName): Promise<VolumeInfo>;
  listVolumes(catalog: string, schema: string): Promise<VolumeInfo[]>;
  alterVolume(name: ObjectName, change: ObjectChange): Promise<VolumeInfo>;
  /** A managed volume's files are deleted with it; an external volume's stay. */
  dropVolume(name: ObjectName, options?: DropOptions): Promise<'dropped' | 'missing'>;

  /**
   * Resolves `/Volumes/<catalog>/<schema>/<volume>[/<path>]` (also `dbfs:/Volumes/…`). Refuses
   * with PATH_ESCAPE any `..` or `.` segment, backslash or NUL, and with NOT_FOUND a volume that
   * does not exist. Names in the path are matched case-insensitively; the key keeps its case.
   * `access` (default 'read') is checked: READ VOLUME or WRITE VOLUME (with the USE path).
   */
  resolveVolumePath(path: string, access?: 'read' | 'write'): Promise<VolumeFile>;
}
