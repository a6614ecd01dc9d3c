import { mkdir, mkdtemp, open, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeParquet } from '../../engine/index.js';
import type { ParquetWriteSpec, Session, WriteColumn, WriteConstraint, WrittenFile } from '../../engine/index.js';
import type { StructField, StructType } from '../../expr/types.js';
import type { AddFile, Metadata } from '../../formats/delta/spec/actions.js';
import { encodeDataPath } from '../../formats/delta/write/data-path.js';
import { applyNestedIds } from '../../formats/delta/write/nested-ids.js';
import { icebergCompatVersion, parseTableProperties } from '../../formats/delta/write/properties.js';
import { buildStatsJson } from '../../formats/delta/write/stats-build.js';
import type { TableContext } from '../context.js';
import type { TableLocation } from '../location.js';
import { mapLimit } from '../parallel.js';
import { fileSchemaJson } from '../uniform/iceberg-schema.js';

/** The table shape a write targets: logical schema (with physical names) and partitioning. */
export interface WriteTarget {
  readonly schema: StructType;
  readonly partitionColumns: readonly string[];
  readonly metadata: Metadata;
}

export interface DataWriteOptions {
  /** Target parquet file size in bytes (default 128 MiB). */
  readonly targetFileSize?: number;
  /** Extra row checks (e.g. REPLACE WHERE's condition) on top of the table's constraints. */
  readonly extraConstraints?: readonly WriteConstraint[];
  /** A folder under the table root for the files (change data files go to `_change_data`). */
  readonly subdir?: string;
}

export interface DataWriteResult {
  readonly adds: AddFile[];
  readonly rows: number;
  readonly bytes: number;
}

/** Folder under the table root where DuckDB writes before files move to their final names. */
const STAGING_DIR = '_loch_staging';

/**
 * Writes the rows of `sourceSql` (columns named by the target's logical names) as data files
 * of the table and returns their add actions (dataChange = true, statistics included).
 *
 * The files land in their final place before the commit but nothing references them until the
 * commit succeeds; a failed or abandoned write leaves orphans only VACUUM removes. On a local
 * table DuckDB writes into a staging folder under the root, and files are renamed into place
 * and fsynced; on other stores they are staged in a local temp folder and uploaded.
 */
export async function writeDataFiles(ctx: TableContext, table: TableLocation, session: Session, target: WriteTarget, sourceSql: string, options: DataWriteOptions = {}): Promise<DataWriteResult> {
  const writeId = ctx.ids.uuid();
  const localStaging = table.store.localPath?.(`${STAGING_DIR}/${writeId}`);
  const local = localStaging !== undefined;
  const stagingDir = localStaging ?? (await mkdtemp(join(tmpdir(), 'loch-write-')));
  const spec = writeSpec(target, sourceSql, stagingDir, writeId, options);
  try {
    const placed = (await writeParquet(session, spec)).map((f) => fromEngineKeys(spec, target, f));
    const written = options.subdir === undefined ? placed : placed.map((f) => ({ ...f, relativePath: `${options.subdir}/${f.relativePath}` }));
    await mapLimit(written, ctx.ioConcurrency, (file) => publish(table, local, file));
    const now = ctx.clock.now();
    const toAdd = addBuilder(target, now);
    const adds = written.map(toAdd);
    return { adds, rows: written.reduce((n, f) => n + f.rowCount, 0), bytes: written.reduce((n, f) => n + f.sizeBytes, 0) };
  } finally {
    await rm(stagingDir, { recursive: true, force: true });
  }
}

function writeSpec(target: WriteTarget, sourceSql: string, outputDir: string, fileId: string, options: DataWriteOptions): ParquetWriteSpec {
  const partitions = new Set(target.partitionColumns);
  const compat = icebergCompatVersion(target.metadata.configuration);
  // IcebergCompat tables write list/map ids (V2) and keep partition values in the files too.
  const schema = (compat ?? 0) >= 2 ? applyNestedIds(target.schema) : target.schema;
  const dataFields = schema.fields.filter((f) => !partitions.has(f.name));
  const partitionFields = target.partitionColumns.map((name) => fieldNamed(schema, name));
  const keys = partitionKeys(schema, partitionFields, compat !== undefined);
  const fileFields = [...dataFields, ...(compat === undefined ? [] : partitionFields)];
  const icebergSchema = compat === undefined ? undefined : fileSchemaJson(fileFields);
  return {
    sourceSql,
    columns: fileFields.map(writeColumn),
    ...(icebergSchema === undefined ? {} : { keyValueMetadata: { 'iceberg.schema': icebergSchema } }),
    partitionColumns: partitionFields.map((f, i) => ({ source: f.name, physicalName: keys[i] as string, type: f.type })),
    constraints: [...tableConstraints(target), ...(options.extraConstraints ?? [])],
    outputDir,
    fileId,
    ...(options.targetFileSize !== undefined ? { targetFileSize: options.targetFileSize } : {}),
  };
}

