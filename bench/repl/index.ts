/**
 * bench/repl, in a real pseudo-terminal (util-linux `script`), interleaved with its anchors:
 * - launch of `mts repl` to its first prompt, against a bare `node -e` that prints a prompt (the floor: node's own
 *   start), target 500 ms at p90;
 * - the first `await moodle.call(...)` answered by the sandbox, timed from Enter, with Enter pressed a typing
 *   moment (1 s) after the prompt, target 250 ms; the same with Enter at the very moment the prompt appears (the
 *   sandbox is then still starting; shown, no target); the anchor and floor is the second, warm call of the same
 *   session (only the request itself);
 * - peak RSS of that session and of `mts repl -e`, each read from outside by `/usr/bin/time` around the process;
 * - `mts repl -e "1 + 1"` to exit against `node -e`.
 * Needs a built dist/ (`npm run build`). Rounds: MTS_BENCH_REPL_ROUNDS (9).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { measureProcess, minMedian, percentile, report } from '../util.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ROUNDS = Number(process.env.MTS_BENCH_REPL_ROUNDS ?? 9);
const TIME = '/usr/bin/time';
const CALL = "await moodle.call('core_webservice_get_site_info').then((info) => 'answer:' + info.sitename)";
const ANSWER = /answer:[^'\r\n]+'/g;

/** What one scripted terminal session measured (ms from spawn, or from Enter for the calls). */
interface Session {
  prompt: number;
  firstCall?: number;
  warmCall?: number;
  rssMb?: number;
}

/**
 * Runs `command` in a pseudo-terminal. With `typeAfterMs` set, types CALL that long after `marker` appears, then
 * CALL again (warm), then `.exit`, and times each answer from its Enter. The peak RSS of the node process comes
 * from `/usr/bin/time -o` inside the terminal.
 */
function session(
  command: string,
  marker: string,
  env: NodeJS.ProcessEnv,
  typeAfterMs?: number,
): Promise<Session> {
  return new Promise((resolve, reject) => {
    const rssFile = join(env.MTS_CONFIG_DIR ?? tmpdir(), `rss-${process.pid}-${Math.random()}`);
    const wrapped =
      typeAfterMs !== undefined && existsSync(TIME) ? `${TIME} -f %M -o ${rssFile} ${command}` : command;
    const start = performance.now();
    const child = spawn('script', ['-qfec', wrapped, '/dev/null'], {
      cwd: root,
      env,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const result: Session = { prompt: Number.NaN };
    let seen = '';
    let enter = 0;
    let answers = 0;
    let done = false;
    const timer = setTimeout(() => finish(new Error(`stuck: ${seen.slice(-300)}`)), 30_000);
    function finish(error?: Error) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      if (error) reject(error);
      else resolve(result);
    }
    const type = (text: string) => {
      enter = performance.now();
      child.stdin.write(`${text}\r`);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (Number.isNaN(result.prompt) && seen.includes(marker)) {
        result.prompt = performance.now() - start;
        if (typeAfterMs === undefined) return finish();
        setTimeout(() => type(CALL), typeAfterMs);
      }
      const count = seen.match(ANSWER)?.length ?? 0;
      if (count > answers) {
        answers = count;
        const ms = performance.now() - enter;
        if (answers === 1) {
          result.firstCall = ms;
          type(CALL);
        } else if (answers === 2) {
          result.warmCall = ms;
          child.stdin.write('.exit\r');
        }
      }
    });
    child.once('error', (error) => finish(error));
    child.once('exit', () => {
      if (existsSync(rssFile)) {
        const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1));
        result.rssMb = kb / 1024;
      }
      finish(answers < 2 ? new Error(`the session ended early: ${seen.slice(-300)}`) : undefined);
    });
  });
}

