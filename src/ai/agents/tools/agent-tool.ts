import type { Catalog } from '../../../catalog/catalog-types.js';
import type { GovernedSql } from '../../governed-sql.js';
import type { ToolDefinition } from '../../model-types.js';
import type { TraceContext } from '../../tracing/trace-types.js';

/**
 * A row an agent retrieved and may cite: the model sees `[index]` before the row in the tool
 * result and is asked to write that marker after what it took from it.
 */
export interface Citation {
  /** 1-based, unique within one agent run. */
  readonly index: number;
  /** Where the row came from: `vector_search:c.s.index`. */
  readonly source: string;
  /** The row's primary key as text. */
  readonly id: string;
  /** The row's text (the indexed column), or its JSON when it has no text column. */
  readonly text: string;
}

/** What a tool gets for one call: everything acts as the caller. */
export interface ToolRun {
  /** The caller's governed catalog. */
  readonly catalog: Catalog;
  /** Governed SQL as the caller (one session per agent run, created on first use). */
  sql(): GovernedSql;
  readonly signal?: AbortSignal;
  readonly requestId?: string;
  /** The tool's span: work the tool hands on (vector search) hangs its spans under it. */
  readonly trace: TraceContext;
  /** Records a citable row and returns its marker number. */
  cite(source: string, id: string, text: string): number;
}

/**
 * A tool resolved for one agent run: its OpenAI function definition (what the model sees) and
 * how to run it. `run` returns the text sent back to the model; a thrown LochError becomes the
 * tool result "error: <message>" (a refusal is something the model must be told, not a crash).
 */
export interface AgentTool {
  readonly name: string;
  readonly definition: ToolDefinition;
  /** The span type of a call (vector search is a RETRIEVER). */
  readonly spanType: 'TOOL' | 'RETRIEVER';
  run(args: Readonly<Record<string, unknown>>, run: ToolRun): Promise<string>;
}

/** A result value as JSON data: bigints as numbers when exact (else text), bytes as base64. */
export function jsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(jsonValue);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]));
  return value;
}

/** A tool name the OpenAI API accepts (`^[a-zA-Z0-9_-]{1,64}$`), from any text. */
export function toolName(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '');
  return (cleaned === '' ? 'tool' : cleaned).slice(0, 64);
}
