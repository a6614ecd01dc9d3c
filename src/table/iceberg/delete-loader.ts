import { LochError, isLochError } from '../../core/errors.js';
import type { ParquetJsonReader } from '../../formats/delta/parquet-port.js';
import { decodeDeletionVectorBlob } from '../../formats/iceberg/deletes/deletion-vector.js';
import type { LiveEntry } from '../../formats/iceberg/model.js';
import type { TableContext } from '../context.js';
import { icebergFileRef } from './snapshot-files.js';
import type { IcebergFiles } from './snapshot-files.js';

/** A local copy of a referenced file, pinned in the file cache until released. */
export interface PinnedFile {
  readonly path: string;
  release(): void;
}

/**
 * A local path DuckDB can read for a data or delete file: a local table's own file (not checked
 * here: one stat per file costs more than planning the rest, and a missing file fails the scan
 * with DATA_FILE_MISSING anyway), or a copy pinned in the file cache until released.
 */
export async function pinReferenced(ctx: TableContext, files: IcebergFiles, path: string, snapshotId: bigint | undefined): Promise<PinnedFile> {
  const ref = icebergFileRef(files, path);
  const local = ref.store.localPath?.(ref.key);
  if (local !== undefined) return { path: local, release: () => undefined };
  try {
    return await ctx.cache.acquire(ref.store, ref.key);
  } catch (error) {
    if (!isLochError(error, 'NOT_FOUND')) throw error;
    throw new LochError('DATA_FILE_MISSING', `iceberg: table ${files.table.name}${snapshotId === undefined ? '' : ` snapshot ${snapshotId}`}: file ${path} not found (removed by snapshot expiry or orphan cleanup?)`, {
      cause: error,
      context: { table: files.table.name, path },
    });
  }
}

/**
 * Reads position deletes once per delete file and hands out the positions for one data file.
 * Paths inside delete files are compared after the same moved-path rewriting as manifest paths
 * (writers spell one location several ways: `/x` in manifests, `hdfs://host:port/x` inside).
 */
export class PositionDeletes {
  private readonly byFile = new Map<string, Promise<Map<string, number[]>>>();

  constructor(
    private readonly files: IcebergFiles,
    private readonly parquet: ParquetJsonReader,
  ) {}

  /** Sorted, distinct deleted positions of `dataPath` from its DV or its position delete files. */
  async positionsFor(dataPath: string, dv: LiveEntry | undefined, positionFiles: readonly LiveEntry[]): Promise<number[]> {
    if (dv !== undefined) return this.deletionVector(dv);
    if (positionFiles.length === 0) return [];
    const key = this.normalize(dataPath);
    const lists = await Promise.all(positionFiles.map(async (e) => (await this.load(e.dataFile.filePath)).get(key) ?? []));
    if (lists.length === 1) return lists[0] as number[];
    return [...new Set(lists.flat())].sort((a, b) => a - b);
  }

  private normalize(path: string): string {
    return this.files.paths.key(path);
  }

  private load(deletePath: string): Promise<Map<string, number[]>> {
    let found = this.byFile.get(deletePath);
    if (found === undefined) {
      found = this.read(deletePath);
      this.byFile.set(deletePath, found);
    }
    return found;
  }

  private async read(deletePath: string): Promise<Map<string, number[]>> {
    const ref = icebergFileRef(this.files, deletePath);
    const out = new Map<string, number[]>();
    try {
      for await (const row of this.parquet.readJsonRows(ref.store, ref.key, ['file_path', 'pos'])) {
        const file = row['file_path'];
        const pos = row['pos'];
        if (typeof file !== 'string' || typeof pos !== 'number') {
          throw new LochError('CORRUPT_DATA', `iceberg: table ${this.files.table.name}: position delete file ${deletePath} has a row without file_path/pos`);
        }
        const key = this.normalize(file);
        let list = out.get(key);
        if (list === undefined) out.set(key, (list = []));
        list.push(pos);
      }
    } catch (error) {
      if (isLochError(error, 'NOT_FOUND')) {
        throw new LochError('DATA_FILE_MISSING', `iceberg: table ${this.files.table.name}: position delete file ${deletePath} not found`, { cause: error });
      }
      throw error;
    }
    for (const list of out.values()) list.sort((a, b) => a - b);
    return out;
  }

  private async deletionVector(dv: LiveEntry): Promise<number[]> {
    const file = dv.dataFile;
    if (file.contentOffset === undefined || file.contentSizeInBytes === undefined) {
      throw new LochError('PROTOCOL_VIOLATION', `iceberg: table ${this.files.table.name}: deletion vector in ${file.filePath} has no content_offset/content_size_in_bytes`);
    }
    const ref = icebergFileRef(this.files, file.filePath);
    let blob: Uint8Array;
    try {
      blob = await ref.store.getRange(ref.key, file.contentOffset, file.contentSizeInBytes);
    } catch (error) {
      if (!isLochError(error, 'NOT_FOUND')) throw error;
      throw new LochError('DATA_FILE_MISSING', `iceberg: table ${this.files.table.name}: deletion vector file ${file.filePath} not found`, { cause: error });
    }
    if (blob.length !== file.contentSizeInBytes) {
      throw new LochError('CORRUPT_DATA', `iceberg: table ${this.files.table.name}: deletion vector in ${file.filePath} at offset ${file.contentOffset}: expected ${file.contentSizeInBytes} bytes, the file has ${blob.length}`);
    }
    return decodeDeletionVectorBlob(blob, `table ${this.files.table.name} deletion vector ${file.filePath}@${file.contentOffset}`);
  }
}
