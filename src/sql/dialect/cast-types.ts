import { dataTypeToDuckDb } from '../../expr/to-sql.js';
import type { Token } from '../parse/lexer.js';
import { parseTypeText } from '../parse/type-name.js';
import { isWordAt, nextMeaningful, prevMeaningful } from './call-scan.js';
import type { CallRule } from './rewriter.js';

/**
 * CAST / TRY_CAST to a type written the Spark way: ARRAY<T>, MAP<K, V>, STRUCT<a: T>,
 * TIMESTAMP_NTZ, TIMESTAMP_LTZ, BYTE, SHORT. The type is read with the DDL type reader (so it
 * means what it means in CREATE TABLE: a TIMESTAMP inside it is the zoned type) and written as
 * DuckDB's. Types DuckDB already spells the same way are left as written.
 */
const SPARK_ONLY_WORDS = new Set(['timestamp_ntz', 'timestamp_ltz', 'byte', 'short']);

function isSparkOnly(token: Token): boolean {
  return (token.kind === 'op' && token.text.startsWith('<')) || (token.kind === 'word' && SPARK_ONLY_WORDS.has(token.text.toLowerCase()));
}

/** Index of the last `AS` outside brackets between `from` and `to`, or -1. */
function lastTopLevelAs(tokens: readonly Token[], from: number, to: number): number {
  let depth = 0;
  let found = -1;
  for (let i = from; i < to; i++) {
    const t = tokens[i] as Token;
    if (t.kind === 'punct' && '([{'.includes(t.text)) depth++;
    else if (t.kind === 'punct' && ')]}'.includes(t.text)) depth--;
    else if (depth === 0 && isWordAt(tokens, i, 'as')) found = i;
  }
  return found;
}

export const castToSparkType: CallRule = (call, rw) => {
  const { openIndex, closeIndex } = call.span;
  const as = lastTopLevelAs(rw.tokens, openIndex + 1, closeIndex);
  if (as < 0 || !rw.tokens.slice(as + 1, closeIndex).some(isSparkOnly)) return undefined;
  let type: string;
  try {
    type = dataTypeToDuckDb(parseTypeText(rw.source(as + 1, closeIndex)));
  } catch {
    return undefined;
  }
  const exprFrom = nextMeaningful(rw.tokens, openIndex + 1);
  const exprTo = prevMeaningful(rw.tokens, as) + 1;
  return `${rw.tokens[call.span.nameIndex]?.text ?? call.name}(${rw.text(exprFrom, exprTo)} AS ${type})`;
};
