import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../src/catalog/governance/governance-types.js';
import { Loch, aiRuntime } from '../../../src/index.js';
import type { LochSession } from '../../../src/sql/loch.js';

/**
 * CREATE / ALTER / DROP / DESCRIBE / SHOW MODEL ENDPOINT and SET loch.ai.*, end to end through
 * Loch's SQL: options, validation, the API-key guard (READ on the secret scope), and that the
 * secret's value never shows up in a result, an error or the audit log.
 */

const SECRET = 'sk-live-7d1e0c4b9a-never-show-me';
const KEY_HEX = '0f'.repeat(32);

let dir: string;
let loch: Loch;
let ann: LochSession;
/** Every result row and error message seen, to look for the secret at the end. */
const seen: string[] = [];

async function rows(session: LochSession, sql: string): Promise<Record<string, unknown>[]> {
  const result = await session.sql(sql);
  const all = await result.all();
  const out = all.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, (row as unknown[])[i]])));
  seen.push(JSON.stringify(out, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
  return out;
}

async function failure(session: LochSession, sql: string): Promise<{ code: string; message: string }> {
  try {
    await rows(session, sql);
  } catch (error) {
    const e = error as { code: string; message: string };
    seen.push(e.message);
    return { code: e.code, message: e.message };
  }
  throw new Error(`expected a failure: ${sql}`);
}

async function describeMap(session: LochSession, name: string): Promise<Record<string, unknown>> {
  return Object.fromEntries((await rows(session, `DESCRIBE MODEL ENDPOINT ${name}`)).map((r) => [r['info_name'], r['info_value']]));
}

async function principal(name: string): Promise<Principal> {
  const p = await loch.identity.resolve(name);
  if (p === undefined) throw new Error(`no principal ${name}`);
  return p;
}

const OPTIONS = `url 'http://127.0.0.1:9/v1', model 'gpt-4o-mini'`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-endpoints-'));
  loch = await Loch.open({ warehouse: join(dir, 'wh'), metastore: 'memory:', principal: 'admin', governanceLog: true, secretKey: KEY_HEX });
  await loch.secrets.putSecret(loch.catalog.actor, 'team', 'openai', SECRET);
  await loch.identity.createUser('ann');
  await loch.catalog.updateGrants({ type: 'CATALOG', catalog: 'main' }, [{ principal: 'ann', add: ['USE CATALOG'] }]);
  await loch.catalog.updateGrants({ type: 'SCHEMA', catalog: 'main', schema: 'default' }, [{ principal: 'ann', add: ['USE SCHEMA', 'CREATE MODEL ENDPOINT'] }]);
  const annP = await principal('ann');
  await loch.secrets.putSecret(annP, 'ann_keys', 'mine', 'ann-own-key');
  ann = loch.session({ principal: annP });
}, 60_000);

