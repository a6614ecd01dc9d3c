import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Loch } from '../sql/loch.js';
import { splitCompleteStatements } from '../sql/parse/index.js';
import type { OutputFormat } from './output/writers.js';
import { printResult } from './print-result.js';
import { reportError } from './report-error.js';

const HISTORY_FILE = join(homedir(), '.loch_history');

function loadHistory(): string[] {
  try {
    return readFileSync(HISTORY_FILE, 'utf8').split('\n').filter(Boolean).reverse().slice(0, 1000);
  } catch {
    return [];
  }
}

/** The interactive shell: statements end with ';', dot-commands (.help, .quit, .format) act at once. */
export async function runShell(loch: Loch, initialFormat: OutputFormat, debug: boolean): Promise<number> {
  let format = initialFormat;
  const out = (text: string) => process.stdout.write(text);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY, history: loadHistory(), historySize: 1000 });
  out(`loch SQL shell on ${loch.warehouse} — end statements with ';', .help for help, .quit to leave\n`);
  let buffer = '';
  rl.setPrompt('loch> ');
  rl.prompt();
  for await (const line of rl) {
    buffer += (buffer === '' ? '' : '\n') + line;
    const { chunks, rest } = splitCompleteStatements(buffer);
    buffer = rest;
    for (const chunk of chunks) {
      if (chunk.kind === 'dot') {
        const command = chunk.text.trim().split(/\s+/);
        if (command[0] === '.quit' || command[0] === '.exit') {
          rl.close();
          return 0;
        }
        if (command[0] === '.format' && (command[1] === 'table' || command[1] === 'json' || command[1] === 'csv')) format = command[1];
        else out('.help  this text\n.format table|json|csv\n.quit  leave the shell\n');
        continue;
      }
      safeAppendHistory(`${chunk.text};`);
      try {
        await printResult(await loch.sql(chunk.text), format, out);
      } catch (error) {
        reportError(error, debug, (t) => process.stderr.write(t));
      }
    }
    rl.setPrompt(buffer === '' ? 'loch> ' : '   ...> ');
    rl.prompt();
  }
  return 0;
}

function safeAppendHistory(entry: string): void {
  try {
    appendFileSync(HISTORY_FILE, `${entry.replace(/\n/g, ' ')}\n`);
  } catch {
    // History is a convenience; an unwritable home folder must not break the shell.
  }
}
