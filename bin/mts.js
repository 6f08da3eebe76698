#!/usr/bin/env node
// The `mts` command. `npm install` builds dist/ through the `prepare` script.
import { main } from '../dist/src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`mts: unexpected failure: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
