import type Database from 'better-sqlite3';
import { LochError } from '../../core/index.js';

/**
 * The metastore's tables, one migration per schema version; `PRAGMA user_version` records the
 * version reached. Names are unique per (parent, namespace) among live rows only: the partial
 * index ignores soft-deleted rows, and COALESCE makes catalogs (parent NULL) collide with each
 * other, which a plain NULL would not.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE objects (
     id TEXT PRIMARY KEY NOT NULL,
     kind TEXT NOT NULL,
     namespace TEXT NOT NULL,
     parent_id TEXT REFERENCES objects (id),
     name TEXT NOT NULL,
     data TEXT NOT NULL,
     revision INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     deleted_at INTEGER
   );
   CREATE UNIQUE INDEX objects_live_name ON objects (COALESCE(parent_id, ''), namespace, name)
     WHERE deleted_at IS NULL;
   CREATE INDEX objects_by_parent ON objects (parent_id, name, id);`,
];

export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the file's schema to SQLITE_SCHEMA_VERSION inside one IMMEDIATE transaction, so two
 * processes opening a new file at once migrate it exactly once. A file written by a newer Loch
 * is refused rather than misread.
 */
export function migrate(db: Database.Database, path: string): void {
  const run = db.transaction(() => {
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version > SQLITE_SCHEMA_VERSION) {
      throw new LochError(
        'UNSUPPORTED_FEATURE',
        `metastore sqlite ${path}: schema version ${version} is newer than this Loch supports (${SQLITE_SCHEMA_VERSION})`,
        { context: { path, version, supported: SQLITE_SCHEMA_VERSION } },
      );
    }
    for (let next = version; next < SQLITE_SCHEMA_VERSION; next += 1) db.exec(MIGRATIONS[next] as string);
    // PRAGMA takes no parameters; the value is our own integer constant.
    if (version < SQLITE_SCHEMA_VERSION) db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
  });
  run.immediate();
}
