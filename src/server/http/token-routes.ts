/**
 * The token API in Databricks' shape, at `/api/2.0/token`: every authenticated principal manages
 * its own personal access tokens; admins may delete anyone's.
 *
 *   POST /create {lifetime_seconds?, comment?} → {token_value, token_info}
 *   GET  /list                                 → {token_infos: [token_info…]} (own tokens)
 *   POST /delete {token_id}                    → {} (404 RESOURCE_DOES_NOT_EXIST for an unknown
 *                                                 id or another principal's, unless admin)
 *
 * token_info = {token_id, creation_time (epoch ms), expiry_time (epoch ms, -1 = never), comment}.
 * Each call is audited (objectType TOKEN); the token value never is.
 */
import { auditRequest } from './audit-request.js';
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { TokenInfo } from '../../catalog/governance/governance-types.js';
import { LochError } from '../../core/errors.js';
import { authenticate } from './auth.js';
import type { ApiDeps, ServerEnv } from './context.js';
import { databricksErrorBody } from './error-shape.js';
import { readJsonObject } from './json-body.js';

/** Longest lifetime a token may be created with through the API: ten years. */
const MAX_LIFETIME_SECONDS = 10 * 365 * 24 * 3600;
const MAX_COMMENT = 1000;

export function tokenApi(deps: ApiDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.use('*', authenticate(deps, 'token', databricksErrorBody));

  app.post('/create', async (c) => {
    const body = await readJsonObject(c);
    const lifetimeSeconds = lifetimeOf(body['lifetime_seconds']);
    const comment = commentOf(body['comment']);
    const caller = c.get('caller');
    const { token, info } = await deps.loch.identity.createToken(caller.principal.name, {
      ...(comment === undefined ? {} : { comment }),
      ...(lifetimeSeconds === undefined ? {} : { lifetimeSeconds }),
    });
    audit(deps, c, 'createToken', info.id, 200);
    return c.json({ token_value: token, token_info: tokenInfoJson(info) });
  });

  app.get('/list', async (c) => {
    const caller = c.get('caller');
    const infos = await deps.loch.identity.listTokens(caller.principal.name);
    audit(deps, c, 'listTokens', undefined, 200);
    return c.json({ token_infos: infos.map(tokenInfoJson) });
  });

  app.post('/delete', async (c) => {
    const body = await readJsonObject(c);
    const id = body['token_id'];
    if (typeof id !== 'string' || id === '' || id.length > 200) {
      throw new LochError('INVALID_ARGUMENT', 'token: token_id must be a non-empty string');
    }
    const caller = c.get('caller');
    const visible = await deps.loch.identity.listTokens(caller.principal.admin ? undefined : caller.principal.name);
    const found = visible.some((t) => t.id === id) && (await deps.loch.identity.revokeToken(id)) === 'revoked';
    audit(deps, c, 'revokeToken', id, found ? 200 : 404);
    if (!found) throw new LochError('NOT_FOUND', `token: token ${id} does not exist (RESOURCE_DOES_NOT_EXIST)`);
    return c.json({});
  });
  return app;
}

/** A TokenInfo as Databricks spells it. */
export function tokenInfoJson(info: TokenInfo): Record<string, unknown> {
  return {
    token_id: info.id,
    creation_time: info.createdAt,
    expiry_time: info.expiresAt ?? -1,
    ...(info.comment === undefined ? {} : { comment: info.comment }),
  };
}

function lifetimeOf(value: unknown): number | undefined {
  // Databricks: absent, null or ≤ 0 means the token does not expire.
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new LochError('INVALID_ARGUMENT', 'token: lifetime_seconds must be an integer number of seconds');
  if (n <= 0) return undefined;
  if (n > MAX_LIFETIME_SECONDS) throw new LochError('INVALID_ARGUMENT', `token: lifetime_seconds ${n} is more than the maximum ${MAX_LIFETIME_SECONDS}`);
  return n;
}

function commentOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new LochError('INVALID_ARGUMENT', 'token: comment must be a string');
  if (value.length > MAX_COMMENT) throw new LochError('INVALID_ARGUMENT', `token: comment is ${value.length} characters; at most ${MAX_COMMENT}`);
  return value;
}

function audit(deps: ApiDeps, c: Context<ServerEnv>, action: string, tokenId: string | undefined, statusCode: number): void {
  auditRequest(deps, c.get('caller'), { action, statusCode, objectType: 'TOKEN', ...(tokenId === undefined ? {} : { objectName: tokenId }) });
}
