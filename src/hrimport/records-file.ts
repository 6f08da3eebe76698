import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { HrImportError } from './errors.js';

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
  const fail = (error: unknown, where: string): never => {
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
  if (/\.(nd)?jsonl?$/i.test(path) && !/\.json$/i.test(path)) {
    const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
    let line = 0;
    try {
      for await (const text of lines) {
        line++;
        if (text.trim() === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (error) {
          fail(error, `line ${line}`);
        }
        yield check(value, path, `line ${line}`);
      }
    } catch (error) {
      fail(error, `line ${line}`);
    }
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    fail(error, '');
  }
  if (!Array.isArray(parsed))
    throw new HrImportError('hrimport.records_invalid', `${path} must hold a JSON array of records.`, {
      details: { file: path },
    });
  for (let i = 0; i < parsed.length; i++) yield check(parsed[i], path, `item ${i}`);
}
