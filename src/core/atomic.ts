import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A temporary name beside `target`, hidden, unique, in the same directory (so the rename is atomic). */
export function temporaryPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True while a process with this id runs (EPERM: it runs, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files that an earlier writer of `target` left behind when it crashed (`kill -9`, power
 * loss): names of our own pattern, `.<name>.<pid>.<hex>.tmp` beside the target, whose process no longer runs. They
 * may hold personal data, so every atomic writer calls this before it writes. Files of a live process (another
 * writer at work) and every other file are left alone. Returns the paths removed.
 */
export async function removeStaleTemporaries(target: string): Promise<string[]> {
  const dir = dirname(target);
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(target))}\\.(\\d+)\\.[0-9a-f]{8}\\.tmp$`);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    const path = join(dir, name);
    await rm(path, { force: true });
    removed.push(path);
  }
  return removed;
}

/**
 * Writes a file so that readers see either the old content or the whole new content: data goes to a temporary
 * name in the same directory, is flushed, and is renamed over the target. `mode` applies from creation, so a
 * credentials file is never readable by others even for an instant.
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  await removeStaleTemporaries(target);
  const temp = temporaryPathFor(target);
  const handle = await open(temp, 'wx', options.mode ?? 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    if (options.mode !== undefined) await chmod(temp, options.mode);
    await rename(temp, target);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
}

/** A file being written under a temporary name: `commit()` renames it into place, `abort()` removes it. */
export interface AtomicFile {
  readonly stream: WriteStream;
  readonly path: string;
  readonly tempPath: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Opens a stream to a temporary name beside `target`; nothing appears at `target` until `commit()`. */
export async function openAtomic(target: string, options: { mode?: number } = {}): Promise<AtomicFile> {
  await mkdir(dirname(target), { recursive: true });
  await removeStaleTemporaries(target);
  const tempPath = temporaryPathFor(target);
  const stream = createWriteStream(tempPath, { flags: 'wx', mode: options.mode ?? 0o644 });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  let settled = false;
  return {
    stream,
    path: target,
    tempPath,
    async commit() {
      if (settled) return;
      settled = true;
      if (!stream.writableFinished) {
        await new Promise<void>((resolve, reject) => {
          stream.once('error', reject);
          stream.end(() => resolve());
        });
      }
      await rename(tempPath, target);
    },
    async abort() {
      if (settled) return;
      settled = true;
      stream.destroy();
      await rm(tempPath, { force: true });
    },
  };
}

/** Pipes a readable into `target` atomically; on any failure the partial file is removed. */
export async function streamToFileAtomic(
  source: Readable,
  target: string,
  options: { mode?: number } = {},
): Promise<void> {
  const file = await openAtomic(target, options);
  try {
    await pipeline(source, file.stream);
    await rename(file.tempPath, target);
  } catch (error) {
    await file.abort();
    throw error;
  }
}
