import type { ExtensionHost } from '../../sql/extension.js';
import type { InferenceEvent, InferenceSink } from '../gateway/gateway-types.js';

/** system.ai.inference_log (placeholder until H5 lands it): events are dropped. */
export class InferenceLog implements InferenceSink {
  constructor(_host: ExtensionHost) {}
  record(_event: InferenceEvent): void {}
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}
