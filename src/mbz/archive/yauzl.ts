/**
 * yauzl, loaded with `require`. Importing a CommonJS package from ESM makes Node first scan its source for the
 * names it exports (cjs-module-lexer): ~20 ms for yauzl in a fresh process, against ~5 ms to load it with
 * `require`. Only the zip reader imports this module, and the zip reader is loaded when a zip is opened.
 */
import { createRequire } from 'node:module';
import type * as Yauzl from 'yauzl';

export type { Entry, ZipFile } from 'yauzl';

export const yauzl = createRequire(import.meta.url)('yauzl') as typeof Yauzl;
