/** `mts` from the sources (no build needed), for the pseudo-terminal tests: `node --import tsx tty-entry.ts ARGS`. */
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
