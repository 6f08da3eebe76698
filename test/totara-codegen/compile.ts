/** Test helper: type-checks files as a user's project would, the builder entry read from our source. */
import { join } from 'node:path';
import ts from 'typescript';
import { projectRoot } from '../helpers/fixtures.js';

/** The compiler's messages for `files`, each `file: message`; `moodle-totara-sdk/totara/builder` is our source. */
export function typeCheck(files: string[]): Array<{ file: string; message: string }> {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts'],
    // The builder is read from source here (its implementation uses Node types); bench/totara checks the built entry.
    types: ['node'],
    typeRoots: [join(projectRoot, 'node_modules/@types')],
    skipLibCheck: true,
    // No baseUrl: it would resolve @types/node's bare `repl`/`module` imports into the project's own folders.
    paths: { 'moodle-totara-sdk/totara/builder': [join(projectRoot, 'src/totara/builder/index.ts')] },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ({
    file: d.file?.fileName ?? '',
    message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
}
