import { cp } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const DELTA_CORPUS = resolve(import.meta.dirname, '../../../shared/testdata/delta');

/** A private copy of a corpus table that a test may damage. */
export async function copyCorpusTable(name: string, into: string): Promise<string> {
  const target = join(into, name);
  await cp(join(DELTA_CORPUS, name), target, { recursive: true });
  return target;
}
