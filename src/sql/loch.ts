import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { Catalog } from '../catalog/catalog-types.js';
import { LakehouseCatalog } from '../catalog/catalog-service.js';
import type { Metastore } from '../catalog/metastore.js';
import { openMetastore } from '../catalog/open-metastore.js';
import { systemClock } from '../core/clock.js';
import type { Clock } from '../core/clock.js';
import { LochError, toLochError } from '../core/errors.js';
import { randomIds } from '../core/ids.js';
import type { IdSource } from '../core/ids.js';
import { DuckDbEngine, DuckDbParquetJsonReader } from '../engine/index.js';
import { FileCache } from '../storage/file-cache.js';
import type { OpenStoreOptions } from '../storage/open-store.js';
import type { TableContext } from '../table/context.js';
import { openIcebergView } from '../table/iceberg/iceberg-table.js';
import type { IcebergOpenOptions, IcebergSnapshotSelector, IcebergView } from '../table/iceberg/iceberg-table.js';
import type { TableInfo } from '../catalog/catalog-types.js';
import type { AuditSink, Principal, RequestContext } from '../catalog/governance/governance-types.js';
import { NO_AUDIT } from '../catalog/governance/governance-types.js';
import type { IdentityStore } from '../catalog/governance/identity-store.js';
import { MetastoreIdentityStore } from '../catalog/governance/metastore-identity-store.js';
import { systemRandom } from '../core/random.js';
import type { Random } from '../core/random.js';
import { DeltaTable } from '../table/delta-table.js';
import { DIALECT_MACROS } from './bind/hooks.js';
import { GovernanceLog } from './governance-log/governance-log.js';
import { SqlExecutor } from './executor.js';
import type { QueryParams } from './params.js';
import { parseObjectName } from './bind/object-name.js';
import type { StatementResult } from './result.js';
import { SessionState, formatName, resolveName } from './sql-env.js';
import type { SqlEnv } from './sql-env.js';
import type { ExtensionHost, LochExtension, LochExtensionFactory } from './extension.js';
import { openSecretStore } from '../catalog/secrets/open-secret-store.js';
import type { SecretStore } from '../catalog/secrets/secret-store.js';

export interface LochOptions {
  /** The warehouse: a local folder (default `./lakehouse`) or `s3://bucket/prefix`. Managed tables and volumes live under it. */
  readonly warehouse?: string;
  /**
   * The metastore URL: `postgres://…` to share one catalog between processes, `memory:`, or a
   * `.db`/`.sqlite` path; default SQLite `metastore.db` in the local state folder (the warehouse
   * folder, or `~/.loch/warehouses/<hash>` for an s3:// warehouse). The CLI reads LOCH_METASTORE.
   */
  readonly metastore?: string;
  /**
   * The local folder for the file cache and the default SQLite metastore; default the warehouse
   * folder, or `~/.loch/warehouses/<hash>` for an s3:// warehouse.
   */
  readonly stateDir?: string;
  /** Who acts (owner of what this process creates); default the OS user. */
  readonly principal?: string;
  /** Upper bound of the local cache of remote (S3) files; default 2 GiB. */
  readonly cacheBytes?: number;
  /** DuckDB threads (default: all cores) and memory limit (e.g. '4GB'). */
  readonly threads?: number;
  readonly memoryLimit?: string;
  /** Settings for s3:// locations (the AWS environment variables apply otherwise). */
  readonly storage?: OpenStoreOptions;
  readonly clock?: Clock;
  readonly ids?: IdSource;
  /** Randomness for tokens (tests inject a seeded one). */
  readonly random?: Random;
  /**
   * Record audit events and lineage in `system.access.*` (default false for embedded use;
   * `loch serve` turns it on). When false, nothing is written to the `system` catalog.
   */
  readonly governanceLog?: boolean;
  /**
   * Parts of Loch above the SQL layer to switch on (the package's `Loch.open` adds the ai
   * extension; see extension.ts).
   */
  readonly extensions?: readonly LochExtensionFactory[];
  /**
   * The master key that encrypts secrets at rest (32 bytes, or base64/hex text). Default: the
   * LOCH_SECRET_KEY environment variable, else `~/.loch/secret.key` (created on first use).
   */
  readonly secretKey?: Uint8Array | string;
  /** Where the default secret key file is (default `~/.loch/secret.key`). */
  readonly secretKeyFile?: string;
}

