import type Database from 'better-sqlite3';

/** One row of the objects table as better-sqlite3 returns it (INTEGER columns as numbers). */
export interface ObjectRow {
  readonly id: string;
  readonly kind: string;
  readonly namespace: string;
  readonly parent_id: string | null;
  readonly name: string;
  readonly data: string;
  readonly revision: number;
  readonly created_at: number;
  readonly updated_at: number;
  readonly deleted_at: number | null;
}

const COLUMNS = 'id, kind, namespace, parent_id, name, data, revision, created_at, updated_at, deleted_at';

/** The descendants of :id with their depth, the root at depth 0. */
const TREE = `WITH RECURSIVE tree (id, depth) AS (
    SELECT id, 0 FROM objects WHERE id = ?
    UNION ALL
    SELECT o.id, t.depth + 1 FROM objects o JOIN tree t ON o.parent_id = t.id
  )`;

/**
 * The prepared statements of the SQLite metastore. Parent comparisons use COALESCE(parent_id, '')
 * so that catalogs (parent NULL) match and the partial unique index serves the lookup.
 * Text compares with SQLite's BINARY collation: UTF-8 bytes, i.e. code-point order.
 */
export class SqliteStatements {
  private readonly byIdStmt: Database.Statement<[string], ObjectRow>;
  private readonly liveStmt: Database.Statement<[string], { one: number }>;
  private readonly siblingStmt: Database.Statement<[string, string, string], ObjectRow>;
  private readonly childrenStmt: Database.Statement<[string, number], ObjectRow>;
  private readonly liveChildStmt: Database.Statement<[string], { one: number }>;
  private readonly insertStmt: Database.Statement<[ObjectRow]>;
  private readonly rewriteStmt: Database.Statement<[ObjectRow]>;
  private readonly treeStmt: Database.Statement<[string], ObjectRow>;
  private readonly removeStmt: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    this.byIdStmt = db.prepare(`SELECT ${COLUMNS} FROM objects WHERE id = ?`);
    this.liveStmt = db.prepare('SELECT 1 AS one FROM objects WHERE id = ? AND deleted_at IS NULL');
    this.siblingStmt = db.prepare(
      `SELECT ${COLUMNS} FROM objects
       WHERE COALESCE(parent_id, '') = ? AND namespace = ? AND name = ? AND deleted_at IS NULL`,
    );
    this.childrenStmt = db.prepare(
      `SELECT ${COLUMNS} FROM objects
       WHERE COALESCE(parent_id, '') = ? AND (deleted_at IS NOT NULL) = ? ORDER BY name, id`,
    );
    this.liveChildStmt = db.prepare('SELECT 1 AS one FROM objects WHERE parent_id = ? AND deleted_at IS NULL LIMIT 1');
    this.insertStmt = db.prepare(
      `INSERT INTO objects (${COLUMNS}) VALUES
       (@id, @kind, @namespace, @parent_id, @name, @data, @revision, @created_at, @updated_at, @deleted_at)`,
    );
    this.rewriteStmt = db.prepare(
      `UPDATE objects SET name = @name, data = @data, revision = @revision, updated_at = @updated_at,
       deleted_at = @deleted_at WHERE id = @id`,
    );
    this.treeStmt = db.prepare(
      `${TREE} SELECT ${COLUMNS.split(', ').map((c) => `o.${c}`).join(', ')}
       FROM tree t JOIN objects o ON o.id = t.id ORDER BY t.depth, o.name, o.id`,
    );
    this.removeStmt = db.prepare(`DELETE FROM objects WHERE id IN (${TREE} SELECT id FROM tree)`);
  }

  byId(id: string): ObjectRow | undefined {
    return this.byIdStmt.get(id);
  }

  live(id: string): boolean {
    return this.liveStmt.get(id) !== undefined;
  }

  sibling(parentId: string | null, namespace: string, name: string): ObjectRow | undefined {
    return this.siblingStmt.get(parentId ?? '', namespace, name);
  }

  children(parentId: string | null, deleted: boolean): ObjectRow[] {
    return this.childrenStmt.all(parentId ?? '', deleted ? 1 : 0);
  }

  hasLiveChild(id: string): boolean {
    return this.liveChildStmt.get(id) !== undefined;
  }

  insert(row: ObjectRow): void {
    this.insertStmt.run(row);
  }

  /** Writes back the mutable columns of a row read in the same transaction. */
  rewrite(row: ObjectRow): void {
    this.rewriteStmt.run(row);
  }

  /** The object and its descendants, root first, then by depth, name, id. */
  tree(id: string): ObjectRow[] {
    return this.treeStmt.all(id);
  }

  removeTree(id: string): void {
    this.removeStmt.run(id);
  }
}
