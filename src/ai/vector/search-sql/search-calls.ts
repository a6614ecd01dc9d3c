import { findCallSites } from '../../../sql/bind/function-calls.js';
import type { Span } from '../../functions/sql-structure.js';

/** The table function's name in SQL (Databricks' spelling). */
export const VECTOR_SEARCH = 'vector_search';

/** One `vector_search(…)` call in a SQL text. */
export interface VectorSearchCall {
  /** The whole call, name to closing parenthesis. */
  readonly span: Span;
  /** Arguments without a name, in order. */
  readonly positional: readonly Span[];
  /** `name => value` arguments: lower-case name → the value's span. */
  readonly named: ReadonlyMap<string, Span>;
  /** Names given more than once (the map keeps the last). */
  readonly repeated: readonly string[];
  /** Another vector_search call encloses this one (its arguments must be constants, so this is an error). */
  readonly nested: boolean;
}

const NAMED_ARG = /^([A-Za-z_][A-Za-z0-9_]*)\s*=>\s*/;

/**
 * Every `vector_search(…)` call in `sql` (one-part name, any case), in order of position.
 * Cheap for text that does not mention vector_search (a regex guard before tokenizing).
 */
export function findVectorSearchCalls(sql: string): VectorSearchCall[] {
  if (!/vector_search/i.test(sql)) return [];
  const sites = findCallSites(sql).filter((c) => c.parts.length === 1 && (c.parts[0] as string).toLowerCase() === VECTOR_SEARCH);
  return sites.map((site) => {
    const positional: Span[] = [];
    const named = new Map<string, Span>();
    const repeated: string[] = [];
    for (const arg of site.args) {
      const m = NAMED_ARG.exec(sql.slice(arg.start, arg.end));
      if (m === null) {
        positional.push(arg);
        continue;
      }
      const name = (m[1] as string).toLowerCase();
      if (named.has(name)) repeated.push(name);
      named.set(name, { start: arg.start + m[0].length, end: arg.end });
    }
    const nested = sites.some((other) => other !== site && other.start <= site.start && other.end >= site.end);
    return { span: { start: site.start, end: site.end }, positional, named, repeated, nested };
  });
}
