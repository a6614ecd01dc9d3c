import { LochError } from '../../core/index.js';

export interface PgConfig {
  /** The URL handed to `pg`, without Loch's own `schema` option. */
  readonly connectionString: string;
  /** The PostgreSQL schema holding the metastore's tables. */
  readonly schema: string;
  /** host:port/database, for messages; never the user or password. */
  readonly where: string;
}

export const DEFAULT_PG_SCHEMA = 'loch';

/** Matches the start of a URL the PostgreSQL metastore accepts. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * Reads a `postgres://` or `postgresql://` URL. Loch's option `?schema=<name>` (default
 * 'loch') picks the schema for the tables and is removed before `pg` sees the URL; every other
 * option (sslmode, application_name, …) passes through.
 */
export function parsePgUrl(url: string): PgConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new LochError('INVALID_ARGUMENT', 'metastore postgres: the metastore URL is not a valid postgres:// URL', { cause: error });
  }
  if (!isPostgresUrl(url)) {
    throw new LochError('INVALID_ARGUMENT', `metastore postgres: URL scheme ${parsed.protocol} is not postgres: or postgresql:`);
  }
  const schema = parsed.searchParams.get('schema') ?? DEFAULT_PG_SCHEMA;
  if (schema === '' || schema.length > 63 || schema.includes('\0')) {
    throw new LochError('INVALID_ARGUMENT', `metastore postgres: schema option must be 1 to 63 characters, got ${JSON.stringify(schema)}`);
  }
  parsed.searchParams.delete('schema');
  const host = parsed.hostname === '' ? 'localhost' : decodeURIComponent(parsed.hostname);
  const port = parsed.port === '' ? '5432' : parsed.port;
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default database)';
  return { connectionString: parsed.toString(), schema, where: `${host}:${port}/${database}` };
}

/** Double-quotes an identifier for PostgreSQL (the schema name is the only one not fixed by Loch). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
