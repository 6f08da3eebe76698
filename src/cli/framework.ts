/**
 * What every command is made of: its spec (name, options, help), the typed input it receives, and usage errors.
 * This file is loaded for `--help`, so it stays light: the run-time context (configuration, output) lives in
 * `context.ts` and is loaded only when a command runs.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { InputError, MtsError } from '../core/errors.js';
import type { CliContext } from './context.js';
import type { CliIO } from './io.js';

export type { CliContext, CliIO };

/** A command line option of one command. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in `--help`. */
  description: string;
  /** Placeholder in `--help` (`FILE`, `N`). */
  valueName?: string;
}

/** The options of one command, by long name. */
export type OptionSpecs = Record<string, OptionSpec>;

/** Names of the options in `O` whose spec matches `Match` (any name when `O` is not known precisely). */
type NamesWhere<O, Match> = string extends keyof O
  ? string
  : { [K in keyof O]: O[K] extends Match ? K : never }[keyof O] & string;

/** Options that take one value. */
export type StringOptionName<O> = string extends keyof O
  ? string
  : {
      [K in keyof O]: O[K] extends { type: 'string' } ? (O[K] extends { multiple: true } ? never : K) : never;
    }[keyof O] &
      string;
/** The value type of an option. */
export type OptionValue<S extends OptionSpec> = S extends { type: 'boolean' }
  ? boolean
  : S extends { multiple: true }
    ? string[]
    : string;

/** Options that may be repeated. */
export type ListOptionName<O> = NamesWhere<O, { multiple: true }>;
/** Options that are on or off. */
export type FlagOptionName<O> = NamesWhere<O, { type: 'boolean' }>;

/** One leaf command: `mts <area> <name> ...`. Declare it with {@link command} so that its options are typed. */
export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  name: string;
  summary: string;
  /** Positional part of the usage line, e.g. `FN [key=value ...]`. */
  usage?: string;
  /** Longer help text. */
  description?: string;
  options?: O;
  positionals?: { min?: number; max?: number };
  examples?: string[];
  /**
   * Returns the exit code (default 0). Throw {@link UsageError} for bad usage, an MtsError for failures. What the
   * command needs beyond its spec is imported inside `run`, so that `--help` never loads it.
   */
  run(ctx: CliContext, input: CommandInput<O>): Promise<number | undefined> | number | undefined;
  /** Exit code of a failure (default 1); `mts mbz diff` keeps 1 for "different" and fails with 2, as diff does. */
  failureExitCode?: number;
}

/** Declares a command with its option names and value types inferred from `options`. */
export function command<const O extends OptionSpecs = Record<never, OptionSpec>>(
  spec: CommandSpec<O>,
): CommandSpec<O> {
  return spec;
}

/** An area: `mts <name> ...`. `default` runs when no sub-command is given (e.g. `mts sandbox`). */
export interface CommandGroup {
  name: string;
  summary: string;
  // biome-ignore lint/suspicious/noExplicitAny: each command has its own option types; the group only lists them
  commands: CommandSpec<any>[];
  // biome-ignore lint/suspicious/noExplicitAny: as above
  default?: CommandSpec<any>;
}

/** Bad usage: exit code 2, the message, a hint and the command's usage line. */
export class UsageError extends MtsError {
  constructor(message: string, hint?: string) {
    super('cli.usage', message, { hint });
  }
}

type RawValue = string | boolean | string[] | undefined;

/**
 * The parsed input of one command with typed getters: names are checked against the command's options at compile
 * time, and values are converted with usage errors that name the option and the value.
 */
export class CommandInput<O extends OptionSpecs = OptionSpecs> {
  readonly positionals: string[];
  /** The raw values by option name; prefer the getters, which convert and report bad values. */
  readonly options: string extends keyof O
    ? Readonly<Record<string, RawValue>>
    : { readonly [K in keyof O]?: OptionValue<O[K]> };
  readonly #values: Readonly<Record<string, RawValue>>;
  readonly #stdin: (() => CliIO['stdin']) | undefined;

  /** `stdin` is a getter: the stream is made only when an option reads `-` (making it costs milliseconds). */
  constructor(values: Record<string, RawValue>, positionals: string[] = [], stdin?: () => CliIO['stdin']) {
    this.#values = values;
    this.options = values as CommandInput<O>['options'];
    this.positionals = positionals;
    this.#stdin = stdin;
  }

  /** The value of a one-value option, or undefined when it is absent. */
  string(name: StringOptionName<O>): string | undefined {
    const value = this.#values[name];
    return typeof value === 'string' ? value : undefined;
  }

  /** The value of a one-value option that must be given. */
  required(name: StringOptionName<O>, hint?: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw new UsageError(`--${name} is required.`, hint);
    return value;
  }

  /** Whether an on/off option is on. */
  flag(name: FlagOptionName<O>): boolean {
    return this.#values[name] === true;
  }

  /** Every value of a repeatable option, in order (none: an empty list). */
  list(name: ListOptionName<O>): string[] {
    const value = this.#values[name];
    return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  }

