/**
 * The startup phase: SSLRequest and GSSENCRequest are declined with 'N' (the client goes on in
 * clear text on the same socket; TLS termination is for a later version or a proxy),
 * CancelRequest is handed to the cancel registry, and a StartupMessage (protocol 3.0; newer
 * minor versions are negotiated down) leads to cleartext password authentication.
 *
 * Authentication: the password is a personal access token (Loch stores only its hash, so the
 * server has to see it: MD5 and SCRAM would need a verifier derived from it). The user name is
 * `token` or the token's own principal; anything else is refused like a bad token (28P01), so
 * the answer does not tell which part was wrong. The database names the catalog that becomes
 * the session's current catalog (unknown → 3D000). A catalog the principal may not see is
 * refused by the catalog whether or not it exists, so such a connection is accepted and its
 * statements on that catalog are refused (42501), as on the other doors. When the database is
 * absent or equals the user name (what pg and libpq send when none is given) and no such
 * catalog is visible, `main` is used. Every attempt is one audit event, action 'login'.
 */
import type { Principal, RequestContext } from '../../catalog/governance/governance-types.js';
import { isLochError } from '../../core/errors.js';
import type { LochSession } from '../../sql/loch.js';
import { AUTH_CLEARTEXT_PASSWORD, AUTH_OK, authentication, backendKeyData, BodyReader, message, parameterStatus } from './codec.js';
import type { Frame } from './codec.js';
import type { PgConnection } from './connection.js';
import { SERVER_VERSION } from './pg-catalog.js';
import { pgError } from './types.js';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3_0 = 196608;

/** Handles one startup-phase packet (no type byte). */
export async function handleStartupPacket(conn: PgConnection, body: Buffer): Promise<void> {
  const reader = new BodyReader(body, 'startup');
  const code = reader.int32();
  if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
    conn.output.writeNow(Buffer.from('N', 'latin1'));
    return;
  }
  if (code === CANCEL_REQUEST) {
    conn.ctx.cancels.cancel(reader.int32(), reader.int32());
    conn.phase = 'closed';
    conn.socket.end();
    return;
  }
  const major = code >> 16;
  const minor = code & 0xffff;
  if (major !== 3) {
    await conn.fatal(pgError('0A000', `pgwire: unsupported frontend protocol ${major}.${minor}: server supports 3.0`));
    return;
  }
  const params = readParams(reader);
  const unknownOptions = [...params.keys()].filter((k) => k.startsWith('_pq_.'));
  if (minor > 0 || unknownOptions.length > 0) conn.output.push(negotiateProtocolVersion(unknownOptions));
  if (params.get('user') === undefined || params.get('user') === '') {
    await conn.fatal(pgError('28000', 'pgwire: no user name specified in startup packet (use "token" and a personal access token as password)'));
    return;
  }
  if (!conn.admit()) {
    await conn.fatal(pgError('53300', 'sorry, too many clients already'));
    return;
  }
  conn.startupParams = params;
  conn.phase = 'password';
  conn.output.push(authentication(AUTH_CLEARTEXT_PASSWORD));
}

function readParams(reader: BodyReader): Map<string, string> {
  const params = new Map<string, string>();
  while (reader.remaining > 0) {
    const key = reader.cstring();
    if (key === '') break;
    params.set(key, reader.cstring());
  }
  return params;
}

function negotiateProtocolVersion(unknownOptions: readonly string[]): Buffer {
  const head = Buffer.alloc(8);
  head.writeInt32BE(PROTOCOL_3_0, 0);
  head.writeInt32BE(unknownOptions.length, 4);
  return message('v', head, ...unknownOptions.map((o) => Buffer.from(`${o}\0`, 'utf8')));
}

/** Handles the PasswordMessage: authenticate, pick the catalog, open the session. */
export async function handlePassword(conn: PgConnection, frame: Frame): Promise<void> {
  if (frame.type !== 'p') {
    await conn.fatal(pgError('08P01', `pgwire: expected a password message, got message type '${frame.type}'`));
    return;
  }
  const password = new BodyReader(frame.body, 'password').cstring();
  const user = conn.startupParams.get('user') as string;
  const request = requestContext(conn);
  const audit = loginAudit(conn, request, user);
  let principal: Principal | undefined;
  try {
    principal = password === '' ? undefined : await conn.ctx.deps.loch.authenticate(password);
  } catch (error) {
    audit('anonymous', false, 500, 'pgwire: token lookup failed');
    await conn.fatal(error);
    return;
  }
  if (principal === undefined || (user !== 'token' && user !== principal.name)) {
    audit(principal?.name ?? 'anonymous', false, 401, principal === undefined ? 'pgwire: invalid, revoked or expired token' : `pgwire: user name ${user} does not match the token's principal`);
    await conn.fatal(pgError('28P01', `password authentication failed for user "${user}"`));
    return;
  }
  const opened = await openSession(conn, principal, request, user);
  if (opened.kind === 'refused') {
    audit(principal.name, false, opened.status, opened.error.message, opened.database);
    await conn.fatal(opened.error);
    return;
  }
  audit(principal.name, true, 200, undefined, opened.database);
  welcome(conn, principal, opened);
}

