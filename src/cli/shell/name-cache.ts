import type { Catalog } from '../../catalog/catalog-types.js';

/**
 * Catalog, schema, table/view and volume names for completion, read from the catalog on first
 * use and kept until `invalidate()` (the shell calls it after DDL). A failing lookup (a missing
 * schema, a metastore hiccup) gives no names rather than an error: completion must never fail.
 */
export class NameCache {
  private readonly entries = new Map<string, Promise<string[]>>();

  constructor(private readonly catalog: Catalog) {}

  invalidate(): void {
    this.entries.clear();
  }

  catalogs(): Promise<string[]> {
    return this.cached('', async () => (await this.catalog.listCatalogs()).map((c) => c.name));
  }

  schemas(catalog: string): Promise<string[]> {
    return this.cached(JSON.stringify([catalog]), async () => (await this.catalog.listSchemas(catalog)).map((s) => s.name));
  }

  /** Tables, views and volumes of a schema. */
  objects(catalog: string, schema: string): Promise<string[]> {
    return this.cached(JSON.stringify([catalog, schema]), async () => {
      const [tables, volumes] = await Promise.all([this.catalog.listTables(catalog, schema), this.catalog.listVolumes(catalog, schema)]);
      return [...tables.map((t) => t.name), ...volumes.map((v) => v.name)];
    });
  }

  /** Volumes only (for /Volumes/… paths). */
  volumes(catalog: string, schema: string): Promise<string[]> {
    return this.cached(JSON.stringify(['volumes', catalog, schema]), async () => (await this.catalog.listVolumes(catalog, schema)).map((v) => v.name));
  }

  private cached(key: string, load: () => Promise<string[]>): Promise<string[]> {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = load().catch(() => {
        this.entries.delete(key);
        return [];
      });
      this.entries.set(key, entry);
    }
    return entry;
  }
}
