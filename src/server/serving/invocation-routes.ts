/**
 * Calling model endpoints over HTTP, mounted at `/serving-endpoints` (Databricks' paths):
 *
 *   POST /{name}/invocations   chat {messages, …} → chat.completion; with `stream: true` server-sent
 *                              events; embeddings {input} → embeddings list. Errors `{error_code, message}`.
 *
 * and the OpenAI-compatible base URL (`new OpenAI({baseURL: '<loch>/serving-endpoints', apiKey:
 * <loch token>})`), where `model` names the endpoint (1–3 parts, resolved against main.default):
 *
 *   POST /chat/completions     OpenAI's Chat Completions, streaming included
 *   POST /embeddings           OpenAI's Embeddings (float or base64)
 *   GET  /models               {object: 'list', data: [{id, object: 'model', created, owned_by}]}:
 *                              the endpoints the caller may EXECUTE
 *   GET  /models/{model}       one of them (404 otherwise)
 *
 * Errors on the OpenAI routes are OpenAI's `{error: {message, type, code, param}}`: 401 for a
 * missing or bad token, 403 without EXECUTE, 404 for an unknown endpoint, 429 when the provider
 * kept limiting after the gateway's retries, 502/503 when the upstream failed or could not be
 * reached. Authentication is the server's Bearer-token middleware; calls run as the caller.
 */
import { Hono } from 'hono';
import type { ObjectName } from '../../catalog/catalog-types.js';
import { LochError } from '../../core/errors.js';
import { authenticate } from '../http/auth.js';
import type { ApiDeps, ErrorBody, ServerEnv } from '../http/context.js';
import { databricksErrorBody } from '../http/error-shape.js';
import { readJsonObject } from '../http/json-body.js';
import { executableEndpoints } from './endpoint-listing.js';
import { callModel } from './model-call.js';
import { chatRequestOf, embeddingRequestOf, modelCallOf, streamOf } from './model-request.js';
import { answer } from './serving-answer.js';
import type { ServingHandler } from './serving-answer.js';
import { openAiErrorBody } from './serving-failure.js';
import { endpointName, fullNameOf } from './serving-names.js';

/** The invocation and OpenAI-compatible routes as a hono app; mount it at `/serving-endpoints`. */
export function servingApi(deps: ApiDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  const databricks = door(deps, databricksErrorBody);
  const openai = door(deps, openAiErrorBody);

  app.post('/chat/completions', ...openai('chatCompletions', async (c, note) => {
    const body = await readJsonObject(c);
    const endpoint = modelOf(body, note);
    return callModel(c, deps, endpoint, { kind: 'chat', request: chatRequestOf(body), stream: streamOf(body) }, 'openai');
  }));

  app.post('/embeddings', ...openai('embeddings', async (c, note) => {
    const body = await readJsonObject(c);
    const endpoint = modelOf(body, note);
    return callModel(c, deps, endpoint, { kind: 'embeddings', ...embeddingRequestOf(body) }, 'openai');
  }));

  app.get('/models', ...openai('listModels', async (c) => {
    const endpoints = await executableEndpoints(c.get('caller').catalog);
    return c.json({ object: 'list', data: endpoints.map(modelJson) });
  }));

  app.get('/models/:model', ...openai('retrieveModel', async (c, note) => {
    const name = endpointName(c.req.param('model') ?? '', 'model');
    const full = fullNameOf(name);
    note.endpoint(full);
    const found = (await executableEndpoints(c.get('caller').catalog)).find((e) => fullNameOf(e) === full);
    if (found === undefined) throw new LochError('NOT_FOUND', `serving: model endpoint ${full} does not exist or may not be called by you (RESOURCE_DOES_NOT_EXIST)`);
    return c.json(modelJson(found));
  }));

  app.post('/:name/invocations', ...databricks('queryServingEndpoint', async (c, note) => {
    const endpoint = endpointName(c.req.param('name') ?? '', 'endpoint name');
    note.endpoint(fullNameOf(endpoint));
    return callModel(c, deps, endpoint, modelCallOf(await readJsonObject(c)), 'http');
  }));
  return app;
}

/** Authentication and the answering wrapper in one error shape. */
function door(deps: ApiDeps, errorBody: ErrorBody) {
  const auth = authenticate(deps, 'serving-endpoints', errorBody);
  return (action: string, handler: ServingHandler) => [auth, answer(deps, { action, errorBody, auditAll: false }, handler)] as const;
}

/** The endpoint named by an OpenAI body's `model`. */
function modelOf(body: Readonly<Record<string, unknown>>, note: { endpoint(name: string): void }): ObjectName {
  const model = body['model'];
  if (typeof model !== 'string' || model === '') throw new LochError('INVALID_ARGUMENT', 'serving: model is required: the model endpoint to call (catalog.schema.name)', { context: { field: 'model' } });
  const name = endpointName(model, 'model');
  note.endpoint(fullNameOf(name));
  return name;
}

function modelJson(endpoint: { catalog: string; schema: string; name: string; createdAt: number; owner: string }): Record<string, unknown> {
  return { id: fullNameOf(endpoint), object: 'model', created: Math.floor(endpoint.createdAt / 1000), owned_by: endpoint.owner };
}

