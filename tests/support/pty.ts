/**
 * Driving the `loch` command in tests: by pipe (`runLoch`) and under a pseudo-terminal
 * (`spawnPty`, through util-linux `script`, so stdin, stdout and stderr are all a terminal).
 *
 * The command is the built CLI (bin/loch.js over dist/) when dist/ is at least as new as every
 * source file, else the sources through tsx (tests/support/cli-entry.ts), slower to start.
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

let cached: string[] | undefined;

/** argv (after `node`) that runs loch: the build when it is current, else the sources. */
export function lochArgv(): string[] {
  if (cached !== undefined) return cached;
  let built = 0;
  try {
    built = statSync(join(ROOT, 'dist/cli/main.js')).mtimeMs;
  } catch {
    built = 0;
  }
  cached = built >= newestSource(join(ROOT, 'src')) ? [join(ROOT, 'bin/loch.js')] : ['--import', import.meta.resolve('tsx'), join(ROOT, 'tests/support/cli-entry.ts')];
  return cached;
}

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  /** stdout as bytes (binary output such as `volume get … -`). */
  readonly stdoutBytes: Buffer;
  readonly stderr: string;
}

/** Runs loch with pipes for stdin/stdout/stderr; HOME is the working folder (history file). */
export function runLoch(args: readonly string[], options: { cwd: string; stdin?: string; env?: Record<string, string> }): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...lochArgv(), ...args], { cwd: options.cwd, env: { ...process.env, HOME: options.cwd, LOCH_WAREHOUSE: '', LOCH_METASTORE: '', ...options.env } });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => stdout.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout: Buffer.concat(stdout).toString(), stdoutBytes: Buffer.concat(stdout), stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** Removes terminal escape sequences and carriage returns. */
export function stripAnsi(text: string): string {
  return text
    .replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g, '')
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .replace(/\x1b[=>()][0-9A-Za-z]?/g, '')
    .replace(/\r/g, '');
}

export interface PtySession {
  /** Types text (each character with a short pause, as a person would). */
  type(text: string): Promise<void>;
  /** Sends text at once, as a terminal does when the user pastes it. */
  paste(text: string): Promise<void>;
  /** Waits until the stripped output after `from` (default: everything) matches; returns that output. */
  waitFor(pattern: string | RegExp, options?: { timeoutMs?: number; from?: number }): Promise<string>;
  /** Everything printed so far, escape sequences removed. */
  output(): string;
  /** Everything printed so far, as the terminal received it. */
  raw(): string;
  /** Waits for the process to end (after .quit / Ctrl-D); kills it after the timeout. */
  exit(timeoutMs?: number): Promise<number | null>;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Starts loch under a pseudo-terminal of `columns` × 40. */
export function spawnPty(args: readonly string[], options: { cwd: string; env?: Record<string, string>; columns?: number }): PtySession {
  const command = [process.execPath, ...lochArgv(), ...args].map(shellQuote).join(' ');
  const inner = `stty cols ${options.columns ?? 100} rows 40; exec ${command}`;
  const child = spawn('/usr/bin/script', ['-qfec', inner, '/dev/null'], { cwd: options.cwd, env: { ...process.env, HOME: options.cwd, LOCH_WAREHOUSE: '', LOCH_METASTORE: '', TERM: 'xterm', ...options.env } });
  let raw = '';
  const waiters = new Set<() => void>();
  const notify = (): void => waiters.forEach((w) => w());
  child.stdout.on('data', (d: Buffer) => {
    raw += d.toString();
    notify();
  });
  child.stderr.on('data', (d: Buffer) => {
    raw += d.toString();
    notify();
  });
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return {
    async paste(text) {
      child.stdin.write(text);
    },
    async type(text) {
      for (const ch of text) {
        child.stdin.write(ch);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    waitFor(pattern, { timeoutMs = 15_000, from = 0 } = {}) {
      return new Promise((done, fail) => {
        const check = (): void => {
          const text = stripAnsi(raw).slice(from);
          if (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) {
            waiters.delete(check);
            clearTimeout(timer);
            done(text);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          fail(new Error(`pty: timed out waiting for ${String(pattern)}; output so far:\n${stripAnsi(raw).slice(from)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    output: () => stripAnsi(raw),
    raw: () => raw,
    async exit(timeoutMs = 10_000) {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
