/** The streams and environment of one run of `mts` (process streams, or in-memory ones in tests). */
import type { Readable, Writable } from 'node:stream';

/** Streams and environment of one run (replaceable in tests). */
export interface CliIO {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}
