/** Scorers an evaluation can run (MLflow's names where MLflow has one). */
export type ScorerName = 'exact_match' | 'contains_expected' | 'correctness' | 'groundedness' | 'relevance' | 'latency';

export const SCORER_NAMES: readonly ScorerName[] = ['exact_match', 'contains_expected', 'correctness', 'groundedness', 'relevance', 'latency'];

/** Scorers that ask the judge model. */
export const JUDGE_SCORERS: ReadonlySet<ScorerName> = new Set(['correctness', 'groundedness', 'relevance']);

/** What `evaluate` runs. Exactly one of `agent` and `endpoint` names the system under test. */
export interface EvalOptions {
  /** An agent (an endpoint with provider 'agent'), full name c.s.a. */
  readonly agent?: string;
  /** A plain chat endpoint, full name c.s.e. */
  readonly endpoint?: string;
  /**
   * The evaluation set: a table with `request STRING` and optionally `expected_response STRING`
   * and `expected_facts ARRAY<STRING>`; read as the principal (grants, row filters apply).
   */
  readonly table: string;
  /** The judge's chat endpoint; required by the judge scorers. */
  readonly judge?: string;
  /** Default: exact_match, contains_expected, latency, plus the judge scorers when a judge is given. */
  readonly scorers?: readonly ScorerName[];
  /** The per-row results table (replaced); the aggregates go to `<output>_summary`. */
  readonly output: string;
  /** Passed as `seed` to every model request (default 0). */
  readonly seed?: number;
  /** Who runs the evaluation (default the Loch's own principal): every call and table access is theirs. */
  readonly principal?: string;
  /** Rows in flight at once (default 4). */
  readonly concurrency?: number;
  /** MLflow experiment id recorded on the traces (default '0'). */
  readonly experimentId?: string;
}

/** One scorer's verdict on one row: 1/0 for pass/fail, the value for latency; null when it does not apply. */
export interface Score {
  readonly value: number | null;
  readonly rationale: string | null;
}

/** One row of the results table. */
export interface EvalRowResult {
  readonly rowId: number;
  readonly request: string;
  readonly expectedResponse: string | null;
  readonly response: string | null;
  /** Why the system under test gave no response. */
  readonly error: string | null;
  readonly latencyMs: number;
  readonly traceId: string | null;
  readonly scores: Readonly<Partial<Record<ScorerName, Score>>>;
}

/** One row of the summary table. */
export interface EvalSummaryRow {
  readonly scorer: ScorerName;
  /** Mean over rows the scorer applied to; null when it applied to none. */
  readonly mean: number | null;
  readonly scored: number;
  readonly rows: number;
}

export interface EvalResult {
  readonly runId: string;
  readonly outputTable: string;
  readonly summaryTable: string;
  readonly rows: readonly EvalRowResult[];
  readonly summary: readonly EvalSummaryRow[];
}
