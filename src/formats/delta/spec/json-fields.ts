import { logError } from '../errors-context.js';
import type { LogWhere } from '../errors-context.js';

export type JsonObject = Readonly<Record<string, unknown>>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Typed access to the fields of one JSON object of the log. Every failure is CORRUPT_DATA naming
 * table, version, line, the object (e.g. "add") and the field. JSON null counts as absent, because
 * checkpoints (parquet) store every missing optional field as null.
 */
export class JsonFields {
  constructor(
    private readonly obj: JsonObject,
    private readonly what: string,
    private readonly where: LogWhere,
  ) {}

  fail(field: string, expected: string, value: unknown): never {
    const got = value === undefined || value === null ? 'nothing' : `${Array.isArray(value) ? 'array' : typeof value}`;
    throw logError('CORRUPT_DATA', 'delta log', this.where, `${this.what} field '${field}' must be ${expected}, got ${got}`, {
      context: { action: this.what, field },
    });
  }

  has(field: string): boolean {
    const value = this.obj[field];
    return value !== undefined && value !== null;
  }

  raw(field: string): unknown {
    return this.obj[field];
  }

  str(field: string): string {
    const value = this.obj[field];
    if (typeof value !== 'string') this.fail(field, 'a string', value);
    return value;
  }

  optStr(field: string): string | undefined {
    return this.has(field) ? this.str(field) : undefined;
  }

  int(field: string): number {
    const value = this.obj[field];
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(field, 'an integer', value);
    return value;
  }

  optInt(field: string): number | undefined {
    return this.has(field) ? this.int(field) : undefined;
  }

  bool(field: string): boolean {
    const value = this.obj[field];
    if (typeof value !== 'boolean') this.fail(field, 'a boolean', value);
    return value;
  }

  optBool(field: string): boolean | undefined {
    return this.has(field) ? this.bool(field) : undefined;
  }

  object(field: string): JsonObject {
    const value = this.obj[field];
    if (!isJsonObject(value)) this.fail(field, 'an object', value);
    return value;
  }

  optObject(field: string): JsonObject | undefined {
    return this.has(field) ? this.object(field) : undefined;
  }

  /** A map<string,string> whose values may be null (partition values). */
  nullableStringMap(field: string): Readonly<Record<string, string | null>> {
    const obj = this.object(field);
    const out: Record<string, string | null> = {};
    for (const [key, value] of Object.entries(obj)) {
      if (value !== null && typeof value !== 'string') this.fail(`${field}.${key}`, 'a string or null', value);
      out[key] = value;
    }
    return out;
  }

  /** A map<string,string>; null values are dropped (a null property is no property). */
  stringMap(field: string): Readonly<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.nullableStringMap(field))) {
      if (value !== null) out[key] = value;
    }
    return out;
  }

  optStringMap(field: string): Readonly<Record<string, string>> | undefined {
    return this.has(field) ? this.stringMap(field) : undefined;
  }

  stringArray(field: string): readonly string[] {
    const value = this.obj[field];
    if (!Array.isArray(value)) this.fail(field, 'an array of strings', value);
    for (const item of value as unknown[]) {
      if (typeof item !== 'string') this.fail(field, 'an array of strings', item);
    }
    return value as string[];
  }

  optStringArray(field: string): readonly string[] | undefined {
    return this.has(field) ? this.stringArray(field) : undefined;
  }

  /** A nested object read with its own JsonFields (errors name "add.deletionVector" etc.). */
  nested(field: string): JsonFields {
    return new JsonFields(this.object(field), `${this.what}.${field}`, this.where);
  }
}
