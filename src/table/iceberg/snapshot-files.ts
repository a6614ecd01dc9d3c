import { LochError, isLochError } from '../../core/errors.js';
import type { Expr } from '../../expr/nodes.js';
import type { PathRewriter } from '../../formats/iceberg/metadata/paths.js';
import { inheritEntries } from '../../formats/iceberg/manifests/inheritance.js';
import { decodeManifest } from '../../formats/iceberg/manifests/manifest.js';
import { decodeManifestList } from '../../formats/iceberg/manifests/manifest-list.js';
import type { IcebergSchema, IcebergStruct, LiveEntry, ManifestFile, PartitionSpec, Snapshot, TableMetadata } from '../../formats/iceberg/model.js';
import { manifestMayMatch } from '../../formats/iceberg/prune/partition-prune.js';
import { partitionType } from '../../formats/iceberg/spec/partition-spec.js';
import type { TableContext } from '../context.js';
import type { TableLocation } from '../location.js';
import { resolveLogPath } from '../location.js';
import type { FileRef } from '../location.js';
import { mapLimit } from '../parallel.js';

/** Where the metadata of one table lives and how its file references resolve. */
export interface IcebergFiles {
  readonly table: TableLocation;
  readonly metadata: TableMetadata;
  readonly paths: PathRewriter;
}

/** The live entries of one snapshot, split by content. */
export interface SnapshotEntries {
  readonly manifests: readonly ManifestFile[];
  readonly data: readonly LiveEntry[];
  readonly deletes: readonly LiveEntry[];
  /** Data manifests skipped by their partition summaries. */
  readonly manifestsPruned: number;
}

/** Reads one object named by a metadata reference (after moved-path rewriting). */
export async function readReferenced(files: IcebergFiles, path: string, what: string): Promise<Uint8Array> {
  const ref = icebergFileRef(files, path);
  let bytes: Uint8Array | undefined;
  try {
    bytes = await ref.store.get(ref.key);
  } catch (error) {
    if (!isLochError(error, 'NOT_FOUND')) throw error;
  }
  if (bytes === undefined) {
    throw new LochError('DATA_FILE_MISSING', `iceberg: table ${files.table.name}: ${what} ${path} not found`, { context: { table: files.table.name, path } });
  }
  return bytes;
}

/** Every field id any schema of the table ever had, newest definition winning: partition sources of old specs stay resolvable. */
export function unionSchema(metadata: TableMetadata): IcebergSchema {
  const current = metadata.schemas.find((s) => s.schemaId === metadata.currentSchemaId) ?? metadata.schemas[metadata.schemas.length - 1];
  const fields = [...(current?.fields ?? [])];
  const seen = new Set(fields.map((f) => f.id));
  for (const schema of [...metadata.schemas].reverse()) {
    for (const f of schema.fields) {
      if (!seen.has(f.id)) {
        seen.add(f.id);
        fields.push(f);
      }
    }
  }
  return { schemaId: current?.schemaId ?? 0, identifierFieldIds: [], fields };
}

export function specById(files: IcebergFiles, specId: number): PartitionSpec {
  const spec = files.metadata.partitionSpecs.find((s) => s.specId === specId);
  if (spec === undefined) {
    throw new LochError('PROTOCOL_VIOLATION', `iceberg: table ${files.table.name}: a manifest names partition spec ${specId}, which the metadata does not define`);
  }
  return spec;
}

/** The manifest list of a snapshot, or the v1 inline manifest paths turned into list entries. */
export async function snapshotManifests(ctx: TableContext, files: IcebergFiles, snapshot: Snapshot): Promise<ManifestFile[]> {
  if (snapshot.manifestList !== undefined) {
    const bytes = await readReferenced(files, snapshot.manifestList, `snapshot ${snapshot.snapshotId}: manifest list`);
    return decodeManifestList(bytes, `table ${files.table.name} manifest list ${snapshot.manifestList}`);
  }
  const inline = snapshot.manifests ?? [];
  return mapLimit([...inline], ctx.ioConcurrency, async (path) => {
    const bytes = await readReferenced(files, path, `snapshot ${snapshot.snapshotId}: manifest`);
    const { metadata } = decodeManifest(bytes, `table ${files.table.name} manifest ${path}`);
    return {
      manifestPath: path,
      manifestLength: bytes.length,
      partitionSpecId: metadata.partitionSpecId ?? 0,
      content: metadata.content ?? 'data',
      sequenceNumber: 0,
      minSequenceNumber: 0,
      addedSnapshotId: snapshot.snapshotId,
    } satisfies ManifestFile;
  });
}

/**
 * Reads the manifests of a snapshot (data manifests whose partition summaries rule out `filter`
 * are skipped) and applies inheritance; DELETED entries are dropped.
 */
export async function snapshotEntries(ctx: TableContext, files: IcebergFiles, snapshot: Snapshot, filter?: Expr): Promise<SnapshotEntries> {
  const manifests = await snapshotManifests(ctx, files, snapshot);
  const schema = unionSchema(files.metadata);
  const types = new Map<number, IcebergStruct>();
  const typeOf = (spec: PartitionSpec): IcebergStruct => {
    const known = types.get(spec.specId);
    if (known !== undefined) return known;
    const made = partitionType(spec, schema);
    types.set(spec.specId, made);
    return made;
  };
  const kept = manifests.filter((m) => {
    if (filter === undefined || m.content !== 'data' || m.partitions === undefined) return true;
    return manifestMayMatch(filter, specById(files, m.partitionSpecId), schema, m.partitions);
  });
  const perManifest = await mapLimit(kept, ctx.ioConcurrency, async (m) => {
    const spec = specById(files, m.partitionSpecId);
    const bytes = await readReferenced(files, m.manifestPath, 'manifest');
    const { entries } = decodeManifest(bytes, `table ${files.table.name} manifest ${m.manifestPath}`, typeOf(spec));
    return inheritEntries(entries, m, spec.specId).filter((e) => e.status !== 'deleted');
  });
  const data: LiveEntry[] = [];
  const deletes: LiveEntry[] = [];
  for (const entries of perManifest) for (const e of entries) (e.dataFile.content === 'data' ? data : deletes).push(e);
  return { manifests, data, deletes, manifestsPruned: manifests.length - kept.length };
}

/**
 * The object a metadata reference names. Iceberg paths are literal (unlike Delta's, which are
 * URL-encoded): `col_time=17%3A00` is the directory's real name, so nothing is decoded.
 */
export function icebergFileRef(files: IcebergFiles, path: string): FileRef {
  const rewritten = files.paths.rewrite(path);
  const root = files.table.store.url.replace(/\/+$/, '');
  if (rewritten.startsWith(`${root}/`)) return { store: files.table.store, key: rewritten.slice(root.length + 1) };
  const localRoot = root.startsWith('file://') ? root.slice('file://'.length) : undefined;
  if (localRoot !== undefined && rewritten.startsWith(`${localRoot}/`)) return { store: files.table.store, key: rewritten.slice(localRoot.length + 1) };
  return resolveLogPath(files.table, rewritten);
}
