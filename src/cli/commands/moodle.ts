import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import type { ResolvedConfig } from '../../core/config.js';
import { ConfigError, InputError } from '../../core/errors.js';
import { formatBytes } from '../../core/format.js';
import type { MoodleCallOptions, MoodleClient, WsDesc } from '../../moodle/index.js';
import type { CliContext, CommandGroup, CommandSpec } from '../framework.js';
import { UsageError } from '../framework.js';

/**
 * A client from flags > MTS_* > profile; a missing URL or token is named with its environment variable. The client
 * (undici, the function table) loads here, when a command runs, never for `--help`.
 */
async function client(ctx: CliContext, purpose: string): Promise<MoodleClient> {
  const { moodleClientFromSettings } = await import('../../connect/moodle.js');
  return moodleClientFromSettings(ctx.config().settings, {
    purpose,
    onWarning: (warning, fn) => ctx.warn(`${fn}: ${warning.warningcode}: ${warning.message}`),
  });
}

const call: CommandSpec = {
  name: 'call',
  summary: 'Call a web service function and print its result.',
  usage: 'FN [key=value ...]',
  description:
    'Parameters are key=value pairs (users[0][email]=a@b.c or users.0.email=a@b.c) and/or --params-json\n' +
    '(inline JSON, @FILE, or - for stdin).\n' +
    'They are checked against the function table before anything is sent.',
  positionals: { min: 1, max: 500 },
  options: {
    'params-json': {
      type: 'string',
      description: 'Parameters as a JSON object (inline, @FILE or - for stdin)',
      valueName: 'JSON',
    },
    lang: { type: 'string', description: 'moodlewssettinglang', valueName: 'LANG' },
    raw: { type: 'boolean', description: 'moodlewssettingraw: unformatted text' },
    filter: { type: 'boolean', description: 'moodlewssettingfilter: apply text filters' },
  },
  examples: [
    'mts moodle call core_webservice_get_site_info',
    "mts moodle call core_user_get_users_by_field field=username 'values[0]=admin'",
    'mts moodle call core_course_get_courses --params-json \'{"options":{"ids":[2]}}\' --json',
  ],
  async run(ctx, input) {
    const [fn, ...pairs] = input.positionals as [string, ...string[]];
    let params = ((await input.json('params-json', { object: true, example: '{"options":{"ids":[2]}}' })) ??
      {}) as Record<string, unknown>;
    if (pairs.length > 0) {
      const { overlay, paramsFromPairs } = await import('./moodle-params.js');
      params = overlay(params, paramsFromPairs(pairs)) as Record<string, unknown>;
    }
    const options: MoodleCallOptions = {
      ...(typeof input.options.lang === 'string' ? { lang: input.options.lang } : {}),
      ...(input.options.raw ? { raw: true } : {}),
      ...(input.options.filter ? { filter: true } : {}),
    };
    const result = await (await client(ctx, `mts moodle call`)).call(fn, params, options);
    ctx.print(result ?? null);
    return 0;
  },
};

/** Moodle's VALUE_OPTIONAL and VALUE_DEFAULT, passed in with the table they come with. */
interface RequiredLevels {
  optional: number;
  withDefault: number;
}

function describeDesc(desc: WsDesc, indent: string, name: string, levels: RequiredLevels): string[] {
  // VALUE_REQUIRED: nothing; VALUE_DEFAULT: its default after the type or `:`; VALUE_OPTIONAL: `?` on the name.
  const optional = desc.required === levels.optional ? '?' : '';
  const fallback = desc.required === levels.withDefault ? ` = ${JSON.stringify(desc.default)}` : '';
  if (desc.kind === 'value') return [`${indent}${name}${optional}: ${desc.type}${fallback}`];
  const flag = optional + fallback;
  if (desc.kind === 'multiple')
    return [`${indent}${name}${flag}: list of`, ...describeDesc(desc.content, `${indent}  `, '-', levels)];
  return [
    `${indent}${name}${flag}: {`,
    ...Object.entries(desc.keys).flatMap(([k, v]) => describeDesc(v, `${indent}  `, k, levels)),
    `${indent}}`,
  ];
}

