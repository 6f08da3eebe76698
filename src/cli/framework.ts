import type { Readable, Writable } from 'node:stream';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type ProfileSettings, type ResolvedConfig, resolveConfig } from '../core/config.js';
import { MtsError } from '../core/errors.js';
import { colorWanted, createStyle, formatBytes, formatHuman, type Style } from '../core/format.js';
import type { ProgressEvent, ProgressListener } from '../core/progress.js';
import { maskSecrets } from '../core/redact.js';

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

/** Parsed input of a command. */
export interface CommandInput {
  positionals: string[];
  options: Record<string, string | boolean | string[] | undefined>;
}

/** One leaf command: `mts <area> <name> ...`. */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Positional part of the usage line, e.g. `FN [key=value ...]`. */
  usage?: string;
  /** Longer help text. */
  description?: string;
  options?: Record<string, OptionSpec>;
  positionals?: { min?: number; max?: number };
  examples?: string[];
  /** Returns the exit code (default 0). Throw {@link UsageError} for bad usage, an MtsError for failures. */
  run(ctx: CliContext, input: CommandInput): Promise<number | undefined> | number | undefined;
  /** Exit code of a failure (default 1); `mts mbz diff` keeps 1 for "different" and fails with 2, as diff does. */
  failureExitCode?: number;
}

/** An area: `mts <name> ...`. `default` runs when no sub-command is given (e.g. `mts sandbox`). */
export interface CommandGroup {
  name: string;
  summary: string;
  commands: CommandSpec[];
  default?: CommandSpec;
}

/** Bad usage: exit code 2 and the command's help. */
export class UsageError extends MtsError {
  constructor(message: string, hint?: string) {
    super('cli.usage', message, { hint });
  }
}

/** Streams and environment of one run (replaceable in tests). */
export interface CliIO {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** Global flags accepted anywhere on the command line. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: 'Machine-readable JSON on stdout' },
  profile: {
    type: 'string',
    description: 'Configuration profile (else MTS_PROFILE, else the default)',
    valueName: 'NAME',
  },
  'timeout-ms': { type: 'string', description: 'Request deadline in milliseconds', valueName: 'MS' },
  'no-color': { type: 'boolean', description: 'No colours (NO_COLOR is respected too)' },
  help: { type: 'boolean', short: 'h', description: 'Show help' },
};

/** What a command gets to work with. */
export class CliContext {
  readonly io: CliIO;
  readonly json: boolean;
  readonly style: Style;
  readonly errStyle: Style;
  readonly profileName: string | undefined;
  readonly timeoutMs: number | undefined;
  #config: ResolvedConfig | undefined;
  #progressDrawn = false;

  constructor(
    io: CliIO,
    globals: {
      json: boolean;
      profile?: string | undefined;
      timeoutMs?: number | undefined;
      noColor: boolean;
    },
  ) {
    this.io = io;
    this.json = globals.json;
    this.profileName = globals.profile;
    this.timeoutMs = globals.timeoutMs;
    this.style = createStyle(!globals.noColor && colorWanted(io.stdout, io.env));
    this.errStyle = createStyle(!globals.noColor && colorWanted(io.stderr, io.env));
  }

  get env(): NodeJS.ProcessEnv {
    return this.io.env;
  }

  /** Settings resolved as flags > environment > profile > defaults. */
  config(flags: ProfileSettings = {}): ResolvedConfig {
    if (!this.#config || Object.keys(flags).length > 0) {
      const resolved = resolveConfig({
        flags: { ...flags, ...(this.timeoutMs !== undefined ? { timeoutMs: this.timeoutMs } : {}) },
        profile: this.profileName,
        env: this.io.env,
      });
      for (const warning of resolved.warnings) this.warn(warning);
      if (Object.keys(flags).length > 0) return resolved;
      this.#config = resolved;
    }
    return this.#config;
  }

