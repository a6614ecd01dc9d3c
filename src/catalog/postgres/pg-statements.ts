import type pg from 'pg';
import type { ObjectData, ObjectKind, StoredObject } from '../metastore.js';
import { pgCode } from './pg-errors.js';

/** A row as `pg` returns it: BIGINT parsed to number by the pool's type parser, JSON parsed. */
interface ObjectRow {
  readonly id: string;
  readonly kind: string;
  readonly parent_id: string | null;
  readonly name: string;
  readonly data: ObjectData;
  readonly revision: number;
  readonly created_at: number;
  readonly updated_at: number;
  readonly deleted_at: number | null;
}

const COLUMNS = 'id, kind, parent_id, name, data, revision, created_at, updated_at, deleted_at';

function toObject(row: ObjectRow): StoredObject {
  return {
    id: row.id,
    kind: row.kind as ObjectKind,
    parentId: row.parent_id,
    name: row.name,
    data: row.data,
    revision: row.revision,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}

export interface NewRow {
  readonly id: string;
  readonly kind: ObjectKind;
  readonly namespace: string;
  readonly parentId: string | null;
  readonly name: string;
  readonly data: ObjectData;
  readonly now: number;
}

/**
 * The SQL of the PostgreSQL metastore on one schema; every value travels as a $n parameter.
 * Methods run on the client of the caller's transaction (or the pool for single reads).
 * Parent comparisons use COALESCE(parent_id, '') so the partial unique index serves them.
 */
export class PgStatements {
  constructor(private readonly s: string) {}

  async byId(q: pg.ClientBase | pg.Pool, id: string, lock = ''): Promise<StoredObject | undefined> {
    const result = await q.query<ObjectRow>(`SELECT ${COLUMNS} FROM ${this.s}.objects WHERE id = $1 ${lock}`, [id]);
    return result.rows[0] && toObject(result.rows[0]);
  }

  /** Takes a share lock on a live object, so it stays live until the transaction ends. */
  async lockLive(q: pg.ClientBase, id: string): Promise<boolean> {
    const result = await q.query(`SELECT 1 FROM ${this.s}.objects WHERE id = $1 AND deleted_at IS NULL FOR SHARE`, [id]);
    return result.rows.length > 0;
  }

  async sibling(q: pg.ClientBase | pg.Pool, parentId: string | null, namespace: string, name: string): Promise<StoredObject | undefined> {
    const result = await q.query<ObjectRow>(
      `SELECT ${COLUMNS} FROM ${this.s}.objects
       WHERE COALESCE(parent_id, '') = $1 AND namespace = $2 AND name = $3 AND deleted_at IS NULL`,
      [parentId ?? '', namespace, name],
    );
    return result.rows[0] && toObject(result.rows[0]);
  }

  async children(q: pg.Pool, kinds: readonly string[], parentId: string | null, deleted: boolean): Promise<StoredObject[]> {
    const result = await q.query<ObjectRow>(
      `SELECT ${COLUMNS} FROM ${this.s}.objects
       WHERE COALESCE(parent_id, '') = $1 AND kind = ANY($2::text[]) AND (deleted_at IS NOT NULL) = $3
       ORDER BY name, id`,
      [parentId ?? '', kinds, deleted],
    );
    return result.rows.map(toObject);
  }

  async hasLiveChild(q: pg.ClientBase, id: string): Promise<boolean> {
    const result = await q.query(`SELECT 1 FROM ${this.s}.objects WHERE parent_id = $1 AND deleted_at IS NULL LIMIT 1`, [id]);
    return result.rows.length > 0;
  }

  /** Inserts unless a live sibling holds the name; undefined means it did. */
  async insert(q: pg.ClientBase, row: NewRow): Promise<StoredObject | undefined> {
    const result = await q.query<ObjectRow>(
      `INSERT INTO ${this.s}.objects (id, kind, namespace, parent_id, name, data, revision, created_at, updated_at, deleted_at)
       VALUES ($1, $2, $3, $4, $5, $6::json, 1, $7, $7, NULL)
       ON CONFLICT ((COALESCE(parent_id, '')), namespace, name) WHERE deleted_at IS NULL DO NOTHING
       RETURNING ${COLUMNS}`,
      [row.id, row.kind, row.namespace, row.parentId, row.name, JSON.stringify(row.data), row.now],
    );
    return result.rows[0] && toObject(result.rows[0]);
  }

  /**
   * Sets name, data, revision, updated_at and deleted_at; 'name_taken' when the live-name index
   * refuses (a concurrent create slipped in after the caller's check). A savepoint keeps the
   * transaction usable after the refusal.
   */
  async rewrite(q: pg.ClientBase, object: StoredObject): Promise<StoredObject | 'name_taken'> {
    await q.query('SAVEPOINT rewrite');
    try {
      const result = await q.query<ObjectRow>(
        `UPDATE ${this.s}.objects SET name = $2, data = $3::json, revision = $4, updated_at = $5, deleted_at = $6
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [object.id, object.name, JSON.stringify(object.data), object.revision, object.updatedAt, object.deletedAt],
      );
      await q.query('RELEASE SAVEPOINT rewrite');
      return toObject(result.rows[0] as ObjectRow);
    } catch (error) {
      if (pgCode(error) !== '23505') throw error;
      await q.query('ROLLBACK TO SAVEPOINT rewrite');
      return 'name_taken';
    }
  }

  /** The object and its descendants, locked for update: root first, then by depth, name, id. */
  async lockTree(q: pg.ClientBase, id: string): Promise<StoredObject[]> {
    const result = await q.query<ObjectRow>(
      `WITH RECURSIVE tree (id, depth) AS (
         SELECT id, 0 FROM ${this.s}.objects WHERE id = $1
         UNION ALL
         SELECT o.id, t.depth + 1 FROM ${this.s}.objects o JOIN tree t ON o.parent_id = t.id
       )
       SELECT ${COLUMNS.split(', ').map((c) => `o.${c}`).join(', ')}
       FROM tree t JOIN ${this.s}.objects o ON o.id = t.id
       ORDER BY t.depth, o.name, o.id
       FOR UPDATE OF o`,
      [id],
    );
    return result.rows.map(toObject);
  }

  async remove(q: pg.ClientBase, ids: readonly string[]): Promise<void> {
    await q.query(`DELETE FROM ${this.s}.objects WHERE id = ANY($1::text[])`, [ids]);
  }
}