const functions: CommandSpec = {
  name: 'functions',
  summary: 'List known functions (filtered by a pattern), or describe one.',
  usage: '[PATTERN|NAME]',
  positionals: { max: 1 },
  examples: ['mts moodle functions core_user', 'mts moodle functions core_user_create_users'],
  async run(ctx, input) {
    const { coreFunctionTable, VALUE_DEFAULT, VALUE_OPTIONAL } = await import('../../moodle/index.js');
    const levels: RequiredLevels = { optional: VALUE_OPTIONAL, withDefault: VALUE_DEFAULT };
    const table = coreFunctionTable();
    const pattern = input.positionals[0] ?? '';
    const exact = table.get(pattern);
    if (exact) {
      ctx.print(exact, () =>
        [
          `${exact.name} (${exact.type}${exact.deprecated ? ', deprecated' : ''}) — ${exact.component}`,
          `services: ${exact.services.join(', ') || '(none built in)'}`,
          ...describeDesc(exact.parameters, '', 'params', levels),
          ...(exact.returns ? describeDesc(exact.returns, '', 'returns', levels) : ['returns: null']),
        ].join('\n'),
      );
      return 0;
    }
    const rows = table
      .names()
      .filter((name) => name.includes(pattern))
      .map((name) => ({ name, type: table.get(name)?.type }));
    ctx.print(
      rows,
      () => rows.map((r) => `${r.type === 'read' ? 'read ' : 'write'}  ${r.name}`).join('\n') || '(no match)',
    );
    return rows.length ? 0 : 1;
  },
};

