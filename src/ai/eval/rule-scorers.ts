import type { Score } from './eval-types.js';

/** Lower case, punctuation at the ends stripped, runs of white space as one space. */
export function normalizeAnswer(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKC')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[\s"'`.,;:!?]+|[\s"'`.,;:!?]+$/g, '');
}

/** 1 when the normalised response equals the normalised expected response; null without one. */
export function exactMatch(response: string, expected: string | null): Score {
  if (expected === null) return { value: null, rationale: 'no expected_response' };
  const same = normalizeAnswer(response) === normalizeAnswer(expected);
  return { value: same ? 1 : 0, rationale: same ? 'the response equals the expected response' : 'the response differs from the expected response' };
}

/**
 * 1 when every expected fact (or, without facts, the expected response) occurs in the
 * response, compared normalised; null when the row has neither. The rationale names the
 * facts missing.
 */
export function containsExpected(response: string, expected: string | null, facts: readonly string[] | null): Score {
  const wanted = facts !== null && facts.length > 0 ? facts : expected === null ? [] : [expected];
  if (wanted.length === 0) return { value: null, rationale: 'no expected_response or expected_facts' };
  const text = normalizeAnswer(response);
  const missing = wanted.filter((fact) => !text.includes(normalizeAnswer(fact)));
  if (missing.length === 0) return { value: 1, rationale: `all ${wanted.length} expected fact(s) found` };
  return { value: 0, rationale: `missing: ${missing.map((m) => JSON.stringify(m)).join(', ')}` };
}
