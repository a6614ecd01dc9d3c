import { LochError } from '../../core/errors.js';
import { utf8Encode } from '../../core/bytes.js';
import { tokenize, words } from '../vector/core/text-tokens.js';
import type { EmbeddingRequest, EmbeddingResponse } from '../model-types.js';
import type { ModelProvider, ProviderTarget } from './provider.js';

/**
 * The 'local' provider: embeddings computed in process by feature hashing, with no server, no
 * download and no randomness. Honest scope: this is a LEXICAL embedding. Each text's words are
 * tokenized like the BM25 index (text-tokens.ts: lower-cased, tiny stop-word list dropped); word
 * unigrams (weight 1), word bigrams (0.5) and character trigrams of each word (0.25, with `^`/`$`
 * word boundaries, so "index" and "indexes" share most trigrams) are hashed (FNV-1a, 32-bit,
 * over the UTF-8 of a tagged feature) into `dims` buckets with a hash-derived sign, and the sum is
 * L2-normalised. Texts sharing words or word pieces land close; synonyms ("car"/"automobile") do
 * not. The same text gives the same vector in every process and version of this file.
 *
 * Model names: `hash` (384 dimensions) or `hash-<n>` with 16 ≤ n ≤ 4096; a request's
 * `dimensions` overrides the model's (same range). Usage counts words as tokens. Chat is
 * INVALID_ARGUMENT: local models only embed.
 */
export function localProvider(): ModelProvider {
  return {
    kind: 'local',
    chat() {
      return Promise.reject(noChat());
    },
    // eslint-disable-next-line require-yield
    async *chatStream() {
      throw noChat();
    },
    embed(target: ProviderTarget, request: EmbeddingRequest, signal?: AbortSignal): Promise<EmbeddingResponse> {
      try {
        if (signal?.aborted === true) throw new LochError('CANCELLED', `ai provider local: embedding with ${target.model} was cancelled`);
        const dims = request.dimensions ?? modelDimensions(target.model);
        checkDimensions(dims, target.model);
        const inputs = typeof request.input === 'string' ? [request.input] : request.input;
        let tokens = 0;
        const data = inputs.map((text, index) => {
          tokens += words(text).length;
          return { object: 'embedding' as const, index, embedding: hashEmbedding(text, dims) };
        });
        return Promise.resolve({ object: 'list', data, model: target.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
      } catch (e) {
        return Promise.reject(e instanceof LochError ? e : new LochError('INTERNAL', `ai provider local: ${String(e)}`, { cause: e }));
      }
    },
  };
}

/** Dimensions of the default `hash` model. */
export const DEFAULT_HASH_DIMENSIONS = 384;

/** The dimensions a local model name stands for; INVALID_ARGUMENT for names other than `hash` / `hash-<n>`. */
export function modelDimensions(model: string): number {
  if (model === 'hash') return DEFAULT_HASH_DIMENSIONS;
  const match = /^hash-(\d{1,5})$/.exec(model);
  if (match === null) {
    throw new LochError('INVALID_ARGUMENT', `ai provider local: unknown model '${model}'; local models are 'hash' or 'hash-<dimensions>' (16–4096)`, { context: { model } });
  }
  const dims = Number(match[1]);
  checkDimensions(dims, model);
  return dims;
}

function checkDimensions(dims: number, model: string): void {
  if (!Number.isInteger(dims) || dims < 16 || dims > 4096) {
    throw new LochError('INVALID_ARGUMENT', `ai provider local: model ${model}: ${dims} dimensions is out of range 16–4096`, { context: { model, dimensions: dims } });
  }
}

/** The feature-hashing embedding of one text (see localProvider); all zeros for a text without words. */
export function hashEmbedding(text: string, dims: number): number[] {
  const sums = new Float64Array(dims);
  const add = (feature: string, weight: number): void => {
    const h = fnv1a(utf8Encode(feature));
    const bucket = mix(h) % dims;
    sums[bucket] = (sums[bucket] ?? 0) + ((mix(h ^ 0x9e3779b9) & 1) === 0 ? weight : -weight);
  };
  const ws = tokenize(text);
  ws.forEach((w, i) => {
    add(`w:${w}`, 1);
    const next = ws[i + 1];
    if (next !== undefined) add(`b:${w} ${next}`, 0.5);
    const padded = [...`^${w}$`];
    for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3).join('')}`, 0.25);
  });
  let norm = 0;
  for (const x of sums) norm += x * x;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return Array.from(sums, (x) => Math.fround(x * scale));
}

function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/** murmur3's 32-bit finaliser: spreads FNV's weak low bits before the modulo. */
function mix(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function noChat(): LochError {
  return new LochError('INVALID_ARGUMENT', "ai provider local: local models only compute embeddings; use an 'openai' or 'anthropic' endpoint for chat");
}
