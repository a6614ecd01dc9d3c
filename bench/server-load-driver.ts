import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { seededRandom } from '../src/core/random.js';
import { startServer } from '../src/server/server.js';
import type { Loch } from '../src/sql/loch.js';

/**
 * A bounded load on one Loch server over loopback: `clients` concurrent clients send `requests`
 * requests in all, a seeded mix of statement-API reads, PostgreSQL-wire reads and one-row appends
 * (half through each door) into `tables` tables. Returns the latencies per request type, the
 * errors, and the row counts found afterwards next to the counts the successful appends imply,
 * so callers can assert "no errors, no lost commits". Used by `npm run bench -- server-load` and,
 * small, by tests/integration/server/load-smoke.test.ts.
 */
export interface LoadOptions {
  readonly clients: number;
  readonly requests: number;
  readonly tables: number;
  readonly seedRows: number;
  readonly seed: number;
  /** Schema for the load tables (created fresh; dropped first if present). */
  readonly schema: string;
}

export type RequestKind = 'http-read' | 'pg-read' | 'http-append' | 'pg-append';

export interface LoadResult {
  readonly latencies: Readonly<Record<RequestKind, number[]>>;
  readonly errors: readonly string[];
  readonly expectedRows: readonly number[];
  readonly foundRows: readonly number[];
  readonly wallMs: number;
}

export async function runServerLoad(loch: Loch, options: LoadOptions): Promise<LoadResult> {
  const { schema, tables, seedRows } = options;
  await loch.sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await loch.sql(`CREATE SCHEMA ${schema}`);
  for (let t = 0; t < tables; t++) {
    await loch.sql(`CREATE TABLE ${schema}.t${t} (id BIGINT, client INT, v DOUBLE)`);
    await loch.sql(`INSERT INTO ${schema}.t${t} SELECT range, -1, range * 0.5 FROM range(${seedRows})`);
  }
  const user = `load_${options.seed}`;
  await loch.identity.createUser(user, { admin: true });
  const token = (await loch.identity.createToken(user)).token;
  const server = await startServer({ loch, port: 0, pgPort: 0, log: () => {} });
  const latencies: Record<RequestKind, number[]> = { 'http-read': [], 'pg-read': [], 'http-append': [], 'pg-append': [] };
  const errors: string[] = [];
  const appended = Array.from({ length: tables }, () => 0);
  const random = seededRandom(options.seed);
  let issued = 0;
  const start = performance.now();
  try {
    const statement = async (sql: string) => {
      const response = await fetch(`${server.url}/api/2.0/sql/statements`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ statement: sql, warehouse_id: 'loch', wait_timeout: '50s' }),
      });
      const body = (await response.json()) as { status?: { state: string; error?: { message: string } } };
      if (response.status !== 200 || body.status?.state !== 'SUCCEEDED') {
        throw new Error(`HTTP ${response.status} ${body.status?.state ?? ''} ${body.status?.error?.message ?? JSON.stringify(body)}`);
      }
    };
    const client = async (c: number) => {
      const db = new pg.Client({ host: '127.0.0.1', port: server.pgPort as number, user: 'token', password: token, database: 'main' });
      await db.connect();
      try {
        for (;;) {
          if (issued >= options.requests) return;
          issued += 1;
          const table = Math.floor(random() * tables);
          const roll = random();
          const kind: RequestKind = roll < 0.4 ? 'http-read' : roll < 0.7 ? 'pg-read' : roll < 0.85 ? 'http-append' : 'pg-append';
          const read = `SELECT count(*), sum(v) FROM ${schema}.t${table} WHERE id % 7 = ${c % 7}`;
          const append = `INSERT INTO ${schema}.t${table} VALUES (${1_000_000 + issued}, ${c}, ${issued})`;
          const began = performance.now();
          try {
            if (kind === 'http-read') await statement(read);
            else if (kind === 'pg-read') await db.query(read);
            else if (kind === 'http-append') await statement(append);
            else await db.query(append);
            if (kind.endsWith('append')) appended[table] = (appended[table] as number) + 1;
            latencies[kind].push(performance.now() - began);
          } catch (error) {
            errors.push(`${kind}: ${(error as Error).message}`);
          }
        }
      } finally {
        await db.end().catch(() => {});
      }
    };
    await Promise.all(Array.from({ length: options.clients }, (_, c) => client(c)));
  } finally {
    await server.close();
  }
  const wallMs = performance.now() - start;
  const foundRows: number[] = [];
  for (let t = 0; t < tables; t++) {
    const rows = await (await loch.sql(`SELECT count(*) FROM ${schema}.t${t}`)).all();
    foundRows.push(Number(rows[0]?.[0]));
  }
  return { latencies, errors, expectedRows: appended.map((n) => n + seedRows), foundRows, wallMs };
}

/** The p-th percentile (0–100) of latencies in ms, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}
