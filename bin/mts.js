#!/usr/bin/env node
// The `mts` command. The package ships dist/ built; in a clone of the repository, `npm run build` makes it.
const entry = new URL('../dist/src/cli/main.js', import.meta.url);

import(entry.href).then(
  ({ main }) =>
    main(process.argv.slice(2)).then(
      (code) => {
        process.exitCode = code;
      },
      (error) => {
        process.stderr.write(`mts: unexpected failure: ${error?.stack ?? error}\n`);
        process.exitCode = 1;
      },
    ),
  (error) => {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(entry.pathname)) {
      process.stderr.write(
        'mts: this clone is not built yet: run `npm run build` once (npm start does it too).\n',
      );
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`mts: cannot load: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
