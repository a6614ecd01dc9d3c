import { createInterface, type Interface } from 'node:readline';
import type { Loch } from '../../sql/loch.js';
import type { ShellChunk } from '../../sql/parse/index.js';
import type { OutputFormat } from '../output/writers.js';
import type { ProgressLine } from '../progress.js';
import type { Terminal } from '../terminal.js';
import { complete } from './completion.js';
import { HISTORY_SIZE, historyEntry, loadHistory } from './history.js';
import { ShellSettings } from './settings.js';
import { ShellSession } from './shell-session.js';

export interface ShellOptions {
  readonly format: OutputFormat;
  readonly debug: boolean;
  readonly term: Terminal;
  readonly progress: ProgressLine;
  /** The history file of interactive sessions. */
  readonly historyFile: string;
  /** The banner's version line, e.g. "loch 0.1.0". */
  readonly version: string;
  readonly input?: NodeJS.ReadableStream;
}

const PROMPT = 'loch> ';
const CONTINUATION = ' ...> ';

/**
 * The SQL shell. On a terminal: prompts, history, completion, Ctrl-C handling; exit status 0.
 * Otherwise statements are read from the input and run in order with no prompt or banner, and
 * the exit status is 1 when any statement or dot command failed.
 */
export async function runShell(loch: Loch, options: ShellOptions): Promise<number> {
  const settings = new ShellSettings(options.format);
  const interactive = options.term.stdinTty && options.input === undefined;
  const session = new ShellSession({
    loch,
    settings,
    term: options.term,
    progress: options.progress,
    debug: options.debug,
    ...(interactive ? { historyFile: options.historyFile } : {}),
  });
  if (!interactive) return piped(session, options.input ?? process.stdin);
  return terminal(loch, session, options);
}

async function piped(session: ShellSession, input: NodeJS.ReadableStream): Promise<number> {
  const rl = createInterface({ input, terminal: false, crlfDelay: Infinity });
  let quit = false;
  for await (const line of rl) {
    if ((await session.feed(line)).quit) {
      quit = true;
      break;
    }
  }
  rl.close();
  if (!quit) await session.flush();
  return session.failed ? 1 : 0;
}

async function terminal(loch: Loch, session: ShellSession, options: ShellOptions): Promise<number> {
  const { term } = options;
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    history: loadHistory(options.historyFile),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    completer: (line: string, callback: (error: null, result: [string[], string]) => void) => {
      const context = { names: session.names, current: () => session.settings, inStatement: () => session.buffer !== '' };
      void complete(line, context).then((result) => callback(null, result));
    },
  });
  term.out(`${options.version} — warehouse ${loch.warehouse}\nEnter SQL statements ending with ';'. .help for help, .quit or Ctrl-D to leave.\n`);
  handleCtrlC(rl, session, term);
  rl.setPrompt(PROMPT);
  rl.prompt(true);
  let quit = false;
  for await (const line of rl) {
    const fed = await session.feed(line);
    quit = fed.quit;
    if (quit) break;
    foldHistory(rl, fed.ran, fed.lines);
    rl.setPrompt(session.buffer === '' ? PROMPT : CONTINUATION);
    // Text typed or pasted while the statement ran is already in the line: keep the cursor at
    // its end, or further keystrokes would land at the start of the line.
    rl.prompt(true);
  }
  rl.close();
  // Ctrl-D leaves the cursor after the prompt.
  if (!quit) term.out('\n');
  return 0;
}

/**
 * Ctrl-C: while a statement runs, stop it; with something typed, drop it; on an empty prompt,
 * the first press says how to leave and a second one in a row leaves.
 */
function handleCtrlC(rl: Interface, session: ShellSession, term: Terminal): void {
  let armed = false;
  rl.on('line', () => (armed = false));
  rl.on('SIGINT', () => {
    if (session.busy) {
      session.interrupt();
      return;
    }
    if (rl.line === '' && session.buffer === '') {
      if (armed) {
        term.out('\n');
        rl.close();
        return;
      }
      armed = true;
      term.out('\n(Ctrl-C again or Ctrl-D to leave)\n');
    } else {
      rl.write(null, { ctrl: true, name: 'e' });
      rl.write(null, { ctrl: true, name: 'u' });
      session.clear();
      term.out('^C\n');
    }
    rl.setPrompt(PROMPT);
    rl.prompt(true);
  });
}

/**
 * readline keeps every typed line; a statement typed over several lines becomes one entry, as
 * it is in the history file, so arrow-up brings the whole statement back.
 */
function foldHistory(rl: Interface, ran: readonly ShellChunk[], typedLines: number): void {
  const history = (rl as unknown as { history?: string[] }).history;
  const sql = ran.filter((c) => c.kind === 'sql');
  if (!Array.isArray(history) || typedLines < 2 || sql.length !== 1 || ran.length !== 1) return;
  history.splice(0, Math.min(typedLines, history.length), historyEntry((sql[0] as ShellChunk).text));
}
