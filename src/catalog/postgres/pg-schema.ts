import type pg from 'pg';
import { LochError } from '../../core/index.js';
import { quoteIdent } from './pg-config.js';

/**
 * The metastore's tables in schema S, one migration per version. Names are unique per (parent,
 * namespace) among live rows: the partial index ignores soft-deleted rows and COALESCE makes
 * catalogs (parent NULL) collide. Text columns use the "C" collation so that ORDER BY is
 * code-point order whatever the database's locale. Times are epoch ms as BIGINT. Documents are
 * `json`, not `jsonb`, which would reorder keys and refuse U+0000 (see PostgresMetastore).
 */
function migrations(s: string): string[] {
  return [
    `CREATE TABLE ${s}.objects (
       id TEXT COLLATE "C" PRIMARY KEY,
       kind TEXT NOT NULL,
       namespace TEXT NOT NULL,
       parent_id TEXT COLLATE "C" REFERENCES ${s}.objects (id),
       name TEXT COLLATE "C" NOT NULL,
       data JSON NOT NULL,
       revision BIGINT NOT NULL,
       created_at BIGINT NOT NULL,
       updated_at BIGINT NOT NULL,
       deleted_at BIGINT
     );
     CREATE UNIQUE INDEX objects_live_name ON ${s}.objects ((COALESCE(parent_id, '')), namespace, name)
       WHERE deleted_at IS NULL;
     CREATE INDEX objects_by_parent ON ${s}.objects (parent_id);`,
  ];
}

export const PG_SCHEMA_VERSION = migrations('s').length;

/**
 * Creates or migrates the schema inside one transaction holding an advisory lock derived from
 * the schema name, so processes opening a new metastore at once do it exactly once. A schema
 * written by a newer Loch is refused rather than misread.
 */
export async function ensureSchema(client: pg.PoolClient, schema: string, where: string): Promise<void> {
  const s = quoteIdent(schema);
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('loch metastore schema ' || $1))`, [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.schema_version (version INTEGER NOT NULL)`);
    const found = await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_version`);
    const version = found.rows[0]?.version ?? 0;
    if (version > PG_SCHEMA_VERSION) {
      throw new LochError(
        'UNSUPPORTED_FEATURE',
        `metastore postgres ${where}: schema ${schema} has version ${version}, newer than this Loch supports (${PG_SCHEMA_VERSION})`,
        { context: { where, schema, version, supported: PG_SCHEMA_VERSION } },
      );
    }
    const steps = migrations(s);
    for (let next = version; next < PG_SCHEMA_VERSION; next += 1) await client.query(steps[next] as string);
    if (found.rows.length === 0) await client.query(`INSERT INTO ${s}.schema_version (version) VALUES ($1)`, [PG_SCHEMA_VERSION]);
    else if (version < PG_SCHEMA_VERSION) await client.query(`UPDATE ${s}.schema_version SET version = $1`, [PG_SCHEMA_VERSION]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
