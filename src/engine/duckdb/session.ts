/**
 * A Session is one DuckDB connection: statements, streamed results, Arrow batches and scan
 * registration. Results stream chunk by chunk; rows never pile up unless `all()` is asked for.
 *
 * One open stream per session: DuckDB ends a connection's streaming result when the connection
 * runs another statement. A result whose stream was cut off that way throws SQL_ERROR on its
 * next read instead of ending early, so a truncated result is never mistaken for a complete one.
 * Use separate sessions to read several results at once.
 */
import { blobValue, type DuckDBConnection, type DuckDBResult, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type { RecordBatch } from 'apache-arrow';
import { LochError } from '../../core/errors.js';
import type { IdSource } from '../../core/ids.js';
import type { ScanSpec } from '../scan-spec.js';
import { arrowSchemaOf, chunkToRecordBatch } from './arrow.js';
import { duckDbError } from './errors.js';
import { registerScan } from './scan-sql.js';
import type { RegisteredScan, ScanContext } from './scan-context.js';
import { valueConverter, type Row } from './values.js';

/** A bound parameter ($1, $2, … or ?); Uint8Array binds as BLOB, bigint as HUGEINT. */
export type SqlParam = null | boolean | number | bigint | string | Uint8Array;

export interface QueryOptions {
  readonly params?: readonly SqlParam[];
}

export interface ColumnInfo {
  readonly name: string;
  /** DuckDB's spelling of the type, e.g. 'INTEGER', 'DECIMAL(10,2)', 'STRUCT("a" INTEGER)'. */
  readonly type: string;
}

export interface QueryResult {
  readonly columns: readonly ColumnInfo[];
  /** The rows chunk by chunk (about 2048 rows each), in result order. Can be iterated once. */
  batches(): AsyncIterable<Row[]>;
  /** All rows at once; same single-use rule as `batches`. */
  all(): Promise<Row[]>;
}

function toDuckDbParams(params: readonly SqlParam[] | undefined): DuckDBValue[] | undefined {
  if (params === undefined) return undefined;
  return params.map((p) => (p instanceof Uint8Array ? blobValue(p) : p));
}

/**
 * The columns of scan sources already described, by their SQL (which lists the files). Data
 * files of a table are never rewritten in place (new data gets new names), so a file list's
 * columns stay what they were; describing them again costs a bind and a footer read per file.
 * Shared by the sessions of one engine, bounded, oldest dropped first.
 */
export class DescribeCache {
  private readonly entries = new Map<string, { name: string; type: DuckDBType }[]>();
  constructor(private readonly limit = 512) {}
  get(sql: string): { name: string; type: DuckDBType }[] | undefined {
    return this.entries.get(sql);
  }
  set(sql: string, columns: { name: string; type: DuckDBType }[]): void {
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(sql, columns);
  }
}

/**
 * Work a statement of this session does outside DuckDB (model calls of ai_* functions): the
 * session's interrupt() aborts it and progress() reports it, as for DuckDB's own work.
 */
export interface ExternalWork {
  abort(): void;
  /** 0–100, or undefined when unknown. */
  progress(): number | undefined;
}

export class Session {
  private generation = 0;
  private closed = false;
  private readonly external = new Set<ExternalWork>();

  /** Sessions come from `DuckDbEngine.session()`. */
  constructor(
    private readonly connection: DuckDBConnection,
    private readonly ids: IdSource,
    private readonly onClose: (session: Session) => void = () => {},
    private readonly describeCache: DescribeCache = new DescribeCache(),
  ) {}

  /** Runs one or more statements to completion, discarding any result. */
  async run(sql: string, opts: QueryOptions = {}): Promise<void> {
    this.begin();
    try {
      await this.connection.run(sql, toDuckDbParams(opts.params));
    } catch (error) {
      throw duckDbError(error);
    }
  }

  /** Starts a query; its rows stream when `batches()` or `all()` is read. */
  async query(sql: string, opts: QueryOptions = {}): Promise<QueryResult> {
    const { result, generation } = await this.start(sql, opts);
    const columns = result.columnNames().map((name, i) => ({ name, type: result.columnType(i).toString() }));
    const converters = result.columnTypes().map(valueConverter);
    const chunks = this.chunks(result, sql, generation);
    let used = false;
    const batches = async function* (): AsyncGenerator<Row[]> {
      if (used) throw new LochError('INVALID_ARGUMENT', 'sql: a query result can be read only once');
      used = true;
      for await (const chunk of chunks) {
        const rows: Row[] = Array.from({ length: chunk.rowCount }, () => new Array(converters.length));
        converters.forEach((convert, c) => {
          const vector = chunk.getColumnVector(c);
          for (let r = 0; r < chunk.rowCount; r += 1) (rows[r] as Row)[c] = convert(vector.getItem(r));
        });
        yield rows;
      }
    };
    return {
      columns,
      batches,
      all: async () => {
        const out: Row[] = [];
        for await (const rows of batches()) for (const row of rows) out.push(row);
        return out;
      },
    };
  }

  /** Runs a query and yields one Arrow record batch per DuckDB chunk (see arrow-types.ts). */
  async *arrow(sql: string, opts: QueryOptions = {}): AsyncGenerator<RecordBatch> {
    const { result, generation } = await this.start(sql, opts);
    const schema = arrowSchemaOf(result.deduplicatedColumnNames(), result.columnTypes());
    for await (const chunk of this.chunks(result, sql, generation)) yield chunkToRecordBatch(schema, chunk);
  }

  /**
   * Makes a relation over the rows a ScanSpec describes (see scan-sql.ts for the semantics). The
   * returned SQL is valid on this session only, until `dispose()` or the session closes.
   */
  async registerScan(spec: ScanSpec): Promise<RegisteredScan> {
    this.begin();
    return registerScan(this.scanContext(), spec);
  }

  /** Registers external work until the returned function is called (see ExternalWork). */
  attach(work: ExternalWork): () => void {
    this.external.add(work);
    return () => {
      this.external.delete(work);
    };
  }

  /** Stops the statement running on this session, if any (it fails with "Interrupted"), and aborts attached work. */
  interrupt(): void {
    for (const work of [...this.external]) work.abort();
    if (!this.closed) this.connection.interrupt();
  }

  /** DuckDB's estimate (0–100) of the statement running on this session (or of attached work), or undefined when none reports one. */
  progress(): number | undefined {
    if (this.closed) return undefined;
    for (const work of this.external) {
      const p = work.progress();
      if (p !== undefined) return p;
    }
    const percentage = this.connection.progress.percentage;
    return percentage >= 0 ? percentage : undefined;
  }

  /** Closes the connection; open results end with an error. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.generation += 1;
    this.connection.closeSync();
    this.onClose(this);
  }

  private begin(): number {
    if (this.closed) throw new LochError('INVALID_ARGUMENT', 'sql: the session is closed');
    this.generation += 1;
    return this.generation;
  }

  private async start(sql: string, opts: QueryOptions): Promise<{ result: DuckDBResult; generation: number }> {
    const generation = this.begin();
    try {
      return { result: await this.connection.stream(sql, toDuckDbParams(opts.params)), generation };
    } catch (error) {
      throw duckDbError(error);
    }
  }

  /** The chunks of a streaming result, refusing to go on once another statement ran. */
  private async *chunks(result: DuckDBResult, sql: string, generation: number) {
    for (;;) {
      if (generation !== this.generation) {
        const head = sql.length > 60 ? `${sql.slice(0, 60)}…` : sql;
        throw new LochError('SQL_ERROR', `sql: the result of "${head}" was cut off: another statement ran on the same session before it was read to the end`);
      }
      let chunk;
      try {
        chunk = await result.fetchChunk();
      } catch (error) {
        throw duckDbError(error);
      }
      if (chunk === null || chunk.rowCount === 0) return;
      yield chunk;
    }
  }

  private scanContext(): ScanContext {
    const connection = this.connection;
    return {
      run: async (sql) => {
        this.begin();
        await connection.run(sql);
      },
      describe: async (sql) => {
        this.begin();
        const known = this.describeCache.get(sql);
        if (known !== undefined) return known;
        const prepared = await connection.prepare(sql);
        try {
          const columns = Array.from({ length: prepared.columnCount }, (_, i) => ({ name: prepared.columnName(i), type: prepared.columnType(i) }));
          this.describeCache.set(sql, columns);
          return columns;
        } finally {
          prepared.destroySync();
        }
      },
      rows: async (sql) => {
        this.begin();
        return (await connection.runAndReadAll(sql)).getRowsJS() as unknown[][];
      },
      appender: async (table) => {
        this.begin();
        return connection.createAppender(table, 'main', 'temp');
      },
      closed: () => this.closed,
      uniqueName: () => this.ids.uuid().replaceAll('-', ''),
    };
  }
}
