import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeParquet } from '../../../engine/index.js';
import type { ParquetWriteSpec, Session } from '../../../engine/index.js';
import { quoteIdentifier, quoteString } from '../../../expr/to-sql.js';
import { primitive } from '../../../expr/types.js';
import { DELETION_VECTOR_BLOB_TYPE, deletionVectorProperties, encodeDeletionVectorBlob } from '../../../formats/iceberg/deletes/deletion-vector.js';
import { writePuffin } from '../../../formats/iceberg/deletes/puffin.js';
import type { DataFile, IcebergSchema, LiveEntry } from '../../../formats/iceberg/model.js';
import { dataFileFromWritten } from '../../../formats/iceberg/write/data-file.js';
import { partitionKey } from '../../../formats/iceberg/deletes/apply-rules.js';
import { ENGINE_INFO } from '../../write/commit-info.js';
import type { TableLocation } from '../../location.js';
import type { IcebergDmlTarget } from './dml-scan.js';

/** Reserved field ids of position delete files (spec §Position Delete Files). */
export const DELETE_FILE_PATH_ID = 2147483546;
export const DELETE_POS_ID = 2147483545;

/** The schema of a position delete file: file_path, pos (the deprecated `row` is never written). */
export const POSITION_DELETE_SCHEMA: IcebergSchema = {
  schemaId: 0,
  identifierFieldIds: [],
  fields: [
    { id: DELETE_FILE_PATH_ID, name: 'file_path', required: true, type: { kind: 'primitive', name: 'string' } },
    { id: DELETE_POS_ID, name: 'pos', required: true, type: { kind: 'primitive', name: 'long' } },
  ],
};

const ROW_FILE = quoteIdentifier('__loch_file');
const ROW_POS = quoteIdentifier('__loch_row');

/**
 * Writes v2 position delete files for the rows listed in the TEMP table `rows` (columns
 * `__loch_file` indexing `entries`, `__loch_row`): one parquet file per partition (spec id and
 * tuple) of the touched data files, rows sorted by file_path then pos, columns carrying their
 * reserved field ids. A file covering one data file records it as `referenced_data_file`.
 * `file_path` bounds are kept whole (Java's metrics for delete files) so readers can tell which
 * data files a file may touch. `touched` are the indexes of the data files to cover.
 */
