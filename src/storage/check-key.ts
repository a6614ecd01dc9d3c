import { LochError } from '../core/errors.js';

/** Prefix of the temp files the local store writes before renaming/linking them into place. */
export const LOCAL_TEMP_PREFIX = '.loch-tmp-';

/**
 * Validates an object key (see the ObjectStore contract): relative, '/'-separated, no empty,
 * '.' or '..' segments, no backslash and no NUL. The empty key is invalid.
 * Throws PATH_ESCAPE naming the key and the store; returns nothing when the key is valid.
 */
export function checkKey(key: string, storeUrl: string): void {
  if (key === '') throw escape(key, storeUrl, 'the key is empty');
  checkCharacters(key, storeUrl);
  const segments = key.split('/');
  for (const segment of segments) checkSegment(segment, key, storeUrl);
}

/**
 * Validates a listing prefix. Like `checkKey`, except that the empty prefix is valid, the prefix
 * may end with '/', and its last (partial) segment may be '.' or '..' since it only has to be the
 * start of a valid segment (".." is the start of "..data").
 */
export function checkPrefix(prefix: string, storeUrl: string): void {
  if (prefix === '') return;
  checkCharacters(prefix, storeUrl);
  const segments = prefix.split('/');
  const complete = segments.slice(0, -1);
  for (const segment of complete) checkSegment(segment, prefix, storeUrl);
}

/**
 * Joins key parts with single '/' separators: empty parts are dropped and slashes at the joins
 * collapse ("a/", "/b" → "a/b"). A leading '/' on the first part is kept so that `checkKey`
 * still rejects an absolute path; the result is not validated here.
 */
export function joinKey(...parts: readonly string[]): string {
  let out = '';
  for (const part of parts) {
    if (part === '') continue;
    if (out === '') {
      out = stripTrailingSlashes(part);
      if (out === '' && part.startsWith('/')) out = '/';
      continue;
    }
    const inner = stripTrailingSlashes(stripLeadingSlashes(part));
    if (inner === '') continue;
    out = out.endsWith('/') ? out + inner : `${out}/${inner}`;
  }
  return out;
}

function checkCharacters(key: string, storeUrl: string): void {
  if (key.startsWith('/')) throw escape(key, storeUrl, "it starts with '/'");
  if (key.includes('\\')) throw escape(key, storeUrl, 'it contains a backslash');
  if (key.includes('\0')) throw escape(key, storeUrl, 'it contains a NUL character');
}

function checkSegment(segment: string, key: string, storeUrl: string): void {
  if (segment === '') throw escape(key, storeUrl, 'it has an empty segment');
  if (segment === '.' || segment === '..') throw escape(key, storeUrl, `it has a '${segment}' segment`);
}

function escape(key: string, storeUrl: string, reason: string): LochError {
  return new LochError('PATH_ESCAPE', `storage: key ${JSON.stringify(key)} in store ${storeUrl} is not allowed: ${reason}`, {
    context: { key, store: storeUrl },
  });
}

function stripTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x2f) end -= 1;
  return text.slice(0, end);
}

function stripLeadingSlashes(text: string): string {
  let start = 0;
  while (start < text.length && text.charCodeAt(start) === 0x2f) start += 1;
  return text.slice(start);
}

/** Rejects negative or non-integer ranges, shared by every store. */
export function checkRange(storeUrl: string, key: string, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new LochError('INVALID_ARGUMENT', `storage: range offset ${offset} length ${length} for ${key} in ${storeUrl} must be non-negative integers`, {
      context: { store: storeUrl, key, offset, length },
    });
  }
}
