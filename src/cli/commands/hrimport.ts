import type { Style } from '../../core/format.js';
import type {
  ElementName,
  ElementRecords,
  HrImportPlan,
  HrImportSettings,
  SiteState,
  ValidationIssue,
  ValidationReport,
} from '../../hrimport/index.js';
import type { CliContext, CommandGroup, CommandInput, CommandSpec } from '../framework.js';
import { UsageError } from '../framework.js';

type HrImportModule = typeof import('../../hrimport/index.js');
let loadedHr: HrImportModule | undefined;

/** HR Import itself, loaded when a command runs (never for `--help`). */
async function loadHr(): Promise<HrImportModule> {
  loadedHr ??= await import('../../hrimport/index.js');
  return loadedHr;
}

/** The module {@link loadHr} loaded: every command's `run` awaits that first. */
function hr(): HrImportModule {
  if (!loadedHr) throw new Error('mts hrimport: the HR Import module is used before it was loaded.');
  return loadedHr;
}

/** `--site`: a CSV export (file or folder), or `totara` / `moodle` for the configured profile's site. */
async function resolveSite(ctx: CliContext, value: string): Promise<SiteState> {
  if (value !== 'totara' && value !== 'moodle') return hr().csvSiteState(value);
  const { settings } = ctx.config();
  // The site clients (undici, graphql, the Moodle function table) load only when a live site is asked for.
  if (value === 'totara') {
    const { totaraClientFromSettings } = await import('../../connect/totara.js');
    const client = totaraClientFromSettings(settings, '--site totara');
    return hr().totaraSiteState(client, { description: client.url });
  }
  const { moodleClientFromSettings } = await import('../../connect/moodle.js');
  const moodle = moodleClientFromSettings(settings, { purpose: '--site moodle' });
  return hr().moodleSiteState((fn, params, options) => moodle.call(fn, params, options), {
    description: moodle.url,
  });
}

/** Options that say how the site reads its files; flags override the settings profile. */
const FORMAT_OPTIONS: CommandSpec['options'] = {
  settings: { type: 'string', description: 'HR Import settings profile (JSON)', valueName: 'FILE' },
  delimiter: {
    type: 'string',
    description: 'Field delimiter: , ; : tab | (overrides the profile)',
    valueName: 'CHAR',
  },
  encoding: {
    type: 'string',
    description: 'UTF-8, ISO-8859-1 or WINDOWS-1252 (what Excel writes; overrides the profile)',
    valueName: 'NAME',
  },
  'totara-version': {
    type: 'string',
    description: "The site's Totara version: 12, 13 to 16, 17+ (default 17; overrides the profile)",
    valueName: 'N',
  },
};

async function settingsFrom(options: CommandInput['options']): Promise<HrImportSettings> {
  const path = options.settings ?? options['profile-file'];
  const base = typeof path === 'string' ? await hr().loadSettingsFile(path) : hr().resolveSettings();
  const { delimiter, encoding, 'totara-version': version } = options;
  if (delimiter === undefined && encoding === undefined && version === undefined) return base;
  const elements = { ...base.elements };
  for (const name of Object.keys(elements) as ElementName[])
    elements[name] = {
      ...elements[name],
      ...(delimiter !== undefined ? { delimiter: undefined } : {}),
      ...(encoding !== undefined ? { encoding: undefined } : {}),
    };
  return {
    ...base,
    elements,
    delimiter: delimiter === undefined ? base.delimiter : hr().parseDelimiter(delimiter, '--delimiter'),
    encoding: encoding === undefined ? base.encoding : hr().normaliseEncoding(encoding, '--encoding'),
    totaraVersion:
      version === undefined ? base.totaraVersion : hr().parseTotaraVersion(version, '--totara-version'),
  };
}

function elementArg(value: unknown): ElementName {
  if (typeof value !== 'string' || !hr().isElementName(value))
    throw new UsageError(
      `Unknown element "${String(value)}".`,
      `Elements: ${Object.keys(hr().ELEMENTS).join(', ')}.`,
    );
  return value;
}

function thresholdArg(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const n = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new UsageError(`--threshold takes a share such as 0.1 or 10%, not "${text}".`);
  return n;
}

function modeArg(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const digits = /^(?:0o?)?([0-7]{3})$/i.exec(text)?.[1];
  if (digits === undefined)
    throw new UsageError(`--mode takes octal permission bits such as 640 or 600, not "${text}".`);
  return Number.parseInt(digits, 8);
}

