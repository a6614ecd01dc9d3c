import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isVolumePath } from '../../catalog/volume-paths.js';
import { LochError } from '../../core/errors.js';
import { isTrivia, replaceSpans, tokenize } from '../parse/index.js';
import type { SpanReplacement, Token } from '../parse/index.js';
import type { SqlEnv } from '../sql-env.js';
import { sqlString } from '../sql-text.js';

/**
 * DuckDB's `COPY … TO '<file>'` / `COPY … FROM '<file>'` with a `/Volumes/…` path: the path is
 * resolved through the catalog (PATH_ESCAPE for `..`, NOT_FOUND for a missing volume) and
 * becomes the file inside the volume's folder, so DuckDB never sees a host path named /Volumes.
 * Volumes on object storage are refused: DuckDB here cannot write to S3 (no httpfs).
 */
export async function resolveCopyPaths(env: SqlEnv, sql: string): Promise<string> {
  let tokens: Token[];
  try {
    tokens = tokenize(sql).filter((t) => !isTrivia(t));
  } catch {
    return sql;
  }
  if (tokens[0]?.kind !== 'word' || tokens[0].text.toLowerCase() !== 'copy') return sql;
  const spans: SpanReplacement[] = [];
  for (const [i, token] of tokens.entries()) {
    const value = token.kind === 'string' ? (token.value ?? '') : '';
    if (!isVolumePath(value)) continue;
    // COPY … TO '<path>' writes the volume (WRITE VOLUME); COPY … FROM '<path>' reads it.
    const before = tokens[i - 1];
    const access = before?.kind === 'word' && before.text.toLowerCase() === 'to' ? 'write' : 'read';
    const file = await env.catalog.resolveVolumePath(value, access);
    const local = file.store.localPath?.(file.key);
    if (local === undefined) {
      throw new LochError('INVALID_ARGUMENT', `sql: COPY with ${file.path}: the volume is on object storage, which COPY cannot reach; copy through a local file and \`loch volume put\``, {
        context: { path: file.path },
      });
    }
    await mkdir(dirname(local), { recursive: true });
    spans.push({ start: token.start, end: token.end, text: sqlString(local) });
  }
  return spans.length === 0 ? sql : replaceSpans(sql, spans);
}

/**
 * Where the query of `COPY (<query>) TO '<target>' …` sits in `sql` (character offsets of the
 * text between the parentheses) and the target as written; undefined for any other text.
 */
export function copyQuerySpan(sql: string): { readonly start: number; readonly end: number; readonly target: string; readonly rest: readonly Token[] } | undefined {
  let tokens: Token[];
  try {
    tokens = tokenize(sql).filter((t) => !isTrivia(t));
  } catch {
    return undefined;
  }
  const word = (i: number, w: string) => tokens[i]?.kind === 'word' && tokens[i]?.text.toLowerCase() === w;
  if (!word(0, 'copy') || tokens[1]?.text !== '(') return undefined;
  let depth = 0;
  for (let i = 1; i < tokens.length; i++) {
    const text = tokens[i]?.text;
    if (text === '(') depth += 1;
    else if (text === ')') depth -= 1;
    if (depth !== 0) continue;
    const target = tokens[i + 2];
    if (!word(i + 1, 'to') || target?.kind !== 'string') return undefined;
    return { start: (tokens[1] as Token).end, end: (tokens[i] as Token).start, target: target.value ?? '', rest: tokens.slice(i + 3) };
  }
  return undefined;
}

