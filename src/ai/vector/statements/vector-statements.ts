import type { ExtensionStatement } from '../../../sql/extension.js';
import type { AiRuntime } from '../../ai-runtime.js';

/**
 * CREATE / DROP / DESCRIBE / SHOW / REFRESH VECTOR INDEX(ES) (and ALTER VECTOR INDEX … REBUILD);
 * undefined for any other statement (cheap: called for every statement).
 */
export function parseVectorStatement(sql: string, runtime: AiRuntime): ExtensionStatement | undefined {
  void sql;
  void runtime;
  return undefined;
}