/** `file:row column  severity code  message`, the one line every command prints per finding. */
function issueLine(i: ValidationIssue, severity: string = i.severity): string {
  return `${i.file}:${i.row}${i.column ? ` ${i.column}` : ''}  ${severity} ${i.code}  ${i.message}`;
}

function renderReport(report: ValidationReport, style: Style): string {
  const lines = report.issues.map((i) => {
    const tag = i.severity === 'error' ? style.red('error') : style.yellow('warning');
    return `${issueLine(i, tag)}${i.hint ? style.dim(`\n    hint: ${i.hint}`) : ''}`;
  });
  const rows = Object.entries(report.rows).map(([file, n]) => `${file}: ${n} row(s)`);
  const summary = `${report.errors} error(s), ${report.warnings} warning(s) in ${report.files.length} file(s)`;
  return [...rows, ...lines, report.ok ? style.green(summary) : style.red(summary)].join('\n');
}

function renderPlan(plan: HrImportPlan, style: Style): string {
  const out = [`Site: ${plan.site}`];
  for (const e of plan.elements) {
    const c = e.counts;
    if (!e.compared) {
      out.push(
        '',
        style.bold(`${hr().ELEMENTS[e.element].file}  (${c.rows} ${c.rows === 1 ? 'row' : 'rows'})`),
        style.dim('  not planned: the site source cannot describe this element'),
      );
      continue;
    }
    out.push(
      '',
      style.bold(`${hr().ELEMENTS[e.element].file}  (${c.rows} ${c.rows === 1 ? 'row' : 'rows'})`),
      `  created ${c.created}, changed ${c.updated}, unchanged ${c.unchanged}, suspended ${c.suspended}, deleted ${c.deleted}, skipped ${c.skipped}`,
      style.dim(`  Totara will log "updated" for ${c.logged} (every matched row it applies, changed or not)`),
    );
    if (e.rejected) out.push(style.red(`  REJECTED whole file: ${e.rejected.message}`));
    for (const key of e.created.slice(0, 20)) out.push(style.green(`  + ${key}`));
    for (const u of e.updated.slice(0, 20))
      out.push(
        style.cyan(
          `  ~ ${u.key}: ${u.changes.map((ch) => `${ch.column} "${ch.from}" → "${ch.to}"`).join(', ')}`,
        ),
      );
    for (const u of e.ignored.slice(0, 20))
      out.push(
        style.yellow(
          `  = ${u.key}: same timemodified as stored, so Totara ignores ${u.changes.map((ch) => ch.column).join(', ')}`,
        ),
      );
    for (const key of e.suspended.slice(0, 20)) out.push(style.yellow(`  ‖ ${key} (suspend)`));
    for (const key of e.deleted.slice(0, 20)) out.push(style.red(`  - ${key} (delete)`));
    for (const s of e.skipped.slice(0, 20)) out.push(style.dim(`  · ${s.key}: ${s.reason}`));
    if (e.notCompared.length)
      out.push(
        style.dim(
          `  not compared (the site source cannot see them, so no change is shown): ${e.notCompared.join(', ')}`,
        ),
      );
    if (e.refused)
      out.push(
        style.red(
          `  REFUSED: would remove ${e.removal.removing} of ${e.removal.existing} (${(e.removal.ratio * 100).toFixed(1)}%), above ${(e.removal.threshold * 100).toFixed(1)}%`,
        ),
      );
  }
  if (!plan.validation.ok)
    out.push('', style.red(`Validation: ${plan.validation.errors} error(s); run \`mts hrimport validate\`.`));
  return out.join('\n');
}

const template: CommandSpec = {
  name: 'template',
  summary: 'Print a sample file: header plus a documented example row.',
  usage: 'ELEMENT',
  description:
    'ELEMENT is user, jobassignment, org, pos or comp. The CSV goes to stdout; what each column means goes to stderr\n' +
    '(or everything as JSON with --json). Required columns (marked *) follow the settings profile.',
  positionals: { min: 1, max: 1 },
  options: {
    ...FORMAT_OPTIONS,
    'profile-file': {
      type: 'string',
      description: 'Older name of --settings (still accepted)',
      valueName: 'FILE',
    },
  },
  examples: [
    'mts hrimport template user > user.csv',
    'mts hrimport template jobassignment --settings hr.json',
  ],
  async run(ctx, input) {
    await loadHr();
    const element = elementArg(input.positionals[0]);
    const { settings, 'profile-file': profileFile } = input.options;
    if (typeof settings === 'string' && typeof profileFile === 'string' && settings !== profileFile)
      throw new UsageError(
        '--settings and --profile-file name the same thing; give one.',
        '--profile-file is the older name of --settings.',
      );
    const result = hr().elementTemplate(element, await settingsFrom(input.options));
    if (ctx.json) {
      ctx.print(result);
      return 0;
    }
    ctx.io.stdout.write(result.csv);
    for (const col of result.columns)
      ctx.info(`${col.required ? '*' : ' '} ${col.name.padEnd(34)} ${col.description}`);
    ctx.info('(* = required under this profile)');
    return 0;
  },
};

