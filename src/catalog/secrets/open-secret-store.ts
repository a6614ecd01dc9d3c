import type { Metastore } from '../metastore.js';
import type { Clock } from '../../core/clock.js';
import type { IdSource } from '../../core/ids.js';
import type { Random } from '../../core/random.js';
import { MetastoreSecretStore } from './metastore-secret-store.js';
import { resolveSecretKey } from './secret-key.js';
import type { SecretStore } from './secret-store.js';

export interface SecretStoreOptions {
  readonly metastore: Metastore;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly random: Random;
  /**
   * The 32-byte master key (raw bytes, or base64/hex text). Default: the LOCH_SECRET_KEY
   * environment variable, else the key file `~/.loch/secret.key` (created with mode 0600 on
   * first use). Processes sharing a metastore must share the key.
   */
  readonly secretKey?: Uint8Array | string;
  /** Where the default key file lives (tests point it at a temporary folder). */
  readonly keyFile?: string;
}

/**
 * The metastore-backed SecretStore (metastore-secret-store.ts). Opening is free: the master key
 * is resolved (secret-key.ts; the key file created if needed) on the first put or reveal, so a
 * Loch that never touches a secret value never reads or creates a key file. A bad key is
 * reported then, by that call.
 */
export function openSecretStore(options: SecretStoreOptions): SecretStore {
  const sources = {
    random: options.random,
    ...(options.secretKey !== undefined ? { secretKey: options.secretKey } : {}),
    ...(options.keyFile !== undefined ? { keyFile: options.keyFile } : {}),
  };
  return new MetastoreSecretStore({ metastore: options.metastore, clock: options.clock, random: options.random, key: () => resolveSecretKey(sources) });
}
