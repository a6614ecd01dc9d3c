import type { Loch } from '../../sql/loch.js';
import { splitCompleteStatements, type ShellChunk } from '../../sql/parse/index.js';
import type { ProgressLine } from '../progress.js';
import { reportError } from '../report-error.js';
import { runStatement } from '../run-statement.js';
import type { Terminal } from '../terminal.js';
import { runDotCommand, type DotOutcome } from './dot-commands.js';
import { appendHistory } from './history.js';
import { NameCache } from './name-cache.js';
import { changesNames, type ShellSettings } from './settings.js';

export interface ShellSessionOptions {
  readonly loch: Loch;
  readonly settings: ShellSettings;
  readonly term: Terminal;
  readonly progress: ProgressLine;
  readonly debug: boolean;
  /** Where statements are recorded (interactive shells only). */
  readonly historyFile?: string;
}

/**
 * The shell's state between lines: the statement being typed, whether anything failed, the
 * statement running now (so Ctrl-C can stop it). Input arrives a line at a time; statements run
 * when their ';' arrives, dot commands at the end of their line.
 */
export class ShellSession {
  readonly names: NameCache;
  /** Text typed since the last complete statement. */
  buffer = '';
  /** Non-blank lines of `buffer` (for folding a multi-line statement into one history entry). */
  private bufferLines = 0;
  failed = false;
  private running: AbortController | undefined;

  constructor(private readonly options: ShellSessionOptions) {
    this.names = new NameCache(options.loch.catalog);
  }

  get settings(): ShellSettings {
    return this.options.settings;
  }

  /** True while a statement runs (Ctrl-C then interrupts it). */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Ctrl-C during a statement: stop showing it. */
  interrupt(): void {
    this.running?.abort();
  }

  /** Forgets the statement being typed (Ctrl-C at the prompt). */
  clear(): void {
    this.buffer = '';
    this.bufferLines = 0;
  }

  /**
   * Takes one input line; runs what it completes. Returns whether a dot command asked to
   * leave, the chunks that ran and, when the buffer emptied, how many non-blank lines they took
   * (for history folding).
   */
  async feed(line: string): Promise<{ quit: boolean; ran: ShellChunk[]; lines: number }> {
    this.buffer += (this.buffer === '' ? '' : '\n') + line;
    if (line.trim() !== '') this.bufferLines += 1;
    const { chunks, rest } = splitCompleteStatements(this.buffer);
    const lines = rest === '' ? this.bufferLines : 0;
    this.buffer = rest;
    if (rest === '') this.bufferLines = 0;
    for (const [i, chunk] of chunks.entries()) {
      if ((await this.runChunk(chunk)) === 'quit') return { quit: true, ran: chunks.slice(0, i + 1), lines };
    }
    return { quit: false, ran: chunks, lines };
  }

  /** At end of input: a last statement without its ';' still runs. */
  async flush(): Promise<boolean> {
    const pending = this.buffer.trim();
    this.clear();
    if (pending === '') return false;
    return (await this.runChunk({ kind: 'sql', text: pending })) === 'quit';
  }

  /** Runs a whole script (.read); false when any part failed. */
  async runScript(text: string): Promise<boolean> {
    const { chunks, rest } = splitCompleteStatements(text);
    const all: ShellChunk[] = rest.trim() === '' ? chunks : [...chunks, { kind: 'sql', text: rest.trim() }];
    let ok = true;
    for (const chunk of all) {
      const outcome = await this.runChunk(chunk);
      if (outcome === 'failed') ok = false;
      if (outcome === 'quit') break;
    }
    return ok;
  }

  private async runChunk(chunk: ShellChunk): Promise<DotOutcome> {
    if (chunk.kind === 'dot') return this.runDot(chunk.text);
    return (await this.runSql(chunk.text)) ? 'ok' : 'failed';
  }

  private async runDot(line: string): Promise<DotOutcome> {
    const { loch, settings, term } = this.options;
    try {
      const outcome = await runDotCommand(line, { loch, settings, term, names: this.names, runScript: (text) => this.runScript(text) });
      if (outcome === 'failed') this.failed = true;
      return outcome;
    } catch (error) {
      this.fail(error);
      return 'failed';
    }
  }

  private async runSql(sql: string): Promise<boolean> {
    const { loch, settings, term, progress, historyFile } = this.options;
    if (historyFile !== undefined) appendHistory(historyFile, sql);
    const controller = new AbortController();
    this.running = controller;
    try {
      const outcome = await runStatement(loch, sql, {
        format: settings.format,
        limits: settings.limits(term.columns()),
        timer: settings.timer,
        out: term.out,
        err: term.err,
        progress,
        signal: controller.signal,
      });
      if (outcome === 'interrupted') term.err('Interrupted\n');
      settings.followUse(sql);
      if (changesNames(sql)) this.names.invalidate();
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    } finally {
      this.running = undefined;
    }
  }

  private fail(error: unknown): void {
    this.failed = true;
    reportError(error, this.options.debug, this.options.term.err);
  }
}
