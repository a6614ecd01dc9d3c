import { LochError } from '../../core/errors.js';
import type { DataType } from '../../expr/types.js';
import type { TableRef } from '../parse/write-clauses.js';
import type { SqlEnv } from '../sql-env.js';
import { sqlString } from '../sql-text.js';
import type { WriteSummary } from '../write-target.js';
import { rowsSql, textColumns } from './result-rows.js';
import { fieldComment, sparkCatalogString } from './spark-types.js';
import { clusteringColumns, openRelation, relationColumns, relationComment, relationProperties, type RelationColumn, type RelationSource } from './table-source.js';

/**
 * DESCRIBE [TABLE] [EXTENDED] t → col_name, data_type, comment: one row per column, then
 * "# Partition Information" / "# Clustering Information" sections, and with EXTENDED an empty
 * row and "# Detailed Table Information" name/value rows (Databricks' layout, without Hive's
 * serde rows). DESCRIBE t col → info_name, info_value.
 */

type Row = readonly [string, string, string | undefined];

const COLUMNS = textColumns('col_name', 'data_type', 'comment');

export async function describeTable(env: SqlEnv, table: TableRef, extended: boolean, column: readonly string[] | undefined): Promise<WriteSummary> {
  const source = await openRelation(env, table, 'DESCRIBE TABLE');
  if (column !== undefined) return describeColumn(source, column);
  const columns = relationColumns(source);
  const rows: Row[] = columns.map((c) => [c.name, c.type, c.comment]);
  if (source.snapshot !== undefined) {
    rows.push(...section('# Partition Information', source.snapshot.partitionColumns, columns));
    rows.push(...section('# Clustering Information', clusteringColumns(source.snapshot), columns));
  }
  // Spark's layout for tables partitioned by transforms (DataSource v2).
  if (source.iceberg !== undefined && source.iceberg.partitioning.length > 0) {
    rows.push(['# Partitioning', '', ''], ...source.iceberg.partitioning.map((p, i): Row => [`Part ${i}`, p, '']));
  }
  if (extended) rows.push(['', '', ''], ['# Detailed Table Information', '', ''], ...detailRows(source).map(([k, v]): Row => [k, v, '']));
  return { resultSql: rowsSql(COLUMNS, rows.map((r) => r.map((v) => sqlString(v)))) };
}

function section(title: string, names: readonly string[], columns: readonly RelationColumn[]): Row[] {
  if (names.length === 0) return [];
  const rows: Row[] = [[title, '', ''], ['# col_name', 'data_type', 'comment']];
  for (const name of names) {
    const c = columns.find((x) => x.name === name);
    rows.push([name, c?.type ?? '', c?.comment]);
  }
  return rows;
}

/** The "# Detailed Table Information" name/value pairs. */
function detailRows(source: RelationSource): [string, string][] {
  const info = source.info;
  const rows: [string, string][] = [];
  const comment = relationComment(source);
  const properties = `[${relationProperties(source).map(([k, v]) => `${k}=${v}`).join(',')}]`;
  if (info === undefined) {
    const created = source.snapshot?.delta.metadata.createdTime;
    rows.push(['Name', source.display]);
    if (created !== undefined) rows.push(['Created Time', javaDate(created)]);
    rows.push(['Location', source.snapshot?.location.store.url ?? ''], ['Provider', 'delta']);
    if (comment !== undefined) rows.push(['Comment', comment]);
    rows.push(['Table Properties', properties]);
    return rows;
  }
  rows.push(['Catalog', info.catalog], ['Database', info.schema], ['Table', info.name], ['Created Time', javaDate(info.createdAt)], ['Type', info.tableType]);
  if (info.tableType === 'VIEW') {
    rows.push(['Owner', info.owner]);
    if (comment !== undefined) rows.push(['Comment', comment]);
    const names = (info.viewColumns ?? []).map((c) => c.name);
    rows.push(['View Text', info.viewText ?? ''], ['View Original Text', info.viewText ?? '']);
    rows.push(['View Catalog and Namespace', `${info.viewContext?.catalog ?? info.catalog}.${info.viewContext?.schema ?? info.schema}`]);
    rows.push(['View Query Output Columns', `[${names.join(', ')}]`]);
  } else {
    rows.push(['Location', info.location ?? ''], ['Provider', info.format === 'ICEBERG' ? 'iceberg' : 'delta'], ['Owner', info.owner], ['Is_managed_location', String(info.tableType === 'MANAGED')]);
    if (comment !== undefined) rows.push(['Comment', comment]);
  }
  rows.push(['Table Properties', properties]);
  return rows;
}

/** DESCRIBE t col (a.b for a nested field) → info_name/info_value rows col_name, data_type, comment. */
function describeColumn(source: RelationSource, path: readonly string[]): WriteSummary {
  const found = findColumn(source, path);
  if (found === undefined) {
    throw new LochError('NOT_FOUND', `sql: DESCRIBE TABLE: ${source.display} has no column ${path.join('.')} (UNRESOLVED_COLUMN)`, { context: { table: source.display, column: path.join('.') } });
  }
  const rows = [
    ['col_name', found.name],
    ['data_type', found.type],
    ['comment', found.comment],
  ].map((r) => r.map((v) => sqlString(v)));
  return { resultSql: rowsSql(textColumns('info_name', 'info_value'), rows) };
}

function findColumn(source: RelationSource, path: readonly string[]): { name: string; type: string; comment?: string } | undefined {
  const top = relationColumns(source).find((c) => c.name.toLowerCase() === (path[0] as string).toLowerCase());
  if (top === undefined || path.length === 1) return top;
  let type: DataType | undefined = top.field?.type;
  let found: { name: string; type: string; comment?: string } | undefined;
  for (const part of path.slice(1)) {
    const f = type?.kind === 'struct' ? type.fields.find((x) => x.name.toLowerCase() === part.toLowerCase()) : undefined;
    if (f === undefined) return undefined;
    const comment = fieldComment(f);
    found = { name: f.name, type: sparkCatalogString(f.type), ...(comment === undefined ? {} : { comment }) };
    type = f.type;
  }
  return found;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** java.util.Date#toString in UTC ("Tue Jan 02 03:04:05 UTC 2024"), as Spark prints Created Time. */
export function javaDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${time} UTC ${d.getUTCFullYear()}`;
}
