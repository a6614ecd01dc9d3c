import { LochError } from '../../core/errors.js';
import type { EqualityDeleteSet, ExtraColumn, ScanFile, ScanSpec } from '../../engine/scan-spec.js';
import { ROW_FILE_COLUMN, ROW_POSITION_COLUMN } from '../../engine/scan-spec.js';
import type { Expr, Literal } from '../../expr/nodes.js';
import { canPrune } from '../../expr/prune.js';
import { primitive, type DataType, type StructField, type StructType } from '../../expr/types.js';
import { assignDeletes } from '../../formats/iceberg/deletes/apply-rules.js';
import type { AppliedDeletes } from '../../formats/iceberg/deletes/apply-rules.js';
import type { IcebergSchema, LiveEntry, PartitionSpec, Snapshot } from '../../formats/iceberg/model.js';
import { dataFileFacts } from '../../formats/iceberg/prune/file-facts.js';
import { partitionMayMatch } from '../../formats/iceberg/prune/partition-prune.js';
import { fieldById, toLochSchema } from '../../formats/iceberg/spec/schema.js';
import { jsonToLiteral } from '../../formats/iceberg/values/json-value.js';
import { quoteIdentifier } from '../../expr/to-sql.js';
import type { TableContext } from '../context.js';
import { mapLimit } from '../parallel.js';
import { PositionDeletes, pinReferenced } from './delete-loader.js';
import { filesWithoutIds, nameMappedSpec, NAME_MAPPING_PROPERTY } from './name-mapped.js';
import { fileFieldNames, renamedNestedIds, withFileNames } from './nested-names.js';
import { LAST_UPDATED_SEQ_COLUMN, LAST_UPDATED_SEQ_FIELD_ID, ROW_ID_COLUMN, ROW_ID_FIELD_ID } from './write/row-lineage.js';
import type { IcebergFiles } from './snapshot-files.js';
import { snapshotEntries, specById, unionSchema } from './snapshot-files.js';

export interface IcebergScanRequest {
  readonly filter?: Expr;
  /** Add `_row_id` and `_last_updated_sequence_number` (v3 row lineage) after the table's columns. */
  readonly rowLineage?: boolean;
  /**
   * Add `__loch_file` (index into `PlannedIcebergScan.entries`) and `__loch_row` (the row's
   * position in its data file) last, for row-level changes. Files without field ids are refused.
   */
  readonly rowIdentity?: boolean;
  /** Also filter rows in DuckDB with `filter` (the TypeScript API); SQL queries keep their own WHERE. */
  readonly applyFilter?: boolean;
}

/**
 * What planning produced: one or more engine scans (files with field ids, and files of a
 * migrated table that have none, read through the name mapping) and how to combine the
 * registered relations into the table's relation.
 */
export interface PlannedIcebergScan {
  readonly specs: readonly ScanSpec[];
  /** The table relation from the registered scans' SQL (same order as `specs`). */
  compose(sqls: readonly string[]): string;
  readonly filesTotal: number;
  readonly filesPruned: number;
  /** The data file entries of the field-id scan (`specs[0]`), in `ScanSpec.files` order. */
  readonly entries: readonly LiveEntry[];
  release(): void;
}

const STORED_ROW_ID = '__loch_stored_row_id';
const STORED_SEQ = '__loch_stored_seq';
const FIRST_ROW_ID = '__loch_first_row_id';
const DATA_SEQ = '__loch_data_seq';

/**
 * Plans a scan of one snapshot read with `schema`: live data files pruned by manifest partition
 * summaries, partition tuples and column bounds; position deletes and deletion vectors become
 * deleted positions; equality deletes become engine anti-join sets; initial defaults fill
 * columns older files lack.
 */
