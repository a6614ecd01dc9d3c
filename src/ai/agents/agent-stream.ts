import type { ChatChunk, ChatResponse } from '../model-types.js';

const PIECE = 64;

/**
 * A finished agent answer as OpenAI stream chunks: a role chunk, the content in pieces, a
 * finish chunk, then (with `includeUsage`) a usage chunk with empty choices, as OpenAI sends.
 * The agent's `loch` extension field rides on the finish chunk.
 */
export function* answerChunks(response: ChatResponse, includeUsage: boolean): Generator<ChatChunk> {
  const base = { id: response.id, object: 'chat.completion.chunk' as const, created: response.created, model: response.model };
  const choice = response.choices[0];
  const text = typeof choice?.message.content === 'string' ? choice.message.content : '';
  yield { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] };
  for (let i = 0; i < text.length; i += PIECE) yield { ...base, choices: [{ index: 0, delta: { content: text.slice(i, i + PIECE) }, finish_reason: null }] };
  const extras = (response as ChatResponse & { loch?: unknown }).loch;
  yield { ...base, choices: [{ index: 0, delta: {}, finish_reason: choice?.finish_reason ?? 'stop' }], ...(extras === undefined ? {} : { loch: extras }) } as ChatChunk;
  if (includeUsage && response.usage !== undefined) yield { ...base, choices: [], usage: response.usage };
}
