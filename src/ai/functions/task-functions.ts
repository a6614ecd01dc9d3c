import { LochError } from '../../core/errors.js';
import { field, primitive } from '../../expr/types.js';
import type { DataType } from '../../expr/types.js';
import type { EndpointInfo } from '../endpoint-types.js';
import type { ChatMessage, ChatRequest } from '../model-types.js';
import type { AiCallSite } from './ai-calls.js';
import { arg, callArguments, labelList, requireTask, rowArgSql } from './call-context.js';
import type { CallContext, CallPlan } from './call-context.js';
import { chatPlan } from './chat-plan.js';
import { parseReply, shorten } from './json-types.js';
import type { Span } from './sql-structure.js';

/**
 * Databricks' task functions over a chat endpoint: short fixed system prompts, temperature 0,
 * JSON-schema replies where the output must be one of a set or a structure.
 */

export const ENDPOINT_SETTING = 'loch.ai.endpoint';
const STRING = primitive('string');
const SENTIMENTS = ['positive', 'negative', 'neutral', 'mixed'] as const;

/** Plans ai_gen, ai_summarize, ai_translate, ai_fix_grammar, ai_mask, ai_classify, ai_extract, ai_analyze_sentiment. */
export async function planTaskFunction(ctx: CallContext, call: AiCallSite): Promise<CallPlan> {
  switch (call.name) {
    case 'ai_gen':
      return textTask(ctx, call, ['prompt'], 1, () => []);
    case 'ai_fix_grammar':
      return textTask(ctx, call, ['content'], 1, () => [system('Correct the grammar, spelling and punctuation of the text the user sends, keeping its meaning, language and tone. Reply with the corrected text only.')]);
    case 'ai_translate':
      return textTask(ctx, call, ['content', 'to_lang'], 2, (row) => [system(`Translate the text the user sends into ${row[1] as string}. Reply with the translation only.`)]);
    case 'ai_summarize':
      return summarize(ctx, call);
    case 'ai_mask':
      return mask(ctx, call);
    case 'ai_classify':
      return classify(ctx, call);
    case 'ai_extract':
      return extract(ctx, call);
    case 'ai_analyze_sentiment':
      return sentiment(ctx, call);
    default:
      throw new LochError('INTERNAL', `ai: ${call.name} is not a task function`);
  }
}

function system(content: string): ChatMessage {
  return { role: 'system', content };
}

/** A request: the system prompt(s), then the row's first argument as the user's message, temperature 0. */
function request(systemMessages: readonly ChatMessage[], content: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { messages: [...systemMessages, { role: 'user', content }], temperature: 0, ...extra };
}

async function chatEndpoint(ctx: CallContext, call: AiCallSite): Promise<EndpointInfo> {
  const info = await ctx.taskEndpoint(call, ENDPOINT_SETTING);
  requireTask(info, 'chat', call.name);
  return info;
}

/** A task whose every parameter is per row and whose reply text is the result. */
async function textTask(ctx: CallContext, call: AiCallSite, params: string[], required: number, prompts: (row: readonly string[]) => ChatMessage[]): Promise<CallPlan> {
  const args = callArguments(call, params, required, ['endpoint']);
  const endpoint = await chatEndpoint(ctx, call);
  const rowArgs = params.map((p) => rowArgSql(ctx, arg(args, p)));
  return chatPlan(ctx, {
    fn: call.name, endpoint, rowArgs, valueType: STRING, failOnError: true,
    request: (row) => request(prompts(row), row[0] as string),
    parse: (text) => text.trim(),
  });
}

async function summarize(ctx: CallContext, call: AiCallSite): Promise<CallPlan> {
  const args = callArguments(call, ['content', 'max_words'], 1, ['endpoint']);
  const maxSpan = args.get('max_words');
  const maxWords = maxSpan === undefined ? 50 : await ctx.constant(maxSpan, 'ai_summarize: max_words');
  if (typeof maxWords !== 'number' || !Number.isInteger(maxWords) || maxWords < 0) {
    throw new LochError('INVALID_ARGUMENT', `ai: ai_summarize: max_words must be a non-negative integer (0: no limit), got ${JSON.stringify(maxWords)}`);
  }
  const limit = maxWords === 0 ? '' : ` in at most ${maxWords} words`;
  const prompt = system(`Summarize the text the user sends${limit}. Reply with the summary only.`);
  const endpoint = await chatEndpoint(ctx, call);
  return chatPlan(ctx, {
    fn: call.name, endpoint, rowArgs: [rowArgSql(ctx, arg(args, 'content'))], valueType: STRING, failOnError: true,
    request: (row) => request([prompt], row[0] as string),
    parse: (text) => text.trim(),
  });
}