export async function planIcebergScan(ctx: TableContext, files: IcebergFiles, snapshot: Snapshot | undefined, schema: IcebergSchema, request: IcebergScanRequest = {}): Promise<PlannedIcebergScan> {
  const lochSchema = toLochSchema(schema);
  const lineage = request.rowLineage === true && files.metadata.formatVersion >= 3;
  const columns = [...lochSchema.fields, ...(lineage ? lineageColumns() : [])];
  const defaults = columnDefaults(files, schema, lochSchema);
  const base: ScanSpec = {
    columns,
    partitionColumns: [],
    files: [],
    resolveBy: 'field_id',
    ...(defaults ? { columnDefaults: defaults } : {}),
    ...(request.applyFilter && request.filter !== undefined ? { filter: request.filter } : {}),
  };
  const output = lochSchema.fields.map((f) => f.name);
  const identity = request.rowIdentity === true;
  if (snapshot === undefined) {
    const empty = identity || lineage ? { ...base, rowIdentity: true, ...(lineage ? { extraColumns: LINEAGE_EXTRAS } : {}) } : base;
    return fieldIdScans([empty], output, lineage, identity, { filesTotal: 0, filesPruned: 0 }, [], () => {});
  }
  const entries = await snapshotEntries(ctx, files, snapshot, request.filter);
  const candidates = entries.data.filter((e) => request.filter === undefined || mayMatch(files, schema, lochSchema, e, request.filter));
  const applied = assignDeletes(candidates, entries.deletes, { normalizePath: (p: string) => files.paths.key(p), specs: specMap(files) });
  const releases: (() => void)[] = [];
  const release = () => releases.splice(0).forEach((r) => r());
  try {
    const positions = new PositionDeletes(files, ctx.parquet);
    const scanFiles = await mapLimit(candidates, ctx.ioConcurrency, async (entry) => {
      const pinned = await pinReferenced(ctx, files, entry.dataFile.filePath, snapshot.snapshotId);
      releases.push(() => pinned.release());
      const deletes = applied.get(entry);
      const deleted = await positions.positionsFor(entry.dataFile.filePath, deletes?.deletionVector, deletes?.positionDeletes ?? []);
      return { entry, file: scanFile(pinned.path, deleted, lineage ? lineageExtras(entry) : undefined) };
    });
    const equalityDeletes = await equalitySets(ctx, files, snapshot, scanFiles.map((f) => applied.get(f.entry)), releases);
    const unmapped = await filesWithoutIds(ctx, files, scanFiles.map((f) => f.file.localPath));
    const idFiles = scanFiles.filter((f) => !unmapped.has(f.file.localPath));
    const idBase: ScanSpec = { ...base, ...(lineage || identity ? { rowIdentity: true } : {}), ...(lineage ? { extraColumns: LINEAGE_EXTRAS } : {}) };
    const groups = await byNestedNames(ctx, files, idFiles);
    const idSpecs = groups.map((group) => ({
      ...idBase,
      columns: group.names.size === 0 ? idBase.columns : withFileNames(idBase.columns, group.names),
      files: group.files.map((f) => f.file),
      ...(equalityDeletes.length > 0 ? { equalityDeletes: remapSets(equalityDeletes, scanFiles, group.files) } : {}),
    }));
    const filesTotal = entries.data.length;
    const pruned = filesTotal - candidates.length;
    const entriesOut = groups.flatMap((g) => g.files.map((f) => f.entry));
    if (unmapped.size === 0) {
      return fieldIdScans(idSpecs.length > 0 ? idSpecs : [{ ...idBase, files: [] }], output, lineage, identity, { filesTotal, filesPruned: pruned }, entriesOut, release);
    }
    if (lineage || identity) {
      throw new LochError('UNSUPPORTED_FEATURE', `iceberg: table ${files.table.name}: row lineage or row-level changes over files without field ids (a migrated table: rewrite it first, e.g. OPTIMIZE)`);
    }
    const unmappedFiles = scanFiles.filter((f) => unmapped.has(f.file.localPath));
    const mappedSpecs = unmappedFiles.length === 0 ? [] : nameMappedSpecs(files, schema, lochSchema, base, unmappedFiles);
    const specs = [...idSpecs, ...mappedSpecs];
    return { specs, compose: (sqls) => unionAll(sqls, output), filesTotal, filesPruned: pruned, entries: entriesOut, release };
  } catch (error) {
    release();
    throw error;
  }
}

interface PlannedFile {
  readonly entry: LiveEntry;
  readonly file: ScanFile;
}

/**
 * Files grouped by how they name the struct fields that were renamed at some point (one group
 * with no names when nothing nested was ever renamed: no file is opened to find out).
 */