async function readStdin(ctx: CliContext): Promise<string> {
  let text = '';
  for await (const chunk of ctx.io.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

const login: CommandSpec = {
  name: 'login',
  summary: "Get a token with a username and password and save it in the profile's credentials.",
  description:
    'The password is read from stdin (pipe it in; it never goes on the command line). The token is not printed unless --show-token.',
  options: {
    url: {
      type: 'string',
      description: 'Site wwwroot (else MTS_MOODLE_URL or the profile)',
      valueName: 'URL',
    },
    username: { type: 'string', short: 'u', description: 'Username', valueName: 'NAME' },
    service: {
      type: 'string',
      description: 'External service (default moodle_mobile_app)',
      valueName: 'NAME',
    },
    'show-token': { type: 'boolean', description: 'Also print the token on stdout' },
  },
  examples: [
    'printf \'%s\' "$PASSWORD" | mts moodle login --url https://lms.example.org -u admin --profile prod',
  ],
  async run(ctx, input) {
    const username = input.options.username;
    if (typeof username !== 'string') throw new UsageError('--username is required.');
    const { resolveConfig, saveProfile } = await import('../../core/config.js');
    const { MoodleClient } = await import('../../moodle/index.js');
    const url = typeof input.options.url === 'string' ? input.options.url : undefined;
    const flags = url ? { moodleUrl: url } : {};
    let config: ResolvedConfig;
    try {
      config = ctx.config(flags);
    } catch (error) {
      // Logging in is how a new profile comes to exist: resolve without it, then save into it.
      if (!(error instanceof ConfigError) || error.code !== 'config.unknown_profile') throw error;
      const named = ctx.profileName ?? ctx.env.MTS_PROFILE ?? 'default';
      config = { ...resolveConfig({ flags, env: { ...ctx.env, MTS_PROFILE: undefined } }), profile: named };
    }
    const service =
      (input.options.service as string | undefined) ?? config.settings.moodleService ?? 'moodle_mobile_app';
    if (ctx.io.stdin.isTTY)
      throw new UsageError(
        'Pipe the password on stdin.',
        'e.g. printf \'%s\' "$PASSWORD" | mts moodle login -u NAME',
      );
    const password = await readStdin(ctx);
    if (!password) throw new UsageError('No password on stdin.');
    if (!config.settings.moodleUrl) throw new UsageError('No site URL: pass --url or set MTS_MOODLE_URL.');
    const moodle = new MoodleClient({ url: config.settings.moodleUrl, timeoutMs: config.settings.timeoutMs });
    const { token } = await moodle.login({ username, password, service });
    await saveProfile(
      config.profile,
      { moodleUrl: moodle.url, moodleToken: token, moodleService: service },
      { env: ctx.env },
    );
    const out: Record<string, unknown> = {
      profile: config.profile,
      url: moodle.url,
      username,
      service,
      saved: true,
    };
    if (input.options['show-token']) out.token = token;
    ctx.print(
      out,
      () =>
        `Logged in as ${username}; token saved in profile ${config.profile}.${input.options['show-token'] ? `\n${token}` : ''}`,
    );
    return 0;
  },
};

const upload: CommandSpec = {
  name: 'upload',
  summary: 'Upload files to your draft area and print the draft item id.',
  usage: 'FILE [FILE ...]',
  positionals: { min: 1, max: 100 },
  options: { itemid: { type: 'string', description: 'Add to an existing draft item', valueName: 'N' } },
  async run(ctx, input) {
    const itemid = input.options.itemid === undefined ? undefined : Number(input.options.itemid);
    if (itemid !== undefined && !Number.isInteger(itemid)) throw new UsageError('--itemid takes an integer.');
    const result = await (await client(ctx, 'mts moodle upload')).upload(
      input.positionals.map((path) => ({ path })),
      itemid === undefined ? {} : { itemid },
    );
    ctx.print(
      { itemid: result.itemid, files: result.files, errors: result.errors.map((e) => e.toJSON()) },
      () =>
        [
          `draft itemid ${result.itemid}`,
          ...result.files.map((f) => `  stored ${f.filename}`),
          ...result.errors.map((e) => `  refused ${e.message}`),
        ].join('\n'),
    );
    return result.errors.length ? 1 : 0;
  },
};

/** The file name at the end of a URL's path, if it makes a safe file name in the current directory. */
export function fileNameOfUrl(raw: string): string | undefined {
  let last: string;
  try {
    last = decodeURIComponent(new URL(raw).pathname.split('/').pop() ?? '');
  } catch {
    return undefined;
  }
  const name = basename(last.replace(/\\/g, '/'));
  return name === '' || name === '.' || name === '..' ? undefined : name;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Copies a stream to stdout without ending it, waiting whenever stdout asks to. */
async function copyToStdout(ctx: CliContext, stream: Readable): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) {
    bytes += (chunk as Buffer).length;
    if (!ctx.io.stdout.write(chunk)) await new Promise((resolve) => ctx.io.stdout.once('drain', resolve));
  }
  return bytes;
}

const download: CommandSpec = {
  name: 'download',
  summary: 'Download a pluginfile URL of the site to a file (written atomically) or to stdout.',
  usage: 'URL',
  description:
    "Without -o the file is saved under the URL's file name in the current directory, never over an existing file\n" +
    'unless --force. -o - writes the bytes to stdout.',
  positionals: { min: 1, max: 1 },
  options: {
    output: { type: 'string', short: 'o', description: 'Where to write (- for stdout)', valueName: 'FILE' },
    force: { type: 'boolean', description: 'Overwrite the file named after the URL if it exists' },
  },
  examples: [
    'mts moodle download "$FILEURL"',
    'mts moodle download "$FILEURL" -o report.pdf',
    'mts moodle download "$FILEURL" -o - | wc -c',
  ],
  async run(ctx, input) {
    const url = input.positionals[0] as string;
    const given = input.options.output;
    if (given === '-') {
      if (ctx.json) throw new UsageError('-o - writes the file to stdout, which --json needs for itself.');
      const file = await (await client(ctx, 'mts moodle download')).download(url);
      const bytes = await copyToStdout(ctx, file.stream);
      ctx.info(`Wrote ${formatBytes(bytes)} to stdout.`);
      return 0;
    }
    let output: string;
    if (typeof given === 'string') output = given;
    else {
      const name = fileNameOfUrl(url);
      if (!name)
        throw new UsageError(
          `The URL ${url} does not end in a file name.`,
          'Say where to write it: -o FILE.',
        );
      output = name;
      if (!input.options.force && (await exists(output)))
        throw new InputError('moodle.output_exists', `${output} already exists; not overwriting it.`, {
          hint: `Pass --force to replace it, or -o FILE to write elsewhere.`,
          details: { path: output },
        });
    }
    const file = await (await client(ctx, 'mts moodle download')).download(url);
    const { streamToFileAtomic } = await import('../../core/atomic.js');
    await streamToFileAtomic(file.stream, output);
    ctx.print(
      { path: output, filename: file.filename, size: file.size },
      () => `Saved ${output}${file.size !== undefined ? ` (${formatBytes(file.size)})` : ''}`,
    );
    return 0;
  },
};

const group: CommandGroup = {
  name: 'moodle',
  summary: 'Moodle Web Services: login, call, functions, upload, download',
  commands: [login, call, functions, upload, download],
};

export default group;
