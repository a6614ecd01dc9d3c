import { WORKSPACE_ID } from './audit-rows.js';
import type { LineageEndpoint, StatementLineage } from './lineage-analyzer.js';
import type { LineageEvent } from './lineage-types.js';
import type { SystemRow } from './row-append.js';

/**
 * Rows of system.access.table_lineage and column_lineage for one statement. Databricks' layout:
 * entity_type/entity_id/entity_run_id are NULL (Loch has no notebooks or jobs); `*_path` is set
 * for PATH ends only (a table's storage location is not repeated here); a read has no target and
 * a write that reads nothing (VALUES) has no source. Full names are
 * `catalog.schema.name`, unquoted, as in Databricks. `event_id` links the rows of one statement.
 */
export function lineageRows(event: LineageEvent, lineage: StatementLineage, eventId: string): { tables: SystemRow[]; columns: SystemRow[] } {
  const common = {
    account_id: WORKSPACE_ID,
    metastore_id: WORKSPACE_ID,
    workspace_id: WORKSPACE_ID,
    entity_type: null,
    entity_id: null,
    entity_run_id: null,
    created_by: event.principal,
    event_time: event.time,
    event_date: event.time,
    statement_type: lineage.statementType,
    event_id: eventId,
  };
  const tables = lineage.tables.map((edge) => ({ ...common, ...end('source', edge.source), ...end('target', edge.target) }));
  const columns = lineage.columns.map((edge) => ({
    ...common,
    ...end('source', edge.source),
    ...end('target', edge.target),
    source_column_name: edge.sourceColumn,
    target_column_name: edge.targetColumn,
  }));
  return { tables, columns };
}

function end(side: 'source' | 'target', e: LineageEndpoint | undefined): SystemRow {
  const name = e?.name;
  return {
    [`${side}_table_full_name`]: name === undefined ? null : `${name.catalog}.${name.schema}.${name.name}`,
    [`${side}_table_catalog`]: name?.catalog ?? null,
    [`${side}_table_schema`]: name?.schema ?? null,
    [`${side}_table_name`]: name?.name ?? null,
    [`${side}_path`]: e?.type === 'PATH' ? (e.path ?? null) : null,
    [`${side}_type`]: e?.type ?? null,
  };
}
