import { existsSync } from 'node:fs';
import type { ProfileSettings } from '../../core/config.js';
import type { Style } from '../../core/format.js';
import type { LoadedSchema, SchemaDiffReport } from '../../totara/schema/index.js';
import { type CliContext, type CommandInput, type CommandSpec, UsageError } from '../framework.js';

/** The schema tools (graphql), loaded when a command runs (never for `--help`). */
const schemaTools = () => import('../../totara/schema/index.js');

const DESCRIPTION = [
  'pull   introspects the site (URL from --url, MTS_TOTARA_URL or the profile) and writes --out FILE: SDL, or',
  '       introspection JSON when FILE ends in .json, written atomically. Introspection is off by default on',
  '       Totara sites: when the site refuses, ask an administrator to enable it or for the schema file.',
  'diff   OLD and NEW are each an SDL file, an introspection JSON file, a site URL (https://...) or profile:NAME.',
  '       Lists breaking and dangerous changes; with --documents, checks every stored operation against both',
  '       (the changes touching what it uses, and whether it still validates against NEW).',
  '       Exit status 1 when a stored operation is broken (with --fail-on-breaking: when there is any breaking',
  '       change), else 0, so a CI job can gate an upgrade on the operations a project really sends.',
  'show   NAME is a type (core_user) or a field (Query.core_user_users): prints its SDL and the shortest paths',
  '       from a query or mutation that reach it. The schema comes from --schema (file, URL or profile:NAME),',
  '       else from the configured site by introspection.',
].join('\n');

const schema: CommandSpec = {
  name: 'schema',
  summary:
    'pull: save the site schema; diff: changes and the operations they break; show: explore a type or field.',
  usage: 'pull --out FILE | diff OLD NEW | show NAME',
  description: DESCRIPTION,
  positionals: { min: 1, max: 3 },
  options: {
    out: { type: 'string', description: 'pull: where to write the schema', valueName: 'FILE' },
    url: {
      type: 'string',
      description: 'pull: site URL (else MTS_TOTARA_URL or the profile)',
      valueName: 'URL',
    },
    documents: {
      type: 'string',
      multiple: true,
      description: 'diff: your .graphql operations (quote globs: "src/**/*.graphql")',
      valueName: 'GLOB',
    },
    'fail-on-breaking': { type: 'boolean', description: 'diff: exit 1 on any breaking change, used or not' },
    schema: {
      type: 'string',
      description: 'show: schema file, site URL or profile:NAME (else the configured site)',
      valueName: 'SRC',
    },
  },
  examples: [
    'mts totara schema pull --out site.graphql',
    'mts totara schema diff 17.3.graphql 18.0.graphql --documents "src/**/*.graphql"',
    'mts totara schema diff profile:staging profile:prod --json',
    'mts totara schema show totara_job_job_assignment --schema site.graphql',
  ],
  async run(ctx, input) {
    const [action, ...rest] = input.positionals;
    if (action === 'pull') {
      if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}" for schema pull.`);
      return pull(ctx, input);
    }
    if (action === 'diff') {
      if (rest.length !== 2) throw new UsageError('schema diff takes OLD and NEW.');
      return diff(ctx, input, rest[0] as string, rest[1] as string);
    }
    if (action === 'show') {
      if (rest.length !== 1) throw new UsageError('schema show takes one NAME: a type or Type.field.');
      const source = input.options.schema as string | undefined;
      const loaded = source ? await schemaFromArgument(ctx, source) : await pullFromSite(ctx);
      const { describeSchemaItem } = await schemaTools();
      const item = describeSchemaItem(loaded.schema, rest[0] as string);
      ctx.print(item, () =>
        [
          item.sdl,
          '',
          item.paths.length ? `Reached by:\n${item.paths.map((p) => `  ${p}`).join('\n')}` : 'A root type.',
        ].join('\n'),
      );
      return 0;
    }
    throw new UsageError(
      `Unknown action "${action}".`,
      'Use `mts totara schema pull`, `mts totara schema diff` or `mts totara schema show`.',
    );
  },
};

async function pull(ctx: CliContext, input: CommandInput): Promise<number> {
  const out = input.options.out as string | undefined;
  if (!out) throw new UsageError('--out FILE is required.');
  const loaded = await pullFromSite(ctx, input.options.url as string | undefined);
  const [{ writeFileAtomic }, { schemaFileContent }] = await Promise.all([
    import('../../core/atomic.js'),
    schemaTools(),
  ]);
  await writeFileAtomic(out, schemaFileContent(loaded, out));
  const types = Object.keys(loaded.schema.getTypeMap()).filter((n) => !n.startsWith('__')).length;
  ctx.print(
    { source: loaded.source, out, types },
    () => `Saved the schema of ${loaded.source} (${types} types) to ${out}.`,
  );
  return 0;
}

