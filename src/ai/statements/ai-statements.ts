import type { ExtensionStatement } from '../../sql/extension.js';
import type { AiRuntime } from '../ai-runtime.js';

/** CREATE/ALTER/DROP/DESCRIBE/SHOW MODEL ENDPOINT(S) (placeholder until H5 lands them). */
export function parseAiStatement(_sql: string, _runtime: AiRuntime): ExtensionStatement | undefined {
  return undefined;
}
