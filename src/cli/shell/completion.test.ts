import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../catalog/catalog-types.js';
import { complete, trailingName } from './completion.js';
import { NameCache } from './name-cache.js';

const TREE: Record<string, Record<string, { tables: string[]; volumes: string[] }>> = {
  main: { default: { tables: ['customers', 'orders'], volumes: ['raw'] }, sales: { tables: ['deals', 'it"s'], volumes: [] } },
  lab: { default: { tables: [], volumes: [] } },
};

const named = (name: string) => ({ name });
const catalog = {
  listCatalogs: async () => Object.keys(TREE).map(named),
  listSchemas: async (c: string) => Object.keys(TREE[c] ?? {}).map(named),
  listTables: async (c: string, s: string) => (TREE[c]?.[s]?.tables ?? []).map(named),
  listVolumes: async (c: string, s: string) => (TREE[c]?.[s]?.volumes ?? []).map(named),
} as unknown as Catalog;

const context = (inStatement = false) => ({ names: new NameCache(catalog), current: () => ({ catalog: 'main', schema: 'default' }), inStatement: () => inStatement });

describe('completion', () => {
  it('completes the part after the last dot of a dotted name', async () => {
    expect(await complete('SELECT * FROM main.def', context())).toEqual([['default'], 'def']);
    expect(await complete('SELECT * FROM main.default.cu', context())).toEqual([['customers'], 'cu']);
    expect(await complete('SELECT * FROM sales.d', context())).toEqual([['deals'], 'd']);
  });

  it('offers keywords in the case typed, with names of the current schema', async () => {
    expect(await complete('sel', context())).toEqual([['select'], 'sel']);
    expect((await complete('SELECT * FROM OR', context()))[0]).toEqual(['OR', 'ORDER', 'orders']);
    expect((await complete('SELECT * FROM or', context()))[0]).toEqual(['or', 'order', 'orders']);
  });

  it('quotes names that need it and keeps a quote the user opened', async () => {
    expect(await complete('SELECT * FROM main.sales.it', context())).toEqual([['`it"s`'], 'it']);
    expect(await complete('SELECT * FROM main.sales."it', context())).toEqual([['"it""s"'], '"it']);
  });

  it('completes dot commands and their arguments at the start of a line only', async () => {
    expect(await complete('.ti', context())).toEqual([['.timer'], '.ti']);
    expect(await complete('.format js', context())).toEqual([['json'], 'js']);
    expect(await complete('.use main.s', context())).toEqual([['main.sales'], 'main.s']);
    expect((await complete('.ta', context(true)))[0]).toEqual([]);
  });

  it('completes /Volumes/ paths inside strings', async () => {
    expect(await complete("LIST '/Volumes/ma", context())).toEqual([['main/'], 'ma']);
    expect(await complete("LIST '/Volumes/main/default/r", context())).toEqual([['raw/'], 'r']);
  });

  it('finds the trailing name, not numbers or parameters', () => {
    expect(trailingName('x + 12')).toBeUndefined();
    expect(trailingName('WHERE a = :na')).toBeUndefined();
    expect(trailingName('FROM `a.b`.c')).toEqual({ qualifiers: ['a.b'], prefix: 'c', quote: '' });
  });
});
