import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Entries the shell keeps (in the file and in memory). */
export const HISTORY_SIZE = 1000;

/** The history file: ~/.loch_history (one statement per line, newest last). */
export function historyFile(home: string = homedir()): string {
  return join(home, '.loch_history');
}

/** The newest entries first, as readline wants them; [] when there is no file yet. */
export function loadHistory(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '').reverse().slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

/** Appends one statement (its lines joined), silently: history must never break the shell. */
export function appendHistory(file: string, statement: string): void {
  try {
    appendFileSync(file, `${historyEntry(statement)}\n`, { mode: 0o600 });
  } catch {
    // An unwritable home folder is no reason to fail a statement.
  }
}

/** A statement as one history line: lines joined by spaces, ending with ';'. */
export function historyEntry(statement: string): string {
  const text = statement.replace(/\s*\r?\n\s*/g, ' ').trim();
  return text.endsWith(';') ? text : `${text};`;
}