/** Options of `loch.session()`. */
export interface SessionOptions {
  /** Who acts; default this Loch's own principal (an admin). */
  readonly principal?: Principal;
  /** Where the requests of this session come from (audit). */
  readonly request?: RequestContext;
  /** The starting current catalog and schema (default main.default). */
  readonly catalog?: string;
  readonly schema?: string;
}

/** Options of one `sql()` call. */
export interface SqlOptions {
  /** Values for `:name` markers (an object) or `?` markers (an array); bound, never spliced. */
  readonly params?: QueryParams;
}

/** An independent SQL session: its own current catalog and schema (USE …). */
export interface LochSession {
  sql(text: string, options?: SqlOptions): Promise<StatementResult>;
  statements(text: string, options?: SqlOptions): AsyncIterable<StatementResult>;
  /** The catalog as this session's principal sees it (every call governed). */
  readonly catalog: Catalog;
  /**
   * Stops what this session's statements are running now (they fail with SQL_ERROR, a write
   * commits nothing); other sessions are untouched. For cancel requests of the server.
   */
  interrupt(): void;
}

/** The entry point: SQL over catalog and lake tables and the table API, on one embedded DuckDB. */
export class Loch implements LochSession {
  private readonly executor: SqlExecutor;

  /** Where audit events go (a no-op unless `governanceLog`; the server may replace it). */
  audit: AuditSink = NO_AUDIT;

  private constructor(
    private readonly ctx: TableContext,
    private readonly metastore: Metastore,
    /** The catalog service as this Loch's own principal (an admin): catalogs, schemas, tables, views, volumes. */
    readonly catalog: LakehouseCatalog,
    /** The warehouse root: an absolute local path or an s3:// URL. */
    readonly warehouse: string,
    /** Users, groups and access tokens. */
    readonly identity: IdentityStore,
    /** Secret scopes and their encrypted values. */
    readonly secrets: SecretStore,
    private readonly extensionList: readonly LochExtension[],
    /** `governanceLog`: audit and lineage written to system.access.* (the initial `audit`). */
    private readonly log?: GovernanceLog,
  ) {
    if (log !== undefined) this.audit = log;
    this.executor = new SqlExecutor(this.env(new SessionState()));
  }

  static async open(options: LochOptions = {}): Promise<Loch> {
    const warehouse = warehouseRoot(options.warehouse);
    const stateDir = options.stateDir !== undefined ? resolve(options.stateDir) : localStateDir(warehouse);
    try {
      await mkdir(join(stateDir, '.cache'), { recursive: true });
    } catch (error) {
      throw toLochError(error, 'STORAGE_ERROR', `loch: cannot create the local state folder ${stateDir}`);
    }
    const ids = options.ids ?? randomIds;
    const clock = options.clock ?? systemClock;
    const engine = await DuckDbEngine.create({
      ids,
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      ...(options.memoryLimit !== undefined ? { memoryLimit: options.memoryLimit } : {}),
    });
    const cache = new FileCache({ dir: join(stateDir, '.cache'), ids, ...(options.cacheBytes !== undefined ? { maxBytes: options.cacheBytes } : {}) });
    const parquet = new DuckDbParquetJsonReader({ engine, acquire: (store, key) => cache.acquire(store, key) });
    const storeOptions = options.storage ?? {};
    const ctx: TableContext = { engine, cache, parquet, clock, ids, storeOptions, ioConcurrency: 16 };
    let metastore: Metastore | undefined;
    try {
      await runDialectMacros(engine);
      metastore = await openMetastore({ ...(options.metastore !== undefined ? { url: options.metastore } : {}), localDir: stateDir, clock, ids });
      const principal = options.principal ?? osUser();
      const identity = new MetastoreIdentityStore({ metastore, clock, ids, random: options.random ?? systemRandom });
      await identity.createUser(principal, { admin: true });
      const actor = (await identity.resolve(principal)) as Principal;
      const catalog = new LakehouseCatalog({ metastore, warehouseRoot: warehouse, storeOptions, clock, ids, principal, actor, identity });
      await catalog.bootstrap();
      await catalog.purgeDropped().catch(() => 0);
      // The log works through the unaudited admin catalog (it must not audit itself); the admin's own statements are audited.
      const log = options.governanceLog === true ? new GovernanceLog({ ctx, catalog }) : undefined;
      const random = options.random ?? systemRandom;
      const secrets = openSecretStore({
        metastore, clock, ids, random,
        ...(options.secretKey !== undefined ? { secretKey: options.secretKey } : {}),
        ...(options.secretKeyFile !== undefined ? { keyFile: options.secretKeyFile } : {}),
      });
      const host: ExtensionHost = { ctx, catalog, identity, secrets, random, stateDir, governanceLog: options.governanceLog === true };
      const extensions: LochExtension[] = [];
      for (const factory of options.extensions ?? []) extensions.push(await factory(host));
      return new Loch(ctx, metastore, log === undefined ? catalog : catalog.withActor(actor, { audit: log }), warehouse, identity, secrets, extensions, log);
    } catch (error) {
      await metastore?.close().catch(() => {});
      await engine.close();
      throw error;
    }
  }

