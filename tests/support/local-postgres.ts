import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The PostgreSQL server the metastore suites use: `LOCH_TEST_POSTGRES_URL` (scripts/pg-local.sh
 * prints it; .ci/run starts a throwaway cluster and exports it). Suites that find none say so
 * loudly on stderr and register one passing "NOT RUN" test, so `npm test` passes on a machine
 * with only Node and npm while the gap stays visible.
 */
export function postgresUrl(): string | undefined {
  const url = process.env['LOCH_TEST_POSTGRES_URL'];
  return url === undefined || url.trim() === '' ? undefined : url.trim();
}

/** A fresh schema name per run, so parallel suites and reruns never see each other's rows. */
export function randomSchemaName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e9).toString(36)}`;
}

/** `url` with `?schema=<schema>` set (replacing any schema option it had). */
export function withSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('schema', schema);
  return parsed.toString();
}

/** The banner a suite prints when no server is configured. */
export function postgresNotRunBanner(suite: string): string {
  return [
    '',
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    `!! PostgreSQL ${suite} NOT RUN: set LOCH_TEST_POSTGRES_URL (.ci/run starts one)`,
    '!! The PostgreSQL metastore is UNTESTED in this run. Start a throwaway server with:',
    '!!   eval "$(scripts/pg-local.sh start /tmp/loch-pg 54329)"; export LOCH_TEST_POSTGRES_URL',
    '!! Set LOCH_POSTGRES_REQUIRED=1 to make this a failure instead of a skip.',
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    '',
  ].join('\n');
}

/**
 * A PostgreSQL-backed describe block: without a server, the NOT RUN banner and one passing test
 * saying so (a failure with LOCH_POSTGRES_REQUIRED=1); with one, `body` gets the server URL and
 * `freshSchema(prefix)` → a URL on a new schema, every such schema dropped after the block.
 */
export function describePostgres(suite: string, body: (freshSchema: (prefix: string) => string) => void): void {
  const url = postgresUrl();
  if (url === undefined) {
    console.warn(postgresNotRunBanner(suite));
    describe(`PostgreSQL ${suite}`, () => {
      it(`postgres ${suite} NOT RUN (no server): set LOCH_TEST_POSTGRES_URL`, () => {
        expect(process.env['LOCH_POSTGRES_REQUIRED']).not.toBe('1');
      });
    });
    return;
  }
  describe(`PostgreSQL ${suite}`, () => {
    const schemas: string[] = [];
    afterAll(async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema.replace(/"/g, '""')}" CASCADE`);
      } finally {
        await client.end();
      }
    });
    body((prefix) => {
      const schema = randomSchemaName(prefix);
      schemas.push(schema);
      return withSchema(url, schema);
    });
  });
}
