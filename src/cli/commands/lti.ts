import { readFile } from 'node:fs/promises';
import type { JSONWebKeySet } from 'jose';
import { InputError } from '../../core/errors.js';
import { registerSecret } from '../../core/redact.js';
import type { DoctorCheck } from '../../lti/index.js';
import { FAULT_NAMES } from '../../sandbox/lti/faults.js';
import type { LaunchRequestSpec, SimToolConfig } from '../../sandbox/lti/index.js';
import type { CliContext, CommandGroup, CommandInput, CommandSpec } from '../framework.js';
import { UsageError } from '../framework.js';

// What the commands run (jose, undici, the sandbox) loads when they run, never for `--help`.
const lti = () => import('../../lti/index.js');
const simulator = () => import('../../sandbox/lti/index.js');
const transport = () => import('../../core/transport.js');

const str = (input: CommandInput, name: string) => input.options[name] as string | undefined;
const list = (input: CommandInput, name: string) => (input.options[name] as string[] | undefined) ?? [];

function need(input: CommandInput, name: string): string {
  const value = str(input, name);
  if (!value) throw new UsageError(`--${name} is required.`);
  return value;
}

/** A file's text; a missing or unreadable file is an InputError naming the path and the option. */
async function readInput(path: string, option: string): Promise<string> {
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
function parseJsonInput(text: string, source: string, option: string): unknown {
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
async function valueOrFile(ctx: CliContext, value: string, option: string): Promise<string> {
  if (value === '-') {
    let text = '';
    for await (const chunk of ctx.io.stdin) text += String(chunk);
    return text.trim();
  }
  if (value.startsWith('@')) return (await readInput(value.slice(1), option)).trim();
  return value.trim();
}

/** A whole number of milliseconds (or a port) given as an option, or undefined when absent. */
function wholeNumber(input: CommandInput, name: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
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
function parseNow(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`--now takes an ISO date or UNIX seconds, not "${value}".`);
  return ms;
}

function keyValues(pairs: string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`${what} takes key=value, not "${pair}".`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

const decode: CommandSpec = {
  name: 'decode',
  summary: 'Decode a JWT (no verification): header, claims, times.',
  usage: 'JWT|@FILE|-',
  positionals: { min: 1, max: 1 },
  examples: ['mts lti decode eyJhbGciOi...', 'mts lti decode @id_token.txt --json'],
  async run(ctx, input) {
    // decoding needs no key and no network: the decoder alone, not the whole LTI module
    const { decodeJwt } = await import('../../lti/launch/decode.js');
    const { header, payload } = decodeJwt(
      await valueOrFile(ctx, input.positionals[0] as string, 'JWT'),
      1024 * 1024,
    );
    const times: Record<string, string> = {};
    for (const name of ['iat', 'nbf', 'exp'])
      if (typeof payload[name] === 'number')
        times[name] = new Date((payload[name] as number) * 1000).toISOString();
    ctx.print({ header, payload, times }, (_v, style) =>
      [
        style.bold('header'),
        JSON.stringify(header, null, 2),
        style.bold('payload'),
        JSON.stringify(payload, null, 2),
        ...Object.entries(times).map(([k, v]) => `${k}: ${v}`),
        style.dim('Not verified: use `mts lti validate` to check signature and claims.'),
      ].join('\n'),
    );
    return 0;
  },
};

const validate: CommandSpec = {
  name: 'validate',
  summary: 'Validate an id_token like a tool would: signature, claims, deployment, nonce, times.',
  options: {
    token: { type: 'string', description: 'The id_token, @FILE or - for stdin', valueName: 'JWT' },
    jwks: {
      type: 'string',
      description: "The platform's key set: a URL or a JSON file",
      valueName: 'URL|FILE',
    },
    issuer: { type: 'string', description: 'Expected issuer (Moodle: Platform ID)', valueName: 'ISS' },
    'client-id': { type: 'string', description: "This tool's client_id", valueName: 'ID' },
    'deployment-id': {
      type: 'string',
      multiple: true,
      description: 'Registered deployment id (repeatable)',
      valueName: 'ID',
    },
    nonce: { type: 'string', description: 'Expected nonce', valueName: 'N' },
    now: {
      type: 'string',
      description: "Validate at this time (ISO or UNIX seconds), e.g. a capture's iat",
      valueName: 'TIME',
    },
    'clock-tolerance-ms': {
      type: 'string',
      description: 'Accepted clock difference (default 10000)',
      valueName: 'MS',
    },
  },
  examples: [
    'mts lti validate --token @id_token.txt --jwks https://lms.example.org/mod/lti/certs.php --issuer https://lms.example.org --client-id AbC --deployment-id 1',
    'mts lti validate --token @t.jwt --jwks jwks.json --issuer I --client-id C --deployment-id 1 --now 1795288017 --json',
  ],
  async run(ctx, input) {
    const { assertJwks, decodeJwt, LaunchValidator, LtiError, MemoryNonceStore } = await lti();
    const token = await valueOrFile(ctx, need(input, 'token'), '--token');
    registerSecret(token);
    const jwksArg = need(input, 'jwks');
    const deploymentIds = list(input, 'deployment-id');
    if (deploymentIds.length === 0) throw new UsageError('--deployment-id is required.');
    const now = parseNow(str(input, 'now'));
    const tolerance = wholeNumber(input, 'clock-tolerance-ms');
    let keys: JSONWebKeySet | undefined;
    let jwksUrl: string | undefined;
    if (/^https?:\/\//.test(jwksArg)) jwksUrl = jwksArg;
    else {
      const path = jwksArg.replace(/^@/, '');
      keys = assertJwks(parseJsonInput(await readInput(path, '--jwks'), path, '--jwks'), jwksArg);
    }
    const clock = now === undefined ? undefined : () => now;
    const validator = new LaunchValidator({
      registration: {
        issuer: need(input, 'issuer'),
        clientId: need(input, 'client-id'),
        deploymentIds,
        jwksUrl,
        keys,
      },
      now: clock,
      nonceStore: new MemoryNonceStore({ now: clock }),
      clockToleranceMs: tolerance,
    });
    try {
      const launch = await validator.validate(token, { expectedNonce: str(input, 'nonce') });
      ctx.print({ valid: true, claims: launch.payload }, (_v, style) =>
        [
          style.green(`valid ${launch.messageType}`),
          `issuer      ${launch.issuer}`,
          `deployment  ${launch.deploymentId}`,
          `user        ${launch.userId ?? '(anonymous)'} ${launch.user.name ?? ''}`.trimEnd(),
          `roles       ${launch.roles.join(', ') || '(none)'}`,
          `context     ${launch.context ? `${launch.context.id} ${launch.context.title ?? ''}` : '(none)'}`,
          `key         ${launch.kid ?? '(no kid)'}`,
        ].join('\n'),
      );
      return 0;
    } catch (error) {
      if (!(error instanceof LtiError)) throw error;
      let hint = error.hint;
      if (error.code === 'lti.token_expired' && now === undefined) {
        const iat = decodeJwt(token, 1024 * 1024).payload.iat;
        if (typeof iat === 'number')
          hint =
            `${hint ?? ''} Checking a captured launch? Validate it at its own time: --now ${iat}.`.trim();
      }
      ctx.print({ valid: false, error: { code: error.code, message: error.message, hint } }, (_v, style) =>
        [
          `${style.red('invalid:')} ${error.message}`,
          `  code: ${error.code}`,
          ...(hint ? [`  fix:  ${hint}`] : []),
        ].join('\n'),
      );
      return 1;
    }
  },
};

const launch: CommandSpec = {
  name: 'launch',
  summary: 'Simulate a launch from the sandbox platform into a tool, as a browser would.',
  description:
    'Runs login initiation → auth → form_post against a running `mts lti platform` (or `mts sandbox`) and prints each step.\n' +
    `Faults: ${FAULT_NAMES.join(', ')} (missing-claim=NAME, clock-skew=MS, deployment-id=ID).`,
  options: {
    platform: {
      type: 'string',
      description: 'The platform URL (default $MTS_SANDBOX_URL)',
      valueName: 'URL',
    },
    'client-id': {
      type: 'string',
      description: 'The tool to launch (default: the only one)',
      valueName: 'ID',
    },
    'deep-linking': { type: 'boolean', description: 'Send an LtiDeepLinkingRequest' },
    user: { type: 'string', description: 'User id (login_hint)', valueName: 'ID' },
    role: {
      type: 'string',
      multiple: true,
      description: 'Role (Instructor, Learner, ... or a full URI)',
      valueName: 'ROLE',
    },
    custom: { type: 'string', multiple: true, description: 'Custom claim key=value', valueName: 'K=V' },
    fault: {
      type: 'string',
      multiple: true,
      description: 'Inject a fault (see above)',
      valueName: 'NAME[=V]',
    },
    'block-cookies': { type: 'boolean', description: 'Behave like a browser blocking third-party cookies' },
  },
  examples: [
    'mts lti launch --platform http://127.0.0.1:8080',
    'mts lti launch --fault expired --fault missing-claim=roles --json',
  ],
  async run(ctx, input) {
    const platformUrl = str(input, 'platform') ?? ctx.env.MTS_SANDBOX_URL;
    if (!platformUrl)
      throw new UsageError(
        '--platform is required (or set MTS_SANDBOX_URL).',
        'Start one with `mts lti platform --tool tool.json`.',
      );
    const [{ describeLaunchFailure, parseFaults, simulateLaunch }, { Transport }] = await Promise.all([
      simulator(),
      transport(),
    ]);
    const { faults, unknown } = parseFaults(list(input, 'fault'));
    if (unknown) throw new UsageError(`Unknown fault "${unknown}".`, `Faults: ${FAULT_NAMES.join(', ')}.`);
    const spec: LaunchRequestSpec = {
      clientId: str(input, 'client-id'),
      messageType: input.options['deep-linking'] ? 'LtiDeepLinkingRequest' : 'LtiResourceLinkRequest',
      userId: str(input, 'user'),
      roles: list(input, 'role').length ? list(input, 'role') : undefined,
      custom: keyValues(list(input, 'custom'), '--custom'),
      faults,
    };
    const trace = await simulateLaunch({
      platformUrl,
      launch: spec,
      blockCookies: input.options['block-cookies'] === true,
      transport: new Transport({ retry: false, timeoutMs: ctx.timeoutMs }),
    });
    const ok = trace.final.status >= 200 && trace.final.status < 400;
    const failure = ok ? {} : describeLaunchFailure(trace.final);
    const { code, message, hint } = failure;
    ctx.print(
      {
        ok,
        steps: trace.steps,
        status: trace.final.status,
        code,
        ...(ok ? {} : { message, hint }),
        body: trace.final.body.slice(0, 2000),
      },
      (_v, style) =>
        [
          ...trace.steps.map(
            (s) => `${s.name.padEnd(7)} ${s.method.padEnd(4)} ${s.status} ${s.url.split('?')[0]}`,
          ),
          ok
            ? style.green(`tool answered ${trace.final.status}`)
            : style.red(`failed with ${trace.final.status}${code ? ` (${code})` : ''}`),
          ...(message ? [`  ${message}`] : []),
          ...(hint ? [`  fix:  ${hint}`] : []),
        ].join('\n'),
    );
    return ok ? 0 : 1;
  },
};

async function readToolConfigs(input: CommandInput): Promise<SimToolConfig[]> {
  const out: SimToolConfig[] = [];
  for (const value of list(input, 'tool')) {
    const inline = value.trim().startsWith('{');
    const path = value.replace(/^@/, '');
    const text = inline ? value : (await readInput(path, '--tool')).trim();
    const source = inline ? 'the inline tool configuration' : path;
    const parsed = parseJsonInput(text, source, '--tool') as SimToolConfig | SimToolConfig[];
    out.push(...(Array.isArray(parsed) ? parsed : [parsed]));
  }
  return out;
}

const platform: CommandSpec = {
  name: 'platform',
  summary: 'Run the LTI 1.3 platform simulator (Moodle-like) until interrupted.',
  description:
    'Tools register with --tool (a JSON file or inline JSON: {"loginUrl","targetLinkUri","redirectUris","jwksUrl","deepLinkingUrl"}),\n' +
    'or later by POSTing that JSON to the printed tools URL. Each tool gets Moodle\'s "Tool configuration details".',
  options: {
    port: { type: 'string', description: 'Port on 127.0.0.1 (default: a free one)', valueName: 'N' },
    tool: {
      type: 'string',
      multiple: true,
      description: 'Tool configuration JSON file (or inline JSON)',
      valueName: 'FILE',
    },
    'token-lifetime-ms': {
      type: 'string',
      description: 'id_token lifetime (default 60000, as Moodle)',
      valueName: 'MS',
    },
  },
  examples: ['mts lti platform --port 8080 --tool tool.json'],
  async run(ctx, input) {
    const port = wholeNumber(input, 'port', 65535) ?? 0;
    const lifetime = wholeNumber(input, 'token-lifetime-ms');
    const tools = await readToolConfigs(input);
    const [{ startSandbox }, { readText, Transport }] = await Promise.all([
      import('../../sandbox/server.js'),
      transport(),
    ]);
    const sandbox = await startSandbox({
      port,
      lti: { tools, tokenLifetimeMs: lifetime },
    });
    const listed = await new Transport().request({ url: sandbox.lti.toolsUrl });
    const registered = JSON.parse(await readText(listed)) as {
      tools: Array<{ name?: string; clientId: string; details: Record<string, string> }>;
    };
    ctx.print({ url: sandbox.url, lti: sandbox.lti, tools: registered.tools }, (_v, style) =>
      [
        style.bold(`LTI 1.3 platform on ${sandbox.url}`),
        `Platform ID                 ${sandbox.lti.issuer}`,
        `Public keyset URL           ${sandbox.lti.jwksUrl}`,
        `Access token URL            ${sandbox.lti.tokenUrl}`,
        `Authentication request URL  ${sandbox.lti.authUrl}`,
        `Register tools              POST ${sandbox.lti.toolsUrl}`,
        ...registered.tools.flatMap((tool) => [
          '',
          style.bold(
            `Tool ${tool.name ?? ''} Client ID ${tool.clientId}, Deployment ID ${tool.details.deploymentId}`,
          ),
        ]),
        '',
        `Launch: mts lti launch --platform ${sandbox.url}`,
        style.dim('Ctrl+C stops it.'),
      ].join('\n'),
    );
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      if (ctx.env.MTS_SANDBOX_EXIT_ON_EOF) {
        if (ctx.io.stdin.readableEnded) stop();
        ctx.io.stdin.once('end', stop);
        ctx.io.stdin.resume();
      }
    });
    await sandbox.close();
    return 0;
  },
};

const doctor: CommandSpec = {
  name: 'doctor',
  summary: "Check a tool's and a platform's endpoints: reachable, JWKS parses, clock offset, redirect URIs.",
  options: {
    'tool-login': { type: 'string', description: "The tool's Initiate login URL", valueName: 'URL' },
    'tool-jwks': { type: 'string', description: "The tool's Public keyset URL", valueName: 'URL' },
    'redirect-uri': {
      type: 'string',
      multiple: true,
      description: "A tool's redirect URI (repeatable)",
      valueName: 'URL',
    },
    issuer: { type: 'string', description: "The platform's issuer", valueName: 'URL' },
    'openid-configuration': {
      type: 'string',
      description: "The platform's OpenID configuration URL",
      valueName: 'URL',
    },
    'platform-jwks': { type: 'string', description: "The platform's Public keyset URL", valueName: 'URL' },
  },
  examples: [
    'mts lti doctor --tool-jwks https://tool.example.org/jwks --openid-configuration https://lms.example.org/mod/lti/openid-configuration.php',
  ],
  async run(ctx, input) {
    const { runDoctor } = await lti();
    const checks: DoctorCheck[] = await runDoctor(
      {
        toolLoginUrl: str(input, 'tool-login'),
        toolJwksUrl: str(input, 'tool-jwks'),
        redirectUris: list(input, 'redirect-uri'),
        platformIssuer: str(input, 'issuer'),
        openidConfigurationUrl: str(input, 'openid-configuration'),
        platformJwksUrl: str(input, 'platform-jwks'),
      },
      { timeoutMs: ctx.timeoutMs },
    );
    if (checks.length === 0)
      throw new UsageError('Nothing to check.', 'Give at least one of the URL options.');
    const ok = checks.every((c) => c.ok);
    ctx.print({ ok, checks }, (_v, style) =>
      checks
        .map(
          (c) =>
            `${c.level === 'ok' ? style.green('ok  ') : c.level === 'warn' ? style.yellow('warn') : style.red('FAIL')} ${c.name}: ${c.detail}`,
        )
        .join('\n'),
    );
    return ok ? 0 : 1;
  },
};

const group: CommandGroup = {
  name: 'lti',
  summary: 'LTI 1.3: decode, validate, launch, platform, doctor',
  commands: [decode, validate, launch, platform, doctor],
};

export default group;