async function diff(ctx: CliContext, input: CommandInput, a: string, b: string): Promise<number> {
  const before = await schemaFromArgument(ctx, a);
  const after = await schemaFromArgument(ctx, b);
  for (const warning of [...before.warnings, ...after.warnings]) ctx.warn(warning);
  const { diffSchemas, readDocuments } = await schemaTools();
  const patterns = (input.options.documents as string[] | undefined) ?? [];
  const documents = patterns.length ? await readDocuments(patterns) : [];
  const report = diffSchemas(before, after, documents);
  ctx.print(report, (_, style) => renderReport(report, style));
  if (report.summary.brokenOperations > 0) return 1;
  return input.options['fail-on-breaking'] === true && report.summary.breaking > 0 ? 1 : 0;
}

function renderReport(report: SchemaDiffReport, style: Style): string {
  const lines: string[] = [`${report.old} → ${report.new}`];
  const section = (title: string, changes: SchemaDiffReport['breaking'], paint: (s: string) => string) => {
    lines.push('', paint(`${title} (${changes.length})`));
    for (const c of changes) lines.push(`  ${c.coordinate.padEnd(48)} ${c.kind.padEnd(28)} ${c.description}`);
  };
  section('Breaking changes', report.breaking, style.red);
  section('Dangerous changes', report.dangerous, style.yellow);
  if (report.safe.length > 0) section('Additions', report.safe, style.dim);
  if (report.operations.length > 0) {
    lines.push(
      '',
      `Operations (${report.summary.operations} checked, ${report.summary.brokenOperations} broken)`,
    );
    for (const op of report.operations) {
      const where = `${op.path}:${op.line} ${op.operation}`;
      if (op.broken) {
        lines.push(`  ${style.red('BROKEN')} ${where}`);
        for (const coordinate of op.breaking) lines.push(`      breaking: ${coordinate}`);
        for (const error of op.errors) lines.push(`      fails: ${error}`);
      } else lines.push(`  ${op.dangerous.length ? style.yellow('RISK  ') : style.green('ok    ')} ${where}`);
      if (!op.broken) for (const coordinate of op.dangerous) lines.push(`      dangerous: ${coordinate}`);
    }
  }
  return lines.join('\n');
}

/** Introspects the site in `settings` with its credentials; `where` names it in messages. */
async function introspectConfigured(
  ctx: CliContext,
  settings: ProfileSettings,
  where: string,
  note = '',
): Promise<LoadedSchema> {
  const [{ totaraClientFromSettings }, { introspectSchema }] = await Promise.all([
    import('../../connect/totara.js'),
    schemaTools(),
  ]);
  const client = totaraClientFromSettings(settings, `Reading ${where}`);
  ctx.info(`Introspecting ${client.url}${note} ...`);
  return introspectSchema(client, { source: client.url });
}

/** Introspects the site at `url` (or the configured one) with the configured credentials. */
export async function pullFromSite(ctx: CliContext, url?: string): Promise<LoadedSchema> {
  const settings = ctx.config(url ? { totaraUrl: url } : {}).settings;
  return introspectConfigured(ctx, settings, url ?? 'the configured Totara site');
}

/**
 * A schema from an argument: an existing file (SDL or introspection JSON), an `http(s)://` site URL, or
 * `profile:NAME` (that profile's site and credentials).
 */
export async function schemaFromArgument(ctx: CliContext, argument: string): Promise<LoadedSchema> {
  if (/^https?:\/\//i.test(argument) && !existsSync(argument)) return pullFromSite(ctx, argument);
  if (argument.startsWith('profile:')) {
    const profile = argument.slice('profile:'.length);
    // resolveConfig refuses a profile that does not exist, naming the known ones.
    const { resolveConfig } = await import('../../core/config.js');
    const resolved = resolveConfig({ profile, env: ctx.env });
    return introspectConfigured(ctx, resolved.settings, `profile ${profile}`, ` (profile ${profile})`);
  }
  const { loadSchemaFile } = await schemaTools();
  return loadSchemaFile(argument);
}

/** `mts totara schema pull|diff`: owned by the Totara codegen. */
export const totaraSchemaCommands: CommandSpec[] = [schema];
