import { LochError } from '../../core/errors.js';

/** Longest pattern accepted: regular expressions from users must stay cheap to run. */
const MAX_PATTERN_LENGTH = 1000;

/**
 * The name filter of SHOW … [LIKE] 'pattern' as Databricks defines it: the pattern is trimmed,
 * `|` separates alternatives (also inside parentheses: `a(b|c)` is two broken alternatives), `*` matches any characters, everything else is a regular
 * expression matched against the whole name, case-insensitively. An alternative that is not a
 * valid regular expression matches nothing (as in Spark). Names are matched as stored.
 */
export function likeMatcher(pattern: string | undefined): (name: string) => boolean {
  if (pattern === undefined) return () => true;
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new LochError('INVALID_ARGUMENT', `sql: SHOW … LIKE pattern is ${pattern.length} characters long; at most ${MAX_PATTERN_LENGTH}`);
  }
  const alternatives: RegExp[] = [];
  // Blanks around alternatives are dropped too: names cannot hold spaces, so no match is lost.
  for (const alternative of pattern.trim().split('|').map((a) => a.trim())) {
    try {
      alternatives.push(new RegExp(`^(?:${alternative.replaceAll('*', '.*')})$`, 'iu'));
    } catch {
      // Spark skips an alternative that does not compile.
    }
  }
  return (name) => alternatives.some((re) => re.test(name));
}
