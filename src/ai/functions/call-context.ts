import type { ObjectName } from '../../catalog/catalog-types.js';
import { LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import type { DataType } from '../../expr/types.js';
import { parseObjectName } from '../../sql/bind/object-name.js';
import { formatName, resolveName } from '../../sql/sql-env.js';
import type { SqlEnv } from '../../sql/sql-env.js';
import type { AiRuntime } from '../ai-runtime.js';
import type { EndpointInfo } from '../endpoint-types.js';
import type { InvokeOptions } from '../gateway/gateway-types.js';
import type { TraceContext } from '../tracing/trace-types.js';
import type { AiCallSite, AiFunctionName } from './ai-calls.js';
import type { Span } from './sql-structure.js';

/** One row's per-row argument values, in the order of CallPlan.rowArgs (text or null). */
export type RowArgs = readonly (string | null)[];

/**
 * An ai call ready to run over staged rows: which expressions are staged per row, the SQL type
 * of its result and how to compute results for rows.
 */
export interface CallPlan {
  readonly fn: AiFunctionName;
  /** SQL expressions evaluated per row (staged as columns, cast to VARCHAR). */
  readonly rowArgs: readonly string[];
  readonly resultType: DataType;
  /** Rows sent in one model request (embeddings batch several). */
  readonly rowsPerRequest: number;
  /** The endpoint's concurrency limit, for sizing the window of requests. */
  readonly maxConcurrency: number;
  /**
   * One result per row, in order; null for a row with a NULL argument (no call made). Rejects
   * with the cause when a row fails and errors are not values.
   */
  evaluate(rows: readonly RowArgs[], signal: AbortSignal): Promise<unknown[]>;
}

/** What planning a call needs: the text, the session (for constant arguments), the caller and the gateway. */
export class CallContext {
  constructor(
    readonly runtime: AiRuntime,
    readonly env: SqlEnv,
    readonly session: Session,
    readonly sql: string,
    readonly signal: AbortSignal,
    readonly requestId: string,
    /** The statement's trace (its root span): every model call's span hangs under it. */
    readonly trace?: TraceContext,
  ) {}

  /** Options for every gateway call of this statement. */
  invokeOptions(signal: AbortSignal): InvokeOptions {
    return { catalog: this.env.catalog, source: 'sql', signal, requestId: this.requestId, ...(this.trace !== undefined ? { trace: this.trace } : {}) };
  }

  text(span: Span): string {
    return this.sql.slice(span.start, span.end);
  }

  /**
   * The value of a constant argument, evaluated by DuckDB on the session and returned as parsed
   * JSON (strings, numbers, booleans, arrays, objects). INVALID_ARGUMENT when it refers to a
   * column or does not evaluate.
   */
  async constant(span: Span, what: string): Promise<unknown> {
    const expr = this.text(span);
    let json: unknown;
    try {
      const rows = await (await this.session.query(`SELECT CAST(to_json((${expr})) AS VARCHAR)`)).all();
      json = rows[0]?.[0];
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      throw new LochError('INVALID_ARGUMENT', `ai: ${what} must be a constant expression (${expr}): ${detail}`, { cause, context: { argument: what } });
    }
    return typeof json === 'string' ? (JSON.parse(json) as unknown) : null;
  }

  async constantString(span: Span, what: string): Promise<string> {
    const value = await this.constant(span, what);
    if (typeof value !== 'string') throw new LochError('INVALID_ARGUMENT', `ai: ${what} must be a string (got ${this.text(span)})`, { context: { argument: what } });
    return value;
  }

  /** The endpoint a string names (1–3 parts, resolved against the session), EXECUTE checked by the gateway. */
  async endpoint(nameText: string, what: string): Promise<EndpointInfo> {
    let parts: string[];
    try {
      parts = parseObjectName(nameText);
    } catch {
      throw new LochError('INVALID_ARGUMENT', `ai: ${what}: ${JSON.stringify(nameText)} is not an endpoint name (expected name, schema.name or catalog.schema.name)`);
    }
    const name: ObjectName = resolveName(this.env.state, parts);
    return this.runtime.gateway.resolve(name, this.invokeOptions(this.signal));
  }

  /**
   * The endpoint of a task function: its `endpoint => '…'` argument, else the session setting
   * `setting`, else INVALID_ARGUMENT saying how to choose one.
   */
  async taskEndpoint(call: AiCallSite, setting: string): Promise<EndpointInfo> {
    const arg = call.named.get('endpoint');
    if (arg !== undefined) return this.endpoint(await this.constantString(arg, `${call.name}: endpoint`), `${call.name}: endpoint`);
    const configured = this.env.state.settings.get(setting);
    if (configured === undefined || configured.trim() === '') {
      throw new LochError('INVALID_ARGUMENT', `ai: ${call.name} needs a model endpoint: SET ${setting} = 'catalog.schema.endpoint' or pass endpoint => 'catalog.schema.endpoint'`, {
        context: { function: call.name, setting },
      });
    }
    return this.endpoint(configured.trim(), `${call.name}: setting ${setting}`);
  }
}

/** INVALID_ARGUMENT unless the endpoint serves `task`. */
export function requireTask(info: EndpointInfo, task: 'chat' | 'embeddings', fn: string): void {
  if (info.definition.task !== task) {
    const a = (t: string): string => (t === 'embeddings' ? `an ${t}` : `a ${t}`);
    throw new LochError('INVALID_ARGUMENT', `ai: ${fn} needs ${a(task)} endpoint; ${formatName(info.name)} is ${a(info.definition.task)} endpoint`, {
      context: { function: fn, endpoint: formatName(info.name) },
    });
  }
}

/**
 * The arguments of a call by parameter name: positional ones in `params` order, named ones by
 * name (`extra` names are accepted only by name). INVALID_ARGUMENT for too many, unknown or
 * missing arguments.
 */
export function callArguments(call: AiCallSite, params: readonly string[], required: number, extra: readonly string[] = []): Map<string, Span> {
  const usage = `${call.name}(${params.map((p, i) => (i < required ? p : `[${p}]`)).join(', ')})`;
  if (call.positional.length > params.length) {
    throw new LochError('INVALID_ARGUMENT', `ai: ${call.name} takes at most ${params.length} arguments, got ${call.positional.length}: ${usage}`, { context: { function: call.name } });
  }
  const out = new Map<string, Span>();
  call.positional.forEach((span, i) => out.set(params[i] as string, span));
  for (const [name, span] of call.named) {
    if (!params.includes(name) && !extra.includes(name)) {
      throw new LochError('INVALID_ARGUMENT', `ai: ${call.name} has no argument named ${name} (arguments: ${[...params, ...extra].join(', ')})`, { context: { function: call.name } });
    }
    if (out.has(name)) throw new LochError('INVALID_ARGUMENT', `ai: ${call.name}: argument ${name} is given twice`, { context: { function: call.name } });
    out.set(name, span);
  }
  const missing = params.slice(0, required).filter((p) => !out.has(p));
  if (missing.length > 0) throw new LochError('INVALID_ARGUMENT', `ai: ${call.name} is missing ${missing.join(', ')}: ${usage}`, { context: { function: call.name } });
  return out;
}

/** An argument callArguments found (required ones always are). */
export function arg(args: ReadonlyMap<string, Span>, name: string): Span {
  const span = args.get(name);
  if (span === undefined) throw new LochError('INTERNAL', `ai: argument ${name} is missing`);
  return span;
}

/** A constant label list: a non-empty array of distinct non-empty strings. */
export async function labelList(ctx: CallContext, span: Span, what: string): Promise<string[]> {
  const value = await ctx.constant(span, what);
  const ok = Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v.trim() !== '');
  if (!ok) throw new LochError('INVALID_ARGUMENT', `ai: ${what} must be a non-empty array of non-empty strings, e.g. array('a', 'b') (got ${ctx.text(span)})`, { context: { argument: what } });
  const labels = (value as string[]).map((v) => v.trim());
  if (new Set(labels.map((l) => l.toLowerCase())).size !== labels.length) throw new LochError('INVALID_ARGUMENT', `ai: ${what} has duplicate labels`, { context: { argument: what } });
  return labels;
}

/** SQL text of a per-row argument: the expression as text (chat and embeddings take text). */
export function rowArgSql(ctx: CallContext, span: Span): string {
  return `CAST((${ctx.text(span)}) AS VARCHAR)`;
}
