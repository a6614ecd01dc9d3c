/**
 * The one error type of Loch. Expected outcomes (a lost commit race, a missing optional file)
 * are values, not errors; a LochError is a failure the caller reports or retries.
 *
 * The message starts with the subsystem ("delta log: …", "storage local: …") and names the
 * object and the numbers involved, so one line on stderr is enough to act on.
 */
export const ERROR_CODES = [
  /** The input (SQL, option, argument) is malformed or refers to something impossible. */
  'INVALID_ARGUMENT',
  /** A table, file, version or object does not exist. */
  'NOT_FOUND',
  /** The object exists already (a create that must not replace). */
  'ALREADY_EXISTS',
  /** A path escapes its root, or names something outside what the caller may touch. */
  'PATH_ESCAPE',
  /** Bytes on storage do not parse or fail a checksum: log files, checkpoints, deletion vectors. */
  'CORRUPT_DATA',
  /** The table needs a protocol version or feature this build does not implement. */
  'UNSUPPORTED_FEATURE',
  /** The table's log breaks a protocol rule (missing protocol/metadata, gaps in versions). */
  'PROTOCOL_VIOLATION',
  /** A data file the log references is gone (usually removed by VACUUM). */
  'DATA_FILE_MISSING',
  /** Time travel to a version or timestamp the log cannot reconstruct. */
  'VERSION_NOT_AVAILABLE',
  /** The caller lacks a privilege on the object (grants, ownership). Never retryable. */
  'PERMISSION_DENIED',
  /** No valid credentials: missing, unknown, revoked or expired token. */
  'UNAUTHENTICATED',
  /** A request or result exceeds a limit (body size, result bytes, rate). */
  'RESOURCE_EXHAUSTED',
  /** The operation was cancelled by its caller (a cancel request, a dropped connection). */
  'CANCELLED',
  /** A concurrent writer changed what this operation depended on. */
  'CONFLICT',
  /** Rows being written break a NOT NULL or CHECK constraint of the table. */
  'CONSTRAINT_VIOLATION',
  /** SQL that parses but fails to bind or execute in the engine. */
  'SQL_ERROR',
  /** The storage backend failed (network, permissions, disk). Often retryable. */
  'STORAGE_ERROR',
  /**
   * A service Loch depends on (a model provider, a remote catalog) failed, timed out or dropped
   * the connection. Retryable when the service said so (5xx, 429) or the connection failed.
   */
  'UNAVAILABLE',
  /** A feature of Loch that is not built yet. */
  'NOT_IMPLEMENTED',
  /** A bug in Loch: an invariant did not hold. */
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface LochErrorOptions {
  /** Structured facts about the failure: table, version, path, sizes. */
  readonly context?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
  /** True when the same call may succeed if repeated (throttling, a lost race). */
  readonly retryable?: boolean;
}

export class LochError extends Error {
  readonly code: ErrorCode;
  readonly context: Readonly<Record<string, unknown>>;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: LochErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LochError';
    this.code = code;
    this.context = options.context ?? {};
    this.retryable = options.retryable ?? false;
  }
}

export function isLochError(value: unknown, code?: ErrorCode): value is LochError {
  return value instanceof LochError && (code === undefined || value.code === code);
}

/** Wraps anything thrown by a dependency so that callers only ever see LochError. */
export function toLochError(value: unknown, code: ErrorCode, subsystem: string, context?: Record<string, unknown>): LochError {
  if (value instanceof LochError) return value;
  const detail = value instanceof Error ? value.message : String(value);
  return new LochError(code, `${subsystem}: ${detail}`, { cause: value, ...(context ? { context } : {}) });
}
