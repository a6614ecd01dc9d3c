import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * DESIGN.md's layers, lowest first. A module may import only from its own layer or lower ones;
 * `ai`, `ml` and `dataframe` share a rank, as do the edges.
 */
const RANKS: Record<string, number> = {
  core: 0,
  expr: 1,
  storage: 2,
  formats: 3,
  engine: 4,
  table: 5,
  catalog: 6,
  sql: 7,
  ai: 8,
  ml: 8,
  dataframe: 8,
  server: 9,
  cli: 9,
  ui: 9,
};

const SRC = resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.includes('test-support') ? [path] : [];
  });
}

function layerOf(path: string): string {
  const top = relative(SRC, path).split('/')[0] ?? '';
  return top.endsWith('.ts') ? 'root' : top;
}

function importsOf(text: string): string[] {
  const found: string[] = [];
  const pattern = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of text.matchAll(pattern)) found.push((match[1] ?? match[2]) as string);
  return found;
}

describe('architecture', () => {
  const files = sourceFiles(SRC);

  it('every folder under src/ is a known layer', () => {
    const layers = new Set(files.map(layerOf));
    for (const layer of layers) expect(layer === 'root' || layer in RANKS, `unknown layer ${layer}`).toBe(true);
  });

  it('imports flow downward only', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      if (from === 'root') continue;
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const to = layerOf(resolve(dirname(file), spec));
        if (to === 'root' || (RANKS[to] ?? 99) > (RANKS[from] ?? -1)) {
          violations.push(`${relative(SRC, file)} (${from}) imports ${spec} (${to})`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('only the engine layer imports @duckdb/node-api', () => {
    const leaks = files.filter((f) => layerOf(f) !== 'engine' && importsOf(readFileSync(f, 'utf8')).includes('@duckdb/node-api'));
    expect(leaks.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('format code does no I/O of its own', () => {
    const io = ['node:fs', 'node:fs/promises', 'fs', 'fs/promises', '@aws-sdk/client-s3', 'node:net', 'node:http'];
    const leaks = files.filter((f) => layerOf(f) === 'formats' && importsOf(readFileSync(f, 'utf8')).some((s) => io.includes(s)));
    expect(leaks.map((f) => relative(SRC, f))).toEqual([]);
  });
});
