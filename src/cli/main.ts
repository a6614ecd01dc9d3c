import { readFileSync } from 'node:fs';
import { Loch } from '../sql/loch.js';
import { HELP, parseArgs } from './args.js';
import { printResult } from './print-result.js';
import { reportError } from './report-error.js';
import { runShell } from './shell.js';

/** The `loch` command. Returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const err = (text: string) => process.stderr.write(text);
  let loch: Loch | undefined;
  try {
    const args = parseArgs(argv);
    if (args.command === 'help') {
      process.stdout.write(HELP);
      return 0;
    }
    if (args.command === 'version') {
      process.stdout.write(`${version()}\n`);
      return 0;
    }
    loch = await Loch.open(args.warehouse !== undefined ? { warehouse: args.warehouse } : {});
    if (args.query === undefined) return await runShell(loch, args.format, args.debug);
    for await (const result of loch.statements(args.query)) {
      await printResult(result, args.format, (text) => process.stdout.write(text));
    }
    return 0;
  } catch (error) {
    return reportError(error, debug, err);
  } finally {
    await loch?.close();
  }
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    return `loch ${pkg.version}`;
  } catch {
    return 'loch';
  }
}
