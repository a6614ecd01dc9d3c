import { isTrivia, tokenizePartial } from '../../sql/parse/index.js';
import type { TableLimits } from '../output/table-writer.js';
import { DEFAULT_LIMITS, type OutputFormat } from '../output/writers.js';
import { readDottedName } from '../names.js';

/** What the shell's dot commands change, and the current catalog and schema it tracks. */
export class ShellSettings {
  timer = false;
  maxRows = DEFAULT_LIMITS.maxRows;
  /** 0: the terminal's width. */
  maxWidth = 0;
  catalog = 'main';
  schema = 'default';

  constructor(public format: OutputFormat) {}

  limits(terminalColumns: number): TableLimits {
    return { maxRows: this.maxRows, maxWidth: this.maxWidth > 0 ? this.maxWidth : terminalColumns };
  }

  /**
   * Follows a successful USE statement (USE CATALOG c, USE [SCHEMA|DATABASE] [c.]s, USE [c.]s),
   * so completion and .tables look where the statement's session now points.
   */
  followUse(sql: string): void {
    const tokens = tokenizePartial(sql).tokens.filter((t) => !isTrivia(t));
    const word = (i: number): string => (tokens[i]?.kind === 'word' ? (tokens[i]?.text ?? '').toLowerCase() : '');
    if (word(0) !== 'use') return;
    const kind = word(1);
    const at = kind === 'catalog' || kind === 'schema' || kind === 'database' ? 2 : 1;
    const name = readDottedName(tokens, at)?.parts.map((p) => p.toLowerCase());
    if (name === undefined) return;
    if (kind === 'catalog') {
      if (name.length === 1) [this.catalog, this.schema] = [name[0] as string, 'default'];
      return;
    }
    if (name.length === 1) this.schema = name[0] as string;
    else if (name.length === 2) [this.catalog, this.schema] = [name[0] as string, name[1] as string];
  }
}

/** Statements after which the shell's cached names may be stale. */
export function changesNames(sql: string): boolean {
  const first = tokenizePartial(sql).tokens.find((t) => !isTrivia(t));
  return first?.kind === 'word' && /^(create|drop|alter|undrop|replace|comment)$/i.test(first.text);
}
