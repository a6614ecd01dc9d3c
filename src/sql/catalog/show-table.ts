import { LochError } from '../../core/errors.js';
import type { StructField } from '../../expr/types.js';
import type { NameParts } from '../parse/catalog-ast.js';
import type { TableRef } from '../parse/write-clauses.js';
import type { SqlEnv } from '../sql-env.js';
import { sqlString } from '../sql-text.js';
import type { WriteSummary } from '../write-target.js';
import { rowsSql, textColumns } from './result-rows.js';
import { columnDdl, quoteIfNeeded, quoteLiteral } from './spark-types.js';
import { clusteringColumns, openRelation, relationColumns, relationComment, relationProperties, type RelationSource } from './table-source.js';

/** SHOW COLUMNS, SHOW TBLPROPERTIES and SHOW CREATE TABLE for catalog tables, views and delta.`path` tables. */

/** SHOW COLUMNS {IN|FROM} t [{IN|FROM} schema] → col_name. */
export async function showColumns(env: SqlEnv, table: TableRef, schema: NameParts | undefined): Promise<WriteSummary> {
  const source = await openRelation(env, withSchema(table, schema), 'SHOW COLUMNS');
  const names = relationColumns(source).map((c) => [sqlString(c.name)]);
  return { resultSql: rowsSql(textColumns('col_name'), names) };
}

/** `t IN s` is `s.t`; a qualified table must agree with the schema given. */
function withSchema(table: TableRef, schema: NameParts | undefined): TableRef {
  if (schema === undefined) return table;
  if (table.kind === 'path') throw new LochError('INVALID_ARGUMENT', 'sql: SHOW COLUMNS: a table given by path takes no IN <schema>');
  if (table.parts.length === 1) return { kind: 'name', parts: [...schema, ...table.parts] };
  const qualifier = table.parts.slice(0, -1).map((p) => p.toLowerCase());
  const given = schema.map((p) => p.toLowerCase());
  // `c.s.t IN s` and `s.t IN c.s` agree when the shorter qualifier ends the longer one.
  const [shorter, longer] = qualifier.length <= given.length ? [qualifier, given] : [given, qualifier];
  if (longer.slice(longer.length - shorter.length).join('.') !== shorter.join('.')) {
    throw new LochError('INVALID_ARGUMENT', `sql: SHOW COLUMNS: table ${table.parts.join('.')} is not in schema ${schema.join('.')} (SHOW_COLUMNS_WITH_CONFLICT_NAMESPACE)`);
  }
  return { kind: 'name', parts: [...(given.length > qualifier.length ? schema : table.parts.slice(0, -1)), table.parts[table.parts.length - 1] as string] };
}

/** SHOW TBLPROPERTIES t [(key)] → key, value; a missing key gives Spark's explanatory value. */
export async function showTableProperties(env: SqlEnv, table: TableRef, key: string | undefined): Promise<WriteSummary> {
  const source = await openRelation(env, table, 'SHOW TBLPROPERTIES');
  const properties = relationProperties(source);
  const columns = textColumns('key', 'value');
  if (key === undefined) return { resultSql: rowsSql(columns, properties.map(([k, v]) => [sqlString(k), sqlString(v)])) };
  const found = properties.find(([k]) => k === key) ?? properties.find(([k]) => k.toLowerCase() === key.toLowerCase());
  const value = found?.[1] ?? `Table ${source.display} does not have property: ${key}`;
  return { resultSql: rowsSql(columns, [[sqlString(found?.[0] ?? key), sqlString(value)]]) };
}

/** SHOW CREATE TABLE → createtab_stmt. */
export async function showCreateTable(env: SqlEnv, table: TableRef): Promise<WriteSummary> {
  const source = await openRelation(env, table, 'SHOW CREATE TABLE');
  const text = source.iceberg !== undefined ? createIcebergText(source) : source.snapshot === undefined ? createViewText(source) : createTableText(source);
  return { resultSql: rowsSql(textColumns('createtab_stmt'), [[sqlString(text)]]) };
}

/**
 * Spark's layout: CREATE TABLE name (columns one per line) USING delta [PARTITIONED BY] [CLUSTER
 * BY] [COMMENT] [LOCATION, external tables only] [TBLPROPERTIES, sorted, with the protocol
 * versions and table features]. Literals double quotes (''), so Loch reads the text back.
 */
export function createTableText(source: RelationSource): string {
  const snapshot = source.snapshot;
  if (snapshot === undefined) throw new Error('createTableText needs a table');
  const lines = [`CREATE TABLE ${source.display}${columnBlock(snapshot.schema.fields.map(columnDdl))}`, 'USING delta'];
  if (snapshot.partitionColumns.length > 0) lines.push(`PARTITIONED BY (${snapshot.partitionColumns.map(quoteIfNeeded).join(', ')})`);
  const clustering = clusteringColumns(snapshot);
  if (clustering.length > 0) lines.push(`CLUSTER BY (${clustering.map((c) => c.split('.').map(quoteIfNeeded).join('.')).join(', ')})`);
  const comment = relationComment(source);
  if (comment !== undefined) lines.push(`COMMENT ${quoteLiteral(comment)}`);
  if (source.info?.tableType === 'EXTERNAL' && source.info.location !== undefined) lines.push(`LOCATION ${quoteLiteral(source.info.location)}`);
  lines.push(...propertiesBlock(relationProperties(source)));
  return lines.join('\n');
}

/** Spark's layout for an Iceberg table: USING iceberg, PARTITIONED BY its transforms, the table properties. */
function createIcebergText(source: RelationSource): string {
  const iceberg = source.iceberg;
  if (iceberg === undefined) throw new Error('createIcebergText needs an Iceberg table');
  const lines = [`CREATE TABLE ${source.display}${columnBlock(relationColumns(source).map((c) => columnDdl(c.field as StructField)))}`, 'USING iceberg'];
  if (iceberg.partitioning.length > 0) lines.push(`PARTITIONED BY (${iceberg.partitioning.join(', ')})`);
  const comment = relationComment(source);
  if (comment !== undefined) lines.push(`COMMENT ${quoteLiteral(comment)}`);
  if (source.info?.tableType === 'EXTERNAL' && source.info.location !== undefined) lines.push(`LOCATION ${quoteLiteral(source.info.location)}`);
  lines.push(...propertiesBlock(relationProperties(source)));
  return lines.join('\n');
}

/** CREATE VIEW name (columns) [COMMENT] [TBLPROPERTIES] AS <text as written>. */
function createViewText(source: RelationSource): string {
  const names = relationColumns(source).map((c) => quoteIfNeeded(c.name));
  const lines = [`CREATE VIEW ${source.display}${columnBlock(names)}`];
  const comment = relationComment(source);
  if (comment !== undefined) lines.push(`COMMENT ${quoteLiteral(comment)}`);
  lines.push(...propertiesBlock(relationProperties(source)));
  lines.push(`AS ${source.info?.viewText ?? ''}`);
  return lines.join('\n');
}

function columnBlock(items: readonly string[]): string {
  return items.length === 0 ? '' : ` (\n  ${items.join(',\n  ')})`;
}

function propertiesBlock(properties: readonly [string, string][]): string[] {
  if (properties.length === 0) return [];
  return [`TBLPROPERTIES (\n  ${properties.map(([k, v]) => `${quoteLiteral(k)} = ${quoteLiteral(v)}`).join(',\n  ')})`];
}
