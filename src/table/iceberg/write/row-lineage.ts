import { primitive } from '../../../expr/types.js';
import type { StructField, StructType } from '../../../expr/types.js';
import type { TableMetadata } from '../../../formats/iceberg/model.js';

/** Reserved field ids of the v3 row lineage metadata columns (spec §Row Lineage, §Reserved Field IDs). */
export const ROW_ID_FIELD_ID = 2147483540;
export const LAST_UPDATED_SEQ_FIELD_ID = 2147483539;
/** Their names, both in data files and as the read path shows them. */
export const ROW_ID_COLUMN = '_row_id';
export const LAST_UPDATED_SEQ_COLUMN = '_last_updated_sequence_number';

/**
 * True when rewriting rows of this table must carry their lineage: a format-version 3 table
 * whose schema does not itself name a column like a lineage column (the read path could not
 * tell them apart; such a table keeps v2 behaviour: rewritten rows get fresh ids).
 */
export function carriesRowLineage(metadata: TableMetadata | undefined, schema: StructType): boolean {
  if (metadata === undefined || metadata.formatVersion < 3) return false;
  const reserved = new Set([ROW_ID_COLUMN, LAST_UPDATED_SEQ_COLUMN]);
  return !schema.fields.some((f) => reserved.has(f.name.toLowerCase()));
}

/**
 * The two lineage columns as fields written after the table's columns, with their reserved
 * field ids (as Spark writes them when it copies rows); NULL means "not stored": the reader
 * assigns first_row_id + position and the file's data sequence number.
 */
export function lineageFields(): StructField[] {
  const long = primitive('long');
  return [
    { name: ROW_ID_COLUMN, type: long, nullable: true, physicalName: ROW_ID_COLUMN, fieldId: ROW_ID_FIELD_ID },
    { name: LAST_UPDATED_SEQ_COLUMN, type: long, nullable: true, physicalName: LAST_UPDATED_SEQ_COLUMN, fieldId: LAST_UPDATED_SEQ_FIELD_ID },
  ];
}

/** The table's columns followed by the lineage columns: the shape of a lineage-carrying write. */
export function withLineageFields(schema: StructType): StructType {
  return { ...schema, fields: [...schema.fields, ...lineageFields()] };
}
