/**
 * The extended query protocol: Parse (statement, `$n` → bound parameters, optional type
 * OIDs), Bind (parameter values in text or binary, result formats), Describe (statement:
 * ParameterDescription + RowDescription/NoData; portal: RowDescription/NoData), Execute (with
 * a row limit → PortalSuspended and the portal stays open), Close, Flush and Sync.
 *
 * After an error every message up to the next Sync is skipped, then ReadyForQuery. Portals
 * end at Sync outside a BEGIN block (and at COMMIT/ROLLBACK inside one), as PostgreSQL's
 * portals end with their transaction. Describing a portal that returns rows starts its
 * statement (the columns are known only then); Execute continues from there. Describing a
 * statement runs a side-effect-free query with NULL parameters to learn its columns.
 */
import { isLochError } from '../../core/errors.js';
import { bindComplete, BodyReader, closeComplete, commandComplete, emptyQueryResponse, noData, parameterDescription, parseComplete, portalSuspended } from './codec.js';
import type { Frame } from './codec.js';
import type { PgConnection, Portal } from './connection.js';
import { describedParamOids, prepareStatement, returnsRows, startStatement } from './execute.js';
import type { PreparedStatement } from './execute.js';
import { decodeParam } from './params.js';
import type { ParamValue } from './params.js';
import { pgError } from './types.js';

export async function handleExtendedMessage(conn: PgConnection, frame: Frame): Promise<void> {
  if (frame.type === 'S') {
    conn.skipUntilSync = false;
    await conn.endTransaction();
    conn.ready();
    await conn.output.flush();
    return;
  }
  if (conn.skipUntilSync) return;
  try {
    await handle(conn, frame);
  } catch (error) {
    if (conn.closed) return;
    if (isLochError(error) && error.context['fatal'] === true) throw error;
    conn.sendError(error);
    conn.skipUntilSync = true;
  }
}

async function handle(conn: PgConnection, frame: Frame): Promise<void> {
  const reader = new BodyReader(frame.body, frame.type);
  switch (frame.type) {
    case 'P':
      return parse(conn, reader);
    case 'B':
      return bind(conn, reader);
    case 'D':
      return describe(conn, reader.byte(), reader.cstring());
    case 'E':
      return execute(conn, reader.cstring(), reader.int32());
    case 'C':
      return close(conn, reader.byte(), reader.cstring());
    case 'H':
      return conn.output.flush();
  }
}

function parse(conn: PgConnection, reader: BodyReader): void {
  const name = reader.cstring();
  const text = reader.cstring();
  const oids = Array.from({ length: reader.int16() }, () => reader.int32());
  if (name !== '' && conn.statements.has(name)) throw pgError('42P05', `prepared statement "${name}" already exists`);
  conn.statements.set(name, prepareStatement(text, oids, true));
  conn.output.push(parseComplete());
}

function statementNamed(conn: PgConnection, name: string): PreparedStatement {
  const statement = conn.statements.get(name);
  if (statement === undefined) throw pgError('26000', name === '' ? 'unnamed prepared statement does not exist' : `prepared statement "${name}" does not exist`);
  return statement;
}

async function bind(conn: PgConnection, reader: BodyReader): Promise<void> {
  const portalName = reader.cstring();
  const statement = statementNamed(conn, reader.cstring());
  const formats = Array.from({ length: reader.int16() }, () => reader.int16());
  const count = reader.int16();
  const raw = Array.from({ length: count }, () => {
    const length = reader.int32();
    return length < 0 ? null : reader.bytes(length);
  });
  const resultFormats = Array.from({ length: reader.int16() }, () => reader.int16());
  if (count !== statement.paramOids.length) {
    throw pgError('08P01', `bind message supplies ${count} parameters, but prepared statement requires ${statement.paramOids.length}`);
  }
  if (formats.length > 1 && formats.length !== count) throw pgError('08P01', `bind message has ${formats.length} parameter formats but ${count} parameters`);
  const params: ParamValue[] = raw.map((bytes, i) => decodeParam(statement.paramOids[i] as number, formats.length === 1 ? (formats[0] as number) : (formats[i] ?? 0), bytes));
  if (portalName !== '' && conn.portals.has(portalName)) throw pgError('42P03', `portal "${portalName}" already exists`);
  if (conn.portals.size >= conn.ctx.maxPortals && !conn.portals.has(portalName)) throw pgError('54000', `pgwire: too many open portals (at most ${conn.ctx.maxPortals})`);
  await conn.closePortal(portalName);
  conn.portals.set(portalName, { statement, params, resultFormats });
  conn.output.push(bindComplete());
}

