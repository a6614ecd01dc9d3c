import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLochError } from '../../core/errors.js';
import type { ErrorCode } from '../../core/errors.js';
import { typeToString } from '../../expr/types.js';
import { loadDeltaSnapshot, readCommitActions } from './snapshot.js';
import type { DeltaSnapshot } from './snapshot.js';
import { DELTA_TESTDATA, corpusStore } from './test-support/corpus.js';
import { DuckDbParquetReader } from './test-support/duckdb-parquet-reader.js';

interface ExpectedColumn {
  name: string;
  type: string;
  nullable: boolean;
  physical_name?: string;
  field_id?: number;
}

interface ExpectedFile {
  path: string;
  partitionValues: Record<string, string | null>;
  dv?: { storageType: string; cardinality: number };
}

interface Expected {
  table: string;
  latest_version?: number;
  protocol?: { minReaderVersion: number; minWriterVersion: number; readerFeatures?: string[] | null; writerFeatures?: string[] | null };
  partition_columns?: string[];
  columns?: ExpectedColumn[];
  table_properties?: Record<string, string>;
  checkpoint_used_for_latest?: { version: number; kind: string; files: string[]; sidecars: number } | null;
  active_files_latest?: ExpectedFile[];
  versions?: { version: number; num_active_files?: number; error?: string }[];
  expect_error?: { stage: string; kind: string };
  app_transactions_latest?: Record<string, string>;
  domain_metadata_latest?: Record<string, string>;
}

const tables = existsSync(DELTA_TESTDATA)
  ? readdirSync(DELTA_TESTDATA)
      .filter((name) => name.endsWith('.expected.json'))
      .map((name) => JSON.parse(readFileSync(join(DELTA_TESTDATA, name), 'utf8')) as Expected)
  : [];

const parquet = new DuckDbParquetReader();

function load(table: string, version?: number): Promise<DeltaSnapshot> {
  return loadDeltaSnapshot(corpusStore(table), parquet, version === undefined ? { table } : { table, version });
}

/** The error code each negative table's `expect_error.kind` calls for. */
function expectedCode(kind: string): ErrorCode | undefined {
  if (kind.includes('unsupported') || kind.includes('invalid protocol version')) return 'UNSUPPORTED_FEATURE';
  if (kind.includes('not contiguous')) return 'PROTOCOL_VIOLATION';
  if (kind.includes('missing protocol') || kind.includes('missing metadata')) return 'PROTOCOL_VIOLATION';
  if (kind.includes('not found')) return 'NOT_FOUND';
  return undefined;
}

function checkpointKind(snapshot: DeltaSnapshot): string | undefined {
  const cp = snapshot.checkpoint;
  if (cp === undefined) return undefined;
  return cp.kind === 'v2' ? `v2-${cp.format}` : cp.kind;
}

