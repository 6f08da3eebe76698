import {
  type CliIO,
  type CommandGroup,
  type CommandSpec,
  type OptionSpecs,
  parseCommandArgs,
  UsageError,
} from './framework.js';
import { commandHelp, GLOBAL_OPTIONS, groupHelp, usageLine } from './help.js';

/** Areas, loaded only when used so that `mts --help` and the REPL start fast. */
const AREAS: Record<string, { summary: string; load: () => Promise<{ default: CommandGroup }> }> = {
  moodle: {
    summary: 'Moodle Web Services: login, call, functions, upload, download',
    load: () => import('./commands/moodle.js'),
  },
  totara: {
    summary: 'Totara GraphQL: token, query, schema pull and diff',
    load: () => import('./commands/totara.js'),
  },
  lti: {
    summary: 'LTI 1.3: decode, validate, launch, platform, doctor',
    load: () => import('./commands/lti.js'),
  },
  hrimport: {
    summary: 'Totara HR Import CSV: template, validate, write, plan',
    load: () => import('./commands/hrimport.js'),
  },
  mbz: {
    summary: '.mbz backups: inspect, verify, diff, ls, extract',
    load: () => import('./commands/mbz.js'),
  },
  codegen: {
    summary: 'Generate typed clients for your own site (moodle, totara)',
    load: () => import('./commands/codegen.js'),
  },
  sandbox: {
    summary: 'Run the local Moodle + Totara + LTI sandbox on 127.0.0.1',
    load: () => import('./commands/sandbox.js'),
  },
  repl: {
    summary: 'Interactive prompt with every client preloaded',
    load: () => import('./commands/repl.js'),
  },
  doctor: { summary: 'Health check of the configured site', load: () => import('./commands/doctor.js') },
  config: {
    summary: 'Profiles and settings (show, set, profiles)',
    load: () => import('./commands/config.js'),
  },
};

async function version(): Promise<string> {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function topHelp(): string {
  const width = Math.max(...Object.keys(AREAS).map((k) => k.length)) + 2;
  return [
    'Usage: mts <area> <command> [options]',
    '',
    'moodle-totara-sdk: Moodle, Totara, LTI 1.3, HR Import and .mbz from one command.',
    '',
    'Areas:',
    ...Object.entries(AREAS).map(([name, area]) => `  ${name.padEnd(width)} ${area.summary}`),
    '',
    'Global options:',
    '  --json              Machine-readable JSON on stdout',
    '  --profile NAME      Configuration profile (else MTS_PROFILE)',
    '  --timeout-ms MS     Request deadline in milliseconds',
    '  --no-color          No colours (NO_COLOR is respected too)',
    '  -h, --help          Help for any area or command',
    '  -V, --version       Print the version',
    '',
    'Exit codes: 0 ok, 1 failed, 2 usage error.',
    '',
  ].join('\n');
}

interface Globals {
  json: boolean;
  profile?: string | undefined;
  timeoutMs?: number | undefined;
  noColor: boolean;
  help: boolean;
  version: boolean;
}

/** Removes global flags from anywhere on the command line (up to `--`). */
export function extractGlobals(argv: string[]): { globals: Globals; rest: string[] } {
  const globals: Globals = { json: false, noColor: false, help: false, version: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value.`);
      i++;
      return next;
    };
    if (flag === '--json') globals.json = true;
    else if (flag === '--no-color') globals.noColor = true;
    else if (flag === '--help' || flag === '-h') globals.help = true;
    else if (flag === '--version' || flag === '-V') globals.version = true;
    else if (flag === '--profile') globals.profile = value();
    else if (flag === '--timeout-ms') {
      const raw = value();
      const ms = Number(raw);
      if (!Number.isFinite(ms) || ms < 0)
        throw new UsageError(`--timeout-ms takes a number of milliseconds, not "${raw}".`);
      globals.timeoutMs = ms;
    } else rest.push(arg);
  }
  return { globals, rest };
}

function defaultIO(): CliIO {
  // getters: node makes each process stream on first use, and stdin alone costs milliseconds that most commands
  // never need
  return {
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
    env: process.env,
  };
}

/**
 * Runs `mts` with the given arguments and returns the exit code: 0 ok, 1 failed, 2 usage error.
 * Nothing here calls `process.exit`, so it can be driven from tests with in-memory streams. Only what the command
 * line names is loaded: `--help` reads specs only; a command's own modules load when it runs.
 */
export async function main(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  let globals: Globals = {
    json: argv.includes('--json'),
    noColor: argv.includes('--no-color'),
    help: false,
    version: false,
  };
  let commandPath: string | undefined;
  let usage: string | undefined;
  let failureExitCode: number | undefined;
  try {
    const extracted = extractGlobals(argv);
    globals = extracted.globals;
    if (globals.version) {
      io.stdout.write(`${await version()}\n`);
      return 0;
    }
    const [areaName, ...afterArea] = extracted.rest;
    if (!areaName) {
      (globals.help ? io.stdout : io.stderr).write(topHelp());
      return globals.help ? 0 : 2;
    }
    const area = Object.hasOwn(AREAS, areaName) ? AREAS[areaName] : undefined;
    if (!area) {
      const near = Object.keys(AREAS).filter((name) => name.startsWith(areaName.slice(0, 2)));
      throw new UsageError(
        `Unknown area "${areaName}".`,
        near.length ? `Did you mean ${near.join(' or ')}?` : 'Run `mts --help` for the list.',
      );
    }
    const group = (await area.load()).default;
    const [commandName, ...commandArgs] = afterArea;
    let command: CommandSpec<OptionSpecs> | undefined = group.commands.find((c) => c.name === commandName);
    let args = commandArgs;
    let path = `${group.name} ${commandName}`;
    if (!command) {
      if (
        group.default &&
        (commandName === undefined || commandName.startsWith('-') || group.commands.length === 0)
      ) {
        command = group.default;
        args = afterArea;
        path = group.name;
      } else if (globals.help || commandName === undefined) {
        (globals.help ? io.stdout : io.stderr).write(groupHelp(group));
        return globals.help ? 0 : 2;
      } else {
        throw new UsageError(
          `Unknown command "${commandName}" in "mts ${group.name}".`,
          `Commands: ${group.commands.map((c) => c.name).join(', ')}.`,
        );
      }
    }
    commandPath = path;
    usage = usageLine(path, command);
    if (globals.help) {
      io.stdout.write(commandHelp(path, command));
      return 0;
    }
    const input = parseCommandArgs(command, args, path, () => io.stdin);
    failureExitCode = command.failureExitCode;
    const { CliContext } = await import('./context.js');
    const ctx = new CliContext(io, globals);
    return (await command.run(ctx, input)) ?? 0;
  } catch (error) {
    const { reportError } = await import('./report.js');
    const code = reportError(error, io, { json: globals.json, noColor: globals.noColor, commandPath, usage });
    return code === 1 ? (failureExitCode ?? 1) : code;
  }
}

/** Every area name, for completion and docs. */
export const AREA_NAMES: readonly string[] = Object.keys(AREAS);
export { GLOBAL_OPTIONS };

/** The command names of an area (loads its specs). */
export async function areaCommandNames(area: string): Promise<string[]> {
  const load = AREAS[area]?.load;
  return load ? (await load()).default.commands.map((command) => command.name) : [];
}
