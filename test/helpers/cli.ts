import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';

/** Output of one in-process `mts` run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `mts ARGS` in-process with in-memory streams and the given environment (nothing inherited but PATH). */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}, stdin = ''): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => {
    out += String(chunk);
  });
  stderr.on('data', (chunk) => {
    err += String(chunk);
  });
  const input = Readable.from([stdin]);
  const code = await main(args, {
    stdout,
    stderr,
    stdin: input,
    env: { PATH: process.env.PATH, MTS_CONFIG_DIR: '/nonexistent-mts-config', ...env },
  });
  return { code, stdout: out, stderr: err };
}
