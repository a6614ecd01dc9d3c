import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureTerminal } from '../support/capture-terminal.js';
import { lochArgv } from '../support/pty.js';

/**
 * `loch token …` (in process, through main) and `loch serve` (a real child process): the token
 * printed by `token create` authenticates against the server, SIGTERM stops it with exit 0.
 */

let dir: string;
let warehouse: string;

async function loch(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const t = captureTerminal();
  const code = await main([...args, '--warehouse', warehouse], t.term, {});
  return { code, out: t.out(), err: t.err() };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-cli-serve-'));
  warehouse = join(dir, 'wh');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('loch token', () => {
  it('creates (printing only the token), lists and revokes tokens', async () => {
    const created = await loch('token', 'create', '--user', 'ann', '--comment', 'laptop');
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/^dapi[0-9a-f]{32}\n$/);
    expect(created.err).toContain('created user ann');
    const own = await loch('token', 'create');
    expect(own.out).toMatch(/^dapi[0-9a-f]{32}\n$/);
    const listed = await loch('token', 'list', '--user', 'ann', '--format', 'json');
    const rows = JSON.parse(listed.out) as { token_id: string; principal: string; comment: string }[];
    expect(rows).toMatchObject([{ principal: 'ann', comment: 'laptop' }]);
    expect(await loch('token', 'revoke', rows[0]!.token_id)).toMatchObject({ code: 0, out: `revoked token ${rows[0]!.token_id}\n` });
    expect(JSON.parse((await loch('token', 'list', '--user', 'ann', '--format', 'json')).out)).toEqual([]);
    const missing = await loch('token', 'revoke', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^NOT_FOUND: token: token nope does not exist/);
  });
});

describe('loch serve', () => {
  it('serves with a CLI-created token and stops cleanly on SIGTERM', async () => {
    const token = (await loch('token', 'create', '--user', 'bea')).out.trim();
    const child = spawn(process.execPath, [...lochArgv(), 'serve', '--port', '0', '--pg-port', '0', '--warehouse', warehouse], {
      cwd: dir,
      env: { ...process.env, HOME: dir, LOCH_WAREHOUSE: '', LOCH_METASTORE: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!/Stop with/.test(stdout) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      expect(stdout, stderr).toMatch(/Stop with/);
      const url = /HTTP\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1] as string;
      expect(stdout).toContain(`${url}/api/2.0/sql/statements`);
      expect(stdout).toContain(`${url}/api/2.1/unity-catalog/iceberg-rest`);
      expect(stdout).toMatch(/PostgreSQL\s+127\.0\.0\.1:\d+/);
      expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
      const response = await fetch(`${url}/api/2.0/sql/statements`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ statement: 'SELECT current_user() AS me, 6 * 7 AS answer', warehouse_id: 'loch' }),
      });
      const body = (await response.json()) as { status: { state: string }; result: { data_array: string[][] } };
      expect(body.status.state).toBe('SUCCEEDED');
      expect(body.result.data_array).toEqual([['bea', '42']]);
      expect((await fetch(`${url}/api/2.0/token/list`, { headers: { authorization: 'Bearer dapi-wrong' } })).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain('loch server stopped');
    const logLines = stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logLines.some((l) => l['route'] === '/api/2.0/sql/statements' && l['principal'] === 'bea' && l['status'] === 200)).toBe(true);
    expect(stderr).not.toContain(token);
  });
});
