import { isLochError } from '../../core/errors.js';
import { field, primitive } from '../../expr/types.js';
import type { DataType } from '../../expr/types.js';
import type { EndpointInfo } from '../endpoint-types.js';
import type { ChatRequest } from '../model-types.js';
import { responseText } from '../model-types.js';
import type { AiFunctionName } from './ai-calls.js';
import type { CallContext, CallPlan, RowArgs } from './call-context.js';

/** How one kind of chat call turns a row into a request and a reply into its SQL value. */
export interface ChatSpec {
  readonly fn: AiFunctionName;
  readonly endpoint: EndpointInfo;
  /** SQL expressions staged per row (their values reach `request` in this order). */
  readonly rowArgs: readonly string[];
  /** The SQL type of the value `parse` returns. */
  readonly valueType: DataType;
  /** The request for a row whose arguments are all non-NULL. */
  request(row: readonly string[]): ChatRequest;
  /** The reply text as a value of valueType; throws an Error saying why it does not fit. */
  parse(text: string): unknown;
  /**
   * false: errors become values, the result is STRUCT(result valueType, errorMessage STRING)
   * (Databricks' failOnError => false); true: the first failing row fails the statement.
   */
  readonly failOnError: boolean;
}

/** The result type of a call that reports errors as values. */
export function errorStruct(valueType: DataType): DataType {
  return { kind: 'struct', fields: [field('result', valueType), field('errorMessage', primitive('string'))] };
}

/** A CallPlan that sends one chat request per row through the gateway. */
export function chatPlan(ctx: CallContext, spec: ChatSpec): CallPlan {
  const one = async (row: RowArgs, signal: AbortSignal): Promise<unknown> => {
    if (row.some((v) => v === null)) return null;
    const compute = async (): Promise<unknown> => {
      const response = await ctx.runtime.gateway.chat(spec.endpoint.name, spec.request(row as string[]), ctx.invokeOptions(signal));
      return spec.parse(responseText(response));
    };
    if (spec.failOnError) return compute();
    try {
      return { result: await compute(), errorMessage: null };
    } catch (error) {
      if (signal.aborted || isLochError(error, 'CANCELLED')) throw error;
      return { result: null, errorMessage: error instanceof Error ? error.message : String(error) };
    }
  };
  return {
    fn: spec.fn,
    rowArgs: spec.rowArgs,
    resultType: spec.failOnError ? spec.valueType : errorStruct(spec.valueType),
    rowsPerRequest: 1,
    maxConcurrency: spec.endpoint.definition.limits.maxConcurrency,
    evaluate: (rows, signal) => Promise.all(rows.map((row) => one(row, signal))),
  };
}
