import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { tempDir } from '../support/delta-fixture.js';
import { runLoch, spawnPty } from '../support/pty.js';

/** The `loch` commands other than the shell, through the real CLI by pipe (and one under a terminal). */
describe('loch commands', () => {
  let dir: string;
  let wh: string;
  const loch = (args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) => runLoch(['--warehouse', wh, ...args], { cwd: dir, ...options });
  const json = async (sql: string) => {
    const r = await loch(['sql', sql, '--format', 'json']);
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as Record<string, unknown>[];
  };

  beforeAll(async () => {
    dir = await tempDir('loch-cli-commands-');
    wh = join(dir, 'wh');
    await writeFile(join(dir, 'people.csv'), 'id,name\n1,ann\n2,bob\n3,cy\n');
    await writeFile(join(dir, 'more.csv'), 'name,id\ndee,4\n');
    await writeFile(join(dir, 'events.ndjson'), '{"k":"a","n":1}\n{"k":"b","n":2}\n');
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('documents every command and option in --help', async () => {
    const r = await runLoch(['--help'], { cwd: dir });
    expect(r.code).toBe(0);
    for (const word of ['loch sql', 'loch import', 'volume put', 'volume get', 'volume ls', 'volume rm', '--warehouse', 'LOCH_WAREHOUSE', '--metastore', 'LOCH_METASTORE', '--format', '--debug', '--mode', 'BY NAME', '.timer', '.maxrows', '.read', 'Exit status']) {
      expect(r.stdout).toContain(word);
    }
  });

  it('imports a CSV into a new table, appends BY NAME, overwrites, and reports the counts', async () => {
    const first = await loch(['import', 'people.csv', 'people']);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('imported 3 rows into main.default.people\n');
    const second = await loch(['import', 'more.csv', 'main.default.people']);
    expect(second.stdout).toBe('imported 1 row into main.default.people\n');
    expect(await json('SELECT id, name FROM people ORDER BY id')).toEqual([
      { id: 1, name: 'ann' },
      { id: 2, name: 'bob' },
      { id: 3, name: 'cy' },
      { id: 4, name: 'dee' },
    ]);
    const over = await loch(['import', 'events.ndjson', 'people', '--mode', 'overwrite']);
    expect(over.stdout).toBe('imported 2 rows into main.default.people\n');
    expect(await json('SELECT k, n FROM people ORDER BY n')).toEqual([{ k: 'a', n: 1 }, { k: 'b', n: 2 }]);
  });

  it('imports into names with quotes and Unicode, and passes reader options', async () => {
    await writeFile(join(dir, 'semi.txt'), "a;b\n1;it's\n");
    const r = await loch(['import', 'semi.txt', "`it's_café`", '--file-format', 'csv', '--option', 'delim=;']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe("imported 1 row into main.default.`it's_café`\n");
    expect(await json("SELECT a, b FROM `it's_café`")).toEqual([{ a: 1, b: "it's" }]);
  });

  it('refuses a missing file, an unknown extension and a bad table name, writing nothing', async () => {
    const missing = await loch(['import', 'nope.csv', 't1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^NOT_FOUND: import: file nope\.csv does not exist/);
    await writeFile(join(dir, 'data.xyz'), 'x');
    expect((await loch(['import', 'data.xyz', 't1'])).stderr).toMatch(/cannot tell the format of data\.xyz/);
    expect((await loch(['import', 'people.csv', 'a.b.c.d'])).stderr).toMatch(/is not a table name/);
    expect(await json("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 't1'")).toEqual([{ n: 0 }]);
  });

  it('round-trips files through a volume: put, ls, get, rm', async () => {
    expect((await loch(['sql', 'CREATE VOLUME main.default.files'])).code).toBe(0);
    const bytes = Buffer.from([0, 1, 2, 250, 255, 10]);
    await writeFile(join(dir, 'blob.bin'), bytes);
    expect((await loch(['volume', 'put', 'blob.bin', '/Volumes/main/default/files/in/'])).stdout).toBe('uploaded 6 bytes to /Volumes/main/default/files/in/blob.bin\n');
    const listed = JSON.parse((await loch(['volume', 'ls', '/Volumes/main/default/files/in', '--format', 'json'])).stdout) as { path: string; name: string; size: number }[];
    expect(listed.map((e) => [e.path, e.name, e.size])).toEqual([['/Volumes/main/default/files/in/blob.bin', 'blob.bin', 6]]);
    await mkdir(join(dir, 'out'));
    expect((await loch(['volume', 'get', '/Volumes/main/default/files/in/blob.bin', 'out/'])).code).toBe(0);
    expect(await readFile(join(dir, 'out', 'blob.bin'))).toEqual(bytes);
    const piped = await loch(['volume', 'get', '/Volumes/main/default/files/in/blob.bin', '-']);
    expect(piped.stdoutBytes).toEqual(bytes);
    expect((await loch(['volume', 'rm', '/Volumes/main/default/files/in'])).stderr).toMatch(/is a folder; use rm -r/);
    expect((await loch(['volume', 'rm', '/Volumes/main/default/files/in', '-r'])).stdout).toBe('removed 1 file from /Volumes/main/default/files/in\n');
    expect(JSON.parse((await loch(['volume', 'ls', '/Volumes/main/default/files', '--format', 'json'])).stdout)).toEqual([]);
  });

  it('gives clear errors for missing volumes, .. and missing local files', async () => {
    const missingVolume = await loch(['volume', 'ls', '/Volumes/main/default/nope']);
    expect(missingVolume.code).toBe(1);
    expect(missingVolume.stderr).toMatch(/^NOT_FOUND: .*main\.default\.nope/);
    const escape = await loch(['volume', 'put', 'people.csv', '/Volumes/main/default/files/../x']);
    expect(escape.stderr).toMatch(/^PATH_ESCAPE: /);
    expect((await loch(['volume', 'put', 'absent.txt', '/Volumes/main/default/files/'])).stderr).toMatch(/^NOT_FOUND: volume: local file absent\.txt does not exist/);
    expect((await loch(['volume', 'get', '/Volumes/main/default/files/none.txt', '-'])).stderr).toMatch(/^NOT_FOUND: volume: \/Volumes\/main\/default\/files\/none\.txt does not exist/);
  });

  it('takes the warehouse from LOCH_WAREHOUSE and options after the command', async () => {
    const r = await runLoch(['sql', 'SELECT count(*) AS n FROM people', '--format', 'csv'], { cwd: dir, env: { LOCH_WAREHOUSE: wh } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('n\n2\n');
  });

  it('fits wide and long results to the width and row limit', async () => {
    const r = await loch(['sql', "SELECT range AS i, repeat('x', 300) AS wide FROM range(1000)"], { env: { COLUMNS: '60' } });
    const lines = r.stdout.trimEnd().split('\n');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(60);
    expect(r.stdout).toContain('x…');
    expect(r.stdout).toContain('… 960 rows omitted …');
    expect(lines.at(-1)).toBe('1000 rows (40 shown)');
  });

  it('shows a progress line on a terminal and nothing when piped', async () => {
    const piped = await loch(['import', 'people.csv', 'progress_piped']);
    expect(piped.stderr).toBe('');
    const pty = spawnPty(['--warehouse', wh, 'import', 'people.csv', 'progress_tty'], { cwd: dir });
    expect(await pty.exit()).toBe(0);
    expect(pty.output()).toContain('imported 3 rows into main.default.progress_tty');
    expect(pty.raw()).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] import people\.csv → main\.default\.progress_tty {2}\d+\.\d s/);
    expect(pty.raw()).toContain('\r\x1b[2K');
  });
});
