/**
 * The one-line progress display on stderr: spinner, label, elapsed time and, when DuckDB
 * estimates it, a bar with a percentage. Drawn only when stderr is a terminal, after a delay (so
 * quick statements never flicker), and erased when the work ends or output starts.
 */
export interface ProgressOptions {
  readonly write: (text: string) => void;
  /** False: the display does nothing at all (stderr is not a terminal). */
  readonly enabled: boolean;
  /** Width of the terminal the line must fit. */
  readonly columns: () => number;
  /** DuckDB's estimate, 0–100, or undefined. */
  readonly percentage: () => number | undefined;
  readonly now?: () => number;
  /** Redraw interval in ms (default 100). */
  readonly tickMs?: number;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR_LINE = '\r\x1b[2K';
const BAR_WIDTH = 20;

/** How long ordinary statements run before the display appears; slow operations show at once. */
export const PROGRESS_DELAY_MS = 500;

export class ProgressLine {
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private frame = 0;
  private drawn = false;
  private label = '';

  constructor(private readonly options: ProgressOptions) {}

  /** Starts the display for one piece of work, replacing any earlier one. */
  start(label: string, delayMs: number = PROGRESS_DELAY_MS): void {
    this.stop();
    if (!this.options.enabled) return;
    const now = this.options.now ?? Date.now;
    this.startedAt = now();
    this.label = label;
    this.frame = 0;
    const tick = this.options.tickMs ?? 100;
    const begin = (): void => {
      this.draw();
      this.timer = setInterval(() => this.draw(), tick);
      this.timer.unref();
    };
    if (delayMs <= 0) begin();
    else {
      this.timer = setTimeout(begin, delayMs);
      this.timer.unref();
    }
  }

  /** Ends the display and erases the line. Idempotent. */
  stop(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      clearInterval(this.timer);
      this.timer = undefined;
    }
    if (this.drawn) {
      this.options.write(CLEAR_LINE);
      this.drawn = false;
    }
  }

  private draw(): void {
    const now = this.options.now ?? Date.now;
    const line = progressText(this.label, now() - this.startedAt, this.options.percentage(), this.frame++, this.options.columns());
    this.options.write(`${CLEAR_LINE}${line}`);
    this.drawn = true;
  }
}

/** The text of one frame, at most `columns - 1` characters (the cursor must not wrap). */
export function progressText(label: string, elapsedMs: number, percentage: number | undefined, frame: number, columns: number): string {
  const spinner = SPINNER[frame % SPINNER.length] ?? '·';
  const elapsed = `${(elapsedMs / 1000).toFixed(1)} s`;
  let bar = '';
  if (percentage !== undefined) {
    const p = Math.max(0, Math.min(100, percentage));
    const filled = Math.round((p / 100) * BAR_WIDTH);
    bar = ` ${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${p.toFixed(0).padStart(3)}%`;
  }
  const fixed = `${spinner}  ${elapsed}${bar}`;
  const room = Math.max(0, columns - 1 - [...fixed].length - 2);
  const shown = [...label].length > room ? `${[...label].slice(0, Math.max(0, room - 1)).join('')}…` : label;
  return room > 0 ? `${spinner} ${shown}  ${elapsed}${bar}` : fixed.slice(0, Math.max(0, columns - 1));
}

/** Slow operations whose display shows at once: OPTIMIZE, VACUUM, COPY INTO (and imports). */
export function isSlowStatement(sql: string): boolean {
  return /^\s*(optimize|vacuum|copy\s+into)\b/i.test(stripLeadingComments(sql));
}

/** The first line of a statement, for the display's label. */
export function statementLabel(sql: string): string {
  return stripLeadingComments(sql).replace(/\s+/g, ' ').trim();
}

function stripLeadingComments(sql: string): string {
  return sql.replace(/^(\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/))*/, '');
}
