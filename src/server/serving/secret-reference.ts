/**
 * Databricks spells an API key held in a secret as the reference `{{secrets/<scope>/<key>}}`.
 * The serving API accepts only such references (never a plaintext key) and shows endpoints with
 * the reference, so a key's value never passes through this API in either direction.
 */
import { LochError } from '../../core/errors.js';
import type { SecretRef } from '../../ai/endpoint-types.js';

const REFERENCE = /^\{\{\s*secrets\/([^/{}\s]+)\/([^/{}\s]+)\s*\}\}$/;

/** The secret a reference names; INVALID_ARGUMENT naming `field` for anything else. */
export function parseSecretReference(value: unknown, field: string): SecretRef {
  const match = typeof value === 'string' ? REFERENCE.exec(value) : null;
  if (match === null) {
    // The value is not echoed: a caller who pasted the key itself must not see it in a log or error.
    throw new LochError('INVALID_ARGUMENT', `serving: ${field} must be a secret reference {{secrets/<scope>/<key>}} (store the key with 'loch secret put <scope> <key>')`, {
      context: { field },
    });
  }
  return { scope: match[1] as string, key: match[2] as string };
}

/** `{{secrets/scope/key}}`. */
export function secretReference(ref: SecretRef): string {
  return `{{secrets/${ref.scope}/${ref.key}}}`;
}
