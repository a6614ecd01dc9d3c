import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Catalog, ObjectName } from '../../../catalog/catalog-types.js';
import type { Principal, Privilege } from '../../../catalog/governance/governance-types.js';
import { FixedClock } from '../../../core/clock.js';
import { LochError } from '../../../core/errors.js';
import { SequentialIds } from '../../../core/ids.js';
import { Loch } from '../../../sql/loch.js';
import { definitionDocument, parseEndpointDefinition } from '../../endpoint-definition.js';
import type { ModelProvider } from '../../providers/provider.js';
import { createGateway } from '../gateway.js';
import type { InferenceEvent, ModelGateway } from '../gateway-types.js';
import { ScriptedProvider } from './scripted-provider.js';

/** The API key every test endpoint uses: it must never show up in an event or an error. */
export const API_KEY = 'sk-test-DO-NOT-LEAK-7f3a9c21e4b8';
export const SCOPE = 'providers';

/**
 * A real Loch (in-memory metastore, no extensions) with users alice, bob and carol, schema
 * main.ai visible to everyone, and the secret `providers/openai` = API_KEY owned by root.
 */
export class GatewayHarness {
  private constructor(readonly loch: Loch, private readonly root: string) {}

  static async open(): Promise<GatewayHarness> {
    const root = await mkdtemp(join(tmpdir(), 'loch-gateway-'));
    const loch = await Loch.open({ warehouse: join(root, 'wh'), metastore: 'memory:', principal: 'root', threads: 1, extensions: [], secretKey: 'ab'.repeat(32) });
    for (const user of ['alice', 'bob', 'carol']) await loch.identity.createUser(user);
    await loch.catalog.createSchema('main', 'ai');
    await loch.catalog.updateGrants({ type: 'CATALOG', catalog: 'main' }, [{ principal: 'account users', add: ['USE CATALOG'] }]);
    await loch.catalog.updateGrants({ type: 'SCHEMA', catalog: 'main', schema: 'ai' }, [{ principal: 'account users', add: ['USE SCHEMA'] }]);
    await loch.secrets.putSecret(loch.catalog.actor, SCOPE, 'openai', API_KEY);
    return new GatewayHarness(loch, root);
  }

  async close(): Promise<void> {
    await this.loch.close();
    await rm(this.root, { recursive: true, force: true });
  }

  /** The governed catalog of a user (a caller's InvokeOptions.catalog). */
  async catalogOf(user: string): Promise<Catalog> {
    return this.loch.catalogFor((await this.loch.identity.resolve(user)) as Principal);
  }

  /** Creates main.ai.<name> (as root) from a definition document merged over an OpenAI default, with EXECUTE for `executors`. */
  async endpoint(name: string, fields: Record<string, unknown> = {}, executors: readonly string[] = ['bob']): Promise<ObjectName> {
    const doc = { provider: 'openai', url: 'http://model.test/v1', model: `model-${name}`, apiKey: { scope: SCOPE, key: 'openai' }, ...fields };
    const ref: ObjectName = { catalog: 'main', schema: 'ai', name };
    await this.loch.catalog.createModelEndpoint(ref, definitionDocument(parseEndpointDefinition(doc, name)), { orReplace: true });
    for (const principal of executors) await this.grant(ref, principal, ['EXECUTE']);
    return ref;
  }

  async grant(name: ObjectName, principal: string, privileges: readonly Privilege[]): Promise<void> {
    await this.loch.catalog.updateGrants({ type: 'MODEL_ENDPOINT', name }, [{ principal, add: privileges }]);
  }
}

export interface TestGateway {
  readonly gateway: ModelGateway;
  readonly events: InferenceEvent[];
  /** Every wait the gateway asked for (backoff, rate limit), in order. */
  readonly sleeps: number[];
  readonly clock: FixedClock;
}

export interface TestGatewayOptions {
  readonly random?: () => number;
  /** Default: records the wait, advances the clock by it and resolves (CANCELLED when aborted). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly anthropic?: ModelProvider;
}

/** A gateway over `openai` (and an Anthropic-kind scripted provider), recording events and sleeps. */
export function testGateway(harness: GatewayHarness, openai: ModelProvider, options: TestGatewayOptions = {}): TestGateway {
  const events: InferenceEvent[] = [];
  const sleeps: number[] = [];
  const clock = new FixedClock(1_700_000_000_000);
  const sleep = options.sleep ?? (async (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted === true) throw new LochError('CANCELLED', 'test sleep: aborted');
    sleeps.push(ms);
    clock.advance(ms);
  });
  const gateway = createGateway({
    secrets: harness.loch.secrets,
    identity: harness.loch.identity,
    providers: { openai, anthropic: options.anthropic ?? new ScriptedProvider(undefined, 'anthropic') },
    clock,
    ids: new SequentialIds(),
    sleep,
    random: options.random ?? (() => 0.5),
    log: { record: (event) => events.push(event), flush: async () => {} },
    // Every call resolves afresh, so grants, ALTERs and key changes apply at once in these tests.
    resolveTtlMs: 0,
  });
  return { gateway, events, sleeps, clock };
}

/** A sleep that only ends when its signal aborts (a backoff the test interrupts). */
export function endlessSleep(started: (ms: number) => void): (ms: number, signal?: AbortSignal) => Promise<void> {
  return (ms, signal) => new Promise((_, reject) => {
    started(ms);
    const onAbort = (): void => reject(new LochError('CANCELLED', 'test sleep: aborted'));
    if (signal?.aborted === true) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves once `condition` holds, checking after each turn of the event loop (fails after `turns`). */
export async function eventually(condition: () => boolean, turns = 10_000): Promise<void> {
  for (let i = 0; i < turns; i += 1) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition not reached');
}
