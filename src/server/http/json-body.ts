import type { Context } from 'hono';
import { LochError } from '../../core/errors.js';

/**
 * The request body as a JSON object. An empty body is `{}` (Databricks clients send none for
 * cancel); anything that is not JSON, or JSON that is not an object, is INVALID_ARGUMENT ending
 * in "(MALFORMED_REQUEST)" (400 MALFORMED_REQUEST). The size limit is applied before, by the
 * server's body-limit middleware.
 */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await c.req.text();
  } catch (error) {
    throw new LochError('INVALID_ARGUMENT', 'http: the request body could not be read (MALFORMED_REQUEST)', { cause: error });
  }
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new LochError('INVALID_ARGUMENT', 'http: the request body is not valid JSON (MALFORMED_REQUEST)');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LochError('INVALID_ARGUMENT', 'http: the request body must be a JSON object (MALFORMED_REQUEST)');
  }
  return value as Record<string, unknown>;
}
