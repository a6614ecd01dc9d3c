import pg from 'pg';
import { LochError, randomIds, systemClock } from '../../core/index.js';
import type { Clock, IdSource } from '../../core/index.js';
import { idTaken } from '../memory/memory-metastore.js';
import { namespaceOf } from '../metastore.js';
import type {
  CreateOutcome,
  ListOptions,
  Metastore,
  NewObject,
  ObjectKind,
  ObjectUpdate,
  RestoreOutcome,
  StoredObject,
  UpdateOutcome,
} from '../metastore.js';
import { parsePgUrl, quoteIdent } from './pg-config.js';
import type { PgConfig } from './pg-config.js';
import { RETRY_TRANSACTION, pgCode, pgError } from './pg-errors.js';
import { ensureSchema } from './pg-schema.js';
import { PgStatements } from './pg-statements.js';

export interface PostgresMetastoreOptions {
  /** postgres://user:password@host:port/database?schema=loch */
  readonly url: string;
  readonly clock?: Clock;
  readonly ids?: IdSource;
  /** Connections the pool may open (default 10). */
  readonly maxConnections?: number;
}

const ATTEMPTS = 6;
const INT8_OID = 20;

/** BIGINT columns (epoch ms, revisions) as numbers: every value Loch stores is a safe integer. */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

const pause = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Thrown inside a transaction to run it again from the start (a parent changed under it). */
class Retry extends Error {}

/**
 * The Metastore port on PostgreSQL, safe for many processes: uniqueness is enforced by a
 * partial unique index (INSERT … ON CONFLICT DO NOTHING), a create share-locks its live parent,
 * and soft-delete/removeTree lock the rows they change before checking for children, so a
 * child can never appear under an object being removed. Transactions run at READ COMMITTED on
 * one pooled client and are repeated on serialization failures and deadlocks.
 * Documents are stored as `json` (text checked on input), not `jsonb`: jsonb would reorder keys
 * and refuse U+0000 in strings, and every backend must give back exactly what was stored.
 * Soft-delete and restore change only `deletedAt`.
 */
export class PostgresMetastore implements Metastore {
  readonly description: string;
  private readonly sql: PgStatements;
  private readonly clock: Clock;
  private readonly ids: IdSource;

  private constructor(
    private readonly config: PgConfig,
    private readonly pool: pg.Pool,
    options: PostgresMetastoreOptions,
  ) {
    this.description = `postgres ${config.where}`;
    this.sql = new PgStatements(quoteIdent(config.schema));
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? randomIds;
  }

  /** Connects and creates (or migrates) the schema; STORAGE_ERROR naming host:port/db when it cannot. */
  static async open(options: PostgresMetastoreOptions): Promise<PostgresMetastore> {
    const config = parsePgUrl(options.url);
    const pool = new pg.Pool({
      connectionString: config.connectionString,
      types: TYPES,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: 10_000,
    });
    // An idle client losing its connection must not crash the process; the next call reports it.
    pool.on('error', () => undefined);
    const metastore = new PostgresMetastore(config, pool, options);
    try {
      await metastore.transaction('open', (client) => ensureSchema(client, config.schema, config.where), false);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw pgError(config.where, 'open', error);
    }
    return metastore;
  }

  async create(object: NewObject): Promise<CreateOutcome> {
    const id = object.id ?? this.ids.uuid();
    const namespace = namespaceOf(object.kind);
    return this.transaction('create', async (client) => {
      if (object.parentId !== null && !(await this.sql.lockLive(client, object.parentId))) return { status: 'parent_missing' };
      if (object.id !== undefined && (await this.sql.byId(client, id))) throw idTaken(this.description, id);
      const row = { id, kind: object.kind, namespace, parentId: object.parentId, name: object.name, data: object.data, now: this.clock.now() };
      const created = await this.sql.insert(client, row).catch((error: unknown) => {
        throw pgCode(error) === '23505' ? idTaken(this.description, id) : error;
      });
      if (created) return { status: 'created', object: created };
      const sibling = await this.sql.sibling(client, object.parentId, namespace, object.name);
      // The holder was dropped or renamed between our insert and this read: try again.
      if (!sibling) throw new Retry('sibling vanished');
      return { status: 'exists', object: sibling };
    });
  }

  async get(kind: ObjectKind, parentId: string | null, name: string): Promise<StoredObject | undefined> {
    const found = await this.read('get', () => this.sql.sibling(this.pool, parentId, namespaceOf(kind), name));
    return found && found.kind === kind ? found : undefined;
  }

  async getById(id: string): Promise<StoredObject | undefined> {
    return this.read('getById', () => this.sql.byId(this.pool, id));
  }

