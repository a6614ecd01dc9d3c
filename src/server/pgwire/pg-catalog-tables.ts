/**
 * The emulated pg_catalog relations: PostgreSQL 15's columns (the ones clients read, with
 * PostgreSQL's defaults) and their rows, built from what one connection's principal may see in
 * its current catalog (the pg "database"): schemas → pg_namespace, tables and views → pg_class,
 * their columns → pg_attribute (+ pg_attrdef defaults, pg_description comments), catalogs →
 * pg_database, owners → pg_roles. Relations Loch has nothing for (indexes, constraints,
 * triggers, publications…) exist and are empty, so client queries over them succeed.
 *
 * OIDs of Loch objects are a stable hash of the object's id (≥ 16384, PostgreSQL's first
 * non-system OID), so they do not change between queries or connections.
 */
import type { CatalogInfo, SchemaInfo, TableInfo } from '../../catalog/catalog-types.js';
import type { Principal } from '../../catalog/governance/governance-types.js';
import { sqlIdent, sqlString } from '../../sql/sql-text.js';
import { pgTypeOfSparkType, TYPE_ROWS } from './pg-types-table.js';

/** One column of a catalog table or view, from information_schema.columns. */
export interface ColumnFact {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly position: number;
  readonly type: string;
  readonly nullable: boolean;
  readonly defaultSql?: string;
  readonly comment?: string;
}

/** What the emulation shows one connection. */
export interface CatalogView {
  readonly database: string;
  readonly currentSchema: string;
  readonly principal: Principal;
  readonly catalogs: readonly CatalogInfo[];
  readonly schemas: readonly SchemaInfo[];
  readonly tables: readonly TableInfo[];
  /** Loaded only for queries that read columns. */
  readonly columns: readonly ColumnFact[];
  /** Table comments as information_schema.tables has them (a Delta table's live in its log); with columns. */
  readonly tableComments: ReadonlyMap<string, string>;
}

/** The key of `tableComments`. */
export const tableKey = (schema: string, name: string): string => `${schema}.${name}`;

type Cell = string | number | boolean | null;
type RowOf = Readonly<Record<string, Cell>>;

export interface ShimTable {
  /** Column definitions with PostgreSQL's defaults. */
  readonly columns: string;
  readonly rows?: (view: CatalogView) => RowOf[];
  /** Whether the rows need `view.columns`. */
  readonly needsColumns?: boolean;
}

export const PG_CATALOG_NAMESPACE = 11;
const INFORMATION_SCHEMA_NAMESPACE = 13_000;
const PG_CLASS_OID = 1259;
const HEAP_AM = 2;

