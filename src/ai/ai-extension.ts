import { LochError } from '../core/errors.js';
import type { Session } from '../engine/index.js';
import type { BoundKind, ExtensionHost, LochExtension, LochExtensionFactory, QueryRewrite } from '../sql/extension.js';
import type { SqlEnv } from '../sql/sql-env.js';
import { rewriteVectorSearch } from './vector/vector-search-rewrite.js';
import type { AiRuntime } from './ai-runtime.js';
import { rewriteAiQuery } from './functions/ai-query-rewrite.js';
import { createGateway } from './gateway/gateway.js';
import { NO_INFERENCE_LOG } from './gateway/gateway-types.js';
import { InferenceLog } from './log/inference-log.js';
import type { ModelProvider, ProviderKind } from './providers/provider.js';
import { defaultProviders } from './providers/providers.js';
import { parseAiStatement } from './statements/ai-statements.js';
import type { AgentChat } from './agents/agent-types.js';
import { LochVectorIndexService } from './vector/service/vector-index-service.js';
import { AgentRunner } from './agents/agent-runner.js';
import { createToolRegistry } from './agents/tool-registry.js';
import { NO_TRACER } from './tracing/trace-types.js';
import type { Tracer } from './tracing/trace-types.js';
import { TableTracer } from './tracing/table-tracer.js';

export interface AiOptions {
  /** Replace a provider (tests wrap one to count calls). */
  readonly providers?: Partial<Record<ProviderKind, ModelProvider>>;
  /** Waits for backoff and rate limits; default a real timer. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform [0, 1) for jitter and log sampling; default Math.random. */
  readonly random?: () => number;
  /**
   * Write `system.ai.inference_log` (default true: models are metered like tables, embedded use
   * included; the `system` catalog appears at the first model call).
   */
  readonly inferenceLog?: boolean;
  /**
   * Write traces to `system.ai.traces` / `system.ai.trace_spans` (default: on whenever the
   * inference log is; `false` switches tracing off alone).
   */
  readonly tracing?: boolean;
}

const NAME = 'ai';

/** The ai extension: model endpoints, secrets in use, `ai_*` SQL functions and the inference log. */
export interface AiExtension extends LochExtension {
  readonly runtime: AiRuntime;
}

/** Switches AI on for a Loch: `Loch.open({ extensions: [aiExtension()] })`. */
export function aiExtension(options: AiOptions = {}): LochExtensionFactory {
  return (host: ExtensionHost): AiExtension => {
    const log = options.inferenceLog === false ? undefined : new InferenceLog(host, { enabled: true });
    const tracer: Tracer = options.inferenceLog === false || options.tracing === false ? NO_TRACER : new TableTracer(host);
    const gateway = createGateway({
      secrets: host.secrets,
      identity: host.identity,
      providers: { ...defaultProviders(), ...options.providers },
      clock: host.ctx.clock,
      ids: host.ctx.ids,
      sleep: options.sleep ?? sleep,
      random: options.random ?? Math.random,
      log: log ?? NO_INFERENCE_LOG,
      agents: () => agents,
      tracer,
    });
    // The runner needs the runtime and the gateway needs the runner: bound once both exist (below).
    let agents: AgentChat | undefined;
    const runtime: AiRuntime = {
      host, gateway, secrets: host.secrets, log: log ?? NO_INFERENCE_LOG, tracer, vectors: new LochVectorIndexService(host, () => runtime),
      get agents(): AgentChat {
        return agents as AgentChat;
      },
      tools: createToolRegistry(),
      extension: () => extension,
    };
    const extension: AiExtension = {
      name: NAME,
      runtime,
      tableFunctions: ['vector_search'],
      parseStatement: (sql) => parseAiStatement(sql, runtime),
      rewriteQuery: (env, session, sql, kind) => rewriteBoth(runtime, env, session, sql, kind),
      close: async () => {
        await runtime.vectors.close();
        await tracer.close();
        await log?.close();
      },
    };
    agents = new AgentRunner(runtime);
    return extension;
  };
}

/** The ai runtime of a Loch opened with aiExtension(); INVALID_ARGUMENT otherwise. */
export function aiRuntime(loch: { extension(name: string): LochExtension | undefined }): AiRuntime {
  const extension = loch.extension(NAME) as AiExtension | undefined;
  if (extension === undefined) throw new LochError('INVALID_ARGUMENT', 'ai: this Loch was opened without the ai extension (Loch.open({ extensions: [aiExtension()] }))');
  return extension.runtime;
}

/** A timer that rejects with CANCELLED when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) return reject(cancelled());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function cancelled(): LochError {
  return new LochError('CANCELLED', 'ai: the call was cancelled');
}

/** vector_search calls first (their results become temporary tables), then the ai_* calls of what is left. */
async function rewriteBoth(runtime: AiRuntime, env: SqlEnv, session: Session, sql: string, kind: BoundKind): Promise<QueryRewrite | undefined> {
  const searched = await rewriteVectorSearch(runtime, env, session, sql, kind);
  let called: QueryRewrite | undefined;
  try {
    called = await rewriteAiQuery(runtime, env, session, searched?.sql ?? sql, kind);
  } catch (error) {
    searched?.release();
    throw error;
  }
  if (searched === undefined) return called;
  if (called === undefined) return searched;
  return {
    sql: called.sql,
    release: () => {
      called?.release();
      searched.release();
    },
  };
}
