import { decodeManifest } from '../../../formats/iceberg/manifests/manifest.js';
import type { ManifestFile, Snapshot, TableMetadata } from '../../../formats/iceberg/model.js';
import { partitionType } from '../../../formats/iceberg/spec/partition-spec.js';
import type { TableContext } from '../../context.js';
import type { TableLocation } from '../../location.js';
import { mapLimit } from '../../parallel.js';
import { readReferenced, snapshotManifests, specById, unionSchema } from '../snapshot-files.js';
import { tableFiles } from '../write/snapshot-writer.js';

/**
 * The files snapshots reach: manifest lists, manifests, and the data and delete files their
 * manifests hold live (ADDED/EXISTING). Manifests are read once however many snapshots share them.
 */
export class ReachableFiles {
  private readonly manifestFiles = new Map<string, Promise<readonly string[]>>();

  constructor(
    private readonly ctx: TableContext,
    private readonly table: TableLocation,
    private readonly metadata: TableMetadata,
  ) {}

  async of(snapshots: readonly Snapshot[]): Promise<Set<string>> {
    const out = new Set<string>();
    const files = tableFiles(this.table, this.metadata);
    const lists = await mapLimit([...snapshots], this.ctx.ioConcurrency, async (s) => ({ s, manifests: await snapshotManifests(this.ctx, files, s) }));
    const manifests = new Map<string, ManifestFile>();
    for (const { s, manifests: ms } of lists) {
      if (s.manifestList !== undefined) out.add(s.manifestList);
      for (const m of ms) manifests.set(m.manifestPath, m);
    }
    const perManifest = await mapLimit([...manifests.values()], this.ctx.ioConcurrency, (m) => this.liveFiles(m));
    for (const m of manifests.keys()) out.add(m);
    for (const paths of perManifest) for (const p of paths) out.add(p);
    return out;
  }

  private liveFiles(m: ManifestFile): Promise<readonly string[]> {
    let known = this.manifestFiles.get(m.manifestPath);
    if (known === undefined) {
      known = (async () => {
        const files = tableFiles(this.table, this.metadata);
        const bytes = await readReferenced(files, m.manifestPath, 'manifest');
        const type = partitionType(specById(files, m.partitionSpecId), unionSchema(this.metadata));
        const { entries } = decodeManifest(bytes, `table ${this.table.name} manifest ${m.manifestPath}`, type);
        return entries.filter((e) => e.status !== 'deleted').map((e) => e.dataFile.filePath);
      })();
      this.manifestFiles.set(m.manifestPath, known);
    }
    return known;
  }
}
