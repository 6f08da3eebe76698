/** Drives the REPL through in-memory streams, with its own temporary config directory. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runRepl } from '../../repl/index.js';

/** A REPL session on in-memory streams. */
export interface MemoryRepl {
  output(): string;
  type(line: string): void;
  /** Waits until the output contains `text` (after `from`), or fails after `timeoutMs`. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  end(): Promise<number>;
}

/** Starts an interactive REPL on in-memory streams. */
export function memoryRepl(env: NodeJS.ProcessEnv, extra: { profile?: string } = {}): MemoryRepl {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (chunk) => {
    out += String(chunk);
  });
  stderr.on('data', (chunk) => {
    out += String(chunk);
  });
  const done = runRepl({
    io: { stdin, stdout, stderr, env: { PATH: process.env.PATH, NO_COLOR: '1', ...env } },
    profile: extra.profile,
    mode: 'interactive',
  });
  let seen = 0;
  return {
    output: () => out,
    type(line) {
      stdin.write(`${line}\n`);
    },
    async waitFor(text, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const rest = out.slice(seen);
        const index = typeof text === 'string' ? rest.indexOf(text) : rest.search(text);
        if (index >= 0) {
          seen += index + 1;
          return out;
        }
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; output:\n${out}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async end() {
      stdin.end();
      return done;
    },
  };
}

/** A temporary MTS_CONFIG_DIR, removed by `cleanup()`. */
export async function tempConfigDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mts-repl-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
