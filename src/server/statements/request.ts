import { LochError } from '../../core/errors.js';
import type { Disposition, ExecuteRequest, ResultFormat, StatementParameter } from './types.js';

const FORMATS: readonly ResultFormat[] = ['JSON_ARRAY', 'ARROW_STREAM', 'CSV'];
const DISPOSITIONS: readonly Disposition[] = ['INLINE', 'EXTERNAL_LINKS'];
const MAX_PARAMETERS = 1000;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

/**
 * Validates an ExecuteStatementRequest body. `warehouse_id` is accepted and ignored (Loch has one
 * warehouse); `query_tags` likewise. Anything malformed is INVALID_ARGUMENT (400
 * INVALID_PARAMETER_VALUE) naming the field; INLINE results come only as JSON_ARRAY (as on
 * Databricks: ARROW_STREAM and CSV need EXTERNAL_LINKS).
 */
export function parseExecuteRequest(body: Readonly<Record<string, unknown>>): ExecuteRequest {
  const statement = body['statement'];
  if (typeof statement !== 'string' || statement.trim() === '') throw invalid('statement is required (the SQL text)');
  const disposition = enumField(body, 'disposition', DISPOSITIONS, 'INLINE');
  const format = enumField(body, 'format', FORMATS, 'JSON_ARRAY');
  if (disposition === 'INLINE' && format !== 'JSON_ARRAY') {
    throw invalid(`format ${format} needs disposition EXTERNAL_LINKS (INLINE results are JSON_ARRAY)`);
  }
  const waitTimeoutMs = waitTimeout(body['wait_timeout']);
  const onWaitTimeout = enumField(body, 'on_wait_timeout', ['CONTINUE', 'CANCEL'] as const, 'CONTINUE');
  const catalog = optionalName(body, 'catalog');
  const schema = optionalName(body, 'schema');
  const rowLimit = optionalLimit(body, 'row_limit');
  const byteLimit = optionalLimit(body, 'byte_limit');
  return {
    statement,
    parameters: parameters(body['parameters']),
    waitTimeoutMs,
    onWaitTimeout,
    disposition,
    format,
    ...(catalog === undefined ? {} : { catalog }),
    ...(schema === undefined ? {} : { schema }),
    ...(rowLimit === undefined ? {} : { rowLimit }),
    ...(byteLimit === undefined ? {} : { byteLimit }),
  };
}

function invalid(message: string): LochError {
  return new LochError('INVALID_ARGUMENT', `statements: ${message}`);
}

function enumField<T extends string>(body: Readonly<Record<string, unknown>>, field: string, allowed: readonly T[], fallback: T): T {
  const value = body[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value.toUpperCase() as T)) {
    throw invalid(`${field} must be one of ${allowed.join(', ')}`);
  }
  return value.toUpperCase() as T;
}

/** '0s' or '5s'…'50s'; default 10 s. */
function waitTimeout(value: unknown): number {
  if (value === undefined || value === null) return 10_000;
  const match = typeof value === 'string' ? /^(\d{1,2})s$/.exec(value.trim()) : null;
  const seconds = match === null ? NaN : Number(match[1]);
  if (!(seconds === 0 || (seconds >= 5 && seconds <= 50))) throw invalid("wait_timeout must be '0s' or between '5s' and '50s'");
  return seconds * 1000;
}

function optionalName(body: Readonly<Record<string, unknown>>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 255 || /[\u0000-\u001f`]/.test(value)) throw invalid(`${field} must be a name`);
  return value;
}

function optionalLimit(body: Readonly<Record<string, unknown>>, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw invalid(`${field} must be a non-negative integer`);
  return n;
}

function parameters(value: unknown): StatementParameter[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid('parameters must be a list of {name, value, type}');
  if (value.length > MAX_PARAMETERS) throw invalid(`at most ${MAX_PARAMETERS} parameters`);
  const out = value.map((item, i) => parameter(item, i));
  const named = out.filter((p) => p.name !== undefined);
  if (named.length > 0 && named.length < out.length) throw invalid('parameters must all have a name, or none (positional ? markers)');
  const seen = new Set<string>();
  for (const p of named) {
    const key = (p.name as string).toLowerCase();
    if (seen.has(key)) throw invalid(`parameter ${p.name} is given twice`);
    seen.add(key);
  }
  return out;
}

function parameter(item: unknown, index: number): StatementParameter {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalid(`parameters[${index}] must be an object`);
  const { name, value, type } = item as Record<string, unknown>;
  if (name !== undefined && name !== null && (typeof name !== 'string' || !NAME.test(name))) {
    throw invalid(`parameters[${index}].name must be an identifier (letters, digits, _)`);
  }
  if (value !== undefined && value !== null && typeof value !== 'string') throw invalid(`parameters[${index}].value must be a string (or absent for NULL)`);
  if (type !== undefined && type !== null && (typeof type !== 'string' || type.length > 100)) throw invalid(`parameters[${index}].type must be a SQL type name`);
  return {
    ...(typeof name === 'string' ? { name } : {}),
    ...(typeof value === 'string' ? { value } : {}),
    ...(typeof type === 'string' && type.trim() !== '' ? { type } : {}),
  };
}
