/**
 * bench/repl: time from launching `mts repl` to its first prompt, in a real pseudo-terminal (util-linux `script`),
 * against a bare `node -e` that prints a prompt under the same harness, side by side and interleaved; then
 * `mts repl -e` to exit against `node -e` to exit. The target is an absolute 500 ms to the first prompt (the
 * sandbox may finish starting in the background). Needs a built dist/ (`npm run build`).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { percentile, report } from '../util.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ROUNDS = 12;

/** Runs `command` in a pseudo-terminal and resolves with the ms until `marker` appears on it. */
function timeToOutput(command: string, marker: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: root,
      env,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let seen = '';
    let done = false;
    const timer = setTimeout(
      () => finish(new Error(`no "${marker}" within 20 s: ${seen.slice(-200)}`)),
      20_000,
    );
    function finish(error?: Error) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const ms = performance.now() - start;
      child.kill('SIGKILL');
      if (error) reject(error);
      else resolve(ms);
    }
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (seen.includes(marker)) finish();
    });
    child.once('error', (error) => finish(error));
  });
}

/** Runs a command to its exit and resolves with its duration. */
function timeToExit(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(performance.now() - start) : reject(new Error(`exit ${code}`)),
    );
  });
}

export default async function bench(): Promise<void> {
  const configDir = await mkdtemp(join(tmpdir(), 'mts-bench-repl-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    MTS_CONFIG_DIR: configDir,
    NO_COLOR: '1',
    TERM: 'xterm',
  };
  try {
    const ours: number[] = [];
    const anchor: number[] = [];
    const node = JSON.stringify(process.execPath);
    for (let i = 0; i < ROUNDS; i++) {
      ours.push(await timeToOutput(`${node} bin/mts.js repl`, 'sandbox>', env));
      anchor.push(
        await timeToOutput(
          `${node} -e "process.stdout.write('ready> '); setTimeout(() => {}, 5000)"`,
          'ready>',
          env,
        ),
      );
    }
    const oursMedian = percentile(ours, 50);
    const anchorMedian = percentile(anchor, 50);
    report({
      name: 'repl: launch to first prompt (median, pty)',
      ours: oursMedian,
      anchor: anchorMedian,
      anchorName: 'bare node -e prompt',
      unit: 'ms',
      better: 'lower',
    });
    report({
      name: 'repl: launch to first prompt (p90, pty)',
      ours: percentile(ours, 90),
      unit: 'ms',
      better: 'lower',
      target: 500,
    });

    const evalOurs: number[] = [];
    const evalAnchor: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      evalOurs.push(await timeToExit(['bin/mts.js', 'repl', '-e', '1 + 1'], env));
      evalAnchor.push(await timeToExit(['-e', 'console.log(1 + 1)'], env));
    }
    report({
      name: 'repl -e "1 + 1" to exit (median)',
      ours: percentile(evalOurs, 50),
      anchor: percentile(evalAnchor, 50),
      anchorName: 'node -e',
      unit: 'ms',
      better: 'lower',
    });
  } finally {
    await rm(configDir, { recursive: true, force: true });
  }
}
