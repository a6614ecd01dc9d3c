/**
 * LoadTableResult / CommitTableResponse bodies. The metadata is written by the same serializer
 * as metadata files (snapshot ids are 64-bit: every digit kept), so a client sees exactly what a
 * reader of the file would.
 */
import { createHash } from 'node:crypto';
import type { TableMetadata } from '../../formats/iceberg/model.js';
import { serializeTableMetadata } from '../../formats/iceberg/spec/table-metadata.js';
import { badRequest } from './errors.js';

export type SnapshotsMode = 'all' | 'refs';

/** The `snapshots` query parameter of loadTable (default all). */
export function snapshotsMode(raw: string | undefined): SnapshotsMode {
  if (raw === undefined || raw === '' || raw === 'all') return 'all';
  if (raw === 'refs') return 'refs';
  throw badRequest(`snapshots must be all or refs, got ${JSON.stringify(raw.slice(0, 40))}`);
}

/** `refs`: only the snapshots branches and tags point at. */
export function selectSnapshots(metadata: TableMetadata, mode: SnapshotsMode): TableMetadata {
  if (mode === 'all') return metadata;
  const referenced = new Set(Object.values(metadata.refs).map((r) => r.snapshotId));
  return { ...metadata, snapshots: metadata.snapshots.filter((s) => referenced.has(s.snapshotId)) };
}

/**
 * The JSON text of `{metadata-location, metadata, config}`; `metadataLocation` undefined for a
 * staged table (not committed yet), which the spec allows to be absent.
 */
export function loadResultText(metadataLocation: string | undefined, metadata: TableMetadata, config: Readonly<Record<string, string>> = {}): string {
  const location = metadataLocation === undefined ? '' : `"metadata-location":${JSON.stringify(metadataLocation)},`;
  return `{${location}"metadata":${serializeTableMetadata(metadata)},"config":${JSON.stringify(config)}}`;
}

/** The CommitTableResponse text. */
export function commitResultText(metadataLocation: string, metadata: TableMetadata): string {
  return `{"metadata-location":${JSON.stringify(metadataLocation)},"metadata":${serializeTableMetadata(metadata)}}`;
}

/**
 * The ETag of a load response: one metadata file (files are never rewritten) and one snapshots
 * mode give one representation.
 */
export function etagOf(metadataLocation: string, mode: SnapshotsMode): string {
  return `"${createHash('sha256').update(`${mode}\n${metadataLocation}`).digest('hex').slice(0, 40)}"`;
}

/** True when an If-None-Match header matches `etag` (a list, weak tags, or `*`). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '');
    return t === '*' || t === etag;
  });
}