export async function writePositionDeleteFiles(target: IcebergDmlTarget, session: Session, entries: readonly LiveEntry[], rows: string, touched: readonly number[]): Promise<DataFile[]> {
  const groups = new Map<string, number[]>();
  for (const i of touched) {
    const entry = entries[i] as LiveEntry;
    const key = partitionKey(entry.specId, entry.dataFile.partition);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  const out: DataFile[] = [];
  for (const group of groups.values()) out.push(...(await writeGroup(target, session, entries, rows, group)));
  return out;
}

async function writeGroup(target: IcebergDmlTarget, session: Session, entries: readonly LiveEntry[], rows: string, group: readonly number[]): Promise<DataFile[]> {
  const values = group.map((i) => `(${i}, ${quoteString((entries[i] as LiveEntry).dataFile.filePath)})`).join(', ');
  const sourceSql = `SELECT m.file_path, r.${ROW_POS}::BIGINT AS pos FROM ${quoteIdentifier(rows)} AS r JOIN (VALUES ${values}) AS m(idx, file_path) ON r.${ROW_FILE} = m.idx ORDER BY m.file_path, pos`;
  const first = entries[group[0] as number] as LiveEntry;
  const fileId = target.ctx.ids.uuid();
  const staged = await stagingDir(target.table, fileId);
  try {
    const spec: ParquetWriteSpec = {
      sourceSql,
      columns: [
        { source: 'file_path', name: 'file_path', physicalName: 'file_path', fieldId: DELETE_FILE_PATH_ID, type: primitive('string'), nullable: false },
        { source: 'pos', name: 'pos', physicalName: 'pos', fieldId: DELETE_POS_ID, type: primitive('long'), nullable: false },
      ],
      partitionColumns: [],
      constraints: [],
      outputDir: staged.dir,
      fileId,
      compression: parquetCodec(target),
    };
    const written = await writeParquet(session, spec);
    const files: DataFile[] = [];
    for (const [k, file] of written.entries()) {
      const key = `data/${fileId}-${k}-deletes.parquet`;
      await publish(target.table, file.localPath, key);
      files.push(
        dataFileFromWritten(file, {
          path: tableFilePath(target, key),
          schema: POSITION_DELETE_SCHEMA,
          partition: first.dataFile.partition,
          content: 'position_deletes',
          ...(group.length === 1 ? { referencedDataFile: first.dataFile.filePath } : {}),
          metrics: new Map([[DELETE_FILE_PATH_ID, { kind: 'full' }]]),
        }),
      );
    }
    return files;
  } finally {
    await rm(staged.dir, { recursive: true, force: true });
  }
}

/** One data file's deletion vector: every deleted position (old and new), ascending and distinct. */
export interface VectorToWrite {
  readonly entry: LiveEntry;
  readonly positions: ArrayLike<number>;
}

/**
 * Writes v3 deletion vectors: one Puffin file holding one `deletion-vector-v1` blob per data
 * file, and returns their manifest entries (content position deletes, format puffin,
 * referenced_data_file, content_offset / content_size_in_bytes of the blob, record_count =
 * cardinality, the data file's partition).
 */
export async function writeDeletionVectorFile(target: IcebergDmlTarget, vectors: readonly VectorToWrite[]): Promise<DataFile[]> {
  if (vectors.length === 0) return [];
  const blobs = vectors.map((v) => ({
    type: DELETION_VECTOR_BLOB_TYPE,
    bytes: encodeDeletionVectorBlob(v.positions),
    properties: deletionVectorProperties(v.entry.dataFile.filePath, v.positions.length),
  }));
  const puffin = writePuffin(blobs, ENGINE_INFO);
  const key = `data/${target.ctx.ids.uuid()}-dv.puffin`;
  await target.table.store.put(key, puffin.bytes);
  const path = tableFilePath(target, key);
  return vectors.map((v, i) => {
    const blob = puffin.blobs[i];
    if (blob === undefined) throw new Error('unreachable: writePuffin returns one blob per input');
    return {
      content: 'position_deletes',
      filePath: path,
      fileFormat: 'puffin',
      partition: v.entry.dataFile.partition,
      recordCount: v.positions.length,
      fileSizeInBytes: puffin.bytes.length,
      referencedDataFile: v.entry.dataFile.filePath,
      contentOffset: blob.offset,
      contentSizeInBytes: blob.length,
    } satisfies DataFile;
  });
}

/** A file under the table as manifests name it: the metadata's location joined with the key. */
export function tableFilePath(target: IcebergDmlTarget, key: string): string {
  const location = target.tx.base?.location ?? target.table.store.url;
  return `${location.replace(/\/+$/, '')}/${key}`;
}

/** Table property write.parquet.compression-codec: snappy when asked, else zstd (Java's default). */
function parquetCodec(target: IcebergDmlTarget): 'snappy' | 'zstd' {
  const codec = target.tx.base?.properties['write.parquet.compression-codec']?.toLowerCase();
  return codec === 'snappy' ? 'snappy' : 'zstd';
}

/** A local folder for DuckDB's output: under the table on a local store (renamed into place), else a temp folder. */
async function stagingDir(table: TableLocation, id: string): Promise<{ dir: string }> {
  const local = table.store.localPath?.(`_loch_staging/${id}`);
  if (local !== undefined) {
    await mkdir(local, { recursive: true });
    return { dir: local };
  }
  return { dir: await mkdtemp(join(tmpdir(), 'loch-iceberg-deletes-')) };
}

async function publish(table: TableLocation, localFile: string, key: string): Promise<void> {
  const final = table.store.localPath?.(key);
  if (final !== undefined) {
    await mkdir(dirname(final), { recursive: true });
    await rename(localFile, final);
    return;
  }
  await table.store.put(key, await readFile(localFile));
}
