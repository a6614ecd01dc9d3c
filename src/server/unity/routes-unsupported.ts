/**
 * The parts of the Unity Catalog API Loch does not offer, answered 501 with the reason and the
 * way to do it instead, plus GET /metastore_summary.
 *
 * Temporary credentials are refused on purpose: a client holding storage credentials reads and
 * writes table files directly, past Loch's grants, row filters, column masks and audit. Read
 * and write tables through SQL (statement API, PostgreSQL wire) or the Iceberg REST catalog.
 */
import type { Hono } from 'hono';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import { metastoreId } from './metastore-id.js';
import { operation } from './operation.js';
import { notImplemented } from './uc-errors.js';

const CREDENTIALS_REASON =
  'Loch does not vend storage credentials: direct file access would bypass grants, row filters, column masks and audit; read and write tables through the SQL statement API, the PostgreSQL wire protocol or the Iceberg REST catalog';

const UNSUPPORTED: readonly (readonly [path: string, action: string, reason: string])[] = [
  ['/temporary-table-credentials', 'generateTemporaryTableCredentials', CREDENTIALS_REASON],
  ['/temporary-volume-credentials', 'generateTemporaryVolumeCredentials', CREDENTIALS_REASON],
  ['/temporary-path-credentials', 'generateTemporaryPathCredentials', CREDENTIALS_REASON],
  ['/temporary-model-version-credentials', 'generateTemporaryModelVersionCredentials', CREDENTIALS_REASON],
  ['/staging-tables', 'createStagingTable', 'staging tables are not supported; create MANAGED tables with POST /tables or SQL'],
  ['/models', 'registeredModels', 'Loch has no model registry'],
  ['/models/*', 'registeredModels', 'Loch has no model registry'],
  ['/credentials', 'credentials', 'Loch has no storage credentials'],
  ['/credentials/*', 'credentials', 'Loch has no storage credentials'],
  ['/external-locations', 'externalLocations', 'Loch has no external locations (admins create EXTERNAL tables and volumes with storage_location)'],
  ['/external-locations/*', 'externalLocations', 'Loch has no external locations (admins create EXTERNAL tables and volumes with storage_location)'],
  ['/delta/preview/commits', 'deltaCommits', 'Loch coordinates Delta commits itself; catalog-managed commits are not supported'],
];

export function unsupportedRoutes(app: Hono<ServerEnv>, deps: ApiDeps): void {
  app.get(
    '/metastore_summary',
    operation(deps, 'getMetastoreSummary', async () => ({ metastore_id: metastoreId(deps.loch.warehouse) })),
  );
  for (const [path, action, reason] of UNSUPPORTED) {
    app.all(
      path,
      operation(deps, action, async () => {
        throw notImplemented(`${path.replace('/*', '')}: ${reason}`);
      }),
    );
  }
}
