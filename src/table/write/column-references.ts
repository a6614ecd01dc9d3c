/**
 * Which columns a SQL expression (a CHECK constraint) mentions, without a full parser: every
 * chain of identifiers joined by dots (`a`, `s.x`, `"quoted"`, `` `quoted` ``) that is not a
 * function name. String literals and comments are skipped. It errs on the side of finding a
 * reference: a keyword spelled like a column counts, which only ever refuses a schema change.
 */

const WORD_START = /[A-Za-z_]/;
const WORD_PART = /[A-Za-z0-9_$]/;

/** The identifier chains of `sql`, e.g. `s.x > 0 AND length(b) < 3` → [[s, x], [AND], [b]]. */
export function identifierChains(sql: string): string[][] {
  const chains: string[][] = [];
  let chain: string[] | undefined;
  let afterDot = false;
  let i = 0;
  const close = (): void => {
    if (chain !== undefined) chains.push(chain);
    chain = undefined;
    afterDot = false;
  };
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const quoted = ch === '"' || ch === '`';
    if (quoted || WORD_START.test(ch)) {
      const { name, end } = quoted ? readQuoted(sql, i, ch) : readWord(sql, i);
      if (chain !== undefined && afterDot) chain.push(name);
      else {
        close();
        chain = [name];
      }
      afterDot = false;
      i = end;
      if (!quoted && nextNonSpace(sql, i) === '(') chain = undefined;
      continue;
    }
    if (ch === '.' && chain !== undefined && !afterDot) {
      afterDot = true;
      i++;
      continue;
    }
    close();
    i = skipOther(sql, i);
  }
  close();
  return chains;
}

function readWord(sql: string, start: number): { name: string; end: number } {
  let end = start + 1;
  while (end < sql.length && WORD_PART.test(sql[end] as string)) end++;
  return { name: sql.slice(start, end), end };
}

/** "a""b" and `a``b`: a doubled quote is the quote itself. */
function readQuoted(sql: string, start: number, quote: string): { name: string; end: number } {
  let name = '';
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] !== quote) return { name, end: i + 1 };
      i++;
    }
    name += sql[i];
    i++;
  }
  return { name, end: i };
}

function nextNonSpace(sql: string, from: number): string | undefined {
  let i = from;
  while (i < sql.length && /\s/.test(sql[i] as string)) i++;
  return sql[i];
}

/** Moves past a string literal, a comment, a number or one other character. */
function skipOther(sql: string, i: number): number {
  const ch = sql[i];
  if (ch === "'") {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === '\\') j += 2;
      else if (sql[j] === "'") {
        if (sql[j + 1] !== "'") return j + 1;
        j += 2;
      } else j++;
    }
    return j;
  }
  if (ch === '-' && sql[i + 1] === '-') {
    const end = sql.indexOf('\n', i);
    return end < 0 ? sql.length : end;
  }
  if (ch === '/' && sql[i + 1] === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  if (ch !== undefined && /[0-9]/.test(ch)) {
    let j = i + 1;
    while (j < sql.length && /[0-9A-Za-z_.]/.test(sql[j] as string)) j++;
    return j;
  }
  return i + 1;
}

/**
 * True when `sql` mentions the column at `path` (case-insensitively): a chain that is a prefix
 * of the path (the whole struct) or that the path is a prefix of (a field inside it).
 */
export function referencesColumn(sql: string, path: readonly string[]): boolean {
  const want = path.map((p) => p.toLowerCase());
  return identifierChains(sql).some((chain) => {
    const n = Math.min(chain.length, want.length);
    for (let i = 0; i < n; i++) if ((chain[i] as string).toLowerCase() !== want[i]) return false;
    return n > 0;
  });
}
