import { LochError } from '../../core/errors.js';
import { primitive, typeToString } from '../../expr/types.js';
import type { DataType } from '../../expr/types.js';
import { parseTypeText } from '../../sql/parse/type-name.js';
import type { ChatRequest, ResponseFormat } from '../model-types.js';
import type { AiCallSite } from './ai-calls.js';
import { arg, callArguments, rowArgSql } from './call-context.js';
import type { CallContext, CallPlan } from './call-context.js';
import { chatPlan } from './chat-plan.js';
import { embeddingPlan } from './embedding-functions.js';
import { jsonSchemaOf, parseReply, replyStruct, typeOfJsonSchema } from './json-types.js';
import type { Span } from './sql-structure.js';

/** modelParameters fields passed on to the chat request. */
const MODEL_PARAMETERS = ['temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'stop', 'seed'] as const;

/** What a chat call of ai_query returns: plain text, or JSON parsed into a SQL type. */
interface Output {
  readonly type: DataType;
  readonly format?: ResponseFormat;
}

/**
 * ai_query(endpoint, request [, returnType] [, responseFormat => …] [, failOnError => bool]
 * [, modelParameters => named_struct(…)]): a chat endpoint answers text (STRING), or with
 * returnType/responseFormat JSON parsed into that type; an embeddings endpoint answers FLOAT[].
 * failOnError => false makes the result STRUCT(result T, errorMessage STRING).
 */
export async function planAiQuery(ctx: CallContext, call: AiCallSite): Promise<CallPlan> {
  const args = callArguments(call, ['endpoint', 'request', 'returntype'], 2, ['responseformat', 'failonerror', 'modelparameters']);
  const endpoint = await ctx.endpoint(await ctx.constantString(arg(args, 'endpoint'), 'ai_query: endpoint'), 'ai_query: endpoint');
  const failOnError = await failOnErrorOf(ctx, args.get('failonerror'));
  const rowArgs = [rowArgSql(ctx, arg(args, 'request'))];
  if (endpoint.definition.task === 'embeddings') {
    const extra = ['returntype', 'responseformat', 'modelparameters'].filter((a) => args.has(a));
    if (extra.length > 0) throw new LochError('INVALID_ARGUMENT', `ai: ai_query on embeddings endpoint ${ctx.text(arg(args, 'endpoint'))} takes no ${extra.join(', ')} (it returns FLOAT[])`);
    return embeddingPlan(ctx, call.name, endpoint, rowArgs, failOnError);
  }
  const output = await outputOf(ctx, args.get('returntype'), args.get('responseformat'));
  const parameters = await modelParametersOf(ctx, args.get('modelparameters'));
  const format = output.format;
  return chatPlan(ctx, {
    fn: call.name, endpoint, rowArgs, valueType: output.type, failOnError,
    request: (row) => ({ messages: [{ role: 'user', content: row[0] as string }], ...parameters, ...(format === undefined ? {} : { response_format: format }) }),
    parse: format === undefined ? (text) => text : (text) => parseReply(text, output.type),
  });
}

async function failOnErrorOf(ctx: CallContext, span: Span | undefined): Promise<boolean> {
  if (span === undefined) return true;
  const value = await ctx.constant(span, 'ai_query: failOnError');
  if (typeof value !== 'boolean') throw new LochError('INVALID_ARGUMENT', `ai: ai_query: failOnError must be true or false (got ${ctx.text(span)})`);
  return value;
}

async function outputOf(ctx: CallContext, returnType: Span | undefined, responseFormat: Span | undefined): Promise<Output> {
  if (returnType !== undefined && responseFormat !== undefined) {
    throw new LochError('INVALID_ARGUMENT', 'ai: ai_query takes returnType or responseFormat, not both');
  }
  if (returnType !== undefined) {
    const type = typeText(await ctx.constantString(returnType, 'ai_query: returnType'), 'returnType');
    return type.kind === 'primitive' && type.name === 'string' ? { type } : { type, format: formatOf(type, 'ai_query', 'returnType') };
  }
  if (responseFormat === undefined) return { type: primitive('string') };
  const text = (await ctx.constantString(responseFormat, 'ai_query: responseFormat')).trim();
  if (!text.startsWith('{')) {
    const type = typeText(text, 'responseFormat');
    return { type, format: formatOf(type, 'ai_query', 'responseFormat') };
  }
  return jsonFormat(text);
}

function typeText(text: string, what: string): DataType {
  try {
    return parseTypeText(text);
  } catch (cause) {
    throw new LochError('INVALID_ARGUMENT', `ai: ai_query: ${what} ${JSON.stringify(text)} is not a SQL type: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** The json_schema response format asking for a value of `type` (non-structs wrapped in {result: …}). */
function formatOf(type: DataType, name: string, what: string): ResponseFormat {
  const struct = replyStruct(type);
  const schema = jsonSchemaOf(struct, `ai_query: ${what} ${typeToString(type)}`);
  return { type: 'json_schema', json_schema: { name, schema, strict: !hasMap(struct) } };
}

function hasMap(type: DataType): boolean {
  if (type.kind === 'map') return true;
  if (type.kind === 'array') return hasMap(type.element);
  if (type.kind === 'struct') return type.fields.some((f) => hasMap(f.type));
  return false;
}

/** responseFormat as JSON: a JSON schema, or OpenAI's {"type": "json_schema", "json_schema": {…}}. */
function jsonFormat(text: string): Output {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new LochError('INVALID_ARGUMENT', `ai: ai_query: responseFormat is neither a STRUCT<…> type nor valid JSON: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  const d = doc as Record<string, unknown>;
  const wrapper = d['type'] === 'json_schema' ? (d['json_schema'] as Record<string, unknown> | undefined) : undefined;
  const schema = wrapper !== undefined ? wrapper['schema'] : doc;
  const type = typeOfJsonSchema(schema, 'ai_query: responseFormat');
  if (type.kind !== 'struct') return { type, format: formatOf(type, 'ai_query', 'responseFormat') };
  const name = typeof wrapper?.['name'] === 'string' ? wrapper['name'] : 'ai_query';
  const strict = typeof wrapper?.['strict'] === 'boolean' ? { strict: wrapper['strict'] } : {};
  return { type, format: { type: 'json_schema', json_schema: { name, schema: schema as Record<string, unknown>, ...strict } } };
}

/** modelParameters => named_struct('temperature', 0.0, …) as request fields. */
async function modelParametersOf(ctx: CallContext, span: Span | undefined): Promise<Partial<ChatRequest>> {
  if (span === undefined) return {};
  const value = await ctx.constant(span, 'ai_query: modelParameters');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LochError('INVALID_ARGUMENT', `ai: ai_query: modelParameters must be a struct, e.g. named_struct('temperature', 0.0, 'max_tokens', 100) (got ${ctx.text(span)})`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const name = key.toLowerCase();
    if (!(MODEL_PARAMETERS as readonly string[]).includes(name)) {
      throw new LochError('INVALID_ARGUMENT', `ai: ai_query: modelParameters has no field ${key} (fields: ${MODEL_PARAMETERS.join(', ')})`);
    }
    if (v !== null) out[name] = v;
  }
  return out as Partial<ChatRequest>;
}
