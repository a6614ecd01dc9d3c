import type { Session } from '../../engine/index.js';
import { parseFunctionStatement, type FunctionStatement } from '../parse/function-statements.js';
import { parsePolicyStatement, type PolicyStatement } from '../parse/policy-statements.js';
import type { SqlEnv } from '../sql-env.js';
import type { WriteSummary } from '../write-target.js';
import { executeFunctionStatement } from './function-statements.js';
import { executePolicyStatement } from './policy-statements.js';

/** A SQL function statement or a row filter / column mask statement. */
export type FunctionOrPolicyStatement = { readonly family: 'function'; readonly statement: FunctionStatement } | { readonly family: 'policy'; readonly statement: PolicyStatement };

/**
 * CREATE/DROP/DESCRIBE/SHOW FUNCTION(S) and ALTER TABLE … SET/DROP ROW FILTER, … SET/DROP MASK;
 * undefined for every other statement (see parseFunctionStatement, parsePolicyStatement).
 * Runs before the catalog and write parsers, which would read these as DuckDB's.
 */
export function parseFunctionOrPolicyStatement(sql: string): FunctionOrPolicyStatement | undefined {
  const fn = parseFunctionStatement(sql);
  if (fn !== undefined) return { family: 'function', statement: fn };
  const policy = parsePolicyStatement(sql);
  return policy === undefined ? undefined : { family: 'policy', statement: policy };
}

export function executeFunctionOrPolicyStatement(env: SqlEnv, session: Session, s: FunctionOrPolicyStatement): Promise<WriteSummary> {
  return s.family === 'function' ? executeFunctionStatement(env, session, s.statement) : executePolicyStatement(env, s.statement);
}
