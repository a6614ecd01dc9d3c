/**
 * PostgreSQL wire protocol v3 framing and message encoding (server side).
 *
 * Frontend messages are `type byte + int32 length (counting itself) + body`, except during
 * startup, where SSLRequest, GSSENCRequest, CancelRequest and StartupMessage are
 * `int32 length + body` with no type byte. Integers are big-endian; strings are UTF-8 ended by
 * a NUL byte. The framer never buffers more than one message beyond the limit it is given: an
 * oversized length is reported as soon as its header arrives.
 */
import { LochError } from '../../core/errors.js';

/** One frontend message: `type` is the message's letter, '' for startup-phase packets. */
export interface Frame {
  readonly type: string;
  readonly body: Buffer;
}

/** The length PostgreSQL itself allows for startup packets. */
export const MAX_STARTUP_BYTES = 10_000;

/**
 * Splits the byte stream of one connection into frames. Bytes arrive in arbitrary pieces
 * (pg pipelines Parse/Bind/Describe/Execute/Sync in one write); `next` returns a frame once all
 * of it is there. Pieces are kept as a list and joined only per frame, so a large message
 * arriving in many small chunks is copied once.
 */
export class Framer {
  private chunks: Buffer[] = [];
  private available = 0;

  constructor(private readonly maxMessageBytes: number) {}

  /** Bytes received and not yet returned as frames. */
  get bufferedBytes(): number {
    return this.available;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.available += chunk.length;
  }

  /**
   * The next complete frame, or undefined when more bytes are needed. Throws LochError
   * RESOURCE_EXHAUSTED when the declared length exceeds the limit and PROTOCOL_VIOLATION when
   * it is impossible (below 4).
   */
  next(phase: 'startup' | 'normal'): Frame | undefined {
    const headerBytes = phase === 'startup' ? 4 : 5;
    if (this.available < headerBytes) return undefined;
    const header = this.peek(headerBytes);
    const type = phase === 'startup' ? '' : String.fromCharCode(header[0] as number);
    const length = header.readInt32BE(phase === 'startup' ? 0 : 1);
    const limit = phase === 'startup' ? MAX_STARTUP_BYTES : this.maxMessageBytes;
    if (length < 4) {
      throw new LochError('PROTOCOL_VIOLATION', `pgwire: invalid message length ${length} for message type '${type || 'startup'}'`, { context: { sqlState: '08P01', fatal: true } });
    }
    if (length > limit) {
      throw new LochError('RESOURCE_EXHAUSTED', `pgwire: message of ${length} bytes exceeds the limit of ${limit} bytes`, { context: { length, limit, sqlState: '08P01', fatal: true } });
    }
    const total = length + headerBytes - 4;
    if (this.available < total) return undefined;
    const bytes = this.take(total);
    return { type, body: bytes.subarray(headerBytes) };
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0] as Buffer;
    if (first.length >= n) return first;
    return Buffer.concat(this.chunks).subarray(0, n);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0] as Buffer;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.available -= n;
      return out;
    }
    const joined = Buffer.concat(this.chunks);
    const rest = joined.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.available -= n;
    return joined.subarray(0, n);
  }
}

/** Reads the fields of one message body in order; any overrun is a PROTOCOL_VIOLATION. */
export class BodyReader {
  private offset = 0;

  constructor(
    private readonly body: Buffer,
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.body.length - this.offset;
  }

