import type { Metastore } from '../metastore.js';
import type { Clock } from '../../core/clock.js';
import type { IdSource } from '../../core/ids.js';
import type { Random } from '../../core/random.js';
import { LochError } from '../../core/errors.js';
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

/** The metastore-backed SecretStore. (Placeholder until H3 lands the implementation.) */
export function openSecretStore(_options: SecretStoreOptions): SecretStore {
  const refuse = async (): Promise<never> => {
    throw new LochError('NOT_IMPLEMENTED', 'secrets: not built yet');
  };
  return { createScope: refuse, deleteScope: refuse, listScopes: refuse, putSecret: refuse, deleteSecret: refuse, listSecrets: refuse, putAcl: refuse, deleteAcl: refuse, listAcls: refuse, check: refuse, reveal: refuse };
}
