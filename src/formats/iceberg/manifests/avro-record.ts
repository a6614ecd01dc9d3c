import { LochError } from '../../../core/index.js';
import type { AvroFieldInfo } from '../avro/field-ids.js';

/**
 * Reading one decoded Avro record by Iceberg field id, with the number conversions every
 * manifest reader needs (avsc gives longs as bigint; Iceberg counts and sequence numbers fit a
 * JS number).
 */
export class AvroRecordReader {
  constructor(
    readonly fields: ReadonlyMap<number, AvroFieldInfo>,
    /** Message prefix, e.g. "iceberg manifest list: metadata/snap-1.avro". */
    private readonly prefix: string,
  ) {}

  has(id: number): boolean {
    return this.fields.has(id);
  }

  /** The value of field `id`; undefined when the schema lacks the field or the value is null. */
  value(record: unknown, id: number): unknown {
    const info = this.fields.get(id);
    if (info === undefined) return undefined;
    const value = (record as Record<string, unknown>)[info.name];
    return value === null ? undefined : value;
  }

  corrupt(detail: string): LochError {
    return new LochError('CORRUPT_DATA', `${this.prefix}: ${detail}`);
  }

  required(record: unknown, id: number, label: string, entry: number): unknown {
    const value = this.value(record, id);
    if (value === undefined) throw this.corrupt(`entry ${entry}: required field ${label} (id ${id}) is missing or null`);
    return value;
  }

  /** An int or long field as a number; undefined when absent. Values beyond 2^53 → CORRUPT_DATA. */
  number(record: unknown, id: number, label: string, entry: number): number | undefined {
    const value = this.value(record, id);
    if (value === undefined) return undefined;
    if (typeof value === 'number') return value;
    if (typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)) return Number(value);
    throw this.corrupt(`entry ${entry}: field ${label} (id ${id}) holds ${String(value)}, not a number below 2^53`);
  }

  requiredNumber(record: unknown, id: number, label: string, entry: number): number {
    const value = this.number(record, id, label, entry);
    if (value === undefined) throw this.corrupt(`entry ${entry}: required field ${label} (id ${id}) is missing or null`);
    return value;
  }

  /** A long field as a bigint (snapshot ids). */
  bigint(record: unknown, id: number, label: string, entry: number): bigint | undefined {
    const value = this.value(record, id);
    if (value === undefined) return undefined;
    if (typeof value === 'bigint') return value;
    if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
    throw this.corrupt(`entry ${entry}: field ${label} (id ${id}) is not an integer`);
  }

  string(record: unknown, id: number, label: string, entry: number): string | undefined {
    const value = this.value(record, id);
    if (value === undefined || typeof value === 'string') return value;
    throw this.corrupt(`entry ${entry}: field ${label} (id ${id}) is not a string`);
  }

  bytes(record: unknown, id: number, label: string, entry: number): Uint8Array | undefined {
    const value = this.value(record, id);
    if (value === undefined) return undefined;
    if (value instanceof Uint8Array) return new Uint8Array(value);
    throw this.corrupt(`entry ${entry}: field ${label} (id ${id}) is not bytes`);
  }

  boolean(record: unknown, id: number, label: string, entry: number): boolean | undefined {
    const value = this.value(record, id);
    if (value === undefined || typeof value === 'boolean') return value;
    throw this.corrupt(`entry ${entry}: field ${label} (id ${id}) is not a boolean`);
  }
}
