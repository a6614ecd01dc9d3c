import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.js';

describe('parseArgs', () => {
  it('takes global options before or after the command, and from the environment', () => {
    const before = parseArgs(['--warehouse', '/w', '--format=csv', 'sql', 'SELECT 1']);
    const after = parseArgs(['sql', 'SELECT 1', '--format', 'csv', '-w', '/w']);
    expect(before).toEqual(after);
    expect(before).toEqual({ command: { kind: 'sql', query: 'SELECT 1' }, options: { warehouse: '/w', format: 'csv', debug: false } });
    const env = parseArgs([], { LOCH_WAREHOUSE: 's3://b/p', LOCH_METASTORE: 'postgres://h/db' });
    expect(env).toEqual({ command: { kind: 'shell' }, options: { warehouse: 's3://b/p', metastore: 'postgres://h/db', format: 'table', debug: false } });
    expect(parseArgs(['--metastore', 'postgres://x/y'], { LOCH_METASTORE: 'postgres://h/db' }).options.metastore).toBe('postgres://x/y');
  });

  it('opens the shell without a command and for a bare `sql`', () => {
    expect(parseArgs([]).command).toEqual({ kind: 'shell' });
    expect(parseArgs(['sql', '--debug']).command).toEqual({ kind: 'shell' });
  });

  it('parses import and volume commands with their options', () => {
    expect(parseArgs(['import', 'a.csv', 'main.s.t', '--mode', 'overwrite', '--option', "delim=;", '-o', 'header=false']).command).toEqual({
      kind: 'import',
      file: 'a.csv',
      table: 'main.s.t',
      mode: 'overwrite',
      readerOptions: { delim: ';', header: 'false' },
    });
    expect(parseArgs(['volume', 'rm', '/Volumes/c/s/v/x', '-r']).command).toEqual({ kind: 'volume', action: 'rm', paths: ['/Volumes/c/s/v/x'], recursive: true });
    expect(parseArgs(['volume', 'get', '/Volumes/c/s/v/x', '-']).command).toEqual({ kind: 'volume', action: 'get', paths: ['/Volumes/c/s/v/x', '-'], recursive: false });
  });

  it('refuses unknown and misplaced options with a message naming them', () => {
    expect(() => parseArgs(['--nope'])).toThrow(/cli: unknown option --nope/);
    expect(() => parseArgs(['frobnicate'])).toThrow(/cli: unknown command 'frobnicate'/);
    expect(() => parseArgs(['sql', 'SELECT 1', '--mode', 'append'])).toThrow(/--mode applies to loch import only/);
    expect(() => parseArgs(['volume', 'ls', '/Volumes/c/s/v', '-r'])).toThrow(/-r applies to loch volume rm only/);
    expect(() => parseArgs(['--format', 'xml', 'sql', 'x'])).toThrow(/unknown format 'xml'/);
    expect(() => parseArgs(['import', 'a.csv'])).toThrow(/usage: loch import/);
    expect(() => parseArgs(['import', 'a.csv', 't', '--mode', 'merge'])).toThrow(/--mode must be append or overwrite/);
    expect(() => parseArgs(['volume', 'put', 'a'])).toThrow(/usage: loch volume put/);
    expect(() => parseArgs(['--warehouse'])).toThrow(/--warehouse needs a value/);
  });

  it('parses serve and token commands', () => {
    expect(parseArgs(['serve']).command).toEqual({ kind: 'serve', host: '127.0.0.1', port: 8080, pgPort: 5433 });
    expect(parseArgs(['serve', '--host', '0.0.0.0', '--port=0', '--pg-port', 'off']).command).toEqual({ kind: 'serve', host: '0.0.0.0', port: 0, pgPort: null });
    expect(parseArgs(['token', 'create', '--user', 'ann', '--comment', 'ci', '--lifetime', '3600']).command).toEqual({ kind: 'token', action: 'create', user: 'ann', comment: 'ci', lifetimeSeconds: 3600 });
    expect(parseArgs(['token', 'list']).command).toEqual({ kind: 'token', action: 'list' });
    expect(parseArgs(['token', 'revoke', 'abc']).command).toEqual({ kind: 'token', action: 'revoke', id: 'abc' });
    expect(() => parseArgs(['serve', '--port', '70000'])).toThrow(/--port must be a port number/);
    expect(() => parseArgs(['serve', 'now'])).toThrow(/usage: loch serve/);
    expect(() => parseArgs(['token', 'create', '--lifetime', '-1'])).toThrow(/--lifetime must be a positive/);
    expect(() => parseArgs(['token', 'revoke'])).toThrow(/usage: loch token/);
    expect(() => parseArgs(['sql', 'SELECT 1', '--port', '1'])).toThrow(/--port applies to loch serve only/);
    expect(() => parseArgs(['serve', '--user', 'x'])).toThrow(/--user applies to loch token only/);
  });

  it('lets -- end the options', () => {
    expect(parseArgs(['volume', 'put', '--', '-odd-name', '/Volumes/c/s/v/']).command).toEqual({ kind: 'volume', action: 'put', paths: ['-odd-name', '/Volumes/c/s/v/'], recursive: false });
  });
});
