// Runs the CLI from source, for tests when dist/ is older than the sources (see lochArgv in pty.ts).
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
