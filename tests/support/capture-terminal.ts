import type { Terminal } from '../../src/cli/terminal.js';

/** A non-TTY Terminal 120 columns wide that keeps what the CLI writes, for running main() in process. */
export function captureTerminal(): { term: Terminal; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const term: Terminal = {
    out: (text) => void (out += text),
    outBytes: async (bytes) => void (out += Buffer.from(bytes).toString()),
    err: (text) => void (err += text),
    stdoutTty: false,
    stderrTty: false,
    stdinTty: false,
    columns: () => 120,
    errColumns: () => 120,
  };
  return { term, out: () => out, err: () => err };
}
