import { existsSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/**
 * The shared test corpus (`shared/testdata` beside the checkout). Found through LOCH_TESTDATA,
 * else the nearest ancestor of this repository that has `shared/testdata`, else /work/shared.
 * Suites that need it fail (never skip) when it is missing.
 */
export function findTestdata(): string {
  const fromEnv = process.env['LOCH_TESTDATA'];
  if (fromEnv) return resolve(fromEnv);
  let dir = resolve(import.meta.dirname, '../..');
  for (;;) {
    const candidate = join(dir, 'shared', 'testdata');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return '/work/shared/testdata';
    dir = parent;
  }
}

export const DELTA_CORPUS = join(findTestdata(), 'delta');

/** A private copy of a corpus table that a test may damage. */
export async function copyCorpusTable(name: string, into: string): Promise<string> {
  const target = join(into, name);
  await cp(join(DELTA_CORPUS, name), target, { recursive: true });
  return target;
}

export const ICEBERG_CORPUS = join(findTestdata(), 'iceberg');
