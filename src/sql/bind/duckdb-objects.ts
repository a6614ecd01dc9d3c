import type { Session } from '../../engine/index.js';

/**
 * Whether DuckDB itself has a table or view by this name (1–3 parts as written): its own
 * catalogs (memory, temp, system), schemas such as pg_catalog and information_schema, and
 * tables created by DuckDB-only statements. A one-part name is looked up where DuckDB's search
 * path looks (schemas main and pg_catalog). Names compare case-insensitively, as in DuckDB.
 */
export async function duckdbHasRelation(session: Session, parts: readonly string[]): Promise<boolean> {
  const [database, schema, name] = parts.length === 3 ? parts : parts.length === 2 ? [undefined, parts[0], parts[1]] : [undefined, undefined, parts[0]];
  const where = `lower(name) = lower($1) AND ($2::VARCHAR IS NULL OR lower(schema_name) = lower($2)) AND ($3::VARCHAR IS NULL OR lower(database_name) = lower($3))
    AND ($2::VARCHAR IS NOT NULL OR schema_name IN ('main', 'pg_catalog'))`;
  const sql = `SELECT count(*) FROM (
    SELECT table_name AS name, schema_name, database_name FROM duckdb_tables()
    UNION ALL SELECT view_name, schema_name, database_name FROM duckdb_views()) WHERE ${where}`;
  try {
    const rows = await (await session.query(sql, { params: [name ?? '', schema ?? null, database ?? null] })).all();
    return Number(rows[0]?.[0] ?? 0) > 0;
  } catch {
    return false;
  }
}
