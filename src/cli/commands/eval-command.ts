import { LochError } from '../../core/errors.js';
import type { EvalOptions, ScorerName } from '../../ai/eval/eval-types.js';
import { SCORER_NAMES } from '../../ai/eval/eval-types.js';
import type { Loch } from '../../sql/loch.js';
import type { GlobalOptions } from '../args.js';
import type { TableLimits } from '../output/table-writer.js';
import { OUTPUT_FORMATS, createWriter, type OutputFormat } from '../output/writers.js';
import type { Terminal } from '../terminal.js';

/** `loch eval …`, parsed. */
export interface EvalCommand {
  readonly kind: 'eval';
  readonly options: EvalOptions;
}

/** The command line of `loch eval` (or `{kind: 'help'}` for `loch eval --help`). */
export interface EvalArgs {
  readonly command: EvalCommand | { readonly kind: 'help' };
  readonly options: GlobalOptions;
}

const USAGE = 'cli: usage: loch eval (--agent c.s.a | --endpoint c.s.e) --table c.s.t --output c.s.r [--judge c.s.e] [--scorers a,b] [--seed N] [--principal NAME] [--concurrency N]';

/** Flags taking a value: the global ones and eval's own. */
const VALUE_FLAGS = new Set(['--warehouse', '-w', '--metastore', '--format', '-f', '--agent', '--endpoint', '--table', '--judge', '--scorers', '--output', '--seed', '--principal', '--concurrency']);

/**
 * The parsed command line when its command (first word that is not an option or an option's
 * value) is `eval`, else undefined (the other commands go through parseArgs). Global options
 * work as everywhere (--warehouse, --metastore, --format, --debug; LOCH_WAREHOUSE and
 * LOCH_METASTORE); unknown options and missing required ones are INVALID_ARGUMENT.
 */
export function parseEvalArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): EvalArgs | undefined {
  const flags = new Map<string, string>();
  const words: string[] = [];
  let help = false;
  let debug = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-') || arg === '-') {
      words.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (flag === '--help' || flag === '-h') help = true;
    else if (flag === '--debug') debug = true;
    else if (VALUE_FLAGS.has(flag)) flags.set(canonical(flag), eq > 0 ? arg.slice(eq + 1) : (argv[++i] ?? ''));
    else if (words[0] === 'eval') throw new LochError('INVALID_ARGUMENT', `cli: unknown option ${flag} for loch eval (see loch --help)`);
  }
  if (words[0] !== 'eval') return undefined;
  const warehouse = flags.get('--warehouse') ?? nonEmpty(env['LOCH_WAREHOUSE']);
  const metastore = flags.get('--metastore') ?? nonEmpty(env['LOCH_METASTORE']);
  const options: GlobalOptions = { format: outputFormat(flags.get('--format') ?? 'table'), debug, ...(warehouse !== undefined ? { warehouse } : {}), ...(metastore !== undefined ? { metastore } : {}) };
  if (help) return { command: { kind: 'help' }, options };
  if (words.length > 1) throw new LochError('INVALID_ARGUMENT', USAGE);
  return { command: { kind: 'eval', options: evalOptions(flags) }, options };
}

function evalOptions(flags: ReadonlyMap<string, string>): EvalOptions {
  const agent = flags.get('--agent');
  const endpoint = flags.get('--endpoint');
  const table = flags.get('--table');
  const output = flags.get('--output');
  if ((agent === undefined) === (endpoint === undefined) || table === undefined || output === undefined) throw new LochError('INVALID_ARGUMENT', USAGE);
  const judge = flags.get('--judge');
  const principal = flags.get('--principal');
  const scorers = flags.get('--scorers');
  const seed = flags.get('--seed');
  const concurrency = flags.get('--concurrency');
  return {
    table,
    output,
    ...(agent !== undefined ? { agent } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(judge !== undefined ? { judge } : {}),
    ...(principal !== undefined ? { principal } : {}),
    ...(scorers !== undefined ? { scorers: scorerList(scorers) } : {}),
    ...(seed !== undefined ? { seed: integer('--seed', seed, 0) } : {}),
    ...(concurrency !== undefined ? { concurrency: integer('--concurrency', concurrency, 1) } : {}),
  };
}

function canonical(flag: string): string {
  return flag === '-w' ? '--warehouse' : flag === '-f' ? '--format' : flag;
}

function scorerList(text: string): ScorerName[] {
  const names = text.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  const unknown = names.filter((n) => !(SCORER_NAMES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) throw new LochError('INVALID_ARGUMENT', `cli: --scorers takes a comma-separated list of ${SCORER_NAMES.join(', ')}${unknown.length > 0 ? `, not ${unknown.join(', ')}` : ''}`);
  return names as ScorerName[];
}

function integer(flag: string, text: string, min: number): number {
  const value = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(value >= min)) throw new LochError('INVALID_ARGUMENT', `cli: ${flag} must be a whole number ≥ ${min}, not '${text}'`);
  return value;
}

function outputFormat(text: string): OutputFormat {
  if (!(OUTPUT_FORMATS as readonly string[]).includes(text)) throw new LochError('INVALID_ARGUMENT', `cli: --format must be one of ${OUTPUT_FORMATS.join(', ')}, not '${text}'`);
  return text as OutputFormat;
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === '' ? undefined : text;
}

export interface EvalOutput {
  readonly term: Terminal;
  readonly format: OutputFormat;
  readonly limits: TableLimits;
}

/**
 * Runs the evaluation (see evaluate in src/ai/eval) and prints its summary: one row per
 * scorer (scorer, mean, scored, rows), then where the per-row results are on standard error.
 */
export async function evalCommand(loch: Loch, command: EvalCommand, output: EvalOutput): Promise<void> {
  const { evaluate } = await import('../../ai/eval/evaluate.js');
  const result = await evaluate(loch, command.options);
  const writer = createWriter(output.format, output.term.out, output.limits);
  writer.begin([
    { name: 'scorer', type: 'VARCHAR' },
    { name: 'mean', type: 'DOUBLE' },
    { name: 'scored', type: 'BIGINT' },
    { name: 'rows', type: 'BIGINT' },
  ]);
  writer.rows(result.summary.map((s) => [s.scorer, s.mean, s.scored, s.rows]));
  writer.end();
  output.term.err(`eval: run ${result.runId}: ${result.rows.length} rows in ${result.outputTable}, summary in ${result.summaryTable}\n`);
}
