/**
 * Paging of directory listings (Databricks' `page_size` and `page_token`). A page token is
 * opaque to clients: the base64url of the order key of the last entry sent (see
 * `childOrderKey` in volume-tree.ts), so a listing resumes after it however the directory
 * changed meanwhile.
 */
import { LochError } from '../../core/errors.js';

/** Databricks' default and maximum: at most 1000 entries a page; larger sizes are coerced. */
export const MAX_PAGE_SIZE = 1000;

/** `page_size` of a request: absent → 1000; a positive integer, at most 1000; else 400. */
export function pageSizeOf(value: string | undefined): number {
  if (value === undefined || value === '') return MAX_PAGE_SIZE;
  if (!/^\d{1,12}$/.test(value) || Number(value) === 0) {
    throw new LochError('INVALID_ARGUMENT', `files: page_size must be a positive integer, got ${JSON.stringify(value.slice(0, 40))}`);
  }
  return Math.min(Number(value), MAX_PAGE_SIZE);
}

/** The page token that resumes a listing after the entry whose order key is `after`. */
export function encodePageToken(after: string): string {
  return Buffer.from(after, 'utf8').toString('base64url');
}

/** The order key a `page_token` resumes after; undefined for the first page; 400 for a token Loch did not make. */
export function decodePageToken(token: string | undefined): string | undefined {
  if (token === undefined || token === '') return undefined;
  const after = /^[A-Za-z0-9_-]{1,8000}$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  if (after === '' || after.includes('\uFFFD') || encodePageToken(after) !== token) {
    throw new LochError('INVALID_ARGUMENT', 'files: page_token is not a token returned by a previous listing of this directory');
  }
  return after;
}
