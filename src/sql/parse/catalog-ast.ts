import type { TableRef } from './write-clauses.js';

/**
 * The catalog statements (Databricks syntax) as parsed: names are the parts as written (quotes
 * removed, case kept); the executor resolves them against the session and the catalog
 * lower-cases them. Embedded queries are exact slices of the source text.
 */

/** A name as written: 1–3 parts. */
export type NameParts = readonly string[];

/** RENAME TO, [SET] OWNER TO, SET/UNSET properties. */
export type ObjectAlteration =
  | { readonly kind: 'rename'; readonly newName: NameParts }
  | { readonly kind: 'owner'; readonly principal: string }
  | { readonly kind: 'set_properties'; readonly properties: Readonly<Record<string, string>> }
  | { readonly kind: 'unset_properties'; readonly keys: readonly string[]; readonly ifExists: boolean };

export interface CreateCatalogStatement {
  readonly kind: 'create_catalog';
  readonly name: string;
  readonly ifNotExists: boolean;
  readonly managedLocation?: string;
  readonly comment?: string;
}

export interface CreateSchemaStatement {
  readonly kind: 'create_schema';
  /** `s` or `c.s`. */
  readonly name: NameParts;
  readonly ifNotExists: boolean;
  readonly managedLocation?: string;
  readonly comment?: string;
  readonly properties: Readonly<Record<string, string>>;
}

export interface CreateViewStatement {
  readonly kind: 'create_view';
  readonly name: NameParts;
  readonly orReplace: boolean;
  readonly ifNotExists: boolean;
  /** The column list: output names (and comments) for the query's columns, in order. */
  readonly columns?: readonly { readonly name: string; readonly comment?: string }[];
  readonly comment?: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly query: string;
}

export interface CreateVolumeStatement {
  readonly kind: 'create_volume';
  readonly name: NameParts;
  readonly ifNotExists: boolean;
  /** CREATE EXTERNAL VOLUME … LOCATION 'p'. */
  readonly location?: string;
  readonly comment?: string;
}

/** The kinds of object COMMENT ON and DROP name. */
export type CatalogObjectKind = 'catalog' | 'schema' | 'table' | 'view' | 'volume';

export type CatalogStatement =
  | CreateCatalogStatement
  | CreateSchemaStatement
  | CreateViewStatement
  | CreateVolumeStatement
  | { readonly kind: 'drop'; readonly object: CatalogObjectKind; readonly name: NameParts; readonly ifExists: boolean; readonly cascade: boolean }
  | { readonly kind: 'alter'; readonly object: CatalogObjectKind; readonly name: NameParts; readonly change: ObjectAlteration }
  /** ALTER VIEW v AS query. */
  | { readonly kind: 'redefine_view'; readonly name: NameParts; readonly query: string }
  /** COMMENT ON … IS 'text' | NULL; tables may be delta.`path`. */
  | { readonly kind: 'comment_on'; readonly object: Exclude<CatalogObjectKind, 'view'>; readonly target: TableRef; readonly comment: string | null }
  | { readonly kind: 'undrop_table'; readonly name: NameParts }
  | { readonly kind: 'use_catalog'; readonly name: string }
  | { readonly kind: 'use_schema'; readonly name: NameParts }
  | { readonly kind: 'show_catalogs'; readonly pattern?: string }
  | { readonly kind: 'show_schemas'; readonly catalog?: string; readonly pattern?: string }
  | { readonly kind: 'show_relations'; readonly relation: 'tables' | 'views'; readonly schema?: NameParts; readonly pattern?: string }
  | { readonly kind: 'show_tables_dropped'; readonly schema?: NameParts; readonly limit?: number }
  | { readonly kind: 'show_volumes'; readonly schema?: NameParts; readonly pattern?: string }
  | { readonly kind: 'show_columns'; readonly table: TableRef; readonly schema?: NameParts }
  | { readonly kind: 'show_tblproperties'; readonly table: TableRef; readonly key?: string }
  | { readonly kind: 'show_create_table'; readonly table: TableRef }
  /** DESCRIBE [TABLE] [EXTENDED] t [column]. */
  | { readonly kind: 'describe_table'; readonly table: TableRef; readonly extended: boolean; readonly column?: readonly string[] }
  | { readonly kind: 'describe_catalog'; readonly name: string; readonly extended: boolean }
  | { readonly kind: 'describe_schema'; readonly name: NameParts; readonly extended: boolean }
  | { readonly kind: 'describe_volume'; readonly name: NameParts };
