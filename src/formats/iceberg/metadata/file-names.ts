/**
 * Metadata file names and their versions (spec "File System Tables", "Metastore Tables",
 * Appendix C on GZIP; Java's HadoopTableOperations). Names are bare file names inside the
 * table's `metadata/` directory.
 *
 * - Path tables: `v<N>.metadata.json`, gzip-compressed as `v<N>.gz.metadata.json` or (Java
 *   also reads) `v<N>.metadata.json.gz`; `metadata/version-hint.text` holds N.
 * - Metastore tables: `<N>-<uuid>.metadata.json` (Java pads N to five digits), also with
 *   `.gz.metadata.json` / `.metadata.json.gz`.
 */

const PATH_TABLE = /^v(\d+)(\.gz)?\.metadata\.json(\.gz)?$/;
const METASTORE = /^(\d+)-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(\.gz)?\.metadata\.json(\.gz)?$/;

/** The version N of a version-hint file's text (trimmed, digits only), else undefined. */
export function parseVersionHint(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The version a metadata file name carries (`v12.metadata.json`, `00012-<uuid>.metadata.json`, gz forms), else undefined. */
export function metadataFileVersion(name: string): number | undefined {
  const m = PATH_TABLE.exec(name) ?? METASTORE.exec(name);
  if (m === null || (m[2] !== undefined && m[3] !== undefined)) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : undefined;
}

interface Candidate {
  readonly name: string;
  readonly version: number;
  readonly pathTable: boolean;
  /** Preference among spellings of one version: plain, .gz.metadata.json, .metadata.json.gz. */
  readonly rank: number;
}

function candidate(name: string): Candidate | undefined {
  const version = metadataFileVersion(name);
  if (version === undefined) return undefined;
  const rank = name.endsWith('.json.gz') ? 2 : name.endsWith('.gz.metadata.json') ? 1 : 0;
  return { name, version, pathTable: name.startsWith('v'), rank };
}

/**
 * The metadata files among `names` that carry `version`, best first: path-table names before
 * metastore names, then plain before `.gz.metadata.json` before `.metadata.json.gz` (Java's
 * probe order), then by name. Used after a version hint named N.
 */
export function metadataFilesForVersion(names: readonly string[], version: number): string[] {
  return names
    .map(candidate)
    .filter((c): c is Candidate => c !== undefined && c.version === version)
    .sort(compareCandidates)
    .map((c) => c.name);
}

function compareCandidates(a: Candidate, b: Candidate): number {
  if (a.pathTable !== b.pathTable) return a.pathTable ? -1 : 1;
  return a.rank - b.rank || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/**
 * The newest metadata file by listing: the highest `v<N>` path-table file if there is any, else
 * the highest `<N>-<uuid>` metastore file; undefined when `names` holds none. Several metastore
 * files with the same N (concurrent writers) are a tie only `last-updated-ms` can break: see
 * `newestMetadataTies`; this function then returns the first by name.
 */
export function newestMetadataFile(names: readonly string[]): string | undefined {
  return newestMetadataTies(names)[0];
}

/** Every file sharing the winning version of `newestMetadataFile`, best first. */
export function newestMetadataTies(names: readonly string[]): string[] {
  const all = names.map(candidate).filter((c): c is Candidate => c !== undefined);
  const pool = all.some((c) => c.pathTable) ? all.filter((c) => c.pathTable) : all;
  if (pool.length === 0) return [];
  const top = Math.max(...pool.map((c) => c.version));
  return pool.filter((c) => c.version === top).sort(compareCandidates).map((c) => c.name);
}

/** True when the bytes start with the GZIP magic (1f 8b), whatever the file is called. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}