  /** Runs SQL; with several statements, all run in order and the last one's result is returned. */
  async sql(text: string, options: SqlOptions = {}): Promise<StatementResult> {
    return lastResult(this.executor, text, options);
  }

  /** Each statement's result in turn (the CLI prints them all). Read each before the next. */
  statements(text: string, options: SqlOptions = {}): AsyncIterable<StatementResult> {
    return this.executor.executeAll(text, options);
  }

  /**
   * A new SQL session with its own current catalog and schema (starting at main.default, or
   * where `options` say), acting as `options.principal` (default this Loch's admin principal):
   * every statement is governed by that principal's privileges, row filters and masks.
   */
  session(options: SessionOptions = {}): LochSession {
    const catalog = options.principal === undefined ? this.catalog : this.catalogFor(options.principal, options.request);
    const state = new SessionState();
    if (options.catalog !== undefined) state.catalog = options.catalog.toLowerCase();
    if (options.schema !== undefined) state.schema = options.schema.toLowerCase();
    const scope = this.ctx.engine.scope();
    const executor = new SqlExecutor({ ctx: { ...this.ctx, engine: scope }, catalog, state, identity: this.identity, lineage: this.log, extensions: this.extensionList });
    return {
      sql: (text, sqlOptions = {}) => lastResult(executor, text, sqlOptions),
      statements: (text, sqlOptions = {}) => executor.executeAll(text, sqlOptions),
      catalog,
      interrupt: () => scope.interrupt(),
    };
  }

  /** The catalog as `principal` sees it: every call checked, decisions audited with `request`. */
  catalogFor(principal: Principal, request?: RequestContext): Catalog {
    return this.catalog.withActor(principal, { audit: this.audit, ...(request === undefined ? {} : { request }) });
  }

  /** The principal a personal access token belongs to; undefined for unknown, revoked or expired tokens. */
  authenticate(token: string): Promise<Principal | undefined> {
    return this.identity.authenticate(token);
  }

  /**
   * A catalog table by name (`t`, `schema.t` or `catalog.schema.t`, parts quoted with backticks
   * or double quotes when needed), resolved against main.default. NOT_FOUND for unknown names
   * and for views (they have no Delta table).
   */
  async table(name: string): Promise<DeltaTable> {
    const info = await this.catalogTable(name);
    if (info.format === 'ICEBERG') {
      throw new LochError('INVALID_ARGUMENT', `catalog: table ${formatName(info)} is an Iceberg table; open it with loch.icebergTable('${formatName(info)}')`, { context: { name: formatName(info) } });
    }
    return DeltaTable.open(this.ctx, info.location as string);
  }

  private async catalogTable(name: string): Promise<TableInfo> {
    const resolved = resolveName(new SessionState(), parseObjectName(name));
    const info = await this.catalog.findTable(resolved);
    if (info === undefined || info.tableType === 'VIEW' || info.location === undefined) {
      const full = formatName(resolved);
      throw new LochError('NOT_FOUND', `catalog: table ${full} does not exist${info === undefined ? '' : ` (${full} is a view)`} (TABLE_OR_VIEW_NOT_FOUND)`, { context: { name: full } });
    }
    return info;
  }

