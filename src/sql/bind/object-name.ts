import { LochError } from '../../core/errors.js';
import { isTrivia, tokenize } from '../parse/index.js';
import type { Token } from '../parse/index.js';

/**
 * The parts of a 1–3 part name as a user writes it outside SQL (`t`, `s.t`, `c.s.t`), each part
 * bare or quoted with backticks or double quotes; quotes removed, case kept. INVALID_ARGUMENT for
 * anything else.
 */
export function parseObjectName(text: string): string[] {
  const invalid = () => new LochError('INVALID_ARGUMENT', `sql: ${JSON.stringify(text)} is not a table name (expected table, schema.table or catalog.schema.table)`);
  let tokens: Token[];
  try {
    tokens = tokenize(text).filter((t) => !isTrivia(t));
  } catch {
    throw invalid();
  }
  const parts: string[] = [];
  for (const [i, token] of tokens.entries()) {
    if (i % 2 === 1) {
      if (token.kind !== 'punct' || token.text !== '.') throw invalid();
      continue;
    }
    if (token.kind === 'word') parts.push(token.text);
    else if ((token.kind === 'quoted_ident' || token.kind === 'backtick_ident') && token.value !== undefined && token.value !== '') parts.push(token.value);
    else throw invalid();
  }
  if (parts.length === 0 || parts.length > 3 || tokens.length % 2 === 0) throw invalid();
  return parts;
}