const validate: CommandSpec = {
  name: 'validate',
  summary: 'Check HR Import files as Totara would, with file, row and column for every problem.',
  usage: 'DIR|FILE',
  description:
    'DIR is the HR Import files directory (its csv/ready/ is read) or a folder of element files. Exit 1 on errors.',
  positionals: { min: 1, max: 1 },
  options: { ...FORMAT_OPTIONS },
  examples: [
    'mts hrimport validate /var/totara/hrimport',
    'mts hrimport validate user.csv --settings hr.json --json',
    'mts hrimport validate export.csv --delimiter ";" --encoding windows-1252',
  ],
  async run(ctx, input) {
    await loadHr();
    const report = await hr().validateFiles(input.positionals[0] as string, {
      settings: await settingsFrom(input.options),
      onProgress: ctx.progress(),
    });
    ctx.print(report, (value, style) => renderReport(value as ValidationReport, style));
    return report.ok ? 0 : 1;
  },
};

const write: CommandSpec = {
  name: 'write',
  summary: 'Write <out>/csv/ready/<element>.csv from JSON or NDJSON records, validated, atomically.',
  description:
    'Records are objects keyed by CSV column names, as a JSON array or one per line (.ndjson). Nothing is written when\n' +
    'validation finds errors. With --site, a complete-source import that would remove more than --threshold of the\n' +
    "site's records is refused unless --allow-mass-removal is given.\n\n" +
    'The file is created mode 0640 (less your umask), never readable by others: it holds personal data and may hold\n' +
    "plaintext passwords. The group can read it because Totara's cron runs as the web server user, which must read\n" +
    "it: give csv/ready/ the web server's group with the setgid bit (chgrp www-data csv/ready && chmod 2770\n" +
    'csv/ready) or write as that user. --mode 600 when the web server user itself writes the files.',
  options: {
    from: {
      type: 'string',
      description: 'Records file (.json array or .ndjson); - reads standard input',
      valueName: 'FILE',
    },
    element: { type: 'string', description: 'user, jobassignment, org, pos or comp', valueName: 'ELEMENT' },
    out: { type: 'string', description: 'HR Import files directory', valueName: 'DIR' },
    ...FORMAT_OPTIONS,
    columns: {
      type: 'string',
      description: 'The header, comma-separated (default: the union of the keys of every record)',
      valueName: 'A,B,...',
    },
    'neutralise-formulas': {
      type: 'boolean',
      description: "Prefix formula-like cells with ' (changes the data)",
    },
    site: {
      type: 'string',
      description: 'Site state for the removal guard: CSV export, totara or moodle',
      valueName: 'SITE',
    },
    threshold: {
      type: 'string',
      description: 'Largest share removed without --allow-mass-removal (default 10%)',
      valueName: 'N',
    },
    'allow-mass-removal': { type: 'boolean', description: 'Write even when many records would be removed' },
    mode: {
      type: 'string',
      description: 'File permissions in octal (default 640; 600 = owner only)',
      valueName: 'OCTAL',
    },
  },
  examples: [
    'mts hrimport write --from people.ndjson --element user --out /var/totara/hrimport --settings hr.json',
    "jq -c '.employees[]' hr.json | mts hrimport write --from - --element user --out ./out --mode 600",
  ],
  async run(ctx, input) {
    await loadHr();
    const { from, out } = input.options;
    if (typeof from !== 'string' || typeof out !== 'string' || input.options.element === undefined)
      throw new UsageError('write needs --from FILE, --element ELEMENT and --out DIR.');
    const element = elementArg(input.options.element);
    const settings = await settingsFrom(input.options);
    // Without --columns the header is the union of the keys of every record: a first pass reads only the keys
    // (standard input is spooled to a private temporary file for it).
    const spooled = from === '-' ? await spoolStdin(ctx) : undefined;
    const source = spooled?.path ?? from;
    const columns =
      typeof input.options.columns === 'string'
        ? input.options.columns
            .split(',')
            .map((name) => name.trim())
            .filter(Boolean)
        : hr().orderColumns(
            element,
            settings,
            await hr().unionOfRecordKeys(source, from === '-' ? 'stdin' : from),
          );
    const site =
      typeof input.options.site === 'string' ? await resolveSite(ctx, input.options.site) : undefined;
    const writer = await hr().openElementWriter(out, element, {
      settings,
      columns,
      neutraliseFormulas: input.options['neutralise-formulas'] === true,
      mode: modeArg(input.options.mode),
      onProgress: ctx.progress(),
      removalGuard: site
        ? {
            site,
            threshold: thresholdArg(input.options.threshold),
            allowMassRemoval: input.options['allow-mass-removal'] === true,
          }
        : undefined,
    });
    try {
      // records from a file are known only at run time: the writer checks each against the element's columns
      for await (const record of hr().readRecordsFile(source, from === '-' ? 'stdin' : undefined))
        await writer.write(record as unknown as ElementRecords[typeof element]);
    } catch (error) {
      await writer.abort();
      throw error;
    } finally {
      await spooled?.dispose();
    }
    let result: Awaited<ReturnType<typeof writer.close>>;
    try {
      result = await writer.close();
    } catch (error) {
      if (error instanceof hr().HrImportValidationError && !ctx.json)
        for (const i of error.issues) ctx.info(issueLine(i));
      throw error;
    }
    ctx.print(result, (_v, style) =>
      [
        style.green(`Wrote ${result.rows} row(s) to ${result.path} (${result.bytes} bytes).`),
        ...result.issues.map((i) => issueLine(i, style.yellow('warning'))),
      ].join('\n'),
    );
    return 0;
  },
};

