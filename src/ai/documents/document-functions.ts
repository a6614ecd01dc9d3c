import { LochError } from '../../core/errors.js';
import { field, primitive } from '../../expr/types.js';
import type { DataType } from '../../expr/types.js';
import type { AiCallSite } from '../functions/ai-calls.js';
import { arg, callArguments } from '../functions/call-context.js';
import type { CallContext, CallPlan, RowArgs } from '../functions/call-context.js';
import type { Span } from '../functions/sql-structure.js';
import { chunkDocument } from './chunk-document.js';
import { chunkText } from './chunk-text.js';
import type { ChunkLimits } from './chunk-text.js';
import { PARSED_DOCUMENT_TYPE } from './document-model.js';
import type { ParsedDocument } from './document-model.js';
import { formatFromHint } from './format-detect.js';
import { parseDocument } from './parse-document.js';

/** Documents parsed or chunked at once per statement (CPU work in this process, not a model call). */
const DOCUMENT_CONCURRENCY = 2;
export const DEFAULT_MAX_TOKENS = 256;
/** The default overlap: 32 tokens, but at most an eighth of max_tokens so small windows stay mostly new text. */
export const DEFAULT_OVERLAP = 32;
const MAX_TOKENS_LIMIT = 100_000;

const str = primitive('string');
const int = primitive('integer');

/** ai_chunk_text's result: ARRAY<STRUCT(chunk_index, text, start_offset, end_offset, token_count)>. */
export const TEXT_CHUNKS_TYPE: DataType = {
  kind: 'array',
  containsNull: true,
  element: { kind: 'struct', fields: [field('chunk_index', int), field('text', str), field('start_offset', int), field('end_offset', int), field('token_count', int)] },
};

/** ai_chunk_document's result: ARRAY<STRUCT(chunk_index, text, section, page, token_count)>. */
export const DOCUMENT_CHUNKS_TYPE: DataType = {
  kind: 'array',
  containsNull: true,
  element: { kind: 'struct', fields: [field('chunk_index', int), field('text', str), field('section', str), field('page', int), field('token_count', int)] },
};

/**
 * ai_parse_document, ai_chunk_text, ai_chunk_document as staged calls (no model is involved;
 * the work runs in this process, DOCUMENT_CONCURRENCY rows at a time):
 * - `ai_parse_document(content [, options] [, format => 'pdf'|'html'|'markdown'|'text'] [, path => expr])`:
 *   content BINARY or STRING; options a constant MAP/STRUCT with optional keys `format` (hint)
 *   and `version` (accepted, ignored); `path` a per-row file path whose extension is the hint.
 *   Returns PARSED_DOCUMENT_TYPE (document-model.ts); unparseable content sets error_status.
 * - `ai_chunk_text(text [, max_tokens => 256] [, overlap => 32])` → TEXT_CHUNKS_TYPE.
 * - `ai_chunk_document(parsed [, max_tokens => 256] [, overlap => 32])` → DOCUMENT_CHUNKS_TYPE;
 *   `parsed` is ai_parse_document's value (or its JSON text).
 * Token counts are approximate (token-count.ts). NULL input gives NULL.
 */
export async function planDocumentFunction(ctx: CallContext, call: AiCallSite): Promise<CallPlan> {
  switch (call.name) {
    case 'ai_parse_document':
      return planParse(ctx, call);
    case 'ai_chunk_text':
      return planChunkText(ctx, call);
    case 'ai_chunk_document':
      return planChunkDocument(ctx, call);
    default:
      throw new LochError('INTERNAL', `ai: ${call.name} is not a document function`);
  }
}

async function planParse(ctx: CallContext, call: AiCallSite): Promise<CallPlan> {
  const args = callArguments(call, ['content', 'options'], 1, ['format', 'path']);
  const options = await parseOptions(ctx, args);
  const content = arg(args, 'content');
  const path = args.get('path');
  // hex() takes BINARY and STRING alike (a STRING as its UTF-8 bytes), where a cast to BLOB would read \x escapes.
  const rowArgs = [`hex((${ctx.text(content)}))`, ...(path === undefined ? [] : [`coalesce(CAST((${ctx.text(path)}) AS VARCHAR), '')`])];
  return documentPlan(call, rowArgs, PARSED_DOCUMENT_TYPE, async (row) => {
    const path = row[1] ?? '';
    const hint = options.format ?? (path === '' ? undefined : path);
    return parseDocument(Buffer.from(row[0] as string, 'hex'), hint);
  });
}

async function planChunkText(ctx: CallContext, call: AiCallSite): Promise<CallPlan> {
  const args = callArguments(call, ['text', 'max_tokens', 'overlap'], 1);
  const limits = await chunkLimits(ctx, call, args);
  return documentPlan(call, [`CAST((${ctx.text(arg(args, 'text'))}) AS VARCHAR)`], TEXT_CHUNKS_TYPE, async (row) => chunkText(row[0] as string, limits));
}

