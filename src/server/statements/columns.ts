import type { DataType } from '../../expr/types.js';
import { duckDbTypeAsDataType, sparkSqlType, ucTypeName } from '../../sql/catalog/spark-types.js';
import type { ColumnInfoJson } from './types.js';

/** A result column: its name, DuckDB type text and, when a table could hold it, Loch's type. */
export interface ResultColumn {
  readonly name: string;
  readonly duckType: string;
  readonly type?: DataType;
}

/** Databricks' ColumnInfoTypeName is a closed list: the nearest member for the names it lacks. */
const TYPE_NAME_FIXES: Readonly<Record<string, string>> = {
  TIMESTAMP_NTZ: 'TIMESTAMP',
  VARIANT: 'USER_DEFINED_TYPE',
};

export function resultColumns(columns: readonly { readonly name: string; readonly type: string }[]): ResultColumn[] {
  return columns.map((c) => {
    const type = duckDbTypeAsDataType(c.type, c.name);
    return { name: c.name, duckType: c.type, ...(type === undefined ? {} : { type }) };
  });
}

/**
 * `manifest.schema.columns`: type_text in Spark's SQL spelling (BIGINT, DECIMAL(10,2),
 * ARRAY<INT>), type_name from ColumnInfoTypeName; types no table can hold (INTERVAL, HUGEINT…)
 * keep DuckDB's spelling with type_name INTERVAL or USER_DEFINED_TYPE.
 */
export function columnInfos(columns: readonly ResultColumn[]): ColumnInfoJson[] {
  return columns.map((c, position) => {
    if (c.type === undefined) {
      const text = c.duckType.toUpperCase();
      return { name: c.name, position, type_name: text.startsWith('INTERVAL') ? 'INTERVAL' : 'USER_DEFINED_TYPE', type_text: text };
    }
    const name = ucTypeName(c.type);
    return {
      name: c.name,
      position,
      type_name: TYPE_NAME_FIXES[name] ?? name,
      type_text: sparkSqlType(c.type),
      ...(c.type.kind === 'decimal' ? { type_precision: c.type.precision, type_scale: c.type.scale } : {}),
    };
  });
}
