import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAtomic, removeStaleTemporaries, writeFileAtomic } from '../../src/core/atomic.js';
import { projectRoot } from '../helpers/fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mts-atomic-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Starts a writer in a child process, waits until its temporary file holds data, then kills it with SIGKILL. */
async function crashMidWrite(target: string): Promise<number> {
  const script = join(dir, 'writer.mts');
  await writeFile(
    script,
    `import { openAtomic } from ${JSON.stringify(join(projectRoot, 'src/core/atomic.ts'))};
     const file = await openAtomic(${JSON.stringify(target)}, { mode: 0o600 });
     file.stream.write('E1,jsmith,secret-password\\n', () => process.stdout.write('ready\\n'));
     setInterval(() => {}, 1000);`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk) => String(chunk).includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`writer exited early (${code})`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return child.pid as number;
}

describe('temporary files left by a crash', () => {
  it('a writer killed mid-write leaves its temporary file; the next write of the same target removes it', async () => {
    const target = join(dir, 'user.csv');
    const pid = await crashMidWrite(target);
    const left = (await readdir(dir)).filter((name) => name.startsWith('.user.csv.'));
    expect(left).toEqual([expect.stringMatching(new RegExp(`^\\.user\\.csv\\.${pid}\\.[0-9a-f]{8}\\.tmp$`))]);
    // A live writer's file and files of other names are left alone.
    const live = await openAtomic(target);
    await writeFile(join(dir, '.user.csv.notours.tmp'), 'x');
    await writeFile(join(dir, '.other.csv.1.00000000.tmp'), 'x');
    await writeFileAtomic(target, 'idnumber\n');
    const after = (await readdir(dir)).filter((name) => name.startsWith('.'));
    expect(after.sort()).toEqual(
      [live.tempPath.split('/').pop() as string, '.other.csv.1.00000000.tmp', '.user.csv.notours.tmp'].sort(),
    );
    await live.abort();
    expect(await readFile(target, 'utf8')).toBe('idnumber\n');
    expect(await removeStaleTemporaries(target)).toEqual([]);
  }, 30_000);
});
