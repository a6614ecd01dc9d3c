/**
 * Pagination of Unity Catalog listings (`max_results`, `page_token` → `next_page_token`).
 *
 * - `max_results`: an integer; negative or above the spec's maximum for the operation → 400;
 *   0 or absent → the server's page size; otherwise the smaller of it and the server's size.
 * - `page_token`: opaque to clients; it is base64url JSON of {v: 1, k: listing, p: parent, a:
 *   last name returned}. A token that does not decode, or was issued for another listing or
 *   parent, is 400. Pages are cut from the listing *after* filtering by privilege and sorting by
 *   name, so hidden objects neither shorten a page nor show in a token.
 * - `next_page_token` is absent on the last page.
 */
import type { Context } from 'hono';
import type { ServerEnv } from '../http/context.js';
import { invalidParameter } from './uc-errors.js';

/** Which listing a token belongs to: the operation and its parent (catalog, catalog.schema). */
export interface PageScope {
  readonly listing: string;
  readonly parent: string;
}

/** The spec's maximum for `max_results` and the page size the server uses at most. */
export interface PageLimits {
  readonly specMax: number;
  readonly serverMax: number;
}

export interface PageRequest {
  readonly size: number;
  /** Names strictly after this one come next. */
  readonly after?: string;
  readonly scope: PageScope;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextPageToken?: string;
}

const MAX_TOKEN_LENGTH = 2048;

/** Reads and validates `max_results` and `page_token` of a listing request. */
export function pageRequest(c: Context<ServerEnv>, scope: PageScope, limits: PageLimits): PageRequest {
  const size = pageSize(c.req.query('max_results'), limits);
  const token = c.req.query('page_token');
  if (token === undefined || token === '') return { size, scope };
  return { size, scope, after: decodeToken(token, scope) };
}

/** One page of `items` (any order; sorted here by `key`). */
export function pageOf<T>(items: readonly T[], key: (item: T) => string, request: PageRequest): Page<T> {
  const sorted = [...items].sort((a, b) => compare(key(a), key(b)));
  const after = request.after;
  const rest = after === undefined ? sorted : sorted.filter((item) => compare(key(item), after) > 0);
  const page = rest.slice(0, request.size);
  if (rest.length <= request.size) return { items: page };
  const last = page[page.length - 1] as T;
  return { items: page, nextPageToken: encodeToken(request.scope, key(last)) };
}

function pageSize(text: string | undefined, limits: PageLimits): number {
  if (text === undefined || text === '') return limits.serverMax;
  if (!/^-?\d{1,12}$/.test(text)) throw invalidParameter(`max_results must be an integer, not '${text.slice(0, 40)}'`, { parameter: 'max_results' });
  const value = Number(text);
  if (value < 0) throw invalidParameter(`max_results must not be negative (got ${value})`, { parameter: 'max_results' });
  if (value > limits.specMax) throw invalidParameter(`max_results must be at most ${limits.specMax} (got ${value})`, { parameter: 'max_results' });
  return value === 0 ? limits.serverMax : Math.min(value, limits.serverMax);
}

function encodeToken(scope: PageScope, after: string): string {
  return Buffer.from(JSON.stringify({ v: 1, k: scope.listing, p: scope.parent, a: after }), 'utf8').toString('base64url');
}

function decodeToken(token: string, scope: PageScope): string {
  const bad = (why: string) => invalidParameter(`page_token is not a token of this listing (${why}); pass next_page_token from the previous page unchanged`, { parameter: 'page_token' });
  if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) throw bad('malformed');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad('malformed');
  }
  const t = parsed as { v?: unknown; k?: unknown; p?: unknown; a?: unknown } | null;
  if (t === null || typeof t !== 'object' || t.v !== 1 || typeof t.a !== 'string') throw bad('malformed');
  if (t.k !== scope.listing || t.p !== scope.parent) throw bad('issued for another listing');
  return t.a;
}

// Code-unit order, the same in every process (no locale).
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
