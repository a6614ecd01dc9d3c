import { LochError } from '../../core/errors.js';
import type { AiCallSite } from '../functions/ai-calls.js';
import type { CallContext, CallPlan } from '../functions/call-context.js';

/** ai_parse_document, ai_chunk_text, ai_chunk_document as staged calls. */
export async function planDocumentFunction(ctx: CallContext, call: AiCallSite): Promise<CallPlan> {
  void ctx;
  throw new LochError('NOT_IMPLEMENTED', `ai: ${call.name} is not built yet`);
}
