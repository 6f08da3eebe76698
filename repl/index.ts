import { start as startRepl } from 'node:repl';
import { inspect } from 'node:util';
import type { CliIO } from '../src/cli/framework.js';
import { startSandbox } from '../src/sandbox/server.js';

/** Options of {@link runRepl}. */
export interface RunReplOptions {
  io: CliIO;
  profile?: string | undefined;
  /** Evaluate this code, print the result and exit. */
  eval?: string | undefined;
  json?: boolean | undefined;
}

/** Minimal REPL on the sandbox (the full REPL replaces this). Returns the exit code. */
export async function runRepl(options: RunReplOptions): Promise<number> {
  const sandbox = await startSandbox();
  const context = { sandbox };
  try {
    if (options.eval !== undefined) {
      const fn = new Function('sandbox', `return (async () => (${options.eval}))();`) as (
        s: unknown,
      ) => Promise<unknown>;
      const value = await fn(sandbox);
      options.io.stdout.write(
        `${options.json ? JSON.stringify(value, null, 2) : inspect(value, { depth: 6 })}\n`,
      );
      return 0;
    }
    options.io.stderr.write(`mts REPL on the sandbox at ${sandbox.url}\n`);
    const server = startRepl({ prompt: 'mts> ', input: options.io.stdin, output: options.io.stdout });
    Object.assign(server.context, context);
    await new Promise<void>((resolve) => server.on('exit', () => resolve()));
    return 0;
  } finally {
    await sandbox.close();
  }
}
