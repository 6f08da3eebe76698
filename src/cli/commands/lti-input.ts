/** Option input shared by the `mts lti` commands: typed getters, files, inline JSON, numbers, times, key=value pairs. */
import { readFile } from 'node:fs/promises';
import { InputError } from '../../core/errors.js';
import type { CliContext, CommandInput } from '../framework.js';
import { UsageError } from '../framework.js';

export const str = (input: CommandInput, name: string) => input.options[name] as string | undefined;
export const list = (input: CommandInput, name: string) =>
  (input.options[name] as string[] | undefined) ?? [];

export function need(input: CommandInput, name: string): string {
  const value = str(input, name);
  if (!value) throw new UsageError(`--${name} is required.`);
  return value;
}

/** A file's text; a missing or unreadable file is an InputError naming the path and the option. */
export async function readInput(path: string, option: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    throw new InputError('lti.file_unreadable', `${option}: the file "${path}" ${reason}.`, {
      cause: error,
      details: { path },
      hint: 'Check the path (relative paths start from the current directory).',
    });
  }
}

/** A JSON file or inline JSON text, parsed; bad JSON is an InputError naming where it came from. */
export function parseJsonInput(text: string, source: string, option: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError('lti.not_json', `${option}: ${source} is not JSON (${(error as Error).message}).`, {
      cause: error,
      details: { path: source },
      hint: `${option} takes a JSON file (or a URL for --jwks).`,
    });
  }
}

/** A value given inline, as @FILE, or as - (stdin). */
export async function valueOrFile(ctx: CliContext, value: string, option: string): Promise<string> {
  if (value === '-') {
    let text = '';
    for await (const chunk of ctx.io.stdin) text += String(chunk);
    return text.trim();
  }
  if (value.startsWith('@')) return (await readInput(value.slice(1), option)).trim();
  return value.trim();
}

/** A whole number of milliseconds (or a port) given as an option, or undefined when absent. */
export function wholeNumber(
  input: CommandInput,
  name: string,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const value = str(input, name);
  if (value === undefined) return undefined;
  const parsed = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed > max)
    throw new UsageError(
      `--${name} takes a whole number${max < 65536 ? ' up to 65535' : ''}, not "${value}".`,
    );
  return parsed;
}

/** `--now` as ISO 8601 or UNIX seconds, in ms. */
export function parseNow(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`--now takes an ISO date or UNIX seconds, not "${value}".`);
  return ms;
}

export function keyValues(pairs: string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`${what} takes key=value, not "${pair}".`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