afterAll(async () => {
  await loch?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('model endpoint statements', () => {
  it('creates an endpoint with every option, describes it without the key, and lists it', async () => {
    expect(
      await rows(
        loch,
        `CREATE MODEL ENDPOINT chat PROVIDER 'openai' TASK 'chat' OPTIONS (
           URL 'http://127.0.0.1:9/v1', model = 'gpt-4o-mini', api_key secret('team', 'openai'),
           TIMEOUT_MS 30000, max_retries 2, backoff_ms 100, max_concurrency 4, requests_per_minute 600,
           fallbacks ('chat_b', 'other.chat_c'), cache true, cache_ttl_ms 60000,
           input_price_per_million 0.15, output_price_per_million 0.6, log_sample_rate 0.5,
           headers map('x-team', 'ai'), temperature 0.2, max_tokens 256
         ) COMMENT 'the main chat model'`,
      ),
    ).toEqual([]);
    const d = await describeMap(loch, 'main.default.chat');
    expect(d).toMatchObject({
      name: 'main.default.chat',
      owner: 'admin',
      provider: 'openai',
      task: 'chat',
      url: 'http://127.0.0.1:9/v1',
      model: 'gpt-4o-mini',
      api_key: "secret('team', 'openai')",
      headers: "map('x-team', 'ai')",
      timeout_ms: '30000',
      max_retries: '2',
      backoff_ms: '100',
      max_concurrency: '4',
      requests_per_minute: '600',
      fallbacks: "('main.default.chat_b', 'main.other.chat_c')",
      cache: 'true',
      cache_ttl_ms: '60000',
      input_price_per_million: '0.15',
      output_price_per_million: '0.6',
      log_sample_rate: '0.5',
      temperature: '0.2',
      max_tokens: '256',
      comment: 'the main chat model',
      created_by: 'admin',
    });
    expect(String(d['created_at'])).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await rows(loch, 'SHOW MODEL ENDPOINTS')).toEqual([
      { name: 'main.default.chat', provider: 'openai', task: 'chat', model: 'gpt-4o-mini', owner: 'admin', comment: 'the main chat model' },
    ]);
    expect(await rows(loch, "SHOW MODEL ENDPOINTS IN main.default LIKE 'ch*'")).toHaveLength(1);
    expect(await rows(loch, "SHOW MODEL ENDPOINTS FROM default LIKE 'x*'")).toEqual([]);
  });

  it('honours IF NOT EXISTS and OR REPLACE, and refuses a second CREATE', async () => {
    await rows(loch, `CREATE MODEL ENDPOINT emb PROVIDER openai TASK embeddings OPTIONS (${OPTIONS})`);
    expect(await failure(loch, `CREATE MODEL ENDPOINT emb PROVIDER 'openai' OPTIONS (${OPTIONS})`)).toMatchObject({ code: 'ALREADY_EXISTS' });
    await rows(loch, `CREATE MODEL ENDPOINT IF NOT EXISTS emb PROVIDER 'openai' OPTIONS (url 'http://127.0.0.1:9/v1', model 'changed')`);
    expect((await describeMap(loch, 'emb'))['model']).toBe('gpt-4o-mini');
    await rows(loch, `CREATE OR REPLACE MODEL ENDPOINT emb PROVIDER 'openai' TASK 'embeddings' OPTIONS (url 'http://127.0.0.1:9/v1', model 'text-embedding-3-small', dimensions 8)`);
    const d = await describeMap(loch, 'default.emb');
    expect(d).toMatchObject({ task: 'embeddings', model: 'text-embedding-3-small', dimensions: '8', api_key: null });
    expect(await failure(loch, `CREATE OR REPLACE MODEL ENDPOINT IF NOT EXISTS emb PROVIDER 'openai' OPTIONS (${OPTIONS})`)).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('alters options by merging, unsets them, and changes comment and owner', async () => {
    await rows(loch, `CREATE MODEL ENDPOINT alt PROVIDER 'anthropic' OPTIONS (url 'http://127.0.0.1:9', model 'claude-x', max_retries 1, fallbacks ('chat')) COMMENT 'c1'`);
    await rows(loch, 'ALTER MODEL ENDPOINT alt SET OPTIONS (max_concurrency 2, TEMPERATURE 0)');
    let d = await describeMap(loch, 'alt');
    expect(d).toMatchObject({ provider: 'anthropic', max_retries: '1', max_concurrency: '2', temperature: '0', fallbacks: "('main.default.chat')" });
    await rows(loch, 'ALTER MODEL ENDPOINT alt UNSET OPTIONS (fallbacks, max_retries)');
    d = await describeMap(loch, 'alt');
    expect(d).toMatchObject({ fallbacks: '()', max_retries: '3' });
    expect(await failure(loch, 'ALTER MODEL ENDPOINT alt UNSET OPTIONS (cache_ttl_ms)')).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('main.default.alt') });
    await rows(loch, 'ALTER MODEL ENDPOINT alt UNSET OPTIONS IF EXISTS (cache_ttl_ms)');
    expect(await failure(loch, 'ALTER MODEL ENDPOINT alt UNSET OPTIONS (url)')).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('option url') });
    await rows(loch, "ALTER MODEL ENDPOINT alt SET COMMENT 'c2'");
    expect((await describeMap(loch, 'alt'))['comment']).toBe('c2');
    await rows(loch, 'COMMENT ON MODEL ENDPOINT alt IS NULL');
    expect((await describeMap(loch, 'alt'))['comment']).toBeNull();
    await rows(loch, 'ALTER MODEL ENDPOINT alt OWNER TO ann');
    expect((await describeMap(loch, 'alt'))['owner']).toBe('ann');
    await rows(loch, 'DROP MODEL ENDPOINT alt');
    expect(await failure(loch, 'DESCRIBE MODEL ENDPOINT alt')).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('alt') });
    expect(await failure(loch, 'DROP MODEL ENDPOINT alt')).toMatchObject({ code: 'NOT_FOUND' });
    await rows(loch, 'DROP MODEL ENDPOINT IF EXISTS alt');
  });

  it('refuses bad options, naming the endpoint and the option', async () => {
    const bad = async (options: string, pattern: RegExp, provider = 'openai', extra = ''): Promise<void> => {
      const f = await failure(loch, `CREATE MODEL ENDPOINT bad PROVIDER '${provider}' ${extra} OPTIONS (${options})`);
      expect(f.code).toBe('INVALID_ARGUMENT');
      expect(f.message).toMatch(pattern);
    };
    await bad(`${OPTIONS}, tiemout_ms 5`, /endpoint main\.default\.bad: unknown option tiemout_ms \(known options: url, model, api_key/);
    await bad(`${OPTIONS}, timeout_ms -5`, /main\.default\.bad: option timeout_ms must be an integer/);
    await bad(`${OPTIONS}, max_retries 1.5`, /option max_retries expects an integer/);
    await bad(`${OPTIONS}, cache 'maybe'`, /option cache expects true or false/);
    await bad(`url 'ftp://x', model 'm'`, /option url must be http/);
    await bad(`url 'http://x'`, /option model must be a non-empty string/);
    await bad(OPTIONS, /provider must be 'openai', 'anthropic' or 'local'/, 'azure');
    await bad(OPTIONS, /embeddings' needs provider 'openai'/, 'anthropic', "TASK 'embeddings'");
    await bad(`${OPTIONS}, headers map('Authorization', 'Bearer abc')`, /option headers\.Authorization carries credentials/);
    await bad(`${OPTIONS}, fallbacks ('bad')`, /fallbacks names the endpoint itself/);
    await bad(`${OPTIONS}, url 'http://y'`, /sets url twice/);
    // A key pasted where a secret reference belongs is refused without being repeated.
    const pasted = await failure(loch, `CREATE MODEL ENDPOINT bad PROVIDER 'openai' OPTIONS (${OPTIONS}, api_key 'sk-pasted-by-mistake')`);
    expect(pasted.message).toMatch(/option api_key expects secret\('scope', 'key'\)/);
    expect(pasted.message).not.toContain('sk-pasted-by-mistake');
    expect((await failure(loch, `CREATE MODEL ENDPOINT bad OPTIONS (${OPTIONS})`)).message).toMatch(/expects PROVIDER/);
    expect((await failure(loch, `CREATE MODEL ENDPOINT bad PROVIDER 'openai'`)).message).toMatch(/expects OPTIONS/);
    expect((await failure(loch, `CREATE MODEL ENDPOINT bad PROVIDER 'openai' OPTIONS (url 1 + 2)`)).message).toMatch(/line 1 column/);
    expect(await rows(loch, "SHOW MODEL ENDPOINTS LIKE 'bad'")).toEqual([]);
  });

  it('refuses an api_key from a scope the creator cannot READ, or a key that does not exist', async () => {
    const stolen = await failure(ann, `CREATE MODEL ENDPOINT ann_ep PROVIDER 'openai' OPTIONS (${OPTIONS}, api_key secret('team', 'openai'))`);
    expect(stolen.code).toBe('PERMISSION_DENIED');
    expect(stolen.message).toContain('main.default.ann_ep');
    expect(await rows(loch, "SHOW MODEL ENDPOINTS LIKE 'ann_ep'")).toEqual([]);
    await rows(ann, `CREATE MODEL ENDPOINT ann_ep PROVIDER 'openai' OPTIONS (${OPTIONS}, api_key secret('ann_keys', 'mine'))`);
    expect((await describeMap(ann, 'ann_ep'))['api_key']).toBe("secret('ann_keys', 'mine')");
    expect(await failure(ann, "ALTER MODEL ENDPOINT ann_ep SET OPTIONS (api_key secret('team', 'openai'))")).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(await failure(ann, "ALTER MODEL ENDPOINT ann_ep SET OPTIONS (api_key secret('ann_keys', 'nope'))")).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('main.default.ann_ep') });

    // The admin's endpoint with the team key, which ann may manage: she may tune it, not redirect the key.
    await rows(loch, `CREATE MODEL ENDPOINT team_ep PROVIDER 'openai' OPTIONS (${OPTIONS}, api_key secret('team', 'openai'))`);
    await loch.catalog.updateGrants({ type: 'MODEL_ENDPOINT', name: { catalog: 'main', schema: 'default', name: 'team_ep' } }, [{ principal: 'ann', add: ['MANAGE'] }]);
    await rows(ann, 'ALTER MODEL ENDPOINT team_ep SET OPTIONS (timeout_ms 1000)');
    expect(await failure(ann, "ALTER MODEL ENDPOINT team_ep SET OPTIONS (url 'http://attacker.example/v1')")).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect((await describeMap(loch, 'team_ep'))['url']).toBe('http://127.0.0.1:9/v1');
  });

  it('sets, shows and resets the session default endpoints', async () => {
    expect(await rows(loch, "SET loch.ai.endpoint = 'chat'")).toEqual([{ key: 'loch.ai.endpoint', value: 'main.default.chat' }]);
    expect(await rows(loch, 'SET LOCH.AI.ENDPOINT')).toEqual([{ key: 'loch.ai.endpoint', value: 'main.default.chat' }]);
    await rows(loch, 'SET loch.ai.embedding_endpoint = main.default.emb');
    expect(await rows(loch, 'SET loch.ai.embedding_endpoint')).toEqual([{ key: 'loch.ai.embedding_endpoint', value: 'main.default.emb' }]);
    expect(await failure(loch, "SET loch.ai.endpoint = 'emb'")).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/main\.default\.emb is a embeddings endpoint/) });
    expect(await failure(loch, "SET loch.ai.endpoint = 'nope'")).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(loch, "SET loch.ai.endpoints = 'chat'")).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('loch.ai.endpoint, loch.ai.embedding_endpoint') });
    // Another session has its own settings.
    expect(await rows(ann, 'SET loch.ai.endpoint')).toEqual([{ key: 'loch.ai.endpoint', value: null }]);
    await rows(loch, 'RESET loch.ai.endpoint');
    expect(await rows(loch, 'SET loch.ai.endpoint')).toEqual([{ key: 'loch.ai.endpoint', value: null }]);
    // DuckDB's own settings are untouched.
    await rows(loch, 'SET threads = 2');
  });

  it('never shows the secret value in results, errors, the audit log or the inference log', async () => {
    // A call that reads the key and fails (nothing listens on port 9) leaves an inference log row.
    await rows(loch, 'ALTER MODEL ENDPOINT team_ep SET OPTIONS (max_retries 0)');
    const call = aiRuntime(loch).gateway.chat({ catalog: 'main', schema: 'default', name: 'team_ep' }, { messages: [{ role: 'user', content: 'hi' }] }, { catalog: loch.catalog, source: 'sql' });
    seen.push((await call.then(() => '', (e: Error) => e.message)) || 'the call unexpectedly succeeded');
    await aiRuntime(loch).log.flush();
    expect(await rows(loch, 'SELECT status FROM system.ai.inference_log')).toEqual([{ status: 'error' }]);
    await loch.audit.flush();
    const audit = await rows(loch, 'SELECT * FROM system.access.audit');
    expect(audit.length).toBeGreaterThan(0);
    await rows(loch, 'SELECT * FROM system.ai.inference_log');
    expect(seen.length).toBeGreaterThan(20);
    for (const text of seen) expect(text).not.toContain(SECRET);
  });
});
