import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/delta-fixture.js';
import { runLoch, spawnPty } from '../support/pty.js';

/** The SQL shell through the real CLI: by pipe (scripts) and under a pseudo-terminal (a person typing). */
describe('the loch shell', () => {
  let dir: string;
  let wh: string;

  beforeAll(async () => {
    dir = await tempDir('loch-cli-shell-');
    wh = join(dir, 'wh');
    const setup = await runLoch(['--warehouse', wh], {
      cwd: dir,
      stdin: 'CREATE SCHEMA sales;\nCREATE TABLE sales.customers AS SELECT range AS id, \'c\' || range AS name FROM range(3);\n',
    });
    expect(setup.stderr).toBe('');
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('runs a piped script: no prompt or banner, multi-line statements, dot commands, exit 1 after a failure', async () => {
    await writeFile(join(dir, 'more.sql'), 'SELECT 7 AS seven;\n.format csv\nSELECT 8 AS eight');
    const script = [
      'SELECT 1 AS one;',
      'SELECT',
      '  2 AS two; SELECT 3 AS three;',
      'SELEC oops;',
      '.use main.sales',
      '.tables',
      '.read more.sql',
      'SELECT count(*) AS n FROM customers',
    ].join('\n');
    const r = await runLoch(['--warehouse', wh], { cwd: dir, stdin: script });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('loch>');
    expect(r.stdout).not.toMatch(/\x1b\[/);
    for (const n of [1, 2, 3, 7]) expect(r.stdout).toMatch(new RegExp(`│\\s+${n} │`));
    expect(r.stdout).toContain('customers\n');
    expect(r.stdout).toMatch(/eight\n8\nn\n3\n$/);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^SQL_ERROR: .*SELEC/)]);
    const ok = await runLoch(['--warehouse', wh, '--format', 'json'], { cwd: dir, stdin: 'SELECT 1 AS a;\n.quit\nSELECT 2;\n' });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual([{ a: 1 }]);
    await expect(readFile(join(dir, '.loch_history'), 'utf8')).rejects.toThrow();
  });

  it('truncates wide and long results with .maxwidth and .maxrows', async () => {
    const stdin = ".maxrows 6\n.maxwidth 50\nSELECT range AS i, repeat('y', 200) AS wide FROM range(100);\n";
    const r = await runLoch(['--warehouse', wh], { cwd: dir, stdin });
    const lines = r.stdout.trimEnd().split('\n');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(50);
    expect(r.stdout).toContain('y…');
    expect(r.stdout).toContain('… 94 rows omitted …');
    expect(lines.filter((l) => /^│\s+\d+ │/.test(l))).toHaveLength(6);
    expect(lines.at(-1)).toBe('100 rows (6 shown)');
  });

  it('under a terminal: prompt, continuation, TAB completion of a table, .timer, history', async () => {
    const pty = spawnPty(['--warehouse', wh], { cwd: dir });
    await pty.waitFor('loch> ');
    await pty.type('SELECT 40 +\r');
    await pty.waitFor(' ...> ');
    await pty.type('2 AS answer;\r');
    await pty.waitFor('1 row');
    let mark = pty.output().length;
    await pty.type('SELECT count(*) AS n FROM main.sales.cus\t');
    await pty.waitFor('main.sales.customers', { from: mark });
    await pty.type(';\r');
    await pty.waitFor(/│\s+3 │/, { from: mark });
    // Names are cached for completion and refreshed after DDL.
    await pty.type('CREATE TABLE main.sales.fresh_table AS SELECT 1 AS x;\r');
    await pty.waitFor(/num_inserted_rows[\s\S]*1 row/, { from: mark });
    mark = pty.output().length;
    await pty.type('SELECT x FROM main.sales.fre\t');
    await pty.waitFor('main.sales.fresh_table', { from: mark });
    await pty.type(';\r');
    await pty.waitFor('1 row', { from: mark });
    mark = pty.output().length;
    await pty.type('.timer on\rSELECT 1;\r');
    await pty.waitFor(/Run Time: \d+\.\d{3} s/, { from: mark });
    await pty.type('\x04');
    expect(await pty.exit()).toBe(0);
    expect(pty.output()).toMatch(/│\s+42 │/);
    const history = (await readFile(join(dir, '.loch_history'), 'utf8')).split('\n');
    expect(history).toContain('SELECT 40 + 2 AS answer;');
    expect(history).toContain('SELECT count(*) AS n FROM main.sales.customers;');
    expect(history.some((l) => l.startsWith('.'))).toBe(false);
  });

  it('under a terminal: a pasted multi-line script and text typed ahead while a statement runs stay intact', async () => {
    const pty = spawnPty(['--warehouse', wh], { cwd: dir });
    await pty.waitFor('loch> ');
    const mark = pty.output().length;
    // The whole paste arrives at once; later lines are in readline's buffer while earlier
    // statements run, and `.quit` is typed before the last result is printed.
    await pty.paste(['SELECT id, name', '  FROM main.sales.customers AS c', '  WHERE c.id = 1', ';', 'SELECT 42 AS answer;', "SELECT 'x' AS y", ';', ''].join('\n'));
    await pty.type('.quit\n');
    expect(await pty.exit()).toBe(0);
    const out = pty.output().slice(mark);
    expect(out).toMatch(/│\s+1 │ c1\s+│/);
    expect(out).toMatch(/│\s+42 │/);
    expect(out).toMatch(/│ x\s+│/);
    expect(out).not.toMatch(/[A-Z_]+: /);
  });

  it('under a terminal: Ctrl-C clears the line, stops a long result, and twice on an empty line leaves', async () => {
    const pty = spawnPty(['--warehouse', wh], { cwd: dir });
    await pty.waitFor('loch> ');
    await pty.type('SELECT never');
    await pty.type('\x03');
    await pty.waitFor('^C');
    let mark = pty.output().length;
    await pty.type('SELECT 5 AS five;\r');
    await pty.waitFor(/│\s+5 │/, { from: mark });
    mark = pty.output().length;
    await pty.type('SELECT * FROM range(100000000);\r');
    await new Promise((r) => setTimeout(r, 1500));
    await pty.type('\x03');
    await pty.waitFor('Interrupted', { from: mark });
    await pty.waitFor('loch> ', { from: mark });
    // A statement still executing (an aggregate over 10^11 rows would take minutes) is stopped too.
    mark = pty.output().length;
    await pty.type('SELECT sum(range) AS s FROM range(100000000000);\r');
    await new Promise((r) => setTimeout(r, 1500));
    const interruptedAt = Date.now();
    await pty.type('\x03');
    await pty.waitFor(/Interrupted[\s\S]*loch> /, { from: mark, timeoutMs: 10_000 });
    expect(Date.now() - interruptedAt).toBeLessThan(10_000);
    expect(pty.output().slice(mark)).not.toMatch(/[A-Z_]+: /);
    mark = pty.output().length;
    await pty.type('\x03');
    await pty.waitFor('Ctrl-C again', { from: mark });
    await pty.type('\x03');
    expect(await pty.exit()).toBe(0);
    expect(pty.output()).not.toContain('SQL_ERROR');
  });

  it('shows progress on a terminal (OPTIMIZE) and never when piped', async () => {
    const piped = await runLoch(['--warehouse', wh], { cwd: dir, stdin: 'OPTIMIZE main.sales.customers;\n' });
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('');
    const pty = spawnPty(['--warehouse', wh], { cwd: dir });
    await pty.waitFor('loch> ');
    await pty.type('OPTIMIZE main.sales.customers;\r');
    await pty.waitFor(/rows?\n/);
    await pty.type('.quit\r');
    expect(await pty.exit()).toBe(0);
    expect(pty.raw()).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] OPTIMIZE main\.sales\.customers {2}\d+\.\d s/);
  });
});
