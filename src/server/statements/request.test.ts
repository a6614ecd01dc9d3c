import { describe, expect, it } from 'vitest';
import { parseExecuteRequest } from './request.js';

describe('parseExecuteRequest', () => {
  it('fills Databricks defaults and ignores warehouse_id', () => {
    expect(parseExecuteRequest({ statement: 'SELECT 1', warehouse_id: 'abc' })).toEqual({
      statement: 'SELECT 1',
      parameters: [],
      waitTimeoutMs: 10_000,
      onWaitTimeout: 'CONTINUE',
      disposition: 'INLINE',
      format: 'JSON_ARRAY',
    });
    const full = parseExecuteRequest({
      statement: 'SELECT :a', catalog: 'main', schema: 'default', wait_timeout: '0s', on_wait_timeout: 'cancel',
      disposition: 'EXTERNAL_LINKS', format: 'ARROW_STREAM', row_limit: 5, byte_limit: '100',
      parameters: [{ name: 'a', value: '1', type: 'INT' }],
    });
    expect(full).toMatchObject({ waitTimeoutMs: 0, onWaitTimeout: 'CANCEL', rowLimit: 5, byteLimit: 100, catalog: 'main', schema: 'default' });
  });

  it('refuses malformed fields with a message naming them', () => {
    expect(() => parseExecuteRequest({})).toThrow(/statement is required/);
    expect(() => parseExecuteRequest({ statement: 'x', wait_timeout: '51s' })).toThrow(/wait_timeout/);
    expect(() => parseExecuteRequest({ statement: 'x', wait_timeout: '4s' })).toThrow(/wait_timeout/);
    expect(() => parseExecuteRequest({ statement: 'x', format: 'XML' })).toThrow(/format must be one of/);
    expect(() => parseExecuteRequest({ statement: 'x', format: 'CSV' })).toThrow(/needs disposition EXTERNAL_LINKS/);
    expect(() => parseExecuteRequest({ statement: 'x', row_limit: -1 })).toThrow(/row_limit/);
    expect(() => parseExecuteRequest({ statement: 'x', parameters: {} })).toThrow(/parameters must be a list/);
    expect(() => parseExecuteRequest({ statement: 'x', parameters: [{ name: 'a', value: 1 }] })).toThrow(/value must be a string/);
    expect(() => parseExecuteRequest({ statement: 'x', parameters: [{ name: 'a' }, { value: '1' }] })).toThrow(/all have a name, or none/);
    expect(() => parseExecuteRequest({ statement: 'x', parameters: [{ name: 'a' }, { name: 'A' }] })).toThrow(/given twice/);
    expect(() => parseExecuteRequest({ statement: 'x', catalog: 'a`b' })).toThrow(/catalog must be a name/);
  });
});
