import type { ChatMessage, ChatRequest } from '../../src/ai/model-types.js';
import type { FakeReply } from './fake-model-core.js';

/**
 * A deterministic stand-in for a tool-using chat model, for retrieval tests (the `chat` hook of
 * the fake OpenAI server). Asked a question with tools offered and no tool result yet, it calls
 * the first tool, putting the question into the tool's first required string parameter. Given
 * tool results, it answers with the sentence of the results that shares the most words with the
 * question, followed by `[1]`, or says it does not know when no sentence shares a content word.
 * It never invents text: whatever it answers was retrieved.
 */
export function fakeRagModel(request: ChatRequest): FakeReply {
  const question = lastText(request.messages, 'user');
  const toolResults = request.messages.filter((m) => m.role === 'tool').map((m) => textOf(m));
  const tool = request.tools?.[0];
  if (toolResults.length === 0 && tool !== undefined && request.tool_choice !== 'none') {
    const params = tool.function.parameters as { properties?: Record<string, { type?: string }>; required?: string[] } | undefined;
    const names = params?.required ?? Object.keys(params?.properties ?? {});
    const key = names.find((n) => params?.properties?.[n]?.type === 'string') ?? names[0] ?? 'query';
    return { tool_calls: [{ id: 'call_1', type: 'function', function: { name: tool.function.name, arguments: JSON.stringify({ [key]: question }) } }] };
  }
  const best = bestSentence(question, toolResults.join('\n'));
  return { content: best === undefined ? "I don't know: the documents do not say." : `${best} [1]` };
}

const STOP = new Set(['the', 'a', 'an', 'of', 'is', 'what', 'who', 'which', 'in', 'on', 'to', 'and', 'does', 'do', 'how', 'many', 'are', 'was', 'for']);

function words(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0 && !STOP.has(w));
}

/** The sentence (of text with JSON escapes undone) sharing most content words with the question. */
function bestSentence(question: string, results: string): string | undefined {
  const wanted = new Set(words(question));
  const text = results.replace(/\\n/g, ' ').replace(/\\"/g, '"');
  let best: { sentence: string; score: number } | undefined;
  for (const raw of text.split(/(?<=[.!?])\s+|["{}[\]]|\n/)) {
    const sentence = raw.trim();
    if (sentence.length < 8) continue;
    const score = words(sentence).filter((w) => wanted.has(w)).length;
    if (score > 0 && (best === undefined || score > best.score)) best = { sentence, score };
  }
  return best?.sentence;
}

function lastText(messages: readonly ChatMessage[], role: string): string {
  const found = [...messages].reverse().find((m) => m.role === role);
  return found === undefined ? '' : textOf(found);
}

function textOf(message: ChatMessage): string {
  const content = message.content;
  if (content === null || content === undefined) return '';
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}
