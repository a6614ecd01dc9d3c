import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELTA_CORPUS } from '../support/corpus.js';
import { tempDir } from '../support/delta-fixture.js';
import { lochArgv } from '../support/pty.js';

const ROOT = resolve(import.meta.dirname, '../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], options: { cwd: string; stdin?: string; built?: boolean }): Promise<Run> {
  const command = options.built ? [join(ROOT, 'bin/loch.js'), ...args] : [...lochArgv(), ...args];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, command, { cwd: options.cwd, env: { ...process.env, HOME: options.cwd, LOCH_WAREHOUSE: '', LOCH_METASTORE: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

describe('the loch command', () => {
  let cwd: string;
  const table = join(DELTA_CORPUS, 'golden-data-reader-primitives');
  beforeAll(async () => {
    cwd = await tempDir('loch-cli-');
  });
  afterAll(async () => rm(cwd, { recursive: true, force: true }));

  it('prints JSON with the documented value rules', async () => {
    const r = await run(['sql', `SELECT as_long, as_binary, as_big_decimal, 9007199254740993::BIGINT AS big, DATE '2024-01-02' AS d FROM delta.\`${table}\` WHERE as_int = 1`, '--format', 'json'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows).toEqual([{ as_long: 1, as_binary: Buffer.from([1, 1]).toString('base64'), as_big_decimal: '1', big: '9007199254740993', d: '2024-01-02' }]);
  });

  it('prints CSV and an aligned table', async () => {
    const csv = await run(['sql', "SELECT 1 AS a, 'x,y' AS b", '--format=csv'], { cwd });
    expect(csv.stdout).toBe('a,b\n1,"x,y"\n');
    const table = await run(['sql', 'SELECT 42 AS answer'], { cwd });
    expect(table.stdout).toContain('│ answer  │');
    expect(table.stdout).toContain('│      42 │');
    expect(table.stdout).toMatch(/1 row\n$/);
  });

  it('creates the embedded warehouse ./lakehouse by default', async () => {
    const r = await run(['sql', `SELECT count(*) AS n FROM delta_scan('${table}')`, '--format', 'json'], { cwd });
    expect(JSON.parse(r.stdout)).toEqual([{ n: 11 }]);
    const { stat } = await import('node:fs/promises');
    expect((await stat(join(cwd, 'lakehouse'))).isDirectory()).toBe(true);
  });

  it('reports errors on one line with the code and exit status 1', async () => {
    const r = await run(['sql', `SELECT * FROM delta.\`${join(DELTA_CORPUS, 'golden-versions-not-contiguous')}\``], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^PROTOCOL_VIOLATION: delta log: table .*golden-versions-not-contiguous.*commit 1 is missing/);
    const debug = await run(['sql', 'SELEC 1', '--debug'], { cwd });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^SQL_ERROR: /);
    expect(debug.stderr).toContain('    at ');
  });

  it('runs a shell session from standard input; a failed statement makes the exit status 1', async () => {
    const r = await run(['sql', '--format', 'csv'], { cwd, stdin: `SELECT 1 AS one;\nSELECT\n  2 AS two;\nSELEC;\nSELECT 3 AS three;\n.quit\n` });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('one\n1\n');
    expect(r.stdout).toContain('two\n2\n');
    expect(r.stdout).toContain('three\n3\n');
    expect(r.stderr).toMatch(/^SQL_ERROR: /m);
    // History is for people at a terminal (see cli-shell.test.ts), not for piped scripts.
    const { access } = await import('node:fs/promises');
    await expect(access(join(cwd, '.loch_history'))).rejects.toThrow();
  });

  it('works as the installed bin (npx loch)', async () => {
    const r = await run(['--version'], { cwd, built: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^loch \d+\.\d+\.\d+/);
  });
});