function sortFiles(files: ExpectedFile[]): ExpectedFile[] {
  const key = (f: ExpectedFile) => `${f.path}\u0000${JSON.stringify(f.dv ?? null)}`;
  return [...files].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Live files in the form of `active_files_latest`: path as in the log, partition values, DV type and cardinality. */
function activeFiles(snapshot: DeltaSnapshot): ExpectedFile[] {
  return sortFiles(
    snapshot.files.map((f) => {
      const out: ExpectedFile = { path: f.path, partitionValues: { ...f.partitionValues } };
      if (f.deletionVector !== undefined) out.dv = { storageType: f.deletionVector.storageType, cardinality: f.deletionVector.cardinality };
      return out;
    }),
  );
}

function checkMetadata(snapshot: DeltaSnapshot, expected: Expected): void {
  const p = expected.protocol;
  if (p !== undefined) {
    expect(snapshot.protocol.minReaderVersion).toBe(p.minReaderVersion);
    expect(snapshot.protocol.minWriterVersion).toBe(p.minWriterVersion);
    expect(snapshot.protocol.readerFeatures).toEqual(p.readerFeatures ?? undefined);
    expect(snapshot.protocol.writerFeatures).toEqual(p.writerFeatures ?? undefined);
  }
  expect(snapshot.partitionColumns).toEqual(expected.partition_columns);
  expect(snapshot.properties).toEqual(expected.table_properties);
  const columns = snapshot.schema.fields.map((f) => {
    const c: ExpectedColumn = { name: f.name, type: typeToString(f.type), nullable: f.nullable };
    if (snapshot.columnMapping !== 'none') {
      c.physical_name = f.physicalName;
      if (f.fieldId !== undefined) c.field_id = f.fieldId;
    } else {
      expect(f.physicalName).toBe(f.name);
    }
    return c;
  });
  expect(columns).toEqual(expected.columns);
}

describe.each(tables.map((t) => [t.table, t] as const))('Delta corpus table %s', (name, expected) => {
  if (expected.expect_error !== undefined) {
    const kind = expected.expect_error.kind;
    it(`refuses to load (${kind})`, async () => {
      const error = await load(name).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isLochError(error)).toBe(true);
      const code = expectedCode(kind);
      if (code !== undefined) expect(isLochError(error, code)).toBe(true);
      if (kind.includes('missing protocol')) expect(String((error as Error).message)).toMatch(/no protocol action found/);
      if (kind.includes('missing metadata')) expect(String((error as Error).message)).toMatch(/no metaData action found/);
      if (kind.includes('unsupported reader feature')) expect(String((error as Error).message)).toMatch(/reader feature '/);
    });
    return;
  }

  it('loads the latest version with the expected metadata, checkpoint and files', async () => {
    const snapshot = await load(name);
    expect(snapshot.version).toBe(expected.latest_version);
    checkMetadata(snapshot, expected);
    const cp = expected.checkpoint_used_for_latest;
    if (cp === null || cp === undefined) {
      expect(snapshot.checkpoint).toBeUndefined();
    } else {
      expect(snapshot.checkpointVersion).toBe(cp.version);
      expect(checkpointKind(snapshot)).toBe(cp.kind);
      expect(snapshot.checkpoint?.files.map((f) => basename(f))).toEqual(cp.files);
      expect(snapshot.checkpoint?.sidecarFiles.length).toBe(cp.sidecars);
    }
    expect(activeFiles(snapshot)).toEqual(sortFiles(expected.active_files_latest ?? []));
    if (expected.app_transactions_latest !== undefined) {
      const txns = Object.fromEntries([...snapshot.txns.values()].map((t) => [t.appId, String(t.version)]));
      expect(txns).toEqual(expected.app_transactions_latest);
    }
    if (expected.domain_metadata_latest !== undefined) {
      const domains = Object.fromEntries([...snapshot.domainMetadata.values()].map((d) => [d.domain, d.configuration]));
      expect(domains).toEqual(expected.domain_metadata_latest);
    }
    expect(Number.isFinite(snapshot.timestamp)).toBe(true);
  });

  it('time-travels to every listed version', async () => {
    for (const v of expected.versions ?? []) {
      const result = await load(name, v.version).then(
        (s) => ({ ok: true as const, s }),
        (e: unknown) => ({ ok: false as const, e }),
      );
      if (v.num_active_files !== undefined) {
        if (!result.ok) throw result.e;
        expect(result.s.version).toBe(v.version);
        expect(result.s.files.length, `version ${v.version}`).toBe(v.num_active_files);
      } else if (v.error !== undefined && v.error !== 'DATA_FILE_MISSING') {
        expect(result.ok, `version ${v.version} should fail (${v.error})`).toBe(false);
      }
    }
  });
});

describe('Delta corpus: commit timestamps', () => {
  it('uses commitInfo.timestamp for tables without in-commit timestamps', async () => {
    const table = 'golden-time-travel-start-start20-start40';
    const snapshot = await load(table, 1);
    const { timestamp } = await readCommitActions(corpusStore(table), table, 1);
    expect(snapshot.timestamp).toBe(timestamp);
    expect(snapshot.commitInfo?.operation).toBe('WRITE');
  });

  it('every table in the corpus is covered', () => {
    expect(tables.length).toBeGreaterThanOrEqual(40);
  });
});