/** A stable OID for a Loch object: FNV-1a of kind and id, in [16384, 2^31). */
export function objectOid(kind: string, id: string): number {
  let hash = 0x811c9dc5;
  for (const ch of `${kind}:${id}`) {
    hash ^= ch.codePointAt(0) as number;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return 16_384 + (hash % (2 ** 31 - 16_384));
}

const roleOid = (name: string): number => objectOid('role', name);
const schemaOid = (s: SchemaInfo): number => objectOid('schema', s.id);
const tableOid = (t: TableInfo): number => objectOid('table', t.id);

function namespaceOf(view: CatalogView, schema: string): number {
  const found = view.schemas.find((s) => s.name === schema);
  return found === undefined ? 0 : schemaOid(found);
}

function tableByName(view: CatalogView, schema: string, name: string): TableInfo | undefined {
  return view.tables.find((t) => t.schema === schema && t.name === name);
}

const BOOL_FALSE = 'BOOLEAN DEFAULT false';

export const SHIM_TABLES: Readonly<Record<string, ShimTable>> = {
  pg_namespace: {
    columns: 'oid BIGINT, nspname VARCHAR, nspowner BIGINT DEFAULT 10, nspacl VARCHAR[]',
    rows: (view) => [
      { oid: PG_CATALOG_NAMESPACE, nspname: 'pg_catalog', nspowner: 10 },
      { oid: INFORMATION_SCHEMA_NAMESPACE, nspname: 'information_schema', nspowner: 10 },
      ...view.schemas.map((s) => ({ oid: schemaOid(s), nspname: s.name, nspowner: roleOid(s.owner) })),
    ],
  },
  pg_class: {
    columns: `oid BIGINT, relname VARCHAR, relnamespace BIGINT, reltype BIGINT DEFAULT 0, reloftype BIGINT DEFAULT 0, relowner BIGINT,
      relam BIGINT DEFAULT 0, relfilenode BIGINT DEFAULT 0, reltablespace BIGINT DEFAULT 0, relpages INTEGER DEFAULT 0, reltuples DOUBLE DEFAULT -1,
      relallvisible INTEGER DEFAULT 0, reltoastrelid BIGINT DEFAULT 0, relhasindex ${BOOL_FALSE}, relisshared ${BOOL_FALSE}, relpersistence VARCHAR DEFAULT 'p',
      relkind VARCHAR, relnatts INTEGER DEFAULT 0, relchecks INTEGER DEFAULT 0, relhasrules ${BOOL_FALSE}, relhastriggers ${BOOL_FALSE},
      relhassubclass ${BOOL_FALSE}, relrowsecurity ${BOOL_FALSE}, relforcerowsecurity ${BOOL_FALSE}, relispopulated BOOLEAN DEFAULT true,
      relreplident VARCHAR DEFAULT 'd', relispartition ${BOOL_FALSE}, relrewrite BIGINT DEFAULT 0, relfrozenxid BIGINT DEFAULT 0, relminmxid BIGINT DEFAULT 0,
      relacl VARCHAR[], reloptions VARCHAR[], relpartbound VARCHAR, loch_viewdef VARCHAR`,
    rows: (view) =>
      view.tables.map((t) => ({
        oid: tableOid(t),
        relname: t.name,
        relnamespace: namespaceOf(view, t.schema),
        relowner: roleOid(t.owner),
        relam: t.tableType === 'VIEW' ? 0 : HEAP_AM,
        relkind: t.tableType === 'VIEW' ? 'v' : 'r',
        relrowsecurity: t.rowFilter !== undefined,
        loch_viewdef: t.viewText ?? null,
      })),
  },
  pg_attribute: {
    needsColumns: true,
    columns: `attrelid BIGINT, attname VARCHAR, atttypid BIGINT, attstattarget INTEGER DEFAULT -1, attlen INTEGER DEFAULT -1, attnum INTEGER,
      attndims INTEGER DEFAULT 0, attcacheoff INTEGER DEFAULT -1, atttypmod INTEGER DEFAULT -1, attbyval ${BOOL_FALSE}, attalign VARCHAR DEFAULT 'i',
      attstorage VARCHAR DEFAULT 'x', attcompression VARCHAR DEFAULT '', attnotnull ${BOOL_FALSE}, atthasdef ${BOOL_FALSE}, atthasmissing ${BOOL_FALSE},
      attidentity VARCHAR DEFAULT '', attgenerated VARCHAR DEFAULT '', attisdropped ${BOOL_FALSE}, attislocal BOOLEAN DEFAULT true,
      attinhcount INTEGER DEFAULT 0, attcollation BIGINT DEFAULT 0, attacl VARCHAR[], attoptions VARCHAR[], attfdwoptions VARCHAR[], attmissingval VARCHAR`,
    rows: (view) =>
      view.columns.flatMap((c) => {
        const table = tableByName(view, c.schema, c.table);
        if (table === undefined) return [];
        const type = pgTypeOfSparkType(c.type);
        const size = TYPE_ROWS.find((t) => t.oid === type.oid)?.size ?? -1;
        const collation = TYPE_ROWS.find((t) => t.oid === type.oid)?.collation ?? 0;
        return [{ attrelid: tableOid(table), attname: c.name, atttypid: type.oid, attlen: size, attnum: c.position, atttypmod: type.modifier, attnotnull: !c.nullable, atthasdef: c.defaultSql !== undefined, attcollation: collation }];
      }),
  },
  pg_attrdef: {
    needsColumns: true,
    columns: 'oid BIGINT, adrelid BIGINT, adnum INTEGER, adbin VARCHAR',
    rows: (view) =>
      view.columns.flatMap((c) => {
        const table = tableByName(view, c.schema, c.table);
        if (table === undefined || c.defaultSql === undefined) return [];
        return [{ oid: objectOid('default', `${table.id}:${c.position}`), adrelid: tableOid(table), adnum: c.position, adbin: c.defaultSql }];
      }),
  },
  pg_description: {
    needsColumns: true,
    columns: 'objoid BIGINT, classoid BIGINT, objsubid INTEGER, description VARCHAR',
    rows: (view) => [
      ...view.tables.flatMap((t) => {
        const comment = view.tableComments.get(tableKey(t.schema, t.name)) ?? t.comment;
        return comment === undefined ? [] : [{ objoid: tableOid(t), classoid: PG_CLASS_OID, objsubid: 0, description: comment }];
      }),
      ...view.schemas.filter((s) => s.comment !== undefined).map((s) => ({ objoid: schemaOid(s), classoid: 2615, objsubid: 0, description: s.comment ?? null })),
      ...view.columns.flatMap((c) => {
        const table = tableByName(view, c.schema, c.table);
        return table === undefined || c.comment === undefined ? [] : [{ objoid: tableOid(table), classoid: PG_CLASS_OID, objsubid: c.position, description: c.comment }];
      }),
    ],
  },
  pg_type: {
    columns: `oid BIGINT, typname VARCHAR, typnamespace BIGINT DEFAULT ${PG_CATALOG_NAMESPACE}, typowner BIGINT DEFAULT 10, typlen INTEGER, typbyval ${BOOL_FALSE},
      typtype VARCHAR DEFAULT 'b', typcategory VARCHAR, typispreferred ${BOOL_FALSE}, typisdefined BOOLEAN DEFAULT true, typdelim VARCHAR DEFAULT ',',
      typrelid BIGINT DEFAULT 0, typsubscript VARCHAR DEFAULT '-', typelem BIGINT, typarray BIGINT, typinput VARCHAR, typoutput VARCHAR, typreceive VARCHAR,
      typsend VARCHAR, typmodin VARCHAR DEFAULT '-', typmodout VARCHAR DEFAULT '-', typanalyze VARCHAR DEFAULT '-', typalign VARCHAR DEFAULT 'i',
      typstorage VARCHAR DEFAULT 'p', typnotnull ${BOOL_FALSE}, typbasetype BIGINT DEFAULT 0, typtypmod INTEGER DEFAULT -1, typndims INTEGER DEFAULT 0,
      typcollation BIGINT DEFAULT 0, typdefaultbin VARCHAR, typdefault VARCHAR, typacl VARCHAR[], loch_format VARCHAR`,
    rows: () =>
      TYPE_ROWS.map((t) => ({
        oid: t.oid,
        typname: t.name,
        typlen: t.size,
        typbyval: t.size > 0 && t.size <= 8,
        typcategory: t.category,
        typelem: t.element,
        typarray: t.array,
        typinput: t.element === 0 ? `${t.name}in` : 'array_in',
        typoutput: t.element === 0 ? `${t.name}out` : 'array_out',
        typreceive: t.element === 0 ? `${t.name}recv` : 'array_recv',
        typsend: t.element === 0 ? `${t.name}send` : 'array_send',
        typcollation: t.collation,
        loch_format: t.format,
      })),
  },
  pg_database: {
    columns: `oid BIGINT, datname VARCHAR, datdba BIGINT, encoding INTEGER DEFAULT 6, datlocprovider VARCHAR DEFAULT 'c', datistemplate ${BOOL_FALSE},
      datallowconn BOOLEAN DEFAULT true, datconnlimit INTEGER DEFAULT -1, datfrozenxid BIGINT DEFAULT 0, datminmxid BIGINT DEFAULT 0,
      dattablespace BIGINT DEFAULT 1663, datcollate VARCHAR DEFAULT 'C', datctype VARCHAR DEFAULT 'C', daticulocale VARCHAR, datcollversion VARCHAR, datacl VARCHAR[]`,
    rows: (view) => view.catalogs.map((c) => ({ oid: objectOid('catalog', c.id), datname: c.name, datdba: roleOid(c.owner) })),
  },
  pg_am: {
    columns: 'oid BIGINT, amname VARCHAR, amhandler VARCHAR, amtype VARCHAR',
    rows: () => [
      { oid: HEAP_AM, amname: 'heap', amhandler: 'heap_tableam_handler', amtype: 't' },
      { oid: 403, amname: 'btree', amhandler: 'bthandler', amtype: 'i' },
    ],
  },
  pg_roles: {
    columns: `oid BIGINT, rolname VARCHAR, rolsuper ${BOOL_FALSE}, rolinherit BOOLEAN DEFAULT true, rolcreaterole ${BOOL_FALSE}, rolcreatedb ${BOOL_FALSE},
      rolcanlogin BOOLEAN DEFAULT true, rolreplication ${BOOL_FALSE}, rolconnlimit INTEGER DEFAULT -1, rolpassword VARCHAR DEFAULT '********',
      rolvaliduntil TIMESTAMPTZ, rolbypassrls ${BOOL_FALSE}, rolconfig VARCHAR[]`,
    rows: (view) => [
      // The owner of pg_catalog itself (PostgreSQL's bootstrap superuser, OID 10).
      { oid: 10, rolname: 'loch', rolsuper: true },
      ...roleNames(view).map((name) => ({ oid: roleOid(name), rolname: name, rolsuper: name === view.principal.name && view.principal.admin })),
    ],
  },
  pg_tables: {
    columns: `schemaname VARCHAR, tablename VARCHAR, tableowner VARCHAR, tablespace VARCHAR, hasindexes ${BOOL_FALSE}, hasrules ${BOOL_FALSE},
      hastriggers ${BOOL_FALSE}, rowsecurity ${BOOL_FALSE}`,
    rows: (view) => view.tables.filter((t) => t.tableType !== 'VIEW').map((t) => ({ schemaname: t.schema, tablename: t.name, tableowner: t.owner, rowsecurity: t.rowFilter !== undefined })),
  },
  pg_views: {
    columns: 'schemaname VARCHAR, viewname VARCHAR, viewowner VARCHAR, definition VARCHAR',
    rows: (view) => view.tables.filter((t) => t.tableType === 'VIEW').map((t) => ({ schemaname: t.schema, viewname: t.name, viewowner: t.owner, definition: t.viewText ?? null })),
  },
  pg_index: {
    columns: `indexrelid BIGINT, indrelid BIGINT, indnatts INTEGER, indnkeyatts INTEGER, indisunique BOOLEAN, indisprimary BOOLEAN, indisexclusion BOOLEAN,
      indimmediate BOOLEAN, indisclustered BOOLEAN, indisvalid BOOLEAN, indcheckxmin BOOLEAN, indisready BOOLEAN, indislive BOOLEAN, indisreplident BOOLEAN,
      indkey INTEGER[], indcollation BIGINT[], indclass BIGINT[], indoption INTEGER[], indexprs VARCHAR, indpred VARCHAR`,
  },
  pg_constraint: {
    columns: `oid BIGINT, conname VARCHAR, connamespace BIGINT, contype VARCHAR, condeferrable BOOLEAN, condeferred BOOLEAN, convalidated BOOLEAN,
      conrelid BIGINT, contypid BIGINT, conindid BIGINT, conparentid BIGINT, confrelid BIGINT, confupdtype VARCHAR, confdeltype VARCHAR,
      confmatchtype VARCHAR, conislocal BOOLEAN, coninhcount INTEGER, connoinherit BOOLEAN, conkey INTEGER[], confkey INTEGER[], conpfeqop BIGINT[],
      conppeqop BIGINT[], conffeqop BIGINT[], confdelsetcols INTEGER[], conexclop BIGINT[], conbin VARCHAR`,
  },
  pg_inherits: { columns: 'inhrelid BIGINT, inhparent BIGINT, inhseqno INTEGER, inhdetachpending BOOLEAN' },
  pg_trigger: {
    columns: `oid BIGINT, tgrelid BIGINT, tgparentid BIGINT, tgname VARCHAR, tgfoid BIGINT, tgtype INTEGER, tgenabled VARCHAR, tgisinternal BOOLEAN,
      tgconstrrelid BIGINT, tgconstrindid BIGINT, tgconstraint BIGINT, tgdeferrable BOOLEAN, tginitdeferred BOOLEAN, tgnargs INTEGER, tgattr INTEGER[],
      tgargs VARCHAR, tgqual VARCHAR, tgoldtable VARCHAR, tgnewtable VARCHAR`,
  },
  pg_rewrite: { columns: 'oid BIGINT, rulename VARCHAR, ev_class BIGINT, ev_type VARCHAR, ev_enabled VARCHAR, is_instead BOOLEAN, ev_qual VARCHAR, ev_action VARCHAR' },
  pg_policy: { columns: 'oid BIGINT, polname VARCHAR, polrelid BIGINT, polcmd VARCHAR, polpermissive BOOLEAN, polroles BIGINT[], polqual VARCHAR, polwithcheck VARCHAR' },
  pg_statistic_ext: {
    columns: 'oid BIGINT, stxrelid BIGINT, stxname VARCHAR, stxnamespace BIGINT, stxowner BIGINT, stxstattarget INTEGER, stxkeys INTEGER[], stxkind VARCHAR[], stxexprs VARCHAR',
  },
  pg_publication: {
    columns: 'oid BIGINT, pubname VARCHAR, pubowner BIGINT, puballtables BOOLEAN, pubinsert BOOLEAN, pubupdate BOOLEAN, pubdelete BOOLEAN, pubtruncate BOOLEAN, pubviaroot BOOLEAN',
  },
  pg_publication_rel: { columns: 'oid BIGINT, prpubid BIGINT, prrelid BIGINT, prqual VARCHAR, prattrs INTEGER[]' },
  pg_publication_namespace: { columns: 'oid BIGINT, pnpubid BIGINT, pnnspid BIGINT' },
  pg_foreign_table: { columns: 'ftrelid BIGINT, ftserver BIGINT, ftoptions VARCHAR[]' },
  pg_partitioned_table: {
    columns: 'partrelid BIGINT, partstrat VARCHAR, partnatts INTEGER, partdefid BIGINT, partattrs INTEGER[], partclass BIGINT[], partcollation BIGINT[], partexprs VARCHAR',
  },
  pg_collation: {
    columns: `oid BIGINT, collname VARCHAR, collnamespace BIGINT, collowner BIGINT, collprovider VARCHAR, collisdeterministic BOOLEAN, collencoding INTEGER,
      collcollate VARCHAR, collctype VARCHAR, colliculocale VARCHAR, collversion VARCHAR`,
  },
  pg_proc: {
    columns: `oid BIGINT, proname VARCHAR, pronamespace BIGINT, proowner BIGINT, prolang BIGINT, procost DOUBLE, prorows DOUBLE, provariadic BIGINT,
      prosupport VARCHAR, prokind VARCHAR, prosecdef BOOLEAN, proleakproof BOOLEAN, proisstrict BOOLEAN, proretset BOOLEAN, provolatile VARCHAR,
      proparallel VARCHAR, pronargs INTEGER, pronargdefaults INTEGER, prorettype BIGINT, proargtypes BIGINT[], proallargtypes BIGINT[], proargmodes VARCHAR[],
      proargnames VARCHAR[], proargdefaults VARCHAR, protrftypes BIGINT[], prosrc VARCHAR, probin VARCHAR, prosqlbody VARCHAR, proconfig VARCHAR[], proacl VARCHAR[]`,
  },
  pg_extension: { columns: 'oid BIGINT, extname VARCHAR, extowner BIGINT, extnamespace BIGINT, extrelocatable BOOLEAN, extversion VARCHAR, extconfig BIGINT[], extcondition VARCHAR[]' },
  pg_tablespace: { columns: 'oid BIGINT, spcname VARCHAR, spcowner BIGINT, spcacl VARCHAR[], spcoptions VARCHAR[]' },
  pg_enum: { columns: 'oid BIGINT, enumtypid BIGINT, enumsortorder DOUBLE, enumlabel VARCHAR' },
  pg_range: { columns: 'rngtypid BIGINT, rngsubtype BIGINT, rngmultitypid BIGINT, rngcollation BIGINT, rngsubopc BIGINT, rngcanonical VARCHAR, rngsubdiff VARCHAR' },
  pg_matviews: { columns: 'schemaname VARCHAR, matviewname VARCHAR, matviewowner VARCHAR, tablespace VARCHAR, hasindexes BOOLEAN, ispopulated BOOLEAN, definition VARCHAR' },
  pg_sequence: { columns: 'seqrelid BIGINT, seqtypid BIGINT, seqstart BIGINT, seqincrement BIGINT, seqmax BIGINT, seqmin BIGINT, seqcache BIGINT, seqcycle BOOLEAN' },
  pg_depend: { columns: 'classid BIGINT, objid BIGINT, objsubid INTEGER, refclassid BIGINT, refobjid BIGINT, refobjsubid INTEGER, deptype VARCHAR' },
  pg_language: { columns: 'oid BIGINT, lanname VARCHAR, lanowner BIGINT, lanispl BOOLEAN, lanpltrusted BOOLEAN, lanplcallfoid BIGINT, laninline BIGINT, lanvalidator BIGINT, lanacl VARCHAR[]' },
  pg_auth_members: { columns: 'oid BIGINT, roleid BIGINT, member BIGINT, grantor BIGINT, admin_option BOOLEAN' },
  pg_event_trigger: { columns: 'oid BIGINT, evtname VARCHAR, evtevent VARCHAR, evtowner BIGINT, evtfoid BIGINT, evtenabled VARCHAR, evttags VARCHAR[]' },
  pg_settings: {
    columns: `name VARCHAR, setting VARCHAR, unit VARCHAR, category VARCHAR, short_desc VARCHAR, extra_desc VARCHAR, context VARCHAR, vartype VARCHAR,
      source VARCHAR, min_val VARCHAR, max_val VARCHAR, enumvals VARCHAR[], boot_val VARCHAR, reset_val VARCHAR, sourcefile VARCHAR, sourceline INTEGER, pending_restart BOOLEAN`,
  },
};

/** Role names the view mentions: owners of what it shows, and the connected principal. */
function roleNames(view: CatalogView): string[] {
  const names = new Set<string>([view.principal.name]);
  for (const o of [...view.catalogs, ...view.schemas, ...view.tables]) names.add(o.owner);
  return [...names].sort();
}

/** Aliases: pg_user and pg_authid read like pg_roles. */
export const SHIM_ALIASES: Readonly<Record<string, string>> = {
  pg_user: 'SELECT rolname AS usename, oid AS usesysid, rolcreatedb AS usecreatedb, rolsuper AS usesuper, false AS userepl, false AS usebypassrls, rolpassword AS passwd, rolvaliduntil AS valuntil, rolconfig AS useconfig FROM pg_roles',
  pg_authid: 'SELECT * FROM pg_roles',
};

function literal(value: Cell): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  return sqlString(value);
}

/** CREATE TEMP TABLE + INSERT statements for one emulated relation. */
export function tableSql(name: string, table: ShimTable, view: CatalogView): string {
  const create = `CREATE TEMP TABLE ${sqlIdent(name)} (${table.columns});`;
  const rows = table.rows?.(view) ?? [];
  const first = rows[0];
  if (first === undefined) return create;
  const keys = Object.keys(first);
  const values = rows.map((row) => `(${keys.map((k) => literal(row[k] ?? null)).join(', ')})`);
  return `${create}\nINSERT INTO ${sqlIdent(name)} (${keys.map(sqlIdent).join(', ')}) VALUES ${values.join(',\n')};`;
}

/** The namespace OID of a schema by name (for pg_table_is_visible). */
export function namespaceOid(view: CatalogView, schema: string): number {
  return namespaceOf(view, schema);
}
