/**
 * What the CLI knows about where it writes: the two output streams, whether each is a terminal,
 * and the terminal's width. Commands write only through this, so the rules "colours, prompts and
 * progress only on a terminal" live in one place.
 */
export interface Terminal {
  out(text: string): void;
  /** Raw bytes to stdout (`loch volume get … -`); resolves when they are handed to the stream. */
  outBytes(bytes: Uint8Array): Promise<void>;
  err(text: string): void;
  /** stdout / stderr / stdin are terminals. */
  readonly stdoutTty: boolean;
  readonly stderrTty: boolean;
  readonly stdinTty: boolean;
  /** Columns of stdout's terminal (COLUMNS when set, 120 when stdout is not a terminal). */
  columns(): number;
  /** Columns of stderr's terminal (for the progress line). */
  errColumns(): number;
}

const DEFAULT_COLUMNS = 120;

/** The process's own streams. */
export function processTerminal(env: NodeJS.ProcessEnv = process.env): Terminal {
  const fromEnv = Number.parseInt(env['COLUMNS'] ?? '', 10);
  const width = (stream: NodeJS.WriteStream): number => {
    if (stream.isTTY && stream.columns > 0) return stream.columns;
    return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_COLUMNS;
  };
  return {
    out: (text) => process.stdout.write(text),
    outBytes: (bytes) => new Promise((done, fail) => process.stdout.write(bytes, (error) => (error ? fail(error) : done()))),
    err: (text) => process.stderr.write(text),
    stdoutTty: process.stdout.isTTY === true,
    stderrTty: process.stderr.isTTY === true,
    stdinTty: process.stdin.isTTY === true,
    columns: () => width(process.stdout),
    errColumns: () => width(process.stderr),
  };
}
