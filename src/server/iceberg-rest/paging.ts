/**
 * Pagination of list responses, as the spec's PageToken describes: without a `pageToken`
 * parameter everything comes in one response with `next-page-token: null`; with one (the empty
 * string starts), pages of at most `pageSize` (default 100) items, the token being the opaque
 * base64url of the last key returned. Items must be sorted by key.
 */
import type { Context } from 'hono';
import { badRequest } from './errors.js';
import { pageSizeParam } from './request.js';

const DEFAULT_PAGE_SIZE = 100;
const MAX_TOKEN_CHARS = 2048;

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken: string | null;
}

/** The page of `items` (sorted by `key`) that the request's pageToken/pageSize ask for. */
export function paginate<T>(c: Context, items: readonly T[], key: (item: T) => string): Page<T> {
  const token = c.req.query('pageToken');
  const size = pageSizeParam(c);
  if (token === undefined) return { items, nextPageToken: null };
  const after = token === '' ? undefined : decodeToken(token);
  const start = after === undefined ? 0 : items.findIndex((item) => key(item) > after);
  const from = start === -1 ? items.length : start;
  const limit = size ?? DEFAULT_PAGE_SIZE;
  const page = items.slice(from, from + limit);
  const last = page[page.length - 1];
  const more = from + limit < items.length && last !== undefined;
  return { items: page, nextPageToken: more ? Buffer.from(key(last), 'utf8').toString('base64url') : null };
}

function decodeToken(token: string): string {
  if (token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(token)) throw badRequest('pageToken is not a token this server issued');
  return Buffer.from(token, 'base64url').toString('utf8');
}