function portalNamed(conn: PgConnection, name: string): Portal {
  const portal = conn.portals.get(name);
  if (portal === undefined) throw pgError('34000', name === '' ? 'unnamed portal does not exist' : `portal "${name}" does not exist`);
  return portal;
}

async function describe(conn: PgConnection, kind: string, name: string): Promise<void> {
  if (kind === 'S') return describeStatement(conn, statementNamed(conn, name));
  if (kind !== 'P') throw pgError('08P01', `pgwire: invalid DESCRIBE message subtype '${kind}'`);
  const portal = portalNamed(conn, name);
  if (!returnsRows(portal.statement.command)) {
    conn.output.push(noData());
    return;
  }
  await openPortal(conn, portal);
  conn.output.push(portal.cursor?.describe() ?? noData());
}

/** Starts a row-returning portal's statement so that its columns are known. */
async function openPortal(conn: PgConnection, portal: Portal): Promise<void> {
  if (portal.cursor !== undefined || portal.completedTag !== undefined) return;
  const outcome = await conn.running((track) => startStatement(conn, portal.statement, portal.params, track));
  if (outcome.kind !== 'rows') {
    portal.completedTag = outcome.kind === 'done' ? outcome.tag : '';
    return;
  }
  portal.cursor = outcome.cursor;
  try {
    outcome.cursor.useFormats(portal.resultFormats);
  } catch (error) {
    await outcome.cursor.close();
    portal.cursor = undefined;
    throw error;
  }
}

/** Queries without side effects are run once with NULL parameters to learn their columns. */
async function describeStatement(conn: PgConnection, statement: PreparedStatement): Promise<void> {
  conn.output.push(parameterDescription(describedParamOids(statement)));
  const command = statement.command;
  const sideEffectFree = command.kind === 'show' || command.kind === 'pg_catalog' || (command.kind === 'loch' && command.result === 'rows' && command.verb === 'SELECT');
  if (!sideEffectFree) {
    conn.output.push(noData());
    return;
  }
  const nulls = statement.paramOids.map(() => null);
  const outcome = await conn.running((track) => startStatement(conn, statement, nulls, track));
  if (outcome.kind !== 'rows') {
    conn.output.push(noData());
    return;
  }
  conn.output.push(outcome.cursor.describe());
  await outcome.cursor.close();
}

async function execute(conn: PgConnection, name: string, maxRows: number): Promise<void> {
  const portal = portalNamed(conn, name);
  if (portal.statement.command.kind === 'empty') {
    conn.output.push(emptyQueryResponse());
    return;
  }
  try {
    await openPortal(conn, portal);
  } catch (error) {
    await conn.closePortal(name);
    throw error;
  }
  if (portal.completedTag !== undefined) {
    if (portal.completedTag === '') conn.output.push(emptyQueryResponse());
    else conn.output.push(commandComplete(portal.completedTag));
    return;
  }
  const cursor = portal.cursor;
  if (cursor === undefined) throw pgError('XX000', 'pgwire: portal has no cursor');
  let rows: number;
  try {
    rows = await conn.running(() => cursor.send(conn.sink, maxRows));
  } catch (error) {
    await conn.closePortal(name);
    throw error;
  }
  if (!cursor.done) {
    conn.output.push(portalSuspended());
    return;
  }
  const tag = portal.statement.command.kind === 'show' ? 'SHOW' : `SELECT ${rows}`;
  conn.output.push(commandComplete(tag));
}

async function close(conn: PgConnection, kind: string, name: string): Promise<void> {
  if (kind === 'S') conn.statements.delete(name);
  else if (kind === 'P') await conn.closePortal(name);
  else throw pgError('08P01', `pgwire: invalid CLOSE message subtype '${kind}'`);
  conn.output.push(closeComplete());
}
