/**
 * Transaction and session commands answered by the server itself.
 *
 * Loch statements auto-commit: each statement is atomic on its own and there are no
 * multi-statement transactions. BEGIN only marks a block (ReadyForQuery reports 'T', so
 * drivers that wrap work in BEGIN/COMMIT behave), COMMIT ends it, and ROLLBACK ends it with a
 * WARNING when statements of the block changed something, because nothing can be undone.
 * SET/RESET change only what SHOW reports (the server has no PostgreSQL settings that change
 * behaviour); SHOW answers from the settings below.
 */
import type { Command } from './commands.js';
import { noticeResponse, parameterStatus } from './codec.js';
import type { PgConnection } from './connection.js';
import { fixedRows } from './cursor.js';
import type { RowSource } from './cursor.js';
import { SERVER_VERSION } from './pg-catalog.js';
import { pgError } from './types.js';

type SessionCommand = Extract<Command, { kind: 'transaction' | 'set' | 'reset' | 'discard' | 'deallocate' }>;

/** Settings PostgreSQL reports to SHOW (names lower case). */
function defaults(conn: PgConnection): Map<string, string> {
  const principal = conn.auth?.principal;
  return new Map([
    ['server_version', SERVER_VERSION],
    ['server_version_num', '150000'],
    ['server_encoding', 'UTF8'],
    ['client_encoding', 'UTF8'],
    ['datestyle', 'ISO, MDY'],
    ['intervalstyle', 'postgres'],
    ['timezone', 'UTC'],
    ['integer_datetimes', 'on'],
    ['standard_conforming_strings', 'on'],
    ['transaction_isolation', 'read committed'],
    ['default_transaction_isolation', 'read committed'],
    ['transaction_read_only', 'off'],
    ['default_transaction_read_only', 'off'],
    ['is_superuser', principal?.admin === true ? 'on' : 'off'],
    ['session_authorization', principal?.name ?? ''],
    ['application_name', conn.startupParams.get('application_name') ?? ''],
    ['search_path', 'default'],
    ['max_identifier_length', '255'],
    ['lc_collate', 'C'],
    ['lc_ctype', 'C'],
    ['statement_timeout', '0'],
    ['extra_float_digits', '1'],
  ]);
}

/** Runs a transaction or session command; returns its CommandComplete tag. */
export async function runSessionCommand(conn: PgConnection, command: SessionCommand): Promise<string> {
  switch (command.kind) {
    case 'transaction':
      return transaction(conn, command.action);
    case 'set':
      if (command.value === undefined) conn.settings.delete(command.name);
      else conn.settings.set(command.name, command.value);
      if (command.name === 'application_name') conn.output.push(parameterStatus('application_name', command.value ?? ''));
      return 'SET';
    case 'reset':
      if (command.name === 'all') conn.settings.clear();
      else conn.settings.delete(command.name);
      return 'RESET';
    case 'discard':
      if (command.target === 'ALL') {
        conn.settings.clear();
        conn.statements.clear();
        await conn.closeAllPortals();
      }
      return command.tag;
    case 'deallocate':
      if (command.target === undefined) conn.statements.clear();
      else if (!conn.statements.delete(command.target)) throw pgError('26000', `prepared statement "${command.target}" does not exist`);
      return command.tag;
  }
}

async function transaction(conn: PgConnection, action: 'begin' | 'commit' | 'rollback' | 'savepoint' | 'release'): Promise<string> {
  const warn = (code: string, message: string): void => conn.output.push(noticeResponse({ severity: 'WARNING', code, message }));
  switch (action) {
    case 'begin':
      if (conn.inBlock) warn('25001', 'there is already a transaction in progress');
      conn.inBlock = true;
      conn.blockWrites = 0;
      return 'BEGIN';
    case 'commit':
    case 'rollback':
      if (!conn.inBlock) warn('25P01', 'there is no transaction in progress');
      else if (action === 'rollback' && conn.blockWrites > 0) {
        warn('25000', `loch: statements auto-commit; ROLLBACK could not undo the ${conn.blockWrites} statement(s) of this block that changed data or the catalog`);
      }
      conn.inBlock = false;
      conn.blockWrites = 0;
      await conn.closeAllPortals();
      return action === 'commit' ? 'COMMIT' : 'ROLLBACK';
    case 'savepoint':
      return 'SAVEPOINT';
    case 'release':
      return 'RELEASE';
  }
}

/** SHOW name / SHOW ALL as rows. */
export function showSetting(conn: PgConnection, name: string): RowSource {
  const all = defaults(conn);
  for (const [k, v] of conn.settings) all.set(k, v);
  if (name === 'all') {
    const rows = [...all.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v, '']);
    return fixedRows(['name', 'setting', 'description'].map((n) => ({ name: n, type: 'VARCHAR' })), rows);
  }
  const value = all.get(name);
  if (value === undefined) throw pgError('42704', `unrecognized configuration parameter "${name}"`);
  return fixedRows([{ name, type: 'VARCHAR' }], [[value]]);
}