export default async function bench(): Promise<void> {
  const configDir = await mkdtemp(join(tmpdir(), 'mts-bench-repl-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: configDir,
    MTS_CONFIG_DIR: configDir,
    NO_COLOR: '1',
    TERM: 'xterm',
  };
  const node = JSON.stringify(process.execPath);
  const repl = `${node} bin/mts.js repl`;
  try {
    const prompt: number[] = [];
    const promptAnchor: number[] = [];
    const typed: Session[] = [];
    const atOnce: Session[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      prompt.push((await session(repl, 'sandbox>', env)).prompt);
      promptAnchor.push(
        (
          await session(
            `${node} -e "process.stdout.write('ready> '); setTimeout(() => {}, 5000)"`,
            'ready>',
            env,
          )
        ).prompt,
      );
      typed.push(await session(repl, 'sandbox>', env, 1000));
      atOnce.push(await session(repl, 'sandbox>', env, 0));
    }
    report({
      name: 'repl: launch to first prompt (median, pty)',
      ours: percentile(prompt, 50),
      anchor: percentile(promptAnchor, 50),
      anchorName: 'bare node -e prompt (floor)',
      unit: 'ms',
      better: 'lower',
    });
    report({
      name: 'repl: launch to first prompt (p90, pty)',
      ours: percentile(prompt, 90),
      unit: 'ms',
      better: 'lower',
      target: 500,
    });

    const figures = (list: Session[], key: 'firstCall' | 'warmCall') => list.map((s) => s[key] ?? Number.NaN);
    const first = minMedian(figures(typed, 'firstCall'));
    const warm = minMedian([...figures(typed, 'warmCall'), ...figures(atOnce, 'warmCall')]);
    report({
      name: `repl: first moodle.call answered, from Enter typed 1 s after the prompt (median of ${ROUNDS}, min ${first.min.toFixed(0)} ms)`,
      ours: first.median,
      anchor: warm.median,
      anchorName: 'the warm second call (floor)',
      unit: 'ms',
      better: 'lower',
    });
    report({
      name: 'repl: first moodle.call from Enter, typed 1 s after the prompt (median)',
      ours: first.median,
      unit: 'ms',
      better: 'lower',
      target: 250,
    });
    const instant = minMedian(figures(atOnce, 'firstCall'));
    report({
      name: `repl: first moodle.call from Enter pressed as the prompt appears, the sandbox still starting (median, min ${instant.min.toFixed(0)} ms)`,
      ours: instant.median,
      anchor: warm.median,
      anchorName: 'the warm second call (floor)',
      unit: 'ms',
      better: 'lower',
    });
    const rss = minMedian(typed.map((s) => s.rssMb ?? Number.NaN));

    const evalOurs: number[] = [];
    const evalAnchor: number[] = [];
    const evalRss: number[] = [];
    const anchorRss: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const ours = await measureProcess(process.execPath, ['bin/mts.js', 'repl', '-e', '1 + 1'], {
        cwd: root,
        env,
      });
      const anchor = await measureProcess(process.execPath, ['-e', 'console.log(1 + 1)'], { cwd: root, env });
      evalOurs.push(ours.ms);
      evalRss.push(ours.rssMb);
      evalAnchor.push(anchor.ms);
      anchorRss.push(anchor.rssMb);
    }
    report({
      name: 'repl -e "1 + 1" to exit (median)',
      ours: percentile(evalOurs, 50),
      anchor: percentile(evalAnchor, 50),
      anchorName: 'node -e',
      unit: 'ms',
      better: 'lower',
    });
    report({
      name: 'repl: peak RSS of a session that made two moodle.call (median, /usr/bin/time)',
      ours: rss.median,
      anchor: percentile(anchorRss, 50),
      anchorName: 'node -e (floor)',
      unit: 'MB',
      better: 'lower',
    });
    report({
      name: 'repl -e "1 + 1": peak RSS (median, /usr/bin/time)',
      ours: percentile(evalRss, 50),
      anchor: percentile(anchorRss, 50),
      anchorName: 'node -e (floor)',
      unit: 'MB',
      better: 'lower',
    });
  } finally {
    await rm(configDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
