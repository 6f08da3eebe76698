/** `--help` texts: of the whole command, of an area, of one command; and the one-line usage shown after a mistake. */
import type { CommandGroup, CommandSpec, OptionSpec, OptionSpecs } from './framework.js';

/** Global flags accepted anywhere on the command line. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
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

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const flags = Object.entries(options).map(
    ([name, spec]) =>
      `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`,
  );
  const width = Math.max(28, ...flags.map((flag) => flag.length + 2));
  return Object.values(options).map(
    (spec, i) => `  ${(flags[i] as string).padEnd(width)}${spec.description}`,
  );
}

/** `Usage: mts moodle call FN [key=value ...] [options]`. */
export function usageLine(path: string, spec: CommandSpec<OptionSpecs>): string {
  return `Usage: mts ${path}${spec.usage ? ` ${spec.usage}` : ''} [options]`;
}

/** `--help` text of one command. */
export function commandHelp(path: string, spec: CommandSpec<OptionSpecs>): string {
  const lines = [usageLine(path, spec), '', spec.summary];
  if (spec.description) lines.push('', spec.description);
  if (spec.options && Object.keys(spec.options).length > 0)
    lines.push('', 'Options:', ...optionLines(spec.options));
  lines.push('', 'Global options:', ...optionLines(GLOBAL_OPTIONS));
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
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