async function mask(ctx: CallContext, call: AiCallSite): Promise<CallPlan> {
  const args = callArguments(call, ['content', 'labels'], 2, ['endpoint']);
  const labels = await labelList(ctx, arg(args, 'labels'), 'ai_mask: labels');
  const prompt = system(`Replace every part of the text the user sends that is one of these kinds of information with [MASKED]: ${quoted(labels)}. Keep everything else exactly as it is. Reply with the resulting text only.`);
  const endpoint = await chatEndpoint(ctx, call);
  return chatPlan(ctx, {
    fn: call.name, endpoint, rowArgs: [rowArgSql(ctx, arg(args, 'content'))], valueType: STRING, failOnError: true,
    request: (row) => request([prompt], row[0] as string),
    parse: (text) => text.trim(),
  });
}

/** A chat task answering one label of `labels` as JSON {field: label}; other answers are NULL. */
async function labelTask(ctx: CallContext, call: AiCallSite, contentSpan: Span, labels: readonly string[], key: string, prompt: string): Promise<CallPlan> {
  const endpoint = await chatEndpoint(ctx, call);
  const schema = { type: 'object', properties: { [key]: { type: 'string', enum: labels } }, required: [key], additionalProperties: false };
  const format = { type: 'json_schema', json_schema: { name: call.name, schema, strict: true } } as const;
  return chatPlan(ctx, {
    fn: call.name, endpoint, rowArgs: [rowArgSql(ctx, contentSpan)], valueType: STRING, failOnError: true,
    request: (row) => request([system(prompt)], row[0] as string, { response_format: format }),
    parse: (text) => matchLabel(text, key, labels),
  });
}

/** The label a reply names (JSON {key: label} or the bare label), in the caller's spelling; null for anything else. */
export function matchLabel(text: string, key: string, labels: readonly string[]): string | null {
  let answer: unknown = text.trim();
  try {
    const parsed: unknown = JSON.parse(text);
    answer = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[key] : parsed;
  } catch {
    // A bare label is fine too.
  }
  if (typeof answer !== 'string') return null;
  const wanted = answer.trim().toLowerCase();
  return labels.find((l) => l.toLowerCase() === wanted) ?? null;
}

async function classify(ctx: CallContext, call: AiCallSite): Promise<CallPlan> {
  const args = callArguments(call, ['content', 'labels'], 2, ['endpoint']);
  const labels = await labelList(ctx, arg(args, 'labels'), 'ai_classify: labels');
  const prompt = `Classify the text the user sends into exactly one of these labels: ${quoted(labels)}. Answer with the label.`;
  return labelTask(ctx, call, arg(args, 'content'), labels, 'label', prompt);
}

async function sentiment(ctx: CallContext, call: AiCallSite): Promise<CallPlan> {
  const args = callArguments(call, ['content'], 1, ['endpoint']);
  const prompt = 'Classify the sentiment of the text the user sends as positive, negative, neutral or mixed.';
  return labelTask(ctx, call, arg(args, 'content'), SENTIMENTS, 'sentiment', prompt);
}

async function extract(ctx: CallContext, call: AiCallSite): Promise<CallPlan> {
  const args = callArguments(call, ['content', 'labels'], 2, ['endpoint']);
  const labels = await labelList(ctx, arg(args, 'labels'), 'ai_extract: labels');
  const endpoint = await chatEndpoint(ctx, call);
  const valueType: DataType = { kind: 'struct', fields: labels.map((l) => field(l, STRING)) };
  const schema = {
    type: 'object',
    properties: Object.fromEntries(labels.map((l) => [l, { type: ['string', 'null'] }])),
    required: labels,
    additionalProperties: false,
  };
  const prompt = system(`Extract these entities from the text the user sends: ${quoted(labels)}. Give each as it appears in the text, or null when the text has none.`);
  const format = { type: 'json_schema', json_schema: { name: 'ai_extract', schema, strict: true } } as const;
  return chatPlan(ctx, {
    fn: call.name, endpoint, rowArgs: [rowArgSql(ctx, arg(args, 'content'))], valueType, failOnError: true,
    request: (row) => request([prompt], row[0] as string, { response_format: format }),
    parse: (text) => {
      try {
        return parseReply(text, valueType);
      } catch (error) {
        throw new Error(`ai_extract: the model's reply does not fit the labels (${error instanceof Error ? error.message : String(error)}): ${shorten(text)}`);
      }
    },
  });
}

function quoted(labels: readonly string[]): string {
  return labels.map((l) => JSON.stringify(l)).join(', ');
}
