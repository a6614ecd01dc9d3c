import type { Catalog } from '../../catalog/catalog-types.js';
import type { AuditEvent, AuditSink } from '../../catalog/governance/governance-types.js';
import type { Session } from '../../engine/index.js';
import type { TableContext } from '../../table/context.js';
import { auditRow } from './audit-rows.js';
import { LineageAnalyzer } from './lineage-analyzer.js';
import { lineageRows } from './lineage-rows.js';
import type { LineageEvent, LineageSink } from './lineage-types.js';
import { FlushScheduler } from './flush-scheduler.js';
import { appendRows } from './row-append.js';
import type { SystemRow } from './row-append.js';
import { SYSTEM_SCHEMAS, ensureSystemTables } from './system-tables.js';
import type { SystemLocations, SystemTable } from './system-tables.js';

export interface GovernanceLogOptions {
  readonly ctx: TableContext;
  /**
   * The catalog the log creates its tables with and resolves lineage names through: an admin's
   * that records no audit events itself (the log must never audit its own work).
   */
  readonly catalog: Catalog;
  /** A flush starts this long after the first queued event (default 1000 ms). */
  readonly flushIntervalMs?: number;
  /** A flush starts at once when this many events wait (default 500). */
  readonly batchSize?: number;
  /** At most this many events wait; later ones are dropped and counted (default 20 000). */
  readonly maxQueued?: number;
  /** Where problems are reported (default: process warnings). */
  readonly warn?: (message: string) => void;
}

/** What the log has done so far (for tests and health checks). */
export interface GovernanceLogStats {
  /** Rows written to system.access.audit. */
  readonly auditRows: number;
  readonly tableLineageRows: number;
  readonly columnLineageRows: number;
  /** Events lost: dropped when the queue was full, or given up after failed writes. */
  readonly dropped: number;
  /** Flushes that wrote something. */
  readonly flushes: number;
}

/**
 * Audit events and lineage as rows of `system.access.audit`, `table_lineage` and
 * `column_lineage` (Delta tables in catalog `system`, created by the admin on first use).
 *
 * `record` and `recordLineage` only queue: they never throw, never wait, and never touch I/O.
 * A flush runs ~1 s after the first queued event, at once when a batch is full, and on
 * `flush()`/`close()`; it writes each table in one Delta commit (appends never conflict, so
 * several processes may log to one warehouse). Flushes run one at a time. When writing fails
 * the events are put back for the next flush while there is room; a full queue drops new
 * events and counts them, and the next flush reports the count as a warning and as an audit row
 * (action `auditEventsDropped`). The log writes through the table layer, not SQL, so its own
 * writes are neither audited nor lineage.
 *
 * Lineage (Databricks semantics): CTAS, INSERT [OVERWRITE], MERGE (source → target), CREATE VIEW
 * and ALTER VIEW … AS (tables read → view), COPY INTO (path → table) and reads (target NULL);
 * a write reading nothing (VALUES) has source NULL. Statements are analysed when flushed, against
 * the catalog as it is then (a table dropped meanwhile keeps its name, its columns unknown).
 * Column lineage per written column: see query-lineage.ts for what is followed.
 *
 * Governance: catalog `system` is created by, and owned by, the admin; others see nothing of it
 * until granted (`GRANT USE CATALOG ON CATALOG system …; GRANT USE SCHEMA, SELECT ON SCHEMA
 * system.access …`). Nobody writes it through SQL (system-guard.ts).
 */
export class GovernanceLog implements AuditSink, LineageSink {
  private audits: AuditEvent[] = [];
  private lineage: LineageEvent[] = [];
  private droppedSinceFlush = 0;
  private tables: Promise<SystemLocations> | undefined;
  private readonly scheduler: FlushScheduler;
  private counts = { auditRows: 0, tableLineageRows: 0, columnLineageRows: 0, dropped: 0, flushes: 0 };
  private readonly interval: number;
  private readonly batchSize: number;
  private readonly maxQueued: number;
  private readonly warn: (message: string) => void;

  constructor(private readonly options: GovernanceLogOptions) {
    this.interval = options.flushIntervalMs ?? 1000;
    this.batchSize = options.batchSize ?? 500;
    this.maxQueued = options.maxQueued ?? 20_000;
    this.warn = options.warn ?? ((message) => process.emitWarning(message, 'LochGovernanceLog'));
    this.scheduler = new FlushScheduler(this.interval, () => this.flushOnce());
  }

  get stats(): GovernanceLogStats {
    return { ...this.counts };
  }

  record(event: AuditEvent): void {
    if (this.admit()) this.audits.push(event);
  }

  recordLineage(event: LineageEvent): void {
    if (this.admit()) this.lineage.push(event);
  }

  /** Writes everything queued so far (and what arrives while it runs, in a following batch). Never rejects. */
  flush(): Promise<void> {
    return this.scheduler.flush();
  }

