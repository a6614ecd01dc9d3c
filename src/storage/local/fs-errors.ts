import { LochError } from '../../core/errors.js';

/** The errno code of a Node file-system error, if any. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** True for the errors that mean "there is no object here" rather than "the disk failed". */
export function isMissing(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

// Resource exhaustion and interruptions pass; permissions and full disks do not.
const RETRYABLE = new Set(['EMFILE', 'ENFILE', 'EAGAIN', 'EBUSY', 'EINTR', 'ETIMEDOUT']);

/** Wraps a file-system error as STORAGE_ERROR naming the operation, key and store. */
export function localError(error: unknown, op: string, key: string, storeUrl: string): LochError {
  if (error instanceof LochError) return error;
  const code = errnoCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  return new LochError('STORAGE_ERROR', `storage local: ${op} ${key} in ${storeUrl} failed: ${detail}`, {
    cause: error,
    retryable: code !== undefined && RETRYABLE.has(code),
    context: { store: storeUrl, key, op, ...(code === undefined ? {} : { errno: code }) },
  });
}