async function byNestedNames(ctx: TableContext, files: IcebergFiles, planned: readonly PlannedFile[]): Promise<{ names: ReadonlyMap<number, string>; files: PlannedFile[] }[]> {
  const renamed = renamedNestedIds(files.metadata);
  if (renamed.size === 0 || planned.length === 0) return planned.length === 0 ? [] : [{ names: new Map(), files: [...planned] }];
  const perFile = await fileFieldNames(ctx, planned.map((f) => f.file.localPath), renamed);
  const groups = new Map<string, { names: ReadonlyMap<number, string>; files: PlannedFile[] }>();
  for (const f of planned) {
    const names = perFile.get(f.file.localPath) ?? new Map<number, string>();
    const key = JSON.stringify([...names].sort((a, b) => a[0] - b[0]));
    const group = groups.get(key) ?? { names, files: [] };
    group.files.push(f);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/**
 * The scans of files with field ids (one per nested-naming group) as one relation. With row
 * identity, `__loch_file` indexes the concatenation of the groups' files (`entries`).
 */
function fieldIdScans(
  specs: readonly ScanSpec[],
  output: readonly string[],
  lineage: boolean,
  identity: boolean,
  counts: { readonly filesTotal: number; readonly filesPruned: number },
  entries: readonly LiveEntry[],
  release: () => void,
): PlannedIcebergScan {
  const offsets = specs.map((_, i) => specs.slice(0, i).reduce((n, s) => n + s.files.length, 0));
  const one = (sql: string, offset: number): string => {
    if (lineage) return lineageSql(sql, output, identity, offset);
    // The engine appends row identity after extra columns; keep exactly the table's columns before it.
    const cols = output.map((n) => `__s.${quoteIdentifier(n)}`);
    if (identity) cols.push(`__s.${quoteIdentifier(ROW_FILE_COLUMN)} + ${offset} AS ${quoteIdentifier(ROW_FILE_COLUMN)}`, `__s.${quoteIdentifier(ROW_POSITION_COLUMN)}`);
    return specs.length === 1 && !identity ? sql : `(SELECT ${cols.join(', ')} FROM ${sql} AS __s)`;
  };
  const compose = (sqls: readonly string[]): string =>
    sqls.length === 1 ? one(sqls[0] as string, 0) : `(${sqls.map((sql, i) => `SELECT * FROM ${one(sql, offsets[i] as number)} AS __g`).join(' UNION ALL ')})`;
  return { specs, compose, ...counts, entries, release };
}

function mayMatch(files: IcebergFiles, schema: IcebergSchema, lochSchema: StructType, entry: LiveEntry, filter: Expr): boolean {
  const spec = specById(files, entry.specId);
  if (!partitionMayMatch(filter, spec, unionSchema(files.metadata), entry.dataFile.partition)) return false;
  return !canPrune(filter, dataFileFacts(entry.dataFile, schema), lochSchema);
}

function specMap(files: IcebergFiles): Map<number, PartitionSpec> {
  return new Map(files.metadata.partitionSpecs.map((s) => [s.specId, s]));
}

function scanFile(localPath: string, deleted: readonly number[], extras: Record<string, Literal> | undefined): ScanFile {
  return { localPath, partitionValues: {}, ...(deleted.length > 0 ? { deletedRows: deleted } : {}), ...(extras ? { extraColumns: extras } : {}) };
}

/** Top-level initial defaults (a default of a nested field is not applied yet). */
function columnDefaults(files: IcebergFiles, schema: IcebergSchema, lochSchema: StructType): Record<string, Literal> | undefined {
  const out: Record<string, Literal> = {};
  schema.fields.forEach((f, i) => {
    const type = (lochSchema.fields[i] as StructField).type;
    if (f.initialDefault === undefined || f.initialDefault === null || f.type.kind === 'struct' || f.type.kind === 'list' || f.type.kind === 'map') return;
    const value = jsonToLiteral(f.initialDefault, f.type, `table ${files.table.name} column ${f.name} initial-default`);
    out[f.name] = { kind: 'literal', type, value: value as Literal['value'] };
  });
  return Object.keys(out).length > 0 ? out : undefined;
}

const LINEAGE_EXTRAS: readonly ExtraColumn[] = [
  { name: FIRST_ROW_ID, type: primitive('long') },
  { name: DATA_SEQ, type: primitive('long') },
];

function lineageColumns(): StructField[] {
  const long = primitive('long');
  return [
    { name: STORED_ROW_ID, type: long, nullable: true, physicalName: ROW_ID_COLUMN, fieldId: ROW_ID_FIELD_ID },
    { name: STORED_SEQ, type: long, nullable: true, physicalName: LAST_UPDATED_SEQ_COLUMN, fieldId: LAST_UPDATED_SEQ_FIELD_ID },
  ];
}

function lineageExtras(entry: LiveEntry): Record<string, Literal> {
  const long = primitive('long');
  return {
    [FIRST_ROW_ID]: { kind: 'literal', type: long, value: entry.firstRowId === undefined ? null : BigInt(entry.firstRowId) },
    [DATA_SEQ]: { kind: 'literal', type: long, value: BigInt(entry.sequenceNumber) },
  };
}

/** `_row_id` = stored value, else the file's first row id + position; the sequence number likewise. */
function lineageSql(registered: string, output: readonly string[], identity: boolean, fileOffset = 0): string {
  const cols = output.map((n) => `__l.${quoteIdentifier(n)}`).join(', ');
  const file = quoteIdentifier(ROW_FILE_COLUMN);
  const tail = identity ? `, __l.${file} + ${fileOffset} AS ${file}, __l.${quoteIdentifier(ROW_POSITION_COLUMN)}` : '';
  const rowId = `coalesce(__l.${STORED_ROW_ID}, __l.${FIRST_ROW_ID} + __l.${quoteIdentifier(ROW_POSITION_COLUMN)}) AS _row_id`;
  const seq = `coalesce(__l.${STORED_SEQ}, __l.${DATA_SEQ}) AS _last_updated_sequence_number`;
  return `(SELECT ${cols}${cols ? ', ' : ''}${rowId}, ${seq}${tail} FROM ${registered} AS __l)`;
}

function unionAll(sqls: readonly string[], output: readonly string[]): string {
  const cols = output.map((n) => quoteIdentifier(n)).join(', ');
  return `(${sqls.map((s) => `SELECT ${cols} FROM ${s}`).join(' UNION ALL ')})`;
}

/** Equality delete files grouped by (match columns, data files they apply to): one engine set each. */
async function equalitySets(
  ctx: TableContext,
  files: IcebergFiles,
  snapshot: Snapshot,
  applied: readonly (AppliedDeletes | undefined)[],
  releases: (() => void)[],
): Promise<EqualityDeleteSet[]> {
  const groups = new Map<string, { entries: Map<string, LiveEntry>; ids: readonly number[]; appliesTo: number[] }>();
  const byDelete = new Map<string, number[]>();
  const deleteEntries = new Map<string, LiveEntry>();
  applied.forEach((a, index) => {
    for (const d of a?.equalityDeletes ?? []) {
      const list = byDelete.get(d.dataFile.filePath) ?? [];
      list.push(index);
      byDelete.set(d.dataFile.filePath, list);
      deleteEntries.set(d.dataFile.filePath, d);
    }
  });
  for (const [path, appliesTo] of byDelete) {
    const entry = deleteEntries.get(path) as LiveEntry;
    const ids = entry.dataFile.equalityIds ?? [];
    if (ids.length === 0) throw new LochError('PROTOCOL_VIOLATION', `iceberg: table ${files.table.name}: equality delete file ${path} has no equality_ids`);
    const key = `${ids.join(',')}|${appliesTo.join(',')}`;
    const group = groups.get(key) ?? { entries: new Map(), ids, appliesTo };
    group.entries.set(path, entry);
    groups.set(key, group);
  }
  const union = fieldById(unionSchema(files.metadata));
  return mapLimit([...groups.values()], ctx.ioConcurrency, async (group) => {
    const locals = await Promise.all(
      [...group.entries.keys()].map(async (path) => {
        const pinned = await pinReferenced(ctx, files, path, snapshot.snapshotId);
        releases.push(() => pinned.release());
        return pinned.path;
      }),
    );
    const columns = group.ids.map((id) => {
      const found = union.get(id);
      if (found === undefined) throw new LochError('PROTOCOL_VIOLATION', `iceberg: table ${files.table.name}: equality delete column ${id} is in no schema of the table`);
      return { fieldId: id, type: toLochSchema({ kind: 'struct', fields: [found.field] }).fields[0]?.type as DataType };
    });
    return { files: locals, columns, appliesTo: group.appliesTo };
  });
}

/** Re-indexes sets from all planned files to the field-id scan's files (name-mapped files never have equality deletes applied). */
function remapSets(sets: readonly EqualityDeleteSet[], all: readonly { file: ScanFile }[], kept: readonly { file: ScanFile }[]): EqualityDeleteSet[] {
  const index = new Map(kept.map((f, i) => [f.file, i]));
  return sets
    .map((s) => ({ ...s, appliesTo: s.appliesTo.map((i) => index.get((all[i] as { file: ScanFile }).file)).filter((i): i is number => i !== undefined) }))
    .filter((s) => s.appliesTo.length > 0);
}

function nameMappedSpecs(files: IcebergFiles, schema: IcebergSchema, lochSchema: StructType, base: ScanSpec, mapped: readonly { entry: LiveEntry; file: ScanFile }[]): ScanSpec[] {
  const mapping = files.metadata.properties[NAME_MAPPING_PROPERTY];
  if (mapping === undefined) {
    throw new LochError('UNSUPPORTED_FEATURE', `iceberg: table ${files.table.name}: data files without field ids and no ${NAME_MAPPING_PROPERTY} property to read them by`);
  }
  const bySpec = new Map<number, { entry: LiveEntry; file: ScanFile }[]>();
  for (const m of mapped) bySpec.set(m.entry.specId, [...(bySpec.get(m.entry.specId) ?? []), m]);
  return [...bySpec.entries()].map(([specId, group]) => nameMappedSpec(files, schema, lochSchema, base, specById(files, specId), mapping, group));
}
