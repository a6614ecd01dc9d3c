/**
 * Loch's one shape of a model request and response, whatever the provider speaks. It follows
 * OpenAI's Chat Completions and Embeddings wire format (the lingua franca: vLLM, llama.cpp,
 * Ollama, LM Studio and Databricks serving endpoints all speak it), so the OpenAI-compatible
 * HTTP route passes requests through with little translation; the Anthropic provider maps
 * Messages API requests and responses to and from it.
 *
 * Field names are OpenAI's (snake_case) on purpose: these objects are serialised to and from the
 * wire as they are.
 */

export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

/** A part of a multi-part message (text only in Loch: images are not forwarded). */
export interface TextPart {
  readonly type: 'text';
  readonly text: string;
}

export interface ToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; /** JSON text, as the model wrote it. */ readonly arguments: string };
}

export interface ChatMessage {
  readonly role: ChatRole;
  /** Text, or parts; null for an assistant message that only calls tools. */
  readonly content: string | readonly TextPart[] | null;
  readonly name?: string;
  /** An assistant's tool calls. */
  readonly tool_calls?: readonly ToolCall[];
  /** A tool message answers this call. */
  readonly tool_call_id?: string;
}

export interface ToolDefinition {
  readonly type: 'function';
  readonly function: {
    readonly name: string;
    readonly description?: string;
    /** JSON Schema of the arguments. */
    readonly parameters?: Readonly<Record<string, unknown>>;
    readonly strict?: boolean;
  };
}

export type ToolChoice = 'none' | 'auto' | 'required' | { readonly type: 'function'; readonly function: { readonly name: string } };

/** `response_format`: free text, any JSON object, or JSON matching a schema. */
export type ResponseFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json_object' }
  | { readonly type: 'json_schema'; readonly json_schema: { readonly name: string; readonly schema: Readonly<Record<string, unknown>>; readonly strict?: boolean; readonly description?: string } };

export interface ChatRequest {
  /**
   * The provider's model id. Callers of the gateway may leave it out: the endpoint's configured
   * model is used (through the OpenAI-compatible route, `model` names the endpoint instead).
   */
  readonly model?: string;
  readonly messages: readonly ChatMessage[];
  readonly temperature?: number;
  readonly top_p?: number;
  readonly max_tokens?: number;
  readonly max_completion_tokens?: number;
  readonly stop?: string | readonly string[];
  readonly n?: number;
  readonly seed?: number;
  readonly tools?: readonly ToolDefinition[];
  readonly tool_choice?: ToolChoice;
  readonly response_format?: ResponseFormat;
  readonly stream?: boolean;
  /** OpenAI's `stream_options: {include_usage: true}`: the last chunk carries usage. */
  readonly stream_options?: { readonly include_usage?: boolean };
  readonly user?: string;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface Usage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

export interface ChatChoice {
  readonly index: number;
  readonly message: ChatMessage & { readonly role: 'assistant' };
  readonly finish_reason: FinishReason | null;
}

export interface ChatResponse {
  readonly id: string;
  readonly object: 'chat.completion';
  /** Epoch seconds. */
  readonly created: number;
  readonly model: string;
  readonly choices: readonly ChatChoice[];
  readonly usage?: Usage;
}

/** One SSE `data:` event of a streamed chat completion (OpenAI's chat.completion.chunk). */
export interface ChatChunk {
  readonly id: string;
  readonly object: 'chat.completion.chunk';
  readonly created: number;
  readonly model: string;
  readonly choices: readonly {
    readonly index: number;
    readonly delta: {
      readonly role?: 'assistant';
      readonly content?: string | null;
      /** Partial tool calls: `index` says which call a fragment of `arguments` belongs to. */
      readonly tool_calls?: readonly {
        readonly index: number;
        readonly id?: string;
        readonly type?: 'function';
        readonly function?: { readonly name?: string; readonly arguments?: string };
      }[];
    };
    readonly finish_reason: FinishReason | null;
  }[];
  /** Only on the last chunk, when `stream_options.include_usage`. */
  readonly usage?: Usage | null;
}

export interface EmbeddingRequest {
  readonly model?: string;
  readonly input: string | readonly string[];
  readonly dimensions?: number;
  readonly encoding_format?: 'float';
  readonly user?: string;
}

export interface EmbeddingResponse {
  readonly object: 'list';
  readonly data: readonly { readonly object: 'embedding'; readonly index: number; readonly embedding: readonly number[] }[];
  readonly model: string;
  readonly usage: { readonly prompt_tokens: number; readonly total_tokens: number };
}

/** What a model endpoint is for: chat (and completions), or embeddings. */
export type EndpointTask = 'chat' | 'embeddings';

/** The text of the first choice of a chat response ('' when the model only called tools). */
export function responseText(response: ChatResponse): string {
  const content = response.choices[0]?.message.content;
  if (content === null || content === undefined) return '';
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}