async function planChunkDocument(ctx: CallContext, call: AiCallSite): Promise<CallPlan> {
  const args = callArguments(call, ['parsed', 'max_tokens', 'overlap'], 1);
  const limits = await chunkLimits(ctx, call, args);
  return documentPlan(call, [`CAST(to_json((${ctx.text(arg(args, 'parsed'))})) AS VARCHAR)`], DOCUMENT_CHUNKS_TYPE, async (row) => chunkDocument(parsedFromJson(row[0] as string), limits));
}

/** A CallPlan computing each non-NULL row with `compute` (rows with a NULL argument give NULL). */
function documentPlan(call: AiCallSite, rowArgs: readonly string[], resultType: DataType, compute: (row: RowArgs) => Promise<unknown>): CallPlan {
  return {
    fn: call.name,
    rowArgs,
    resultType,
    rowsPerRequest: 1,
    maxConcurrency: DOCUMENT_CONCURRENCY,
    evaluate: (rows, signal) =>
      Promise.all(
        rows.map(async (row) => {
          if (signal.aborted) throw new LochError('CANCELLED', `ai: ${call.name} was cancelled`);
          return row[0] === null ? null : compute(row);
        }),
      ),
  };
}

interface ParseOptions {
  readonly format?: string;
}

async function parseOptions(ctx: CallContext, args: ReadonlyMap<string, Span>): Promise<ParseOptions> {
  let format: string | undefined;
  const options = args.get('options');
  if (options !== undefined) {
    const value = await ctx.constant(options, 'ai_parse_document: options');
    if (value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      throw new LochError('INVALID_ARGUMENT', `ai: ai_parse_document: options must be a map, e.g. map('format', 'pdf') (got ${ctx.text(options)})`, { context: { argument: 'options' } });
    }
    for (const [key, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
      if (key === 'version') continue;
      if (key !== 'format') throw new LochError('INVALID_ARGUMENT', `ai: ai_parse_document: unknown option ${JSON.stringify(key)} (options: format, version)`, { context: { argument: 'options' } });
      format = checkFormat(typeof v === 'string' ? v : String(v));
    }
  }
  const named = args.get('format');
  if (named !== undefined) format = checkFormat(await ctx.constantString(named, 'ai_parse_document: format'));
  return format === undefined ? {} : { format };
}

function checkFormat(format: string): string {
  if (formatFromHint(format) === undefined) {
    throw new LochError('INVALID_ARGUMENT', `ai: ai_parse_document: format ${JSON.stringify(format)} is not one of pdf, html, markdown, text (or an extension such as md, htm, txt)`, { context: { argument: 'format' } });
  }
  return format;
}

async function chunkLimits(ctx: CallContext, call: AiCallSite, args: ReadonlyMap<string, Span>): Promise<ChunkLimits> {
  const maxSpan = args.get('max_tokens');
  const overlapSpan = args.get('overlap');
  const maxTokens = maxSpan === undefined ? DEFAULT_MAX_TOKENS : await integer(ctx, call, maxSpan, 'max_tokens', 8, MAX_TOKENS_LIMIT);
  const overlap = overlapSpan === undefined ? Math.min(DEFAULT_OVERLAP, Math.floor(maxTokens / 8)) : await integer(ctx, call, overlapSpan, 'overlap', 0, maxTokens - 1);
  return { maxTokens, overlap };
}

async function integer(ctx: CallContext, call: AiCallSite, span: Span, name: string, min: number, max: number): Promise<number> {
  const value = await ctx.constant(span, `${call.name}: ${name}`);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new LochError('INVALID_ARGUMENT', `ai: ${call.name}: ${name} must be an integer from ${min} to ${max} (got ${ctx.text(span)})`, { context: { function: call.name, argument: name } });
  }
  return value;
}

/** ai_parse_document's value from its JSON (to_json of the struct, or a JSON string holding it). */
function parsedFromJson(json: string): ParsedDocument {
  let value: unknown;
  try {
    value = JSON.parse(json) as unknown;
    if (typeof value === 'string') value = JSON.parse(value) as unknown;
  } catch (cause) {
    throw new LochError('INVALID_ARGUMENT', 'ai: ai_chunk_document: the argument is not a parsed document (not JSON)', { cause });
  }
  const doc = value as Partial<ParsedDocument> | null;
  if (typeof doc !== 'object' || doc === null || !('document' in doc)) {
    throw new LochError('INVALID_ARGUMENT', 'ai: ai_chunk_document: the argument must be the value of ai_parse_document (a struct with document, metadata, error_status)');
  }
  const elements = doc.document?.elements;
  if (doc.document !== null && doc.document !== undefined && !Array.isArray(elements)) {
    throw new LochError('INVALID_ARGUMENT', 'ai: ai_chunk_document: the parsed document has no elements array');
  }
  return doc as ParsedDocument;
}
