/** Errors of the operating system about a person's own input get their own code, the path, and a hint. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportError } from '../../src/cli/report.js';
import { fromSystemError } from '../../src/core/system-errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mts-os-'));
  await writeFile(join(dir, 'file.csv'), 'a\n');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('it succeeded'),
    (e: unknown) => e,
  );

describe('fromSystemError', () => {
  it.each([
    ['a missing file', () => readFile(join(dir, 'nothere.csv')), 'os.not_found', 'does not exist'],
    ['a directory where a file belongs', () => readFile(dir), 'os.is_directory', 'is a directory'],
    ['a file used as a folder', () => readFile(join(dir, 'file.csv', 'x')), 'os.not_directory', 'is a file'],
  ])('explains %s', async (_what, act, code, words) => {
    const error = fromSystemError(await failure(act()));
    expect(error?.code).toBe(code);
    expect(error?.message).toContain(words);
    expect(error?.hint).toBeTruthy();
    expect(error?.details).toMatchObject({ errno: expect.stringMatching(/^E/) });
  });

  it('names a relative path with the directory it is relative to', () => {
    const error = Object.assign(new Error('ENOENT'), { code: 'ENOENT', syscall: 'open', path: 'users.csv' });
    expect(fromSystemError(error, '/home/ann')?.message).toBe(
      'users.csv does not exist (relative to /home/ann).',
    );
  });

  it('leaves bugs and network failures alone', () => {
    expect(fromSystemError(new TypeError('x is undefined'))).toBeUndefined();
    const refused = Object.assign(new Error('connect'), { code: 'ECONNREFUSED', syscall: 'connect' });
    expect(fromSystemError(refused)).toBeUndefined();
  });
});

describe('the CLI report of a raw system error', () => {
  it('gives its code and hint, never "This is a bug in mts"', async () => {
    const raw = await failure(readFile(dir));
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (chunk) => {
      text += String(chunk);
    });
    const io = { stdout: new PassThrough(), stderr, stdin: Readable.from([]), env: {} };
    expect(reportError(raw, io, { json: false, noColor: true })).toBe(1);
    expect(text).toContain('code: os.is_directory');
    expect(text).not.toContain('bug in mts');
  });
});
