import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretCommand, type SecretInput } from '../../../src/cli/commands/secret-command.js';
import { main } from '../../../src/cli/main.js';
import type { Terminal } from '../../../src/cli/terminal.js';
import { captureTerminal } from '../../support/capture-terminal.js';
import { Loch } from '../../../src/index.js';
import { tempDir } from '../../support/delta-fixture.js';
import { runLoch, spawnPty } from '../../support/pty.js';

/**
 * `loch secret …` and `loch endpoint …`: values go in by pipe or a hidden prompt and never come
 * out — not on stdout, stderr, in listings, DESCRIBE or any file in clear. The value-reading
 * paths run the real binary (pipe, and a pseudo-terminal for the prompt); the other commands
 * run `main()` in-process (the same code, minus a process start each).
 */

const VALUE = 'sk-cli-2b9f61d3e0-do-not-print';
const TYPED = 'sk-typed-at-prompt-55aa';
const KEY = 'ab'.repeat(32);

interface Out {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe('loch secret and loch endpoint', () => {
  let dir: string;
  let savedKey: string | undefined;
  const outputs: Out[] = [];
  const wh = (): string[] => ['--warehouse', join(dir, 'wh')];

  /** The binary, stdin piped. */
  const binary = async (args: string[], stdin?: string): Promise<Out> => {
    const run = await runLoch([...wh(), ...args], { cwd: dir, env: { LOCH_SECRET_KEY: KEY }, ...(stdin === undefined ? {} : { stdin }) });
    outputs.push(run);
    return run;
  };
  /** main() in this process, output captured. */
  const cli = async (args: string[]): Promise<Out> => {
    const { term, out: stdoutOf, err: stderrOf } = captureTerminal();
    const code = await main([...wh(), ...args], term, {});
    const out = { code, stdout: stdoutOf(), stderr: stderrOf() };
    outputs.push(out);
    return out;
  };
  const json = async (args: string[]): Promise<Record<string, unknown>[]> => {
    const out = await cli([...args, '--format', 'json']);
    expect(out.stderr).toBe('');
    return JSON.parse(out.stdout) as Record<string, unknown>[];
  };

  beforeAll(async () => {
    dir = await tempDir('loch-cli-secrets-');
    savedKey = process.env['LOCH_SECRET_KEY'];
    process.env['LOCH_SECRET_KEY'] = KEY;
  });
  afterAll(async () => {
    if (savedKey === undefined) delete process.env['LOCH_SECRET_KEY'];
    else process.env['LOCH_SECRET_KEY'] = savedKey;
    await rm(dir, { recursive: true, force: true });
  });

  it('puts a secret piped to the binary, and lists its key, never its value', async () => {
    const put = await binary(['secret', 'put', 'openai', 'api_key'], `${VALUE}\n`);
    expect(put.stderr).toBe('');
    expect(put.code).toBe(0);
    expect(put.stdout).toBe('created secret api_key in scope openai\n');
    expect((await json(['secret', 'list'])).map((s) => s['scope'])).toEqual(['openai']);
    const keys = await json(['secret', 'list', 'openai']);
    expect(keys.map((k) => k['key'])).toEqual(['api_key']);
    expect(String(keys[0]?.['updated'])).toMatch(/^\d{4}-\d\d-\d\d/);
    expect((await cli(['secret', 'list', 'openai'])).stdout).toContain('api_key');
  });

  it('replaces a value, strips one trailing newline, refuses an inline or empty value', async () => {
    const inline = await cli(['secret', 'put', 'openai', 'other', VALUE]);
    expect(inline.code).toBe(1);
    expect(inline.stderr).toMatch(/^INVALID_ARGUMENT: cli: loch secret put takes no value on the command line/);
    const loch = await Loch.open({ warehouse: join(dir, 'wh') });
    try {
      const lines: string[] = [];
      const term = { out: (t: string) => void lines.push(t), err: (t: string) => void lines.push(t) } as Terminal;
      const piped = (text: string): SecretInput => ({ tty: false, readAll: async () => text, readHidden: async () => '' });
      const put = (text: string) => secretCommand(loch, { kind: 'secret', action: 'put', scope: 'openai', key: 'api_key' }, { term, format: 'json', limits: { maxRows: 40, maxWidth: 120 }, input: piped(text) });
      await put(`${VALUE}\r\n`);
      expect(lines).toEqual(['replaced secret api_key in scope openai\n']);
      await expect(loch.secrets.reveal(loch.catalog.actor, 'openai', 'api_key')).resolves.toBe(VALUE);
      await expect(put('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('no value for secret api_key in scope openai') });
      await expect(put('\n')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      outputs.push({ code: 0, stdout: lines.join(''), stderr: '' });
    } finally {
      await loch.close();
    }
  });

  it('manages the ACL of a scope', async () => {
    expect((await cli(['sql', 'CREATE USER ann'])).stderr).toBe('');
    expect((await cli(['secret', 'acl', 'put', 'openai', 'ann', 'read'])).stdout).toBe('granted READ on scope openai to ann\n');
    expect(await json(['secret', 'acl', 'list', 'openai'])).toContainEqual({ principal: 'ann', permission: 'READ' });
    expect((await cli(['secret', 'acl', 'delete', 'openai', 'ann'])).code).toBe(0);
    expect((await cli(['secret', 'acl', 'delete', 'openai', 'ann'])).stderr).toMatch(/^NOT_FOUND: /);
    expect((await cli(['secret', 'acl', 'put', 'openai', 'ann', 'OWN'])).stderr).toMatch(/READ, WRITE or MANAGE/);
    expect((await cli(['secret', 'frob'])).stderr).toMatch(/usage: loch secret put/);
  });

  it('lists, describes and drops endpoints that use the secret, showing only the reference', async () => {
    const create = await cli(['sql', "CREATE MODEL ENDPOINT main.default.chat PROVIDER 'openai' OPTIONS (url 'http://127.0.0.1:9/v1', model 'gpt-4o-mini', api_key secret('openai', 'api_key')) COMMENT 'team chat'"]);
    expect(create.stderr).toBe('');
    expect(await json(['endpoint', 'list'])).toEqual([{ name: 'main.default.chat', provider: 'openai', task: 'chat', model: 'gpt-4o-mini', owner: expect.any(String), comment: 'team chat' }]);
    expect(await json(['endpoint', 'list', 'main.default'])).toHaveLength(1);
    expect(await json(['endpoint', 'describe', 'chat'])).toContainEqual({ info_name: 'api_key', info_value: "secret('openai', 'api_key')" });
    expect((await cli(['endpoint', 'drop', 'main.default.chat'])).stdout).toBe('dropped model endpoint main.default.chat\n');
    expect((await cli(['endpoint', 'describe', 'chat'])).stderr).toMatch(/^NOT_FOUND: /);
    expect((await cli(['endpoint', 'frob'])).stderr).toMatch(/usage: loch endpoint list/);
    expect((await cli(['--help'])).stdout).toMatch(/loch secret put <scope> <key>[\s\S]*CREATE MODEL ENDPOINT/);
  });

  it('reads the value at a prompt without echoing it', async () => {
    const pty = spawnPty([...wh(), 'secret', 'put', 'typed', 'key'], { cwd: dir, env: { LOCH_SECRET_KEY: KEY } });
    await pty.waitFor('(not shown): ');
    await pty.type(`${TYPED}x\x7f\r`);
    expect(await pty.exit()).toBe(0);
    expect(pty.output()).toContain('created secret key in scope typed');
    expect(pty.raw()).not.toContain(TYPED);
    outputs.push({ code: 0, stdout: pty.raw(), stderr: '' });
    const loch = await Loch.open({ warehouse: join(dir, 'wh') });
    try {
      // What was typed, without the erased x.
      expect(await loch.secrets.reveal(loch.catalog.actor, 'typed', 'key')).toBe(TYPED);
    } finally {
      await loch.close();
    }
  });

  it('deletes keys and scopes', async () => {
    expect((await cli(['secret', 'delete', 'typed', 'key'])).stdout).toBe('deleted secret key from scope typed\n');
    expect((await cli(['secret', 'delete', 'typed', 'key'])).stderr).toMatch(/^NOT_FOUND: /);
    expect((await cli(['secret', 'delete-scope', 'typed'])).stdout).toBe('deleted scope typed and its secrets\n');
    expect((await cli(['secret', 'list', 'typed'])).stderr).toMatch(/^NOT_FOUND: /);
  });

  it('never printed a value, and no file holds one in clear (the metastore keeps it encrypted)', async () => {
    expect(outputs.length).toBeGreaterThan(15);
    for (const out of outputs) {
      for (const secret of [VALUE, TYPED]) {
        expect(out.stdout).not.toContain(secret);
        expect(out.stderr).not.toContain(secret);
      }
    }
    for (const file of await readdir(dir, { recursive: true })) {
      const bytes = await readFile(join(dir, file)).catch(() => undefined);
      if (bytes === undefined) continue;
      expect(bytes.includes(VALUE), file).toBe(false);
      expect(bytes.includes(TYPED), file).toBe(false);
    }
  });
});
