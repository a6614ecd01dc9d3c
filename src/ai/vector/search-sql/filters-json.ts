import { LochError } from '../../../core/errors.js';

/** `column [op]`: the operator is the last word when it is one of Databricks' (as the service splits keys). */
const KEY = /^(.*?)\s+(NOT|<=|>=|<|>|LIKE)$/i;

/**
 * Databricks' `filters_json` (also a SQL `filters => '…'` argument): a JSON object whose keys
 * are `col`, `col NOT`, `col <`, `col <=`, `col >`, `col >=` or `col LIKE`, whose values are
 * scalars (an array means IN / NOT IN). Accepts the JSON text or the object itself; undefined,
 * null, '' and `{}` mean no filter. INVALID_ARGUMENT naming `what` for a shape that cannot be a
 * filter, so it never reaches the service; whether the columns exist is the service's to say
 * (it matches them against the source).
 */
export function parseFilters(value: unknown, what: string): Readonly<Record<string, unknown>> | undefined {
  if (value === undefined || value === null) return undefined;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    if (value.trim() === '') return undefined;
    try {
      parsed = JSON.parse(value) as unknown;
    } catch {
      throw invalid(what, `is not valid JSON (${shorten(value)})`);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(what, 'must be a JSON object such as {"category": "news", "year >=": 2020}');
  const filters = parsed as Record<string, unknown>;
  for (const [key, v] of Object.entries(filters)) checkEntry(key, v, what);
  return Object.keys(filters).length === 0 ? undefined : filters;
}

function checkEntry(key: string, value: unknown, what: string): void {
  const m = KEY.exec(key.trim());
  if ((m?.[1] ?? key).trim() === '') throw invalid(what, `has the key ${JSON.stringify(key)}; keys are a column name, optionally followed by NOT, <, <=, >, >= or LIKE`);
  const op = (m?.[2] ?? '').toUpperCase();
  const scalar = (v: unknown): boolean => v === null || ['string', 'number', 'boolean'].includes(typeof v);
  if (Array.isArray(value)) {
    if (op !== '' && op !== 'NOT') throw invalid(what, `key ${JSON.stringify(key)}: only = and NOT take a list of values`);
    if (!value.every(scalar)) throw invalid(what, `key ${JSON.stringify(key)}: a list of values may hold only strings, numbers, booleans or null`);
    return;
  }
  if (!scalar(value)) throw invalid(what, `key ${JSON.stringify(key)}: the value must be a string, number, boolean, null or a list of them`);
  if (op === 'LIKE' && typeof value !== 'string') throw invalid(what, `key ${JSON.stringify(key)}: LIKE takes a string pattern`);
}

function invalid(what: string, why: string): LochError {
  return new LochError('INVALID_ARGUMENT', `vector search: ${what} ${why}`, { context: { argument: what } });
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
