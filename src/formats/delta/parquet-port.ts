import type { ObjectStore } from '../../storage/object-store.js';

/**
 * The port through which Delta protocol code reads parquet log files (checkpoints, sidecars):
 * the format code has no parquet decoder of its own; the engine layer implements this with
 * DuckDB and the table layer injects it.
 *
 * Contract:
 * - `readJsonRows(store, key)` yields every row of the parquet object `key` in file order, each
 *   row as the plain JSON value DuckDB's `to_json` gives for it: structs are objects keyed by
 *   field name, maps are objects keyed by the map key as a string, lists are arrays, nulls are
 *   null (a null top-level column is present with value null or absent), integers are numbers
 *   (64-bit values beyond 2^53 lose precision; the log never needs them exact), dates and
 *   timestamps are strings.
 * - `columns`, when given, restricts the top-level columns read (missing ones are skipped, not
 *   an error); it is an optimisation, rows may carry more.
 * - A missing object throws NOT_FOUND; bytes that are not parquet throw CORRUPT_DATA naming the
 *   key. Nothing else is thrown.
 */
export interface ParquetJsonReader {
  readJsonRows(store: ObjectStore, key: string, columns?: readonly string[]): AsyncIterable<Record<string, unknown>>;
}