  /** Stops the timer and flushes; events recorded afterwards are dropped. */
  close(): Promise<void> {
    return this.scheduler.close();
  }

  private admit(): boolean {
    if (this.scheduler.closed || this.audits.length + this.lineage.length >= this.maxQueued) {
      this.droppedSinceFlush++;
      this.counts.dropped++;
      return false;
    }
    this.scheduler.queued(this.audits.length + this.lineage.length + 1 >= this.batchSize);
    return true;
  }

  private async flushOnce(): Promise<void> {
    const audits = this.audits.splice(0);
    const lineage = this.lineage.splice(0);
    const dropped = this.droppedSinceFlush;
    this.droppedSinceFlush = 0;
    if (dropped > 0) {
      this.warn(`governance log: dropped ${dropped} audit/lineage events (queue full at ${this.maxQueued}, or recorded after close)`);
      audits.push(this.droppedEvent(dropped));
    }
    if (audits.length === 0 && lineage.length === 0) return;
    let session: Session | undefined;
    try {
      session = await this.options.ctx.engine.session();
      const tables = await this.systemTables();
      const wrote = await this.writeAudit(session, tables, audits);
      const wroteLineage = await this.writeLineage(session, tables, lineage);
      if (wrote || wroteLineage) this.counts.flushes++;
    } catch (error) {
      this.requeue(audits, lineage, error);
    } finally {
      await session?.close().catch(() => {});
    }
  }

  private async writeAudit(session: Session, tables: SystemLocations, audits: readonly AuditEvent[]): Promise<boolean> {
    if (audits.length === 0) return false;
    try {
      await this.append(session, tables, 'audit', audits.map((e) => auditRow(e, this.options.ctx.ids.uuid())));
      this.counts.auditRows += audits.length;
      return true;
    } catch (error) {
      this.requeue(audits, [], error);
      return false;
    }
  }

  private async writeLineage(session: Session, tables: SystemLocations, events: readonly LineageEvent[]): Promise<boolean> {
    if (events.length === 0) return false;
    const analyzer = new LineageAnalyzer(this.options.ctx, this.options.catalog, session);
    const tableRows: SystemRow[] = [];
    const columnRows: SystemRow[] = [];
    for (const event of events) {
      try {
        const found = await analyzer.analyze(event);
        if (found === undefined) continue;
        const rows = lineageRows(event, found, this.options.ctx.ids.uuid());
        tableRows.push(...rows.tables);
        columnRows.push(...rows.columns);
      } catch {
        // A statement whose lineage cannot be worked out (names that no longer resolve) is skipped.
      }
    }
    try {
      await this.append(session, tables, 'table_lineage', tableRows);
      this.counts.tableLineageRows += tableRows.length;
      await this.append(session, tables, 'column_lineage', columnRows);
      this.counts.columnLineageRows += columnRows.length;
    } catch (error) {
      this.counts.dropped += events.length;
      this.warn(`governance log: lineage of ${events.length} statements not written: ${message(error)}`);
    }
    return tableRows.length + columnRows.length > 0;
  }

  private async append(session: Session, tables: SystemLocations, table: SystemTable, rows: readonly SystemRow[]): Promise<void> {
    await appendRows(this.options.ctx, session, tables[table], SYSTEM_SCHEMAS[table], rows);
  }

  private systemTables(): Promise<SystemLocations> {
    if (this.tables === undefined) {
      const created = ensureSystemTables(this.options.ctx, this.options.catalog);
      this.tables = created;
      created.catch(() => {
        if (this.tables === created) this.tables = undefined;
      });
    }
    return this.tables;
  }

  /** Failed events go back to the front of the queue while there is room; the rest are lost. */
  private requeue(audits: readonly AuditEvent[], lineage: readonly LineageEvent[], error: unknown): void {
    const room = Math.max(0, this.maxQueued - this.audits.length - this.lineage.length);
    const keptAudits = audits.slice(0, room);
    const keptLineage = lineage.slice(0, room - keptAudits.length);
    const lost = audits.length + lineage.length - keptAudits.length - keptLineage.length;
    this.audits.unshift(...keptAudits);
    this.lineage.unshift(...keptLineage);
    this.counts.dropped += lost;
    this.warn(`governance log: writing ${audits.length + lineage.length} events failed (${lost} dropped, the rest retried): ${message(error)}`);
    if (this.audits.length + this.lineage.length > 0) this.scheduler.schedule();
  }

  private droppedEvent(count: number): AuditEvent {
    return {
      time: this.options.ctx.clock.now(),
      request: { requestId: this.options.ctx.ids.uuid(), service: 'governance-log' },
      principal: this.options.catalog.principal,
      action: 'auditEventsDropped',
      allowed: true,
      statusCode: 503,
      errorMessage: `${count} audit or lineage events were dropped`,
      params: { dropped: String(count) },
    };
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
