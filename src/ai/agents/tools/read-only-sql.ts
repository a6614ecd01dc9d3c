import { isLochError } from '../../../core/errors.js';
import { tokenize, type Token } from '../../../sql/parse/lexer.js';
import { splitTokens } from '../../../sql/parse/split.js';
import { parseWriteStatement } from '../../../sql/parse/write-statements.js';

/** Words a read-only statement may start with. */
const READ_STARTS = new Set(['select', 'with', 'values', 'show', 'describe', 'desc', 'explain', 'from', 'table']);

/**
 * Words that make a statement change something wherever they appear as bare words (DuckDB runs
 * `WITH … INSERT`, `EXPLAIN ANALYZE` executes its statement, and so on). A column really named
 * like one of these must be quoted; refusing too much is the safe side for an agent.
 */
const WRITE_WORDS = new Set([
  'insert', 'update', 'delete', 'merge', 'create', 'drop', 'alter', 'truncate', 'copy', 'attach', 'detach',
  'install', 'load', 'pragma', 'call', 'grant', 'revoke', 'vacuum', 'optimize', 'restore', 'export', 'import',
  'checkpoint', 'use', 'set', 'reset', 'refresh', 'sync', 'comment', 'upsert', 'replace', 'msck',
]);

/**
 * Why `sql` is not a single read-only statement (SELECT, WITH … SELECT, VALUES, SHOW, DESCRIBE,
 * EXPLAIN), or undefined when it is. Text-level, before anything runs: exactly one statement,
 * starting with a read word, holding none of the write words (outside strings, quoted names and
 * comments) except as a function name (`replace(x, 'a', 'b')`), and not a statement the SQL
 * layer's write parser recognises. The agent's governed session still enforces grants on top.
 */
export function readOnlyRefusal(sql: string): string | undefined {
  let tokens: Token[];
  try {
    tokens = tokenize(sql);
  } catch (error) {
    return `the SQL text does not tokenize (${isLochError(error) ? error.message : 'unterminated text'})`;
  }
  const statements = splitTokens(sql, tokens);
  if (statements.length === 0) return 'the SQL text is empty';
  if (statements.length > 1) return `only one statement is allowed (got ${statements.length})`;
  const words = tokens.filter((t) => t.kind === 'word');
  const first = words[0]?.text.toLowerCase() ?? '';
  if (!READ_STARTS.has(first) && !startsWithParen(tokens)) return `only SELECT, WITH … SELECT, VALUES, SHOW, DESCRIBE and EXPLAIN are allowed (got ${first.toUpperCase() || 'nothing'})`;
  const write = writeWordOf(tokens);
  if (write !== undefined) return `the statement contains ${write.toUpperCase()}: only reads are allowed`;
  if (isWriteStatement(sql)) return 'the statement writes: only reads are allowed';
  return undefined;
}

function startsWithParen(tokens: readonly Token[]): boolean {
  const first = tokens.find((t) => t.kind !== 'whitespace' && t.kind !== 'comment');
  return first?.kind === 'punct' && first.text === '(';
}

/** The first write word used as a keyword (a word directly followed by `(` is a function call). */
function writeWordOf(tokens: readonly Token[]): string | undefined {
  const meaningful = tokens.filter((t) => t.kind !== 'whitespace' && t.kind !== 'comment');
  for (let i = 0; i < meaningful.length; i++) {
    const token = meaningful[i] as Token;
    if (token.kind !== 'word') continue;
    const word = token.text.toLowerCase();
    if (!WRITE_WORDS.has(word)) continue;
    const next = meaningful[i + 1];
    const previous = meaningful[i - 1];
    const calledAsFunction = next?.kind === 'punct' && next.text === '(' && word === 'replace';
    const qualified = previous?.kind === 'punct' && previous.text === '.';
    if (!calledAsFunction && !qualified) return word;
  }
  return undefined;
}

function isWriteStatement(sql: string): boolean {
  try {
    return parseWriteStatement(sql) !== undefined;
  } catch {
    // A statement of a write's shape that fails to parse is still not a read.
    return true;
  }
}
