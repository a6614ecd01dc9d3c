import { mkdir, mkdtemp, open, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeParquet } from '../../../engine/index.js';
import type { ParquetWriteSpec, Session, WriteColumn, WrittenFile } from '../../../engine/index.js';
import type { StructField } from '../../../expr/types.js';
import type { DataFile, IcebergSchema, PartitionSpec, TableMetadata } from '../../../formats/iceberg/model.js';
import { toLochSchema } from '../../../formats/iceberg/spec/schema.js';
import { dataFileFromWritten } from '../../../formats/iceberg/write/data-file.js';
import { metricsModes } from '../../../formats/iceberg/write/metrics-config.js';
import type { TableContext } from '../../context.js';
import type { TableLocation } from '../../location.js';
import { mapLimit } from '../../parallel.js';
import { partitionColumns, partitionTuple, type PartitionColumnPlan } from './partition-sql.js';
import { lineageFields } from './row-lineage.js';

/** What a write produced: the manifest's data files and the rows in them. */
export interface IcebergWriteResult {
  readonly files: DataFile[];
  readonly rows: number;
}

/** How a write shapes its files beyond the table's columns. */
export interface IcebergWriteOptions {
  /**
   * v3 row lineage: the source also gives `_row_id` and `_last_updated_sequence_number` (BIGINT,
   * NULL when not stored), written after the table's columns with their reserved field ids.
   */
  readonly rowLineage?: boolean;
}

const STAGING_DIR = '_loch_staging';
const DEFAULT_TARGET_FILE_SIZE = 512 * 1024 * 1024;

/**
 * Writes the rows of `sourceSql` (its columns named by the table's top-level logical names) as
 * Iceberg data files of `spec`: every column in the file with its field id (nested ids too),
 * files split by the partition transforms' results, stored under `data/<field>=<value>/…` and
 * described with their partition tuple and column metrics (of the table's columns). Files land
 * in their final place before the commit; nothing references them until it succeeds (orphan
 * cleanup removes the rest). With `rowLineage` the files also store the rows' lineage columns.
 */
export async function writeIcebergFiles(
  ctx: TableContext,
  table: TableLocation,
  session: Session,
  metadata: TableMetadata,
  schema: IcebergSchema,
  spec: PartitionSpec,
  sourceSql: string,
  options: IcebergWriteOptions = {},
): Promise<IcebergWriteResult> {
  const writeId = ctx.ids.uuid();
  const localStaging = table.store.localPath?.(`${STAGING_DIR}/${writeId}`);
  const stagingDir = localStaging ?? (await mkdtemp(join(tmpdir(), 'loch-iceberg-')));
  const { plans, select } = partitionColumns(spec, schema, table.name);
  const source = select.length === 0 ? sourceSql : `SELECT *, ${select.join(', ')} FROM (${sourceSql}) AS "__loch_rows"`;
  try {
    const written = await writeParquet(session, writeSpec(metadata, schema, plans, source, stagingDir, writeId, options));
    const named = written.map((file, i) => ({ file, key: `data/${partitionDirs(plans, file)}${writeId}-${String(i).padStart(5, '0')}.parquet` }));
    await mapLimit(named, ctx.ioConcurrency, ({ file, key }) => publish(table, localStaging !== undefined, file, key));
    const metrics = metricsModes(metadata.properties, schema);
    const location = metadata.location.replace(/\/+$/, '');
    const files = named.map(({ file, key }) =>
      dataFileFromWritten(file, { path: `${location}/${key}`, schema, partition: partitionTuple(plans, file.partitionValues, table.name), metrics }),
    );
    return { files, rows: files.reduce((n, f) => n + f.recordCount, 0) };
  } finally {
    await rm(stagingDir, { recursive: true, force: true });
  }
}

function writeSpec(
  metadata: TableMetadata,
  schema: IcebergSchema,
  plans: readonly PartitionColumnPlan[],
  sourceSql: string,
  outputDir: string,
  fileId: string,
  options: IcebergWriteOptions,
): ParquetWriteSpec {
  const codec = (metadata.properties['write.parquet.compression-codec'] ?? 'zstd').toLowerCase();
  const target = Number(metadata.properties['write.target-file-size-bytes'] ?? DEFAULT_TARGET_FILE_SIZE);
  return {
    sourceSql,
    columns: [...toLochSchema(schema).fields, ...(options.rowLineage === true ? lineageFields() : [])].map(writeColumn),
    partitionColumns: plans.flatMap((p) => (p.column === undefined ? [] : [{ source: p.column, physicalName: p.column, type: p.type }])),
    constraints: [],
    outputDir,
    fileId: fileId.replace(/[^A-Za-z0-9_-]/g, ''),
    compression: codec === 'snappy' ? 'snappy' : 'zstd',
    ...(Number.isSafeInteger(target) && target > 0 ? { targetFileSize: target } : {}),
  };
}

function writeColumn(f: StructField): WriteColumn {
  return { source: f.name, name: f.name, physicalName: f.physicalName, type: f.type, nullable: f.nullable, ...(f.fieldId !== undefined ? { fieldId: f.fieldId } : {}) };
}

/**
 * Hive-style directories for humans browsing the table (Iceberg never reads them): partition
 * field names with values reduced to safe characters, so file paths need no URL escaping.
 */
function partitionDirs(plans: readonly PartitionColumnPlan[], file: WrittenFile): string {
  return plans
    .map((p) => {
      const raw = p.column === undefined ? null : (file.partitionValues[p.column] ?? null);
      const text = raw === null ? 'null' : (p.prefixed ? raw.slice(1) : raw).replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || '_';
      return `${p.name.replace(/[^A-Za-z0-9_.-]/g, '_')}=${text}/`;
    })
    .join('');
}

async function publish(table: TableLocation, local: boolean, file: WrittenFile, key: string): Promise<void> {
  const finalPath = local ? table.store.localPath?.(key) : undefined;
  if (finalPath !== undefined) {
    await mkdir(dirname(finalPath), { recursive: true });
    await rename(file.localPath, finalPath);
    const handle = await open(finalPath, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    return;
  }
  await table.store.put(key, await readFile(file.localPath));
}
