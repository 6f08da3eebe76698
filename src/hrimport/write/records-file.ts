import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { HrImportError } from '../errors.js';

function check(value: unknown, path: string, where: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new HrImportError(
      'hrimport.records_invalid',
      `${path} ${where}: a record must be a JSON object keyed by column names.`,
      {
        details: { file: path },
      },
    );
  return value as Record<string, unknown>;
}

function failWith(path: string) {
  return (error: unknown, where: string): never => {
    if (error instanceof HrImportError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new HrImportError(
      code === 'ENOENT' ? 'hrimport.file_not_found' : 'hrimport.records_invalid',
      code === 'ENOENT' ? `${path} does not exist.` : `${path} ${where} is not valid JSON.`,
      {
        cause: error,
        details: { file: path },
        hint: 'Give a JSON array of objects, or NDJSON with one object per line.',
      },
    );
  };
}

function* fromArray(parsed: unknown, path: string): Generator<Record<string, unknown>> {
  if (!Array.isArray(parsed))
    throw new HrImportError('hrimport.records_invalid', `${path} must hold a JSON array of records.`, {
      details: { file: path },
    });
  for (let i = 0; i < parsed.length; i++) yield check(parsed[i], path, `item ${i}`);
}

/**
 * Reads records from a stream (standard input, a pipe from `jq -c`): a JSON array when the first non-blank
 * character is `[`, else NDJSON, one object per line, streamed. `name` names the source in errors.
 *
 * @example
 * ```ts
 * await writeElementFile(dir, 'user', readRecordsStream(process.stdin, 'stdin') as AsyncIterable<UserRecord>);
 * ```
 */
export async function* readRecordsStream(
  input: Readable,
  name: string,
): AsyncGenerator<Record<string, unknown>> {
  const fail = failWith(name);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  let array: string[] | undefined;
  let first = true;
  try {
    for await (const text of lines) {
      line++;
      if (array) {
        array.push(text);
        continue;
      }
      if (text.trim() === '') continue;
      if (first && text.trimStart().startsWith('[')) {
        array = [text];
        continue;
      }
      first = false;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        fail(error, `line ${line}`);
      }
      yield check(value, name, `line ${line}`);
    }
  } catch (error) {
    fail(error, `line ${line}`);
  }
  if (!array) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(array.join('\n'));
  } catch (error) {
    fail(error, '');
  }
  yield* fromArray(parsed, name);
}

/**
 * Reads records to write from a JSON file (an array of objects) or an NDJSON file (`.ndjson`/`.jsonl`: one object
 * per line, streamed). Objects are keyed by CSV column names.
 *
 * @example
 * ```ts
 * await writeElementFile(dir, 'user', readRecordsFile('people.ndjson') as AsyncIterable<UserRecord>);
 * ```
 */
export async function* readRecordsFile(path: string): AsyncGenerator<Record<string, unknown>> {
  const fail = failWith(path);
  if (/\.(nd)?jsonl?$/i.test(path) && !/\.json$/i.test(path)) {
    const input = createReadStream(path);
    // An open error surfaces through the line reader; the catch in readRecordsStream turns it into ours.
    yield* readRecordsStream(input, path);
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    fail(error, '');
  }
  yield* fromArray(parsed, path);
}