  /** A whole number from `min` to `max`, or undefined when the option is absent. */
  integer(name: StringOptionName<O>, range: { min?: number; max?: number } = {}): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const min = range.min ?? 0;
    const max = range.max ?? Number.MAX_SAFE_INTEGER;
    const value = /^-?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      const span = range.max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
      throw new UsageError(`--${name} takes a whole number ${span}, not "${text}".`);
    }
    return value;
  }

  /**
   * The text of an option given inline, as `@FILE`, or as `-` (read from stdin); undefined when it is absent.
   * A file that cannot be read is reported with its path and the option.
   */
  async text(name: StringOptionName<O>): Promise<string | undefined> {
    const value = this.string(name);
    if (value === undefined) return undefined;
    return readValue(value, `--${name}`, value === '-' ? this.#stdin?.() : undefined);
  }

  /**
   * A JSON option given inline, as `@FILE` or as `-` (stdin), parsed; undefined when it is absent. With
   * `object: true` anything but a JSON object is refused. Bad JSON is a usage error naming the option and where.
   */
  async json(
    name: StringOptionName<O>,
    options: { object?: boolean; example?: string } = {},
  ): Promise<unknown | undefined> {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const text = await readValue(value, `--${name}`, value === '-' ? this.#stdin?.() : undefined);
    return parseJsonText(text, `--${name}`, { ...options, source: describeSource(value) });
  }
}

function describeSource(value: string): string {
  if (value === '-') return 'stdin';
  if (value.startsWith('@')) return value.slice(1);
  return 'the text given';
}

/** Reads all of a stream as UTF-8 text. */
export async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

/**
 * A value given inline, as `@FILE`, or as `-` (stdin), as text. `label` names it in errors (`--tool`, `JWT`).
 * A file that cannot be read becomes the coded error of its cause (`os.not_found`...) with the label in front.
 */
export async function readValue(
  value: string,
  label: string,
  stdin?: NodeJS.ReadableStream | undefined,
): Promise<string> {
  if (value === '-') {
    if (!stdin) throw new UsageError(`${label}: - (stdin) is not available here.`);
    return (await readStream(stdin)).trim();
  }
  if (value.startsWith('@')) return (await readFileFor(value.slice(1), label)).trim();
  return value.trim();
}

/** A file's text; a file that cannot be read is reported with its path and the option or argument it came from. */
export async function readFileFor(path: string, label: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const { fromSystemError } = await import('../core/system-errors.js');
    const known = fromSystemError(error);
    if (!known) throw error;
    throw new InputError(known.code, `${label}: ${known.message}`, {
      hint: known.hint,
      cause: error,
      details: known.details,
    });
  }
}

/** Parses JSON text given to `label`; bad JSON (or not an object, with `object: true`) is a usage error. */
export function parseJsonText(
  text: string,
  label: string,
  options: { object?: boolean; example?: string; source?: string } = {},
): unknown {
  const from = options.source && options.source !== 'the text given' ? ` (from ${options.source})` : '';
  const hint = options.example ? `Example: ${label} '${options.example}'` : undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message.replace(/^JSON\.parse: /, '');
    throw new UsageError(`${label} is not valid JSON${from}: ${reason}`, hint);
  }
  if (options.object && (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)))
    throw new UsageError(
      `${label} takes a JSON object${from}, not ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : `a ${typeof parsed}`}.`,
      hint,
    );
  return parsed;
}

/** Parses a command's own options (global flags already removed). `path` is the command as typed (`moodle call`). */
export function parseCommandArgs<O extends OptionSpecs>(
  spec: CommandSpec<O>,
  args: string[],
  path: string = spec.name,
  stdin?: () => CliIO['stdin'],
): CommandInput<O> {
  const options: ParseArgsConfig['options'] = {};
  for (const [name, option] of Object.entries(spec.options ?? {})) {
    options[name] = {
      type: option.type,
      ...(option.short ? { short: option.short } : {}),
      ...(option.multiple ? { multiple: true } : {}),
    };
  }
  const help = `See \`mts ${path} --help\`.`;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(parseArgsMessage(error, spec), help);
  }
  const positionals = parsed.positionals;
  const min = spec.positionals?.min ?? 0;
  const max = spec.positionals?.max ?? 0;
  if (positionals.length < min) throw new UsageError(`Missing argument: ${spec.usage ?? ''}`.trim(), help);
  if (positionals.length > max) throw new UsageError(`Unexpected argument "${positionals[max]}".`, help);
  return new CommandInput<O>(parsed.values as Record<string, RawValue>, positionals, stdin);
}

/** node's parseArgs messages, shortened to what a person needs. */
function parseArgsMessage(error: unknown, spec: CommandSpec<OptionSpecs>): string {
  const { code, message } = error as { code?: string; message: string };
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /option '([^']+)'/i.exec(message)?.[1] ?? message;
    const name = option.replace(/^-+/, '');
    const near = Object.keys(spec.options ?? {}).filter(
      (known) => known.startsWith(name.slice(0, 3)) || name.startsWith(known),
    );
    return `Unknown option ${option}.${near.length ? ` Did you mean ${near.map((n) => `--${n}`).join(' or ')}?` : ''}`;
  }
  return message.replace(/^TypeError \[[A-Z_]+\]: /, '');
}
