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
  for (const token of tokens) {
    const value = token.kind === 'string' ? (token.value ?? '') : '';
    if (!isVolumePath(value)) continue;
    const file = await env.catalog.resolveVolumePath(value);
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