const plan: CommandSpec = {
  name: 'plan',
  summary: 'Dry run: what an import of DIR would create, update, suspend or delete on the site.',
  usage: 'DIR',
  description:
    '--site is a CSV export of current users (or a folder of element exports), or "totara" / "moodle" for the site of\n' +
    'the configured profile. Exit 1 when a complete-source import would remove more than --threshold of the records.',
  positionals: { min: 1, max: 1 },
  options: {
    site: {
      type: 'string',
      description: 'CSV export, folder of exports, totara or moodle',
      valueName: 'SITE',
    },
    ...FORMAT_OPTIONS,
    threshold: {
      type: 'string',
      description: 'Largest share removed without --allow-mass-removal (default 10%)',
      valueName: 'N',
    },
    'allow-mass-removal': { type: 'boolean', description: 'Do not refuse large removals' },
  },
  examples: [
    'mts hrimport plan /var/totara/hrimport --site users-export.csv',
    'mts hrimport plan ./out --site totara --json',
  ],
  async run(ctx: CliContext, input: CommandInput) {
    await loadHr();
    if (typeof input.options.site !== 'string')
      throw new UsageError('plan needs --site (a CSV export, totara or moodle).');
    const site: SiteState = await resolveSite(ctx, input.options.site);
    const result = await hr().planImport(input.positionals[0] as string, {
      site,
      settings: await settingsFrom(input.options),
      threshold: thresholdArg(input.options.threshold),
      allowMassRemoval: input.options['allow-mass-removal'] === true,
      onProgress: ctx.progress(),
    });
    ctx.print(result, (value, style) => renderPlan(value as HrImportPlan, style));
    return result.refused ? 1 : 0;
  },
};

const group: CommandGroup = {
  name: 'hrimport',
  summary: 'Totara HR Import CSV: template, validate, write, plan',
  commands: [template, validate, write, plan],
};

export default group;

/** Copies standard input to a private temporary file, so that records can be read twice (keys, then rows). */
async function spoolStdin(ctx: CliContext): Promise<{ path: string; dispose(): Promise<void> }> {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { createWriteStream } = await import('node:fs');
  const { pipeline } = await import('node:stream/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = await mkdtemp(join(tmpdir(), 'mts-hrimport-stdin-'));
  const path = join(dir, 'stdin.ndjson');
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    await pipeline(ctx.io.stdin, createWriteStream(path, { mode: 0o600 }));
  } catch (error) {
    await dispose();
    throw error;
  }
  return { path, dispose };
}
