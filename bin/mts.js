#!/usr/bin/env node
// The `mts` command. CommonJS on purpose (bin/package.json): a help page or the version is answered from files
// written by the build (dist/help-index.json, package.json) without starting Node's ES module loader, which costs
// more than the page itself. Everything else loads the CLI (dist/, built by `npm run build` in a clone).
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const args = process.argv.slice(2);

/** The words before a lone --help / -h (`moodle call --help` → "moodle call"), when that is all there is. */
function helpKey(argv) {
  const flags = argv.filter((arg) => arg.startsWith('-'));
  if (flags.length !== 1 || (flags[0] !== '--help' && flags[0] !== '-h')) return undefined;
  const words = argv.filter((arg) => !arg.startsWith('-'));
  return words.length <= 2 ? words.join(' ') : undefined;
}

function answerFromBuild() {
  try {
    if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
      process.stdout.write(
        `${JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')).version}\n`,
      );
      return true;
    }
    const key = helpKey(args);
    if (key === undefined) return false;
    const page = JSON.parse(readFileSync(join(__dirname, '../dist/help-index.json'), 'utf8'))[key];
    if (typeof page !== 'string') return false;
    process.stdout.write(page);
    return true;
  } catch {
    // no index (a clone built by an older script): the CLI answers
    return false;
  }
}

if (!answerFromBuild()) {
  // Node 22.1 and later keep the compiled code of our modules between runs (a no-op where it is missing)
  require('node:module').enableCompileCache?.();
  const entry = join(__dirname, '../dist/src/cli/main.js');
  import(require('node:url').pathToFileURL(entry).href).then(
    ({ main }) =>
      main(args).then(
        (code) => {
          process.exitCode = code;
        },
        (error) => {
          process.stderr.write(`mts: unexpected failure: ${error?.stack ?? error}\n`);
          process.exitCode = 1;
        },
      ),
    (error) => {
      if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(entry)) {
        process.stderr.write(
          'mts: this clone is not built yet: run `npm run build` once (npm start does it too).\n',
        );
      } else process.stderr.write(`mts: cannot load: ${error?.stack ?? error}\n`);
      process.exitCode = 1;
    },
  );
}
