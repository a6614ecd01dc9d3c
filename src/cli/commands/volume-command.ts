import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { VolumeFile } from '../../catalog/catalog-types.js';
import { LochError, toLochError } from '../../core/errors.js';
import type { Loch } from '../../sql/loch.js';
import type { VolumeAction } from '../args.js';
import type { TableLimits } from '../output/table-writer.js';
import { createWriter, type OutputFormat } from '../output/writers.js';
import type { Terminal } from '../terminal.js';

export interface VolumeRequest {
  readonly action: VolumeAction;
  readonly paths: readonly string[];
  readonly recursive: boolean;
}

export interface VolumeOutput {
  readonly term: Terminal;
  readonly format: OutputFormat;
  readonly limits: TableLimits;
}

/**
 * `loch volume put|get|ls|rm`: files in volumes, through the catalog (which resolves
 * /Volumes/<catalog>/<schema>/<volume>/<path>, refusing '..' and missing volumes) and the
 * volume's object store.
 */
export async function volumeCommand(loch: Loch, request: VolumeRequest, output: VolumeOutput): Promise<void> {
  const [first, second] = request.paths as [string, string?];
  switch (request.action) {
    case 'put':
      return put(loch, first, second ?? '', output.term);
    case 'get':
      return get(loch, first, second ?? '-', output.term);
    case 'ls':
      return list(loch, first, output);
    case 'rm':
      return remove(loch, first, request.recursive, output.term);
  }
}

async function put(loch: Loch, local: string, target: string, term: Terminal): Promise<void> {
  const info = await stat(local).catch(() => undefined);
  if (info === undefined) throw new LochError('NOT_FOUND', `volume: local file ${local} does not exist`);
  if (!info.isFile()) throw new LochError('INVALID_ARGUMENT', `volume: ${local} is not a file (put uploads one file)`);
  let file = await resolve(loch, target.endsWith('/') ? target + basename(local) : target);
  if (file.key === '' || (await isFolder(file))) file = await resolve(loch, `${file.path.replace(/\/+$/, '')}/${basename(local)}`);
  const bytes = await readFile(local).catch((error: unknown) => {
    throw toLochError(error, 'STORAGE_ERROR', `volume: cannot read ${local}`);
  });
  await file.store.put(file.key, bytes);
  term.out(`uploaded ${bytes.length} bytes to ${file.path}\n`);
}

async function get(loch: Loch, source: string, local: string, term: Terminal): Promise<void> {
  const file = await resolve(loch, source);
  const bytes = file.key === '' ? undefined : await file.store.get(file.key);
  if (bytes === undefined) {
    if (file.key === '' || (await isFolder(file))) throw new LochError('INVALID_ARGUMENT', `volume: ${file.path} is a folder (get downloads one file)`);
    throw new LochError('NOT_FOUND', `volume: ${file.path} does not exist`);
  }
  if (local === '-') return term.outBytes(bytes);
  const isDir = local.endsWith('/') || (await stat(local).catch(() => undefined))?.isDirectory() === true;
  const target = isDir ? join(local, basename(file.key)) : local;
  await writeFile(target, bytes).catch((error: unknown) => {
    throw toLochError(error, 'STORAGE_ERROR', `volume: cannot write ${target}`);
  });
  term.out(`downloaded ${bytes.length} bytes to ${target}\n`);
}

interface Entry {
  readonly name: string;
  readonly size: number | null;
  readonly modified: number | null;
}

async function list(loch: Loch, path: string, output: VolumeOutput): Promise<void> {
  const file = await resolve(loch, path);
  const single = file.key === '' ? undefined : await file.store.head(file.key);
  const folder = file.key === '' ? '' : `${file.key}/`;
  const entries: Entry[] = single !== undefined ? [{ name: basename(file.key), size: single.size, modified: single.lastModified }] : await children(file, folder);
  if (single === undefined && entries.length === 0 && file.key !== '') throw new LochError('NOT_FOUND', `volume: ${file.path} does not exist`);
  const base = single !== undefined ? file.path.slice(0, file.path.length - basename(file.key).length) : `${volumeRoot(file)}/${folder}`;
  const writer = createWriter(output.format, output.term.out, output.limits);
  writer.begin([
    { name: 'path', type: 'VARCHAR' },
    { name: 'name', type: 'VARCHAR' },
    { name: 'size', type: 'BIGINT' },
    { name: 'modification_time', type: 'TIMESTAMP' },
  ]);
  writer.rows(entries.map((e) => [base + e.name, e.name, e.size, e.modified === null ? null : new Date(e.modified).toISOString()]));
  writer.end();
}

/** The files and sub-folders ('name/') directly inside a folder, by name. */
async function children(file: VolumeFile, folder: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  let lastFolder = '';
  for await (const meta of file.store.list(folder)) {
    const rest = meta.key.slice(folder.length);
    const slash = rest.indexOf('/');
    if (slash < 0) entries.push({ name: rest, size: meta.size, modified: meta.lastModified });
    else if (rest.slice(0, slash + 1) !== lastFolder) {
      lastFolder = rest.slice(0, slash + 1);
      entries.push({ name: lastFolder, size: null, modified: null });
    }
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function remove(loch: Loch, path: string, recursive: boolean, term: Terminal): Promise<void> {
  const file = await resolve(loch, path);
  if (file.key === '') throw new LochError('INVALID_ARGUMENT', `volume: refusing to remove the whole volume ${file.path} (DROP VOLUME removes a volume)`);
  let removed = 0;
  if ((await file.store.head(file.key)) !== undefined) {
    await file.store.delete(file.key);
    removed += 1;
  }
  if (recursive) {
    const keys: string[] = [];
    for await (const meta of file.store.list(`${file.key}/`)) keys.push(meta.key);
    for (const key of keys) await file.store.delete(key);
    removed += keys.length;
  } else if (removed === 0 && (await isFolder(file))) {
    throw new LochError('INVALID_ARGUMENT', `volume: ${file.path} is a folder; use rm -r to remove it and everything in it`);
  }
  if (removed === 0) throw new LochError('NOT_FOUND', `volume: ${file.path} does not exist`);
  term.out(`removed ${removed} file${removed === 1 ? '' : 's'} from ${file.path}\n`);
}

async function resolve(loch: Loch, path: string): Promise<VolumeFile> {
  if (!/^(dbfs:)?\/Volumes\/[^/]+\/[^/]+\/[^/]+/i.test(path)) {
    throw new LochError('INVALID_ARGUMENT', `volume: expected a path /Volumes/<catalog>/<schema>/<volume>[/<path>], got '${path}'`);
  }
  return loch.catalog.resolveVolumePath(path);
}

async function isFolder(file: VolumeFile): Promise<boolean> {
  for await (const _ of file.store.list(file.key === '' ? '' : `${file.key}/`)) return true;
  return false;
}

function volumeRoot(file: VolumeFile): string {
  return `/Volumes/${file.volume.catalog}/${file.volume.schema}/${file.volume.name}`;
}
