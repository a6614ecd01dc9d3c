import { isLochError, LochError } from '../../core/errors.js';
import { primitive } from '../../expr/types.js';
import type { DataType } from '../../expr/types.js';
import type { EndpointInfo } from '../endpoint-types.js';
import type { AiCallSite, AiFunctionName } from './ai-calls.js';
import { arg, callArguments, requireTask, rowArgSql } from './call-context.js';
import type { CallContext, CallPlan, RowArgs } from './call-context.js';
import { errorStruct } from './chat-plan.js';

/** Texts per embeddings request (rows per request: ai_similarity sends two texts per row). */
export const EMBED_BATCH = 32;
export const EMBEDDING_SETTING = 'loch.ai.embedding_endpoint';

const VECTOR: DataType = { kind: 'array', element: primitive('float'), containsNull: true };

/** ai_embed(endpoint, text) → FLOAT[]. */
export async function planEmbed(ctx: CallContext, call: AiCallSite): Promise<CallPlan> {
  const args = callArguments(call, ['endpoint', 'text'], 2);
  const endpoint = await ctx.endpoint(await ctx.constantString(arg(args, 'endpoint'), 'ai_embed: endpoint'), 'ai_embed: endpoint');
  requireTask(endpoint, 'embeddings', call.name);
  return embeddingPlan(ctx, call.name, endpoint, [rowArgSql(ctx, arg(args, 'text'))], true);
}

/** ai_similarity(a, b) → FLOAT: the cosine similarity of the two texts' embeddings. */
export async function planSimilarity(ctx: CallContext, call: AiCallSite): Promise<CallPlan> {
  const args = callArguments(call, ['expr1', 'expr2'], 2, ['endpoint']);
  const endpoint = await ctx.taskEndpoint(call, EMBEDDING_SETTING);
  requireTask(endpoint, 'embeddings', call.name);
  return similarityPlan(ctx, endpoint, [rowArgSql(ctx, arg(args, 'expr1')), rowArgSql(ctx, arg(args, 'expr2'))]);
}

/**
 * One vector per row (FLOAT[]), EMBED_BATCH rows per request. With failOnError false the result
 * is STRUCT(result FLOAT[], errorMessage STRING) and a failed request marks each of its rows.
 */
export function embeddingPlan(ctx: CallContext, fn: AiFunctionName, endpoint: EndpointInfo, rowArgs: readonly string[], failOnError: boolean): CallPlan {
  return {
    fn, rowArgs, resultType: failOnError ? VECTOR : errorStruct(VECTOR), rowsPerRequest: EMBED_BATCH, maxConcurrency: endpoint.definition.limits.maxConcurrency,
    evaluate: async (rows, signal) => {
      const texts = rows.filter((r) => r[0] !== null).map((r) => r[0] as string);
      let vectors: number[][];
      try {
        vectors = await embedTexts(ctx, endpoint, texts, signal);
      } catch (error) {
        if (failOnError || signal.aborted || isLochError(error, 'CANCELLED')) throw error;
        const errorMessage = error instanceof Error ? error.message : String(error);
        return rows.map((r) => (r[0] === null ? null : { result: null, errorMessage }));
      }
      let next = 0;
      return rows.map((r) => {
        if (r[0] === null) return null;
        const vector = vectors[next++] as number[];
        return failOnError ? vector : { result: vector, errorMessage: null };
      });
    },
  };
}

function similarityPlan(ctx: CallContext, endpoint: EndpointInfo, rowArgs: readonly string[]): CallPlan {
  const complete = (r: RowArgs): boolean => r[0] !== null && r[1] !== null;
  return {
    fn: 'ai_similarity', rowArgs, resultType: primitive('float'), rowsPerRequest: EMBED_BATCH / 2, maxConcurrency: endpoint.definition.limits.maxConcurrency,
    evaluate: async (rows, signal) => {
      const texts = rows.filter(complete).flatMap((r) => [r[0] as string, r[1] as string]);
      const vectors = await embedTexts(ctx, endpoint, texts, signal);
      let next = 0;
      return rows.map((r) => {
        if (!complete(r)) return null;
        const a = vectors[next++] as number[];
        const b = vectors[next++] as number[];
        return cosine(a, b);
      });
    },
  };
}

/** The embeddings of `texts` in order (one request; none for no texts). */
async function embedTexts(ctx: CallContext, endpoint: EndpointInfo, texts: readonly string[], signal: AbortSignal): Promise<number[][]> {
  if (texts.length === 0) return [];
  const response = await ctx.runtime.gateway.embed(endpoint.name, { input: texts }, ctx.invokeOptions(signal));
  const byIndex = [...response.data].sort((x, y) => x.index - y.index);
  if (byIndex.length !== texts.length || byIndex.some((d, i) => d.index !== i)) {
    throw new LochError('UNAVAILABLE', `ai: the embeddings endpoint answered ${byIndex.length} vectors for ${texts.length} inputs`, { context: { inputs: texts.length, vectors: byIndex.length } });
  }
  return byIndex.map((d) => [...d.embedding]);
}

/** Cosine similarity; null when a vector is empty, zero or the lengths differ. */
export function cosine(a: readonly number[], b: readonly number[]): number | null {
  if (a.length === 0 || a.length !== b.length) return null;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? null : dot / Math.sqrt(na * nb);
}