  /** Prints a result: JSON on stdout with `--json`, else `human(value)` or a default rendering. */
  print(value: unknown, human?: (value: unknown, style: Style) => string): void {
    this.#clearProgress();
    if (this.json) {
      this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      return;
    }
    const text = human ? human(value, this.style) : formatHuman(value, { color: this.style.enabled });
    if (text !== '') this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A status line for people, on stderr (never on stdout, which belongs to results). */
  info(text: string): void {
    this.#clearProgress();
    this.io.stderr.write(`${maskSecrets(text)}\n`);
  }

  /** A warning on stderr. */
  warn(text: string): void {
    this.#clearProgress();
    this.io.stderr.write(`${this.errStyle.yellow('warning:')} ${maskSecrets(text)}\n`);
  }

  /** A progress listener that draws a bar on stderr when stderr is a TTY, and does nothing otherwise. */
  progress(): ProgressListener {
    if (!this.io.stderr.isTTY) return () => undefined;
    let last = 0;
    return (event: ProgressEvent) => {
      const now = Date.now();
      if (now - last < 100 && event.total !== event.done) return;
      last = now;
      const width = Math.max(10, Math.min(40, (this.io.stderr.columns ?? 80) - 50));
      const amount = (n: number) => (event.unit === 'bytes' ? formatBytes(n) : String(n));
      let line: string;
      if (event.total) {
        const ratio = Math.min(1, event.done / event.total);
        const filled = Math.round(ratio * width);
        line = `${event.phase} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(ratio * 100)}% ${amount(event.done)}/${amount(event.total)}`;
      } else {
        line = `${event.phase} ${amount(event.done)}`;
      }
      this.io.stderr.write(`\r\u001b[2K${line}`);
      this.#progressDrawn = true;
    };
  }

  #clearProgress(): void {
    if (this.#progressDrawn) {
      this.io.stderr.write('\r\u001b[2K');
      this.#progressDrawn = false;
    }
  }
}

/** Parses a command's own options (global flags already removed). `path` is the command as typed (`moodle call`). */
export function parseCommandArgs(
  command: CommandSpec,
  args: string[],
  path: string = command.name,
): CommandInput {
  const options: ParseArgsConfig['options'] = {};
  for (const [name, spec] of Object.entries(command.options ?? {})) {
    options[name] = {
      type: spec.type,
      ...(spec.short ? { short: spec.short } : {}),
      ...(spec.multiple ? { multiple: true } : {}),
    };
  }
  const help = `See \`mts ${path} --help\`.`;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(parseArgsMessage(error, command), help);
  }
  const positionals = parsed.positionals;
  const min = command.positionals?.min ?? 0;
  const max = command.positionals?.max ?? 0;
  if (positionals.length < min) throw new UsageError(`Missing argument: ${command.usage ?? ''}`.trim(), help);
  if (positionals.length > max) throw new UsageError(`Unexpected argument "${positionals[max]}".`, help);
  return { positionals, options: parsed.values as CommandInput['options'] };
}

/** node's parseArgs messages, shortened to what a person needs. */
function parseArgsMessage(error: unknown, command: CommandSpec): string {
  const { code, message } = error as { code?: string; message: string };
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /option '([^']+)'/i.exec(message)?.[1] ?? message;
    const name = option.replace(/^-+/, '');
    const near = Object.keys(command.options ?? {}).filter(
      (known) => known.startsWith(name.slice(0, 3)) || name.startsWith(known),
    );
    return `Unknown option ${option}.${near.length ? ` Did you mean ${near.map((n) => `--${n}`).join(' or ')}?` : ''}`;
  }
  return message.replace(/^TypeError \[[A-Z_]+\]: /, '');
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  const flags = Object.entries(options).map(
    ([name, spec]) =>
      `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`,
  );
  const width = Math.max(28, ...flags.map((flag) => flag.length + 2));
  return Object.values(options).map(
    (spec, i) => `  ${(flags[i] as string).padEnd(width)}${spec.description}`,
  );
}

/** `--help` text of one command. */
export function commandHelp(path: string, command: CommandSpec): string {
  const lines = [
    `Usage: mts ${path}${command.usage ? ` ${command.usage}` : ''} [options]`,
    '',
    command.summary,
  ];
  if (command.description) lines.push('', command.description);
  if (command.options && Object.keys(command.options).length > 0)
    lines.push('', 'Options:', ...optionLines(command.options));
  lines.push('', 'Global options:', ...optionLines(GLOBAL_OPTIONS));
  if (command.examples?.length) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

/** `--help` text of an area. */
export function groupHelp(group: CommandGroup): string {
  const width = Math.max(...group.commands.map((c) => c.name.length), 4) + 2;
  const lines = [`Usage: mts ${group.name} <command> [options]`, '', group.summary, ''];
  if (group.default)
    lines.push(
      `Run \`mts ${group.name}\` alone to ${group.default.summary.charAt(0).toLowerCase()}${group.default.summary.slice(1)}`,
      '',
    );
  if (group.commands.length)
    lines.push('Commands:', ...group.commands.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`), '');
  lines.push(`Run \`mts ${group.name} <command> --help\` for a command's options.`);
  return `${lines.join('\n')}\n`;
}
