import { findCallSites } from '../../sql/bind/function-calls.js';
import type { Span } from './sql-structure.js';
import { DOCUMENT_FUNCTION_NAMES } from '../documents/document-function-names.js';

/** The SQL functions the ai layer evaluates (Databricks' names, plus ai_embed). */
export const AI_FUNCTION_NAMES = [
  'ai_query', 'ai_gen', 'ai_classify', 'ai_extract', 'ai_summarize', 'ai_translate', 'ai_analyze_sentiment', 'ai_fix_grammar', 'ai_mask', 'ai_similarity', 'ai_embed',
  ...DOCUMENT_FUNCTION_NAMES,
] as const;

export type AiFunctionName = (typeof AI_FUNCTION_NAMES)[number];

const NAMES: ReadonlySet<string> = new Set(AI_FUNCTION_NAMES);

/** One call of an ai function in a SQL text. */
export interface AiCallSite {
  readonly name: AiFunctionName;
  /** The whole call, name to closing parenthesis. */
  readonly span: Span;
  /** Arguments without a name, in order. */
  readonly positional: readonly Span[];
  /** `name => value` arguments: lower-case name → the value's span. */
  readonly named: ReadonlyMap<string, Span>;
  /** No other ai call inside its arguments: it can be evaluated now. */
  readonly ready: boolean;
}

const NAMED_ARG = /^([A-Za-z_][A-Za-z0-9_]*)\s*=>\s*/;

/**
 * Every call of an ai function in `sql` (one-part names, any case), in order of position,
 * nested ones included. Cheap when the text does not mention `ai_`.
 */
export function findAiCalls(sql: string): AiCallSite[] {
  if (!/ai_/i.test(sql)) return [];
  const sites = findCallSites(sql).filter((c) => c.parts.length === 1 && NAMES.has((c.parts[0] as string).toLowerCase()));
  return sites.map((site) => {
    const positional: Span[] = [];
    const named = new Map<string, Span>();
    for (const arg of site.args) {
      const m = NAMED_ARG.exec(sql.slice(arg.start, arg.end));
      if (m === null) positional.push(arg);
      else named.set((m[1] as string).toLowerCase(), { start: arg.start + m[0].length, end: arg.end });
    }
    const ready = !sites.some((other) => other !== site && other.start >= site.start && other.end <= site.end);
    return { name: (site.parts[0] as string).toLowerCase() as AiFunctionName, span: { start: site.start, end: site.end }, positional, named, ready };
  });
}
