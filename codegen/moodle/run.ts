/**
 * Reads a definitions file and writes the generated files atomically: shared by `npm run generate:moodle`
 * (codegen/moodle/cli.ts) and `mts codegen moodle`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/core/atomic.js';
import { InputError } from '../../src/core/errors.js';
import { DefinitionsError } from '../../src/moodle/definitions.js';
import { generateMoodleFiles } from './generate.js';

/** Options of {@link runMoodleCodegen}. */
export interface MoodleCodegenOptions {
  /** The definitions JSON (written by export-definitions.php). */
  definitions: string;
  /** The output directory (created when missing). */
  out: string;
  /** Keep the site's descriptions as TSDoc. */
  descriptions?: boolean;
  /** The command named in the do-not-edit header. */
  command?: string;
  /** Type results `T | null` wherever the definitions allow null (see GenerateOptions.nullableResults). */
  nullableResults?: boolean;
}

/** What was written. */
export interface MoodleCodegenResult {
  functions: number;
  files: Array<{ path: string; bytes: number }>;
}

/**
 * Generates `functions.ts` and `types.ts` into `out`. Nothing is written unless the whole input is good; each file
 * is replaced atomically. Throws InputError (`moodle.definitions_unreadable`, `moodle.definitions_not_json`) or
 * DefinitionsError (`moodle.definitions_invalid`, with the path inside the file).
 */
export async function runMoodleCodegen(options: MoodleCodegenOptions): Promise<MoodleCodegenResult> {
  let text: string;
  try {
    text = await readFile(options.definitions, 'utf8');
  } catch (error) {
    throw new InputError('moodle.definitions_unreadable', `Cannot read ${options.definitions}.`, {
      cause: error,
      hint: 'Pass the JSON written by codegen/moodle/export-definitions.php with --definitions FILE.',
      details: { path: options.definitions },
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError('moodle.definitions_not_json', `${options.definitions} is not JSON.`, {
      cause: error,
      hint: 'Run export-definitions.php with --out=FILE so that PHP warnings cannot end up in the file.',
      details: { path: options.definitions },
    });
  }
  let files: ReturnType<typeof generateMoodleFiles>;
  try {
    files = generateMoodleFiles(json, {
      input: options.definitions,
      descriptions: options.descriptions ?? false,
      nullableResults: options.nullableResults ?? false,
      ...(options.command ? { command: options.command } : {}),
    });
  } catch (error) {
    if (error instanceof DefinitionsError) {
      throw new DefinitionsError(
        `${options.definitions}: ${error.message}`,
        `${options.definitions}#${String(error.details?.path)}`,
        error.hint,
      );
    }
    throw error;
  }
  const written: MoodleCodegenResult['files'] = [];
  for (const file of files) {
    const path = join(options.out, file.name);
    await writeFileAtomic(path, file.content);
    written.push({ path, bytes: Buffer.byteLength(file.content) });
  }
  const functions = (json as { functions: unknown[] }).functions.length;
  return { functions, files: written };
}
