import { describe, expect, it } from 'vitest';
import { literalValue, parseFunctionCall, stringItems } from './file-call.js';

describe('parseFunctionCall', () => {
  it('splits positional and named arguments with their offsets', () => {
    const text = "read_files('/Volumes/c/s/v/*.csv', format => 'csv', header := true, sep => ';', n => -2)";
    const call = parseFunctionCall(text);
    expect(call.name).toBe('read_files');
    expect(call.args.map((a) => [a.name, a.text])).toEqual([
      [undefined, "'/Volumes/c/s/v/*.csv'"],
      ['format', "'csv'"],
      ['header', 'true'],
      ['sep', "';'"],
      ['n', '-2'],
    ]);
    for (const arg of call.args) expect(text.slice(arg.start, arg.end)).toBe(arg.text);
    expect(call.args.map(literalValue)).toEqual([
      { kind: 'string', value: '/Volumes/c/s/v/*.csv' },
      { kind: 'string', value: 'csv' },
      { kind: 'boolean', value: true },
      { kind: 'string', value: ';' },
      { kind: 'number', value: '-2' },
    ]);
  });

  it('keeps nested expressions whole and reports them as non-literals', () => {
    const call = parseFunctionCall("main.READ_CSV(['/a', '/b'] , columns = {'a': 'INT', 'b': [1, 2]}, x => f(1, 2))");
    expect(call.name).toBe('read_csv');
    expect(call.args.map((a) => a.text)).toEqual(["['/a', '/b']", "columns = {'a': 'INT', 'b': [1, 2]}", 'f(1, 2)']);
    expect(literalValue(call.args[2]!)).toBeUndefined();
    expect(stringItems(call.args[0]!)?.map((t) => t.value)).toEqual(['/a', '/b']);
    expect(stringItems(call.args[2]!)).toBeUndefined();
  });

  it('handles empty calls, comments and strings holding commas', () => {
    expect(parseFunctionCall('f()').args).toEqual([]);
    const call = parseFunctionCall("read_csv('/a,b' /* , */, sep => ',')");
    expect(call.args.map((a) => a.text)).toEqual(["'/a,b'", "','"]);
    expect(literalValue(call.args[0]!)).toEqual({ kind: 'string', value: '/a,b' });
  });

  it('rejects text that is not one call', () => {
    expect(() => parseFunctionCall("read_csv('/a'")).toThrow(/expects '\)'/);
    expect(() => parseFunctionCall("read_csv('/a') x")).toThrow(/unexpected x/);
    expect(() => parseFunctionCall('read_csv(, 1)')).toThrow(/expects an argument/);
  });
});
