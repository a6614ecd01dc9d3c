import type { ChatChunk, ChatResponse, FinishReason, ToolCall, Usage } from '../model-types.js';

interface PartialCall {
  id: string;
  name: string;
  arguments: string;
}

interface PartialChoice {
  content: string;
  finish: FinishReason | null;
  calls: PartialCall[];
}

/**
 * Folds the chunks of a streamed chat completion into the response it amounts to, for the
 * inference log (request and response text) and its token counts.
 */
export class StreamSummary {
  private id = '';
  private model = '';
  private created = 0;
  private readonly choices = new Map<number, PartialChoice>();
  usage: Usage | undefined;

  add(chunk: ChatChunk): void {
    this.id = chunk.id || this.id;
    this.model = chunk.model || this.model;
    this.created = chunk.created || this.created;
    if (chunk.usage !== undefined && chunk.usage !== null) this.usage = chunk.usage;
    for (const choice of chunk.choices) {
      const into = this.choice(choice.index);
      if (typeof choice.delta.content === 'string') into.content += choice.delta.content;
      if (choice.finish_reason !== null) into.finish = choice.finish_reason;
      for (const part of choice.delta.tool_calls ?? []) {
        const call = (into.calls[part.index] ??= { id: '', name: '', arguments: '' });
        if (part.id !== undefined) call.id = part.id;
        if (part.function?.name !== undefined) call.name += part.function.name;
        if (part.function?.arguments !== undefined) call.arguments += part.function.arguments;
      }
    }
  }

  response(): ChatResponse {
    const choices = [...this.choices.entries()].sort(([a], [b]) => a - b).map(([index, c]) => {
      const toolCalls: ToolCall[] = c.calls.filter((call) => call !== undefined).map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
      const message = { role: 'assistant' as const, content: c.content === '' && toolCalls.length > 0 ? null : c.content, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) };
      return { index, message, finish_reason: c.finish };
    });
    return { id: this.id, object: 'chat.completion', created: this.created, model: this.model, choices, ...(this.usage !== undefined ? { usage: this.usage } : {}) };
  }

  private choice(index: number): PartialChoice {
    let choice = this.choices.get(index);
    if (choice === undefined) {
      choice = { content: '', finish: null, calls: [] };
      this.choices.set(index, choice);
    }
    return choice;
  }
}