/**
 * The engine's partition keys (directory names): the physical names, or, when the partition
 * columns are also data columns of the file (IcebergCompat), names no data column uses: the
 * logical name where free (column mapping gives data columns 'col-<uuid>' names), else a
 * suffixed one. fromEngineKeys maps them back to the physical names the log uses.
 */
function partitionKeys(schema: StructType, fields: readonly StructField[], inFiles: boolean): string[] {
  if (!inFiles) return fields.map((f) => f.physicalName);
  const taken = new Set(schema.fields.map((f) => f.physicalName.toLowerCase()));
  return fields.map((f) => {
    let key = f.name;
    while (taken.has(key.toLowerCase())) key = `${key}_partition`;
    taken.add(key.toLowerCase());
    return key;
  });
}

/** A written file with partition values keyed by physical name again (see partitionKeys). */
function fromEngineKeys(spec: ParquetWriteSpec, target: WriteTarget, file: WrittenFile): WrittenFile {
  const values: Record<string, string | null> = {};
  spec.partitionColumns.forEach((p, i) => {
    const name = target.partitionColumns[i] as string;
    values[fieldNamed(target.schema, name).physicalName] = file.partitionValues[p.physicalName] ?? null;
  });
  return { ...file, partitionValues: values };
}

function writeColumn(f: StructField): WriteColumn {
  return { source: f.name, name: f.name, physicalName: f.physicalName, type: f.type, nullable: f.nullable, ...(f.fieldId !== undefined ? { fieldId: f.fieldId } : {}) };
}

function fieldNamed(schema: StructType, name: string): StructField {
  const f = schema.fields.find((x) => x.name === name);
  if (f === undefined) throw new Error(`partition column ${name} missing from schema`);
  return f;
}

/** CHECK constraints of the table (the engine derives NOT NULL checks from the schema itself). */
export function tableConstraints(target: WriteTarget): WriteConstraint[] {
  const out: WriteConstraint[] = [];
  const props = parseTableProperties({ ...target.metadata.configuration }, target.metadata.name ?? target.metadata.id, { allowUnknownDeltaKeys: true });
  for (const [name, sql] of props.constraints) out.push({ kind: 'check', name, sql });
  return out;
}

async function publish(table: TableLocation, local: boolean, file: WrittenFile): Promise<void> {
  const finalPath = local ? table.store.localPath?.(file.relativePath) : undefined;
  if (finalPath !== undefined) {
    await mkdir(dirname(finalPath), { recursive: true });
    await rename(file.localPath, finalPath);
    await fsyncFile(finalPath);
    return;
  }
  await table.store.put(file.relativePath, await readFile(file.localPath));
}

async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Add actions for a write's files; the properties and the stats schema are worked out once per write. */
function addBuilder(target: WriteTarget, now: number): (file: WrittenFile) => AddFile {
  const props = parseTableProperties({ ...target.metadata.configuration }, target.metadata.name ?? target.metadata.id, { allowUnknownDeltaKeys: true });
  const partitions = new Set(target.partitionColumns);
  const dataSchema: StructType = { kind: 'struct', fields: target.schema.fields.filter((f) => !partitions.has(f.name)) };
  const options = {
    numIndexedCols: props.dataSkippingNumIndexedCols,
    ...(props.dataSkippingStatsColumns !== undefined ? { statsColumns: props.dataSkippingStatsColumns } : {}),
  };
  return (file) => ({
    path: encodeDataPath(file.relativePath),
    partitionValues: file.partitionValues,
    size: file.sizeBytes,
    modificationTime: now,
    dataChange: true,
    stats: buildStatsJson(dataSchema, file.rowCount, file.columnStats, options),
  });
}