  int16(): number {
    this.need(2);
    const value = this.body.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    this.need(4);
    const value = this.body.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  byte(): string {
    this.need(1);
    const value = String.fromCharCode(this.body[this.offset] as number);
    this.offset += 1;
    return value;
  }

  /** A NUL-terminated UTF-8 string. */
  cstring(): string {
    const end = this.body.indexOf(0, this.offset);
    if (end < 0) throw this.violation('unterminated string');
    const value = this.body.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return value;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const value = this.body.subarray(this.offset, this.offset + n);
    this.offset += n;
    return value;
  }

  private need(n: number): void {
    if (this.offset + n > this.body.length) throw this.violation(`needs ${n} more bytes at offset ${this.offset}`);
  }

  private violation(detail: string): LochError {
    return new LochError('PROTOCOL_VIOLATION', `pgwire: malformed ${this.what} message: ${detail}`, { context: { sqlState: '08P01', fatal: true } });
  }
}

// ---- backend messages ----------------------------------------------------------------------

function cstring(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(bytes.length + 1);
  bytes.copy(out);
  out[bytes.length] = 0;
  return out;
}

/** A backend message: type letter, int32 length, then the parts. */
export function message(type: string, ...parts: readonly Buffer[]): Buffer {
  const bodyLength = parts.reduce((sum, p) => sum + p.length, 0);
  const out = Buffer.allocUnsafe(5 + bodyLength);
  out.write(type, 0, 'latin1');
  out.writeInt32BE(4 + bodyLength, 1);
  let offset = 5;
  for (const part of parts) {
    part.copy(out, offset);
    offset += part.length;
  }
  return out;
}

function int32(n: number): Buffer {
  const out = Buffer.allocUnsafe(4);
  out.writeInt32BE(n);
  return out;
}

function int16(n: number): Buffer {
  const out = Buffer.allocUnsafe(2);
  out.writeInt16BE(n);
  return out;
}

const EMPTY = Buffer.alloc(0);

export const AUTH_OK = 0;
export const AUTH_CLEARTEXT_PASSWORD = 3;

export function authentication(code: number): Buffer {
  return message('R', int32(code));
}

export function parameterStatus(name: string, value: string): Buffer {
  return message('S', cstring(name), cstring(value));
}

export function backendKeyData(pid: number, secret: number): Buffer {
  return message('K', int32(pid), int32(secret));
}

/** 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block. */
export function readyForQuery(status: 'I' | 'T' | 'E'): Buffer {
  return message('Z', Buffer.from(status, 'latin1'));
}

export const parseComplete = (): Buffer => message('1', EMPTY);
export const bindComplete = (): Buffer => message('2', EMPTY);
export const closeComplete = (): Buffer => message('3', EMPTY);
export const noData = (): Buffer => message('n', EMPTY);
export const portalSuspended = (): Buffer => message('s', EMPTY);
export const emptyQueryResponse = (): Buffer => message('I', EMPTY);

export function commandComplete(tag: string): Buffer {
  return message('C', cstring(tag));
}

export function parameterDescription(oids: readonly number[]): Buffer {
  return message('t', int16(oids.length), ...oids.map(int32));
}

/** One column of a RowDescription. */
export interface FieldDescription {
  readonly name: string;
  readonly typeOid: number;
  /** pg_type.typlen: fixed size in bytes, -1 for variable length. */
  readonly typeSize: number;
  readonly typeModifier: number;
  /** 0 text, 1 binary. */
  readonly format: number;
}

export function rowDescription(fields: readonly FieldDescription[]): Buffer {
  const parts: Buffer[] = [int16(fields.length)];
  for (const f of fields) {
    const fixed = Buffer.allocUnsafe(18);
    fixed.writeInt32BE(0, 0); // table oid: results are not tied to a pg table
    fixed.writeInt16BE(0, 4); // column attribute number
    fixed.writeInt32BE(f.typeOid, 6);
    fixed.writeInt16BE(f.typeSize, 10);
    fixed.writeInt32BE(f.typeModifier, 12);
    fixed.writeInt16BE(f.format, 16);
    parts.push(cstring(f.name), fixed);
  }
  return message('T', ...parts);
}

/** A DataRow of encoded values (null = SQL NULL), built with a single allocation. */
export function dataRow(values: readonly (Buffer | null)[]): Buffer {
  let length = 4 + 2;
  for (const v of values) length += 4 + (v === null ? 0 : v.length);
  const out = Buffer.allocUnsafe(1 + length);
  out.write('D', 0, 'latin1');
  out.writeInt32BE(length, 1);
  out.writeInt16BE(values.length, 5);
  let offset = 7;
  for (const v of values) {
    if (v === null) {
      out.writeInt32BE(-1, offset);
      offset += 4;
    } else {
      out.writeInt32BE(v.length, offset);
      v.copy(out, offset + 4);
      offset += 4 + v.length;
    }
  }
  return out;
}

/** The fields of an ErrorResponse or NoticeResponse. */
export interface ErrorFields {
  /** ERROR, FATAL, WARNING, NOTICE… (sent as both S and V). */
  readonly severity: string;
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
}

function noticeFields(f: ErrorFields): Buffer[] {
  const parts: Buffer[] = [];
  const add = (key: string, value: string | undefined): void => {
    if (value !== undefined) parts.push(Buffer.from(key, 'latin1'), cstring(value));
  };
  add('S', f.severity);
  add('V', f.severity);
  add('C', f.code);
  add('M', f.message);
  add('D', f.detail);
  add('H', f.hint);
  parts.push(Buffer.from([0]));
  return parts;
}

export function errorResponse(fields: ErrorFields): Buffer {
  return message('E', ...noticeFields(fields));
}

export function noticeResponse(fields: ErrorFields): Buffer {
  return message('N', ...noticeFields(fields));
}