  async list(kinds: readonly ObjectKind[], parentId: string | null, options: ListOptions = {}): Promise<StoredObject[]> {
    if (kinds.length === 0) return [];
    return this.read('list', () => this.sql.children(this.pool, kinds, parentId, options.deleted === true));
  }

  async update(id: string, update: ObjectUpdate): Promise<UpdateOutcome> {
    return this.transaction('update', async (client) => {
      const current = await this.sql.byId(client, id, 'FOR UPDATE');
      if (!current || current.deletedAt !== null) return { status: 'missing' };
      if (update.expectedRevision !== undefined && update.expectedRevision !== current.revision) {
        return { status: 'conflict', object: current };
      }
      const name = update.name ?? current.name;
      if (name !== current.name && (await this.sql.sibling(client, current.parentId, namespaceOf(current.kind), name))) {
        return { status: 'name_taken' };
      }
      const next = { ...current, name, data: update.data ?? current.data, revision: current.revision + 1, updatedAt: this.clock.now() };
      const written = await this.sql.rewrite(client, next);
      return written === 'name_taken' ? { status: 'name_taken' } : { status: 'updated', object: written };
    });
  }

  async softDelete(id: string, at: number): Promise<StoredObject | 'has_children' | undefined> {
    return this.transaction('softDelete', async (client) => {
      const current = await this.sql.byId(client, id, 'FOR UPDATE');
      if (!current || current.deletedAt !== null) return undefined;
      if (await this.sql.hasLiveChild(client, id)) return 'has_children';
      const written = await this.sql.rewrite(client, { ...current, deletedAt: at });
      if (written === 'name_taken') throw new Retry('soft-delete cannot take a name');
      return written;
    });
  }

  async restore(id: string): Promise<RestoreOutcome> {
    return this.transaction('restore', async (client) => {
      const current = await this.sql.byId(client, id, 'FOR UPDATE');
      if (!current || current.deletedAt === null) return { status: 'missing' };
      if (current.parentId !== null && !(await this.sql.lockLive(client, current.parentId))) return { status: 'parent_missing' };
      if (await this.sql.sibling(client, current.parentId, namespaceOf(current.kind), current.name)) return { status: 'name_taken' };
      const written = await this.sql.rewrite(client, { ...current, deletedAt: null });
      return written === 'name_taken' ? { status: 'name_taken' } : { status: 'restored', object: written };
    });
  }

  async removeTree(id: string, options: { readonly onlyIfLeaf?: boolean } = {}): Promise<StoredObject[] | 'has_children'> {
    return this.transaction('removeTree', async (client) => {
      if (!(await this.sql.byId(client, id, 'FOR UPDATE'))) return [];
      if (options.onlyIfLeaf === true && (await this.sql.hasLiveChild(client, id))) return 'has_children';
      const tree = await this.sql.lockTree(client, id);
      try {
        await this.sql.remove(client, tree.map((o) => o.id));
      } catch (error) {
        // 23503: a child committed under a descendant after the tree was read; read it again.
        if (pgCode(error) === '23503') throw new Retry('tree grew');
        throw error;
      }
      return tree;
    });
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }

  private async read<T>(action: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw pgError(this.config.where, action, error);
    }
  }

  private failure(action: string, attempts: number, error: unknown): LochError {
    if (!(error instanceof Retry)) return pgError(this.config.where, action, error);
    return new LochError('STORAGE_ERROR', `metastore postgres ${this.config.where}: ${action} gave up after ${attempts} attempts (${error.message})`, {
      retryable: true,
      context: { where: this.config.where, action, attempts },
    });
  }

  /** Runs fn between BEGIN and COMMIT on one client, repeating it on serialization failures, deadlocks and Retry. */
  private async transaction<T>(action: string, fn: (client: pg.PoolClient) => Promise<T>, wrap = true): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const client = await this.pool.connect().catch((error: unknown) => {
        throw pgError(this.config.where, `${action}: connect`, error);
      });
      let broken = false;
      try {
        if (wrap) await client.query('BEGIN');
        const result = await fn(client);
        if (wrap) await client.query('COMMIT');
        return result;
      } catch (error) {
        if (wrap) await client.query('ROLLBACK').catch(() => (broken = true));
        const again = error instanceof Retry || RETRY_TRANSACTION.has(pgCode(error) ?? '');
        if (!again || attempt >= ATTEMPTS) throw this.failure(action, attempt, error);
      } finally {
        client.release(broken);
      }
      await pause(5 * attempt + Math.random() * 10 * attempt);
    }
  }
}
