/**
 * The simple query protocol: one Query message may hold several statements; each is answered
 * in turn (RowDescription + DataRows + CommandComplete, or just CommandComplete), the first
 * error ends the message (later statements do not run), and one ReadyForQuery closes it.
 * An empty query string gets EmptyQueryResponse.
 */
import { BodyReader, commandComplete, emptyQueryResponse } from './codec.js';
import type { PgConnection } from './connection.js';
import type { Cursor } from './cursor.js';
import { prepareStatement, startStatement } from './execute.js';
import { splitStatements } from '../../sql/parse/index.js';

export async function handleSimpleQuery(conn: PgConnection, body: Buffer): Promise<void> {
  const text = new BodyReader(body, 'Query').cstring();
  // A simple query ends whatever the unnamed portal held.
  await conn.closePortal('');
  conn.skipUntilSync = false;
  try {
    const spans = splitStatements(text);
    if (spans.length === 0) conn.output.push(emptyQueryResponse());
    for (const span of spans) {
      await runOne(conn, span.text);
      if (conn.closed) return;
    }
  } catch (error) {
    if (conn.closed) return;
    conn.sendError(error);
  }
  await conn.endTransaction();
  conn.ready();
}

async function runOne(conn: PgConnection, text: string): Promise<void> {
  const statement = prepareStatement(text, [], false);
  await conn.running(async (track) => {
    const outcome = await startStatement(conn, statement, [], track);
    if (outcome.kind === 'empty') {
      conn.output.push(emptyQueryResponse());
      return;
    }
    if (outcome.kind === 'done') {
      conn.output.push(commandComplete(outcome.tag));
      return;
    }
    await streamAll(conn, outcome.cursor, outcome.tag);
  });
}

async function streamAll(conn: PgConnection, cursor: Cursor, tag: string): Promise<void> {
  try {
    conn.output.push(cursor.describe());
    const rows = await cursor.send(conn.sink, 0);
    conn.output.push(commandComplete(tag === 'SHOW' ? 'SHOW' : `${tag} ${rows}`));
  } finally {
    await cursor.close();
  }
}
