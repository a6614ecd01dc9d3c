// Runs the CLI from source, so CLI tests do not depend on a build.
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
