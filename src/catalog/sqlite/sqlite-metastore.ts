import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { LochError, randomIds, systemClock } from '../../core/index.js';
import type { Clock, IdSource } from '../../core/index.js';
import { idTaken } from '../memory/memory-metastore.js';
import { namespaceOf } from '../metastore.js';
import type {
  CreateOutcome,
  ListOptions,
  Metastore,
  NewObject,
  ObjectData,
  ObjectKind,
  ObjectUpdate,
  RestoreOutcome,
  StoredObject,
  UpdateOutcome,
} from '../metastore.js';
import { sqliteCode, sqliteError } from './sqlite-errors.js';
import { migrate } from './sqlite-schema.js';
import { SqliteStatements } from './sqlite-statements.js';
import type { ObjectRow } from './sqlite-statements.js';

export interface SqliteMetastoreOptions {
  /** The database file; created (with its folder) when missing. */
  readonly path: string;
  readonly clock?: Clock;
  readonly ids?: IdSource;
  /** How long a call waits for another process's write lock before failing (default 10 s). */
  readonly busyTimeoutMs?: number;
}

function toObject(row: ObjectRow): StoredObject {
  return {
    id: row.id,
    kind: row.kind as ObjectKind,
    parentId: row.parent_id,
    name: row.name,
    data: JSON.parse(row.data) as ObjectData,
    revision: row.revision,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}

function openDatabase(path: string, busyTimeoutMs: number): Database.Database {
  let db: Database.Database | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: busyTimeoutMs });
    // WAL lets readers proceed while one process writes; it persists in the file.
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    migrate(db, path);
    return db;
  } catch (error) {
    db?.close();
    throw sqliteError(path, 'open', error);
  }
}

/**
 * The Metastore port on one SQLite file, safe for several processes at once: WAL journal, a
 * busy timeout, and every read-then-write in a BEGIN IMMEDIATE transaction, which takes the
 * write lock before reading so no decision is made on a snapshot another writer has moved past.
 * better-sqlite3 is synchronous: a call that waits for the lock blocks the event loop up to the
 * busy timeout, then fails with a retryable STORAGE_ERROR. The file must be on a local disk
 * (WAL needs shared memory). Soft-delete and restore change only `deletedAt`.
 */
export class SqliteMetastore implements Metastore {
  readonly description: string;
  readonly path: string;
  private readonly clock: Clock;
  private readonly ids: IdSource;
  private readonly db: Database.Database;
  private readonly sql: SqliteStatements;

  constructor(options: SqliteMetastoreOptions) {
    this.path = resolve(options.path);
    this.description = `sqlite ${this.path}`;
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? randomIds;
    this.db = openDatabase(this.path, options.busyTimeoutMs ?? 10_000);
    try {
      this.sql = new SqliteStatements(this.db);
    } catch (error) {
      this.db.close();
      throw sqliteError(this.path, 'prepare statements', error);
    }
  }

  async create(object: NewObject): Promise<CreateOutcome> {
    return this.write('create', () => {
      if (object.parentId !== null && !this.sql.live(object.parentId)) return { status: 'parent_missing' };
      const namespace = namespaceOf(object.kind);
      const sibling = this.sql.sibling(object.parentId, namespace, object.name);
      if (sibling) return { status: 'exists', object: toObject(sibling) };
      const id = object.id ?? this.ids.uuid();
      if (this.sql.byId(id)) throw idTaken(this.description, id);
      const now = this.clock.now();
      const row: ObjectRow = {
        id,
        kind: object.kind,
        namespace,
        parent_id: object.parentId,
        name: object.name,
        data: JSON.stringify(object.data),
        revision: 1,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      };
      this.sql.insert(row);
      return { status: 'created', object: toObject(row) };
    });
  }

  async get(kind: ObjectKind, parentId: string | null, name: string): Promise<StoredObject | undefined> {
    const row = this.read('get', () => this.sql.sibling(parentId, namespaceOf(kind), name));
    return row && row.kind === kind ? toObject(row) : undefined;
  }

  async getById(id: string): Promise<StoredObject | undefined> {
    const row = this.read('getById', () => this.sql.byId(id));
    return row ? toObject(row) : undefined;
  }

  async list(kinds: readonly ObjectKind[], parentId: string | null, options: ListOptions = {}): Promise<StoredObject[]> {
    if (kinds.length === 0) return [];
    const rows = this.read('list', () => this.sql.children(parentId, options.deleted === true));
    const wanted = new Set<string>(kinds);
    return rows.filter((row) => wanted.has(row.kind)).map(toObject);
  }

  async update(id: string, update: ObjectUpdate): Promise<UpdateOutcome> {
    return this.write('update', () => {
      const row = this.sql.byId(id);
      if (!row || row.deleted_at !== null) return { status: 'missing' };
      if (update.expectedRevision !== undefined && update.expectedRevision !== row.revision) {
        return { status: 'conflict', object: toObject(row) };
      }
      const name = update.name ?? row.name;
      if (name !== row.name) {
        const sibling = this.sql.sibling(row.parent_id, row.namespace, name);
        if (sibling && sibling.id !== id) return { status: 'name_taken' };
      }
      const next: ObjectRow = {
        ...row,
        name,
        data: update.data === undefined ? row.data : JSON.stringify(update.data),
        revision: row.revision + 1,
        updated_at: this.clock.now(),
      };
      this.sql.rewrite(next);
      return { status: 'updated', object: toObject(next) };
    });
  }

  async softDelete(id: string, at: number): Promise<StoredObject | 'has_children' | undefined> {
    return this.write('softDelete', () => {
      const row = this.sql.byId(id);
      if (!row || row.deleted_at !== null) return undefined;
      if (this.sql.hasLiveChild(id)) return 'has_children';
      const next: ObjectRow = { ...row, deleted_at: at };
      this.sql.rewrite(next);
      return toObject(next);
    });
  }

  async restore(id: string): Promise<RestoreOutcome> {
    return this.write('restore', () => {
      const row = this.sql.byId(id);
      if (!row || row.deleted_at === null) return { status: 'missing' };
      if (row.parent_id !== null && !this.sql.live(row.parent_id)) return { status: 'parent_missing' };
      if (this.sql.sibling(row.parent_id, row.namespace, row.name)) return { status: 'name_taken' };
      const next: ObjectRow = { ...row, deleted_at: null };
      this.sql.rewrite(next);
      return { status: 'restored', object: toObject(next) };
    });
  }

  async removeTree(id: string, options: { readonly onlyIfLeaf?: boolean } = {}): Promise<StoredObject[] | 'has_children'> {
    return this.write('removeTree', () => {
      if (!this.sql.byId(id)) return [];
      if (options.onlyIfLeaf === true && this.sql.hasLiveChild(id)) return 'has_children';
      const rows = this.sql.tree(id);
      this.sql.removeTree(id);
      return rows.map(toObject);
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private read<T>(action: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw sqliteError(this.path, action, error);
    }
  }

  /** Runs fn in BEGIN IMMEDIATE; a unique-index hit that slipped past the checks is a bug here. */
  private write<T>(action: string, fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (error) {
      const code = sqliteCode(error);
      if (code?.startsWith('SQLITE_CONSTRAINT')) {
        throw new LochError('INTERNAL', `metastore sqlite ${this.path}: ${action} broke a constraint the checks should have caught [${code}]`, {
          cause: error,
        });
      }
      throw sqliteError(this.path, action, error);
    }
  }
}
