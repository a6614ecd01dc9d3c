/**
 * The `Range` header of a download (RFC 9110 §14): one `bytes=` range of a file of known size.
 * Loch answers a single range only; a header it does not understand (another unit, several
 * ranges, garbage) is ignored and the whole file is sent, as the RFC allows.
 */

/** Inclusive byte positions of the part to send. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The range `header` asks for in a file of `size` bytes: undefined for the whole file (no
 * header, or one that is ignored), 'unsatisfiable' when it names no byte of the file (416).
 * `bytes=a-b` (b clipped to the end), `bytes=a-` (to the end), `bytes=-n` (the last n bytes).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (match === null) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? Number.MAX_SAFE_INTEGER : Number(last);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}

/** The `Content-Range` value of a partial response. */
export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}
