import type { JSONWebKeySet } from 'jose';
import type { DoctorCheck } from '../../lti/index.js';
import { FAULT_NAMES } from '../../sandbox/lti/faults.js';
import type { LaunchRequestSpec } from '../../sandbox/lti/index.js';
import type { CliContext, CommandGroup, CommandSpec } from '../framework.js';
import { UsageError } from '../framework.js';
import { platformCommand, toolCommand } from './lti-bench.js';
import {
  keyValues,
  list,
  need,
  parseJsonInput,
  parseNow,
  readInput,
  str,
  valueOrFile,
  wholeNumber,
} from './lti-input.js';

// What the commands run (jose, undici, the sandbox) loads when they run, never for `--help`.
const lti = () => import('../../lti/index.js');
const simulator = () => import('../../sandbox/lti/index.js');

const decode: CommandSpec = {
  name: 'decode',
  summary: 'Decode a JWT (no verification): header, claims, times.',
  usage: 'JWT|@FILE|-',
  positionals: { min: 1, max: 1 },
  examples: ['mts lti decode eyJhbGciOi...', 'mts lti decode @id_token.txt --json'],
  async run(ctx, input) {
    const { decodeJwt } = await lti();
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
    'message-type': {
      type: 'string',
      multiple: true,
      description:
        'Also accept this message type (repeatable), e.g. LtiSubmissionReviewRequest, DataPrivacyLaunchRequest',
      valueName: 'TYPE',
    },
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
    'mts lti validate --token @privacy.jwt --jwks jwks.json --issuer I --client-id C --deployment-id 1 --message-type DataPrivacyLaunchRequest',
  ],
  async run(ctx, input) {
    const [
      { assertJwks, decodeJwt, LaunchValidator, LtiError, MESSAGE_TYPES, MemoryNonceStore },
      { registerSecret },
    ] = await Promise.all([lti(), import('../../core/redact.js')]);
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
      messageTypes: [...MESSAGE_TYPES, ...list(input, 'message-type')],
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
    const [{ describeLaunchFailure, parseFaults, simulateLaunch }, { Transport }] = await Promise.all([
      simulator(),
      import('../../core/transport.js'),
    ]);
    const platformUrl = str(input, 'platform') ?? ctx.env.MTS_SANDBOX_URL;
    if (!platformUrl)
      throw new UsageError(
        '--platform is required (or set MTS_SANDBOX_URL).',
        'Start one with `mts lti platform --tool tool.json`.',
      );
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

/** Asks a yes/no question on the terminal (stderr); anything but y/yes is no. */
async function askYesNo(ctx: CliContext, question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: ctx.io.stdin, output: ctx.io.stderr, terminal: true });
  try {
    return /^\s*y(es)?\s*$/i.test(await rl.question(`${question} [y/N] `));
  } finally {
    rl.close();
  }
}

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
    'allow-foreign-jwks': {
      type: 'boolean',
      description:
        "Fetch the configuration's jwks_uri even on another host than the issuer's (else asked on a terminal, refused otherwise)",
    },
  },
  examples: [
    'mts lti doctor --tool-jwks https://tool.example.org/jwks --openid-configuration https://lms.example.org/mod/lti/openid-configuration.php',
  ],
  async run(ctx, input) {
    const { runDoctor } = await lti();
    const interactive = ctx.io.stdin.isTTY === true && ctx.io.stderr.isTTY === true && !ctx.json;
    const followForeignJwks =
      input.options['allow-foreign-jwks'] === true
        ? true
        : interactive
          ? (jwksUri: string, issuerOrigin: string) =>
              askYesNo(
                ctx,
                `The platform's configuration names the key set ${jwksUri}, which is not on the issuer's host (${issuerOrigin}). Fetch it?`,
              )
          : false;
    const checks: DoctorCheck[] = await runDoctor(
      {
        toolLoginUrl: str(input, 'tool-login'),
        toolJwksUrl: str(input, 'tool-jwks'),
        redirectUris: list(input, 'redirect-uri'),
        platformIssuer: str(input, 'issuer'),
        openidConfigurationUrl: str(input, 'openid-configuration'),
        platformJwksUrl: str(input, 'platform-jwks'),
      },
      { timeoutMs: ctx.timeoutMs, followForeignJwks },
    );
    if (checks.length === 0)
      throw new UsageError('Nothing to check.', 'Give at least one of the URL options.');
    const ok = checks.every((c) => c.ok);
    const refused = checks.some((c) => c.name === 'platform JWKS' && / not fetched\./.test(c.detail));
    ctx.print({ ok, checks }, (_v, style) =>
      [
        ...checks.map(
          (c) =>
            `${c.level === 'ok' ? style.green('ok  ') : c.level === 'warn' ? style.yellow('warn') : style.red('FAIL')} ${c.name}: ${c.detail}`,
        ),
        ...(refused ? [style.dim('To check it: --allow-foreign-jwks, or --platform-jwks URL.')] : []),
      ].join('\n'),
    );
    return ok ? 0 : 1;
  },
};

const group: CommandGroup = {
  name: 'lti',
  summary: 'LTI 1.3: decode, validate, launch, platform, tool, doctor',
  commands: [decode, validate, launch, platformCommand, toolCommand, doctor],
};

export default group;
