import type { ExtensionStatement } from '../../sql/extension.js';
import { tokenizePartial } from '../../sql/parse/lexer.js';
import { statementCursor } from '../../sql/parse/write-clauses.js';
import type { AiRuntime } from '../ai-runtime.js';
import { executeSetting, readSettingStatement } from './ai-settings.js';
import { executeEndpointStatement } from './endpoint-statements.js';
import { readEndpointStatement } from './endpoint-syntax.js';
import { parseAgentStatement } from '../agents/statements/agent-statements.js';
import { parseVectorStatement } from '../vector/statements/vector-statements.js';

/** Statements that can be the ai layer's hold one of these; anything else is passed on untokenized. */
const MAYBE_OURS = /model\s+endpoints?\b|loch\W{0,2}\.\W{0,2}ai\b/i;

/**
 * The ai layer's statements (offered every statement first, so cheap for the rest: a text
 * without "MODEL ENDPOINT(S)" or "loch.ai" is not tokenized at all):
 * - CREATE / ALTER / DROP / DESCRIBE / SHOW MODEL ENDPOINT(S), COMMENT ON MODEL ENDPOINT
 *   (syntax: endpoint-syntax.ts; options: endpoint-options.ts; semantics: endpoint-statements.ts);
 * - SET / RESET loch.ai.* session settings (ai-settings.ts).
 * Undefined for anything else, also for a text with an unterminated string or comment (the SQL
 * layer reports those). A malformed statement of these shapes is INVALID_ARGUMENT with position.
 */
export function parseAiStatement(sql: string, runtime: AiRuntime): ExtensionStatement | undefined {
  const other = parseVectorStatement(sql, runtime) ?? parseAgentStatement(sql, runtime);
  if (other !== undefined) return other;
  if (!MAYBE_OURS.test(sql)) return undefined;
  if (tokenizePartial(sql).unterminated !== undefined) return undefined;
  const setting = readSettingStatement(statementCursor(sql));
  if (setting !== undefined) return { execute: (env) => executeSetting(env, setting) };
  const endpoint = readEndpointStatement(statementCursor(sql));
  if (endpoint !== undefined) return { execute: (env) => executeEndpointStatement(runtime, env, endpoint) };
  return undefined;
}
