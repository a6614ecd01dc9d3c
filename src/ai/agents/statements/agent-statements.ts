import type { ExtensionStatement } from '../../../sql/extension.js';
import type { AiRuntime } from '../../ai-runtime.js';

/** CREATE [OR REPLACE] AGENT … WITH (…), DROP / DESCRIBE / SHOW AGENT(S); undefined for anything else (cheap). */
export function parseAgentStatement(sql: string, runtime: AiRuntime): ExtensionStatement | undefined {
  void sql;
  void runtime;
  return undefined;
}
