import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { LochError, toLochError } from '../../core/errors.js';
import type { Random } from '../../core/random.js';

/** The environment variable holding the master key (base64 or hex of 32 bytes). */
export const SECRET_KEY_ENV = 'LOCH_SECRET_KEY';

const KEY_BYTES = 32;

/** Where the master key comes from; the first one given wins. */
export interface SecretKeySources {
  /** Explicit key: 32 raw bytes, or their base64/hex text. */
  readonly secretKey?: Uint8Array | string;
  /** The environment to read LOCH_SECRET_KEY from (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The key file (default ~/.loch/secret.key). */
  readonly keyFile?: string;
  /** Makes a new key when the key file does not exist. */
  readonly random: Random;
}

/** ~/.loch/secret.key */
export function defaultKeyFile(): string {
  return join(homedir(), '.loch', 'secret.key');
}

/**
 * The 32-byte master key: the explicit option, else LOCH_SECRET_KEY (when set and not blank),
 * else the key file, created when missing: a fresh key from `random`, written base64 with mode
 * 0600 (folder 0700) and put in place atomically with link(2), so processes racing to create it
 * all end up with the one that won. An existing file is read as it is (whatever its mode).
 * Errors name where the key came from, never the key: INVALID_ARGUMENT for a key that is not 32
 * bytes of base64 or hex, STORAGE_ERROR when the file cannot be read or created.
 */
export async function resolveSecretKey(sources: SecretKeySources): Promise<Uint8Array> {
  if (sources.secretKey !== undefined) return parseSecretKey(sources.secretKey, 'the secretKey option');
  const env = (sources.env ?? process.env)[SECRET_KEY_ENV];
  if (env !== undefined && env.trim() !== '') return parseSecretKey(env, `the ${SECRET_KEY_ENV} environment variable`);
  const file = sources.keyFile ?? defaultKeyFile();
  const existing = await readKeyFile(file);
  if (existing !== undefined) return parseSecretKey(existing, `the key file ${file}`);
  return createKeyFile(file, sources.random);
}

/** 32 raw bytes, or text: 64 hex digits, or base64 (standard or URL-safe) of 32 bytes. */
export function parseSecretKey(key: Uint8Array | string, where: string): Uint8Array {
  if (typeof key !== 'string') {
    if (key.length !== KEY_BYTES) throw badKey(where, `it has ${key.length} bytes`);
    return Uint8Array.from(key);
  }
  const text = key.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Uint8Array.from(Buffer.from(text, 'hex'));
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === KEY_BYTES) return Uint8Array.from(bytes);
    throw badKey(where, `its base64 decodes to ${bytes.length} bytes`);
  }
  throw badKey(where, 'it is neither hex nor base64');
}

function badKey(where: string, why: string): LochError {
  return new LochError('INVALID_ARGUMENT', `secrets: the secret key from ${where} is not ${KEY_BYTES} bytes of base64 or hex: ${why}`, { context: { source: where } });
}

async function readKeyFile(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw toLochError(error, 'STORAGE_ERROR', `secrets: cannot read the key file ${file}`, { file });
  }
}

async function createKeyFile(file: string, random: Random): Promise<Uint8Array> {
  const key = random.bytes(KEY_BYTES);
  if (key.length !== KEY_BYTES) throw new LochError('INTERNAL', `secrets: the random source gave ${key.length} bytes for a ${KEY_BYTES}-byte key`);
  const temp = `${file}.${process.pid}.${Buffer.from(random.bytes(6)).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(temp, `${Buffer.from(key).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    try {
      await link(temp, file);
    } catch (error) {
      // Another process created the file first: its key is the one.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return parseSecretKey(await readFile(file, 'utf8'), `the key file ${file}`);
    }
    return key;
  } catch (error) {
    throw toLochError(error, 'STORAGE_ERROR', `secrets: cannot create the key file ${file}`, { file });
  } finally {
    await unlink(temp).catch(() => {});
  }
}
