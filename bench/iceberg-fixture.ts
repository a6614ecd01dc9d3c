import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDbEngine } from '../src/engine/index.js';
import { encodeManifest } from '../src/formats/iceberg/manifests/manifest.js';
import { encodeManifestList } from '../src/formats/iceberg/manifests/manifest-list.js';
import type { DataFile, IcebergSchema, ManifestEntry, ManifestFile, TableMetadata } from '../src/formats/iceberg/model.js';
import { schemaToJson } from '../src/formats/iceberg/spec/schema.js';
import { partitionSpecToJson } from '../src/formats/iceberg/spec/partition-spec.js';
import { serializeTableMetadata } from '../src/formats/iceberg/spec/table-metadata.js';
import { encodeBinaryValue } from '../src/formats/iceberg/values/binary-value.js';

const LONG = { kind: 'primitive', name: 'long' } as const;
export const BENCH_SCHEMA: IcebergSchema = {
  schemaId: 0,
  identifierFieldIds: [],
  fields: [
    { id: 1, name: 'id', required: false, type: LONG },
    { id: 2, name: 'k', required: false, type: LONG },
    { id: 3, name: 'name', required: false, type: { kind: 'primitive', name: 'string' } },
    { id: 4, name: 'x', required: false, type: { kind: 'primitive', name: 'double' } },
  ],
};

/**
 * An Iceberg v2 table written without Loch's writer (so the benchmark does not depend on it):
 * `files` parquet files of `rowsPerFile` rows written by DuckDB with field ids, listed in
 * `manifests` manifests of one snapshot, with id bounds, uncompressed Avro (icebird reads it).
 */
export async function writeIcebergFixture(dir: string, engine: DuckDbEngine, files: number, rowsPerFile: number, manifests: number): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'data'), { recursive: true });
  await mkdir(join(dir, 'metadata'), { recursive: true });
  const session = await engine.session();
  const dataFiles: DataFile[] = [];
  try {
    const batch = 500;
    for (let first = 0; first < files; first += batch) {
      const count = Math.min(batch, files - first);
      // One COPY per batch: PARTITION_BY on the file number gives one file per value.
      await session.run(`COPY (SELECT i AS id, i % 97 AS k, 'name-' || (i % 1000) AS name, (i * 0.5)::DOUBLE AS x, (i // ${rowsPerFile}) AS f FROM range(${first * rowsPerFile}, ${(first + count) * rowsPerFile}) t(i))
        TO '${join(dir, 'data', `b${first}`)}' (FORMAT parquet, PARTITION_BY (f), FIELD_IDS {id: 1, k: 2, name: 3, x: 4}, FILENAME_PATTERN 'part')`);
    }
  } finally {
    await session.close();
  }
  for (let f = 0; f < files; f += 1) {
    const batchDir = join(dir, 'data', `b${Math.floor(f / 500) * 500}`, `f=${f}`);
    const path = join(batchDir, 'part0.parquet');
    const size = (await stat(path)).size;
    const lower = BigInt(f * rowsPerFile);
    const upper = BigInt((f + 1) * rowsPerFile - 1);
    dataFiles.push({
      content: 'data',
      filePath: `file://${path}`,
      fileFormat: 'parquet',
      partition: new Map(),
      recordCount: rowsPerFile,
      fileSizeInBytes: size,
      nullValueCounts: new Map([[1, 0]]),
      lowerBounds: new Map([[1, encodeBinaryValue(lower, LONG)]]),
      upperBounds: new Map([[1, encodeBinaryValue(upper, LONG)]]),
    });
  }
  await writeMetadata(dir, dataFiles, manifests);
}

async function writeMetadata(dir: string, dataFiles: readonly DataFile[], manifests: number): Promise<void> {
  const snapshotId = 1n;
  const spec = { specId: 0, fields: [] };
  const perManifest = Math.ceil(dataFiles.length / manifests);
  const list: ManifestFile[] = [];
  for (let m = 0; m < manifests; m += 1) {
    const files = dataFiles.slice(m * perManifest, (m + 1) * perManifest);
    if (files.length === 0) break;
    const entries: ManifestEntry[] = files.map((dataFile) => ({ status: 'added', snapshotId, sequenceNumber: 1, fileSequenceNumber: 1, dataFile }));
    const bytes = encodeManifest(entries, {
      formatVersion: 2,
      schema: BENCH_SCHEMA,
      schemaJson: JSON.stringify(schemaToJson(BENCH_SCHEMA)),
      spec,
      specJson: JSON.stringify(partitionSpecToJson(spec)),
      partitionType: { kind: 'struct', fields: [] },
      content: 'data',
    });
    const path = join(dir, 'metadata', `manifest-${m}.avro`);
    await writeFile(path, bytes);
    const rows = files.reduce((n, f) => n + f.recordCount, 0);
    list.push({
      manifestPath: `file://${path}`,
      manifestLength: bytes.length,
      partitionSpecId: 0,
      content: 'data',
      sequenceNumber: 1,
      minSequenceNumber: 1,
      addedSnapshotId: snapshotId,
      addedFilesCount: files.length,
      existingFilesCount: 0,
      deletedFilesCount: 0,
      addedRowsCount: rows,
      existingRowsCount: 0,
      deletedRowsCount: 0,
      partitions: [],
    });
  }
  const listPath = join(dir, 'metadata', 'snap-1.avro');
  await writeFile(listPath, encodeManifestList(list, { formatVersion: 2, snapshotId, sequenceNumber: 1 }));
  const total = dataFiles.reduce((n, f) => n + f.recordCount, 0);
  const metadata: TableMetadata = {
    formatVersion: 2,
    tableUuid: '00000000-0000-4000-8000-000000000001',
    location: `file://${dir}`,
    lastSequenceNumber: 1,
    lastUpdatedMs: 1_700_000_000_000,
    lastColumnId: 4,
    schemas: [BENCH_SCHEMA],
    currentSchemaId: 0,
    partitionSpecs: [spec],
    defaultSpecId: 0,
    lastPartitionId: 999,
    properties: {},
    currentSnapshotId: snapshotId,
    snapshots: [
      {
        snapshotId,
        sequenceNumber: 1,
        timestampMs: 1_700_000_000_000,
        manifestList: `file://${listPath}`,
        summary: { operation: 'append', 'total-records': String(total), 'total-data-files': String(dataFiles.length) },
        schemaId: 0,
      },
    ],
    snapshotLog: [{ timestampMs: 1_700_000_000_000, snapshotId }],
    metadataLog: [],
    sortOrders: [{ orderId: 0, fields: [] }],
    defaultSortOrderId: 0,
    refs: { main: { snapshotId, type: 'branch' } },
    statistics: [],
    partitionStatistics: [],
  };
  await writeFile(join(dir, 'metadata', 'v1.metadata.json'), serializeTableMetadata(metadata));
  await writeFile(join(dir, 'metadata', 'version-hint.text'), '1');
}