function requestContext(conn: PgConnection): RequestContext {
  const application = conn.startupParams.get('application_name');
  return {
    requestId: conn.ctx.deps.ids.uuid(),
    service: 'pgwire',
    sessionId: conn.sessionId,
    ...(conn.socket.remoteAddress === undefined ? {} : { sourceIp: conn.socket.remoteAddress }),
    ...(application === undefined || application === '' ? {} : { userAgent: application.slice(0, 256) }),
  };
}

type LoginAudit = (principal: string, allowed: boolean, statusCode: number, errorMessage?: string, database?: string) => void;

/** One audit event per connection attempt (never the token itself). */
function loginAudit(conn: PgConnection, request: RequestContext, user: string): LoginAudit {
  const { deps } = conn.ctx;
  return (principal, allowed, statusCode, errorMessage, database) =>
    deps.loch.audit.record({
      time: deps.clock.now(),
      request,
      principal,
      action: 'login',
      allowed,
      statusCode,
      ...(database === undefined ? {} : { objectType: 'CATALOG' as const, objectName: database }),
      ...(errorMessage === undefined ? {} : { errorMessage }),
      params: { user },
    });
}

/** AuthenticationOk, the ParameterStatus values, BackendKeyData and the first ReadyForQuery. */
function welcome(conn: PgConnection, principal: Principal, opened: Extract<Opened, { kind: 'opened' }>): void {
  const key = conn.ctx.cancels.register(conn);
  conn.auth = { principal, session: opened.session, database: opened.database, key };
  conn.phase = 'ready';
  conn.output.push(authentication(AUTH_OK));
  for (const [name, value] of initialParameters(principal, conn.startupParams.get('application_name'))) conn.output.push(parameterStatus(name, value));
  conn.output.push(backendKeyData(key.pid, key.secret));
  conn.ready();
}

type Opened =
  | { readonly kind: 'opened'; readonly session: LochSession; readonly database: string }
  | { readonly kind: 'refused'; readonly error: Error; readonly status: number; readonly database: string };

async function openSession(conn: PgConnection, principal: Principal, request: RequestContext, user: string): Promise<Opened> {
  const requested = conn.startupParams.get('database') ?? '';
  const session = (database: string): LochSession => conn.ctx.deps.loch.session({ principal, request, catalog: database });
  // pg and libpq send the user name when no database was given: that means the default catalog.
  if (requested === user) {
    const own = await visibleCatalog(session(requested), requested);
    if (typeof own === 'string') return { kind: 'opened', session: session(own), database: own };
  }
  const database = requested === '' || requested === user ? 'main' : requested;
  const checked = await visibleCatalog(session(database), database);
  if (typeof checked === 'string') return { kind: 'opened', session: session(checked), database: checked };
  if (isLochError(checked, 'NOT_FOUND')) return { kind: 'refused', error: pgError('3D000', `database "${database}" does not exist`), status: 404, database };
  // Not visible to the principal, whether or not it exists (the disclosure rule): the session
  // starts there and every statement on it is refused by governance, as on the other doors.
  if (isLochError(checked, 'PERMISSION_DENIED')) return { kind: 'opened', session: session(database.toLowerCase()), database: database.toLowerCase() };
  return { kind: 'refused', error: checked, status: 500, database };
}

/** The catalog's name when the principal may see it, else the failure. */
async function visibleCatalog(session: LochSession, name: string): Promise<string | Error> {
  try {
    return (await session.catalog.getCatalog(name)).name;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** ParameterStatus values every client gets after authentication (psql and pg rely on these). */
export function initialParameters(principal: Principal, application: string | undefined): [string, string][] {
  return [
    ['server_version', SERVER_VERSION],
    ['server_encoding', 'UTF8'],
    ['client_encoding', 'UTF8'],
    ['DateStyle', 'ISO, MDY'],
    ['IntervalStyle', 'postgres'],
    ['integer_datetimes', 'on'],
    ['standard_conforming_strings', 'on'],
    ['TimeZone', 'UTC'],
    ['is_superuser', principal.admin ? 'on' : 'off'],
    ['session_authorization', principal.name],
    ['application_name', application ?? ''],
    ['default_transaction_read_only', 'off'],
    ['in_hot_standby', 'off'],
  ];
}