  /** A Delta table by path or URL (file, s3://, memory://). */
  async deltaTable(location: string): Promise<DeltaTable> {
    return DeltaTable.open(this.ctx, location);
  }

  /**
   * An Iceberg table by path or URL (a directory holding `metadata/`), or by catalog name (text
   * without '/' or ':'), read at one snapshot: the current one, or the one `selector` names
   * (snapshot id, branch or tag, timestamp). `plan()` lists the files a scan reads after
   * pruning (release what it returns); `scan()` yields Arrow record batches.
   */
  async icebergTable(location: string, options: IcebergOpenOptions = {}, selector: IcebergSnapshotSelector = {}): Promise<IcebergView> {
    if (/[/:\\]/.test(location)) return openIcebergView(this.ctx, location, options, selector);
    const info = await this.catalogTable(location);
    if (info.format !== 'ICEBERG' || info.metadataLocation === undefined) {
      throw new LochError('INVALID_ARGUMENT', `catalog: table ${formatName(info)} is a Delta table; open it with loch.table('${formatName(info)}')`, { context: { name: formatName(info) } });
    }
    return openIcebergView(this.ctx, info.location as string, { ...options, metadataFile: info.metadataLocation }, selector);
  }

  /**
   * How far the statements running now have come, 0–100 (DuckDB's estimate), or undefined when
   * nothing running reports it. For progress displays. (H6, for the CLI's progress bar: H4, please keep.)
   */
  progress(): number | undefined {
    return this.ctx.engine.progress();
  }

  /** Engine sessions open now, over every session of this Loch (leak checks of the server's tests). */
  get openSessions(): number { return this.ctx.engine.openSessions; }

  /**
   * Stops the statements running now (the shell's Ctrl-C): they fail with SQL_ERROR. A write
   * stopped this way commits nothing; its table stays at its last version.
   */
  interrupt(): void {
    this.ctx.engine.interrupt();
  }

  /** The extension of that name (`ai`), if Loch was opened with it. */
  extension(name: string): LochExtension | undefined {
    return this.extensionList.find((e) => e.name === name);
  }

  /** Flushes the audit and lineage queues, then closes the engine and the metastore. */
  async close(): Promise<void> {
    try {
      for (const extension of this.extensionList) await extension.close?.().catch(() => {});
      await this.log?.close();
      if (this.audit !== this.log) await this.audit.flush().catch(() => {});
      await this.ctx.engine.close();
    } finally {
      await this.metastore.close();
    }
  }

  private env(state: SessionState): SqlEnv {
    return { ctx: this.ctx, catalog: this.catalog, state, identity: this.identity, lineage: this.log, extensions: this.extensionList };
  }
}

async function lastResult(executor: SqlExecutor, text: string, options: SqlOptions): Promise<StatementResult> {
  let last: StatementResult | undefined;
  for await (const result of executor.executeAll(text, options)) {
    if (last !== undefined) await drain(last);
    last = result;
  }
  if (last === undefined) throw new LochError('INVALID_ARGUMENT', 'sql: the text holds no statement');
  return last;
}

async function drain(result: StatementResult): Promise<void> {
  for await (const _ of result.batches()) {
    // Earlier statements run for their effects; their rows are not returned.
  }
}

function isUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}

function warehouseRoot(warehouse: string | undefined): string {
  const given = warehouse ?? 'lakehouse';
  if (given.startsWith('file://')) return resolve(new URL(given).pathname);
  return isUrl(given) ? given.replace(/\/+$/, '') : resolve(given);
}

/** The warehouse folder itself when local; for a remote warehouse a folder under ~/.loch named by its URL. */
export function localStateDir(warehouse: string): string {
  if (!isUrl(warehouse)) return warehouse;
  const hash = createHash('sha256').update(warehouse).digest('hex').slice(0, 16);
  return join(homedir(), '.loch', 'warehouses', hash);
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}

/** Databricks functions DuckDB lacks, as macros in DuckDB's default database (every session sees them). */
async function runDialectMacros(engine: DuckDbEngine): Promise<void> {
  if (DIALECT_MACROS.trim() === '') return;
  const session = await engine.session();
  try {
    await session.run(DIALECT_MACROS);
  } finally {
    await session.close();
  }
}
