/**
 * The Arrow type of each DuckDB type. Simple types map one to one; types Arrow JS cannot carry
 * faithfully (INTERVAL, UUID, ENUM, UNION, BIT, TIME WITH TIME ZONE, UHUGEINT, …) become Utf8
 * holding DuckDB's text.
 */
import {
  Binary,
  Bool,
  DateDay,
  Decimal,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  Map_,
  Struct,
  TimeMicrosecond,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  type DataType as ArrowType,
} from 'apache-arrow';
import { DuckDBArrayType, DuckDBDecimalType, DuckDBListType, DuckDBMapType, DuckDBStructType, DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';

type SimpleFactory = () => ArrowType;

const SIMPLE: Partial<Record<DuckDBTypeId, SimpleFactory>> = {
  [DuckDBTypeId.BOOLEAN]: () => new Bool(),
  [DuckDBTypeId.TINYINT]: () => new Int8(),
  [DuckDBTypeId.SMALLINT]: () => new Int16(),
  [DuckDBTypeId.INTEGER]: () => new Int32(),
  [DuckDBTypeId.BIGINT]: () => new Int64(),
  [DuckDBTypeId.UTINYINT]: () => new Uint8(),
  [DuckDBTypeId.USMALLINT]: () => new Uint16(),
  [DuckDBTypeId.UINTEGER]: () => new Uint32(),
  [DuckDBTypeId.UBIGINT]: () => new Uint64(),
  [DuckDBTypeId.HUGEINT]: () => new Decimal(0, 38, 128),
  [DuckDBTypeId.FLOAT]: () => new Float32(),
  [DuckDBTypeId.DOUBLE]: () => new Float64(),
  [DuckDBTypeId.VARCHAR]: () => new Utf8(),
  [DuckDBTypeId.BLOB]: () => new Binary(),
  [DuckDBTypeId.DATE]: () => new DateDay(),
  [DuckDBTypeId.TIME]: () => new TimeMicrosecond(),
  [DuckDBTypeId.TIMESTAMP]: () => new TimestampMicrosecond(),
  [DuckDBTypeId.TIMESTAMP_TZ]: () => new TimestampMicrosecond('UTC'),
  [DuckDBTypeId.TIMESTAMP_S]: () => new TimestampSecond(),
  [DuckDBTypeId.TIMESTAMP_MS]: () => new TimestampMillisecond(),
  [DuckDBTypeId.TIMESTAMP_NS]: () => new TimestampNanosecond(),
};

/** The Arrow type that `chunkToRecordBatch` produces for a DuckDB type. */
export function arrowTypeOf(type: DuckDBType): ArrowType {
  if (type instanceof DuckDBDecimalType) return new Decimal(type.scale, type.width, 128);
  if (type instanceof DuckDBListType) return new List(new Field('item', arrowTypeOf(type.valueType), true));
  if (type instanceof DuckDBArrayType) return new FixedSizeList(type.length, new Field('item', arrowTypeOf(type.valueType), true));
  if (type instanceof DuckDBStructType) {
    return new Struct(type.entryNames.map((name, i) => new Field(name, arrowTypeOf(type.entryTypes[i] as DuckDBType), true)));
  }
  if (type instanceof DuckDBMapType) {
    const entries = new Struct([new Field('key', arrowTypeOf(type.keyType), false), new Field('value', arrowTypeOf(type.valueType), true)]);
    return new Map_(new Field('entries', entries, false), false);
  }
  const simple = SIMPLE[type.typeId];
  return simple ? simple() : new Utf8();
}
