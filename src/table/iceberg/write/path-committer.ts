import { LochError, isLochError } from '../../../core/errors.js';
import { metadataFileVersion } from '../../../formats/iceberg/metadata/file-names.js';
import type { TableMetadata } from '../../../formats/iceberg/model.js';
import { serializeTableMetadata } from '../../../formats/iceberg/spec/table-metadata.js';
import type { TableLocation } from '../../location.js';
import { listMetadataNames, loadMetadata, METADATA_DIR } from '../load-metadata.js';
import type { IcebergCommitter } from './contracts.js';

const HINT = `${METADATA_DIR}version-hint.text`;

/**
 * The committer of a path table (Iceberg's "File System Tables"): the pointer is the highest
 * `metadata/v<N>.metadata.json`. A commit from `v<N>` is a put-if-absent of `v<N+1>` (the store's
 * atomic primitive), so of concurrent commits from one base exactly one lands; the winner then
 * rewrites `version-hint.text` (best effort: readers walk forward past a stale hint).
 */
export class PathCommitter implements IcebergCommitter {
  constructor(private readonly table: TableLocation) {}

  async load(): Promise<{ readonly metadata: TableMetadata; readonly metadataFile: string } | undefined> {
    const names = await listMetadataNames(this.table.store);
    if (!names.some((n) => metadataFileVersion(n) !== undefined)) return undefined;
    const loaded = await loadMetadata(this.table);
    return { metadata: loaded.metadata, metadataFile: loaded.metadataFile };
  }

  async commit(base: string | undefined, next: TableMetadata): Promise<{ readonly outcome: 'committed'; readonly metadataFile: string } | { readonly outcome: 'conflict' }> {
    const version = base === undefined ? 1 : this.baseVersion(base) + 1;
    const key = `${METADATA_DIR}v${version}.metadata.json`;
    const bytes = new TextEncoder().encode(serializeTableMetadata(next));
    const result = await this.table.store.putIfAbsent(key, bytes);
    if (result === 'exists') return { outcome: 'conflict' };
    await this.writeHint(version);
    return { outcome: 'committed', metadataFile: key };
  }

  private baseVersion(base: string): number {
    const name = base.slice(base.lastIndexOf('/') + 1);
    const version = metadataFileVersion(name);
    if (version === undefined) {
      throw new LochError('INVALID_ARGUMENT', `iceberg commit: table ${this.table.name}: base metadata file ${base} has no version number in its name`);
    }
    return version;
  }

  /** The hint only speeds up loading: a failure to write it never fails the commit. */
  private async writeHint(version: number): Promise<void> {
    try {
      await this.table.store.put(HINT, new TextEncoder().encode(String(version)));
    } catch (error) {
      if (!isLochError(error)) throw error;
    }
  }
}
