import { LochError } from '../../core/index.js';

/** better-sqlite3's SqliteError carries the extended result code as a string, e.g. SQLITE_BUSY_SNAPSHOT. */
export function sqliteCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** Codes after which the same call may succeed: another process held the lock past the busy timeout. */
function isTransient(code: string | undefined): boolean {
  return code !== undefined && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * Wraps a failure of SQLite itself (lock timeout, disk, a file that is not a database) as a
 * STORAGE_ERROR naming the file and the operation; LochErrors pass through unchanged.
 */
export function sqliteError(path: string, action: string, error: unknown): LochError {
  if (error instanceof LochError) return error;
  const code = sqliteCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  const hint = isTransient(code) ? ' (the file stayed locked by another process past the busy timeout)' : '';
  return new LochError('STORAGE_ERROR', `metastore sqlite ${path}: ${action} failed: ${detail}${code ? ` [${code}]` : ''}${hint}`, {
    cause: error,
    retryable: isTransient(code),
    context: { path, action, ...(code ? { code } : {}) },
  });
}
