import type { TableInfo } from '../../catalog/catalog-types.js';
import type { DataType, StructType } from '../../expr/types.js';
import { sqlString } from '../sql-text.js';
import { sqlInteger, textColumns, type ResultColumn } from './result-rows.js';
import { duckDbTypeAsDataType, fieldComment, sparkCatalogString, ucTypeName } from './spark-types.js';

/**
 * information_schema.columns: Databricks' column list, one row per top-level column of every
 * table (from its Delta schema) and view (as recorded at creation). ORDINAL_POSITION counts
 * from 1. Identity, generation and system-time columns are the constants Databricks documents
 * for columns that have none of those.
 */

const INT = (name: string): ResultColumn => ({ name, type: 'INTEGER' });

export const INFORMATION_COLUMNS: readonly ResultColumn[] = [
  ...textColumns('table_catalog', 'table_schema', 'table_name', 'column_name'),
  INT('ordinal_position'),
  ...textColumns('column_default', 'is_nullable', 'full_data_type', 'data_type'),
  INT('character_maximum_length'),
  ...textColumns('character_octet_length'),
  INT('numeric_precision'),
  INT('numeric_precision_radix'),
  INT('numeric_scale'),
  INT('datetime_precision'),
  ...textColumns('interval_type'),
  INT('interval_precision'),
  INT('maximum_cardinality'),
  ...textColumns(
    'is_identity',
    'identity_generation',
    'identity_start',
    'identity_increment',
    'identity_maximum',
    'identity_minimum',
    'identity_cycle',
    'is_generated',
    'generation_expression',
    'is_system_time_period_start',
    'is_system_time_period_end',
    'system_time_period_timestamp_generation',
    'is_updatable',
  ),
  INT('partition_ordinal_position'),
  ...textColumns('comment'),
];

interface ColumnFacts {
  readonly name: string;
  readonly type: DataType | undefined;
  /** The type text when `type` is undefined (a view column of a type tables cannot hold). */
  readonly typeText: string;
  readonly nullable: boolean;
  readonly defaultSql?: string;
  readonly comment?: string;
}

/** The rows of one table or view (none for a table whose log could not be read). */
/** What the columns view needs of a table: a Delta snapshot satisfies it, an Iceberg table is mapped to it. */
export interface TableColumnsSource {
  readonly schema: StructType;
  readonly partitionColumns: readonly string[];
}

export function informationColumnRows(info: TableInfo, snapshot: TableColumnsSource | undefined): string[][] {
  const isView = info.tableType === 'VIEW';
  const facts: ColumnFacts[] = isView ? viewFacts(info) : snapshot === undefined ? [] : tableFacts(snapshot);
  const partitions = snapshot?.partitionColumns ?? [];
  return facts.map((c, i) => {
    const partition = partitions.indexOf(c.name);
    return [
      ...[info.catalog, info.schema, info.name, c.name].map((x) => sqlString(x)),
      sqlInteger(i + 1),
      sqlString(c.defaultSql),
      sqlString(c.nullable ? 'YES' : 'NO'),
      sqlString(c.type === undefined ? c.typeText : sparkCatalogString(c.type)),
      sqlString(c.type === undefined ? c.typeText.toUpperCase() : ucTypeName(c.type)),
      sqlInteger(undefined),
      sqlString(undefined),
      ...numericFacts(c.type).map(sqlInteger),
      sqlString(undefined),
      sqlInteger(undefined),
      sqlInteger(undefined),
      ...['NO', undefined, undefined, undefined, undefined, undefined, undefined, 'NEVER', undefined, 'NO', 'NO', undefined, isView ? 'NO' : 'YES'].map((x) => sqlString(x)),
      sqlInteger(partition < 0 ? undefined : partition + 1),
      sqlString(c.comment),
    ];
  });
}

function tableFacts(snapshot: TableColumnsSource): ColumnFacts[] {
  return snapshot.schema.fields.map((f) => {
    const defaultSql = f.metadata?.['CURRENT_DEFAULT'];
    const comment = fieldComment(f);
    return {
      name: f.name,
      type: f.type,
      typeText: sparkCatalogString(f.type),
      nullable: f.nullable,
      ...(typeof defaultSql === 'string' ? { defaultSql } : {}),
      ...(comment === undefined ? {} : { comment }),
    };
  });
}

function viewFacts(info: TableInfo): ColumnFacts[] {
  return (info.viewColumns ?? []).map((c) => ({ name: c.name, type: duckDbTypeAsDataType(c.type, c.name), typeText: c.type.toLowerCase(), nullable: true }));
}

const BITS: Readonly<Record<string, number>> = { byte: 8, short: 16, integer: 32, long: 64, float: 24, double: 53 };

/** numeric_precision, numeric_precision_radix, numeric_scale, datetime_precision. */
function numericFacts(type: DataType | undefined): (number | undefined)[] {
  if (type?.kind === 'decimal') return [type.precision, 10, type.scale, undefined];
  if (type?.kind !== 'primitive') return [undefined, undefined, undefined, undefined];
  const bits = BITS[type.name];
  if (bits !== undefined) return [bits, 2, type.name === 'float' || type.name === 'double' ? undefined : 0, undefined];
  if (type.name === 'date') return [undefined, undefined, undefined, 0];
  if (type.name === 'timestamp' || type.name === 'timestamp_ntz') return [undefined, undefined, undefined, 3];
  return [undefined, undefined, undefined, undefined];
}
