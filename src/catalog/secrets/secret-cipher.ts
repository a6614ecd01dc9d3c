import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { LochError } from '../../core/errors.js';
import type { Random } from '../../core/random.js';

/** One encrypted value as a scope's document keeps it (every byte field base64). */
export interface SealedValue {
  /** The 96-bit GCM nonce, fresh per put. */
  readonly iv: string;
  /** The 128-bit GCM authentication tag. */
  readonly tag: string;
  readonly data: string;
  /** Which master key sealed it (see keyIdOf): a mismatch is reported as such, not as damage. */
  readonly keyId: string;
  /** Epoch ms of the put. */
  readonly updatedAt: number;
}

const IV_BYTES = 12;
const KEY_BYTES = 32;

/**
 * The id of a master key: the first 16 hex digits of its SHA-256. Safe to store (it reveals
 * nothing usable about the key) and enough to tell "another key" from "damaged data".
 */
export function keyIdOf(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * AES-256-GCM sealing of secret values under one master key. The scope and key names are bound
 * in as associated data, so a sealed value copied to another key or scope fails to open.
 */
export class SecretCipher {
  readonly keyId: string;
  private readonly key: Buffer;

  constructor(
    key: Uint8Array,
    private readonly random: Random,
  ) {
    if (key.length !== KEY_BYTES) throw new LochError('INVALID_ARGUMENT', `secrets: the secret key has ${key.length} bytes; AES-256 needs ${KEY_BYTES}`);
    this.key = Buffer.from(key);
    this.keyId = keyIdOf(key);
  }

  seal(scope: string, name: string, value: string, now: number): SealedValue {
    const iv = Buffer.from(this.random.bytes(IV_BYTES));
    if (iv.length !== IV_BYTES) throw new LochError('INTERNAL', `secrets: the random source gave ${iv.length} bytes for a ${IV_BYTES}-byte IV`);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(associatedData(scope, name));
    const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64'), keyId: this.keyId, updatedAt: now };
  }

  /**
   * The plaintext of a sealed value. CORRUPT_DATA when it was sealed under another master key
   * (told apart by keyId) or fails authentication (damaged, or moved from another scope/key).
   */
  open(scope: string, name: string, sealed: SealedValue): string {
    if (sealed.keyId !== this.keyId) {
      throw new LochError('CORRUPT_DATA', `secrets: scope ${scope} key ${name} was written with another secret key (LOCH_SECRET_KEY)`, {
        context: { scope, key: name, keyId: sealed.keyId, expectedKeyId: this.keyId },
      });
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAAD(associatedData(scope, name));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
    } catch (error) {
      // The cause is node's "Unsupported state or unable to authenticate data": no value in it.
      throw new LochError('CORRUPT_DATA', `secrets: scope ${scope} key ${name}: the stored value fails authentication (damaged or moved)`, {
        context: { scope, key: name },
        cause: error,
      });
    }
  }
}

/** Reads a stored sealed value, or undefined when the record is not one. */
export function readSealed(raw: unknown): SealedValue | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  const { iv, tag, data, keyId, updatedAt } = r;
  if (typeof iv !== 'string' || typeof tag !== 'string' || typeof data !== 'string' || typeof keyId !== 'string' || typeof updatedAt !== 'number') return undefined;
  return { iv, tag, data, keyId, updatedAt };
}

function associatedData(scope: string, name: string): Buffer {
  return Buffer.from(`loch-secret:v1\u0000${scope}\u0000${name}`, 'utf8');
}
