import type { Catalog } from '../../../catalog/catalog-types.js';
import { LochError } from '../../../core/errors.js';
import type { AiRuntime } from '../../ai-runtime.js';
import type { CallSource } from '../../gateway/gateway-types.js';
import type { TraceContext } from '../../tracing/trace-types.js';
import { mapLimit } from '../../../table/parallel.js';
import { parseFullName } from './index-document.js';

/** Texts per embeddings request while syncing (providers accept far more; small batches fail and retry cheaply). */
export const EMBED_BATCH = 32;
/** Requests in flight at once (the endpoint's own maxConcurrency still bounds them). */
const BATCHES_IN_FLIGHT = 4;

export interface EmbedOptions {
  readonly signal?: AbortSignal;
  readonly source?: CallSource;
  readonly requestId?: string;
  readonly trace?: TraceContext;
}

/**
 * Embeds `texts` through the endpoint as `catalog`'s principal (EXECUTE checked by the gateway),
 * EMBED_BATCH per request, a few requests in flight, vectors in input order. INTERNAL when a response does not have one vector per input.
 */
export async function embedTexts(runtime: AiRuntime, catalog: Catalog, endpoint: string, texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
  const name = parseFullName(endpoint, 'endpoint');
  const batches: string[][] = [];
  for (let i = 0; i < texts.length; i += EMBED_BATCH) batches.push(texts.slice(i, i + EMBED_BATCH));
  const invoke = {
    catalog,
    source: options.source ?? 'api',
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
    ...(options.trace === undefined ? {} : { trace: options.trace }),
  } as const;
  const results = await mapLimit(batches, BATCHES_IN_FLIGHT, async (batch) => {
    const response = await runtime.gateway.embed(name, { input: batch }, invoke);
    const byIndex = [...response.data].sort((a, b) => a.index - b.index);
    if (byIndex.length !== batch.length) {
      throw new LochError('INTERNAL', `vector index: endpoint ${endpoint} returned ${byIndex.length} embeddings for ${batch.length} texts`, { context: { endpoint } });
    }
    return byIndex.map((item) => Float32Array.from(item.embedding));
  });
  return results.flat();
}
