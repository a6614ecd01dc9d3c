import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { findTestdata } from '../../../../tests/support/corpus.js';
import { LocalStore } from '../../../storage/local/local-store.js';

/** The shared corpus of Delta tables written by Spark, delta-rs, delta-kernel and others. */
export const DELTA_TESTDATA = path.join(findTestdata(), 'delta');

/** The store rooted at one corpus table (only ever read). */
export function corpusStore(table: string): LocalStore {
  return new LocalStore(path.join(DELTA_TESTDATA, table));
}

export interface LoggedAction {
  readonly logFile: string;
  readonly action: Record<string, Record<string, unknown> | undefined>;
}

/**
 * Every action of the JSON files in a test table's _delta_log (commits and compaction files),
 * in file-name order. For tests of the format codecs, which must not depend on the log code.
 */
export function readLogActions(table: string): LoggedAction[] {
  const logDir = path.join(DELTA_TESTDATA, table, '_delta_log');
  if (!existsSync(logDir)) return [];
  const out: LoggedAction[] = [];
  for (const logFile of readdirSync(logDir).filter((f) => f.endsWith('.json')).sort()) {
    for (const line of readFileSync(path.join(logDir, logFile), 'utf8').split('\n')) {
      if (line.trim() !== '') out.push({ logFile, action: JSON.parse(line) as LoggedAction['action'] });
    }
  }
  return out;
}

/** The tables of the corpus (directories with a _delta_log). */
export function corpusTables(): string[] {
  return readdirSync(DELTA_TESTDATA).filter((t) => existsSync(path.join(DELTA_TESTDATA, t, '_delta_log')));
}

/** The last metaData action's schemaString and partitionColumns. */
export function latestMetadata(table: string): { schemaString: string; partitionColumns: string[] } | undefined {
  let found: { schemaString: string; partitionColumns: string[] } | undefined;
  for (const { action } of readLogActions(table)) {
    const meta = action.metaData;
    if (meta) found = { schemaString: String(meta.schemaString), partitionColumns: (meta.partitionColumns as string[]) ?? [] };
  }
  return found;
}
