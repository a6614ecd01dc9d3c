import type { SecretStore } from '../catalog/secrets/secret-store.js';
import type { ExtensionHost } from '../sql/extension.js';
import type { InferenceSink, ModelGateway } from './gateway/gateway-types.js';

/** What the ai layer's parts share, one per Loch: the gateway (and its limits), secrets, the log. */
export interface AiRuntime {
  readonly host: ExtensionHost;
  readonly gateway: ModelGateway;
  readonly secrets: SecretStore;
  readonly log: InferenceSink;
}
