/**
 * `mts lti platform` and `mts lti tool`: the LTI test bench, a platform simulator and a tool emulator on 127.0.0.1.
 * The servers are loaded inside the actions, so that `mts lti --help` stays fast.
 */
import { join } from 'node:path';
import { MtsError } from '../../core/errors.js';
import type { SimToolConfig } from '../../sandbox/lti/index.js';
import type { CliContext, CommandInput, CommandSpec } from '../framework.js';
import { UsageError } from '../framework.js';
import { keyValues, list, parseJsonInput, readInput, str, wholeNumber } from './lti-input.js';

/** Resolves when the command should stop: Ctrl+C, SIGTERM, or (MTS_SANDBOX_EXIT_ON_EOF) the end of stdin. */
function untilStopped(ctx: CliContext): Promise<void> {
  return new Promise<void>((resolve) => {
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
}

async function readToolConfigs(input: CommandInput): Promise<SimToolConfig[]> {
  const { checkToolConfig } = await import('../../sandbox/lti/tool-config.js');
  const out: SimToolConfig[] = [];
  for (const value of list(input, 'tool')) {
    const inline = /^\s*[[{]/.test(value);
    const path = value.replace(/^@/, '');
    const text = inline ? value : (await readInput(path, '--tool')).trim();
    const source = inline ? 'the inline tool configuration' : path;
    const parsed = parseJsonInput(text, source, '--tool');
    const configs = Array.isArray(parsed) ? parsed : [parsed];
    configs.forEach((config, index) => {
      const where = `--tool ${inline ? '(inline JSON)' : path}${Array.isArray(parsed) ? `[${index}]` : ''}`;
      out.push(checkToolConfig(config, where));
    });
  }
  return out;
}

const LAUNCH_AS: Record<string, { userId: string; roles: string[] }> = {
  learner: { userId: '3', roles: ['Learner'] },
  instructor: { userId: '4', roles: ['Instructor'] },
};

/** The outcome of one launch into a registered tool, for the report. */
interface LaunchReport {
  as: string;
  ok: boolean;
  steps: Array<{ name: string; method: string; status: number; url: string }>;
  status: number;
  /** Moodle as tool answers a launch with an "Open tool" link to the course. */
  openLink?: string | undefined;
  message?: string | undefined;
  hint?: string | undefined;
}

export const platformCommand: CommandSpec = {
  name: 'platform',
  summary: 'Run the LTI 1.3 platform simulator (Moodle-like), with pages, until interrupted.',
  description: [
    'Serves a Moodle-like platform on 127.0.0.1: its key set, auth and token endpoints, AGS, NRPS, deep linking,',
    'LTI Dynamic Registration ("Add LTI Advantage") and pages to configure tools, users and the course, launch, and',
    'see deep linking results and posted grades (printed as "Pages").',
    '',
    'Tools register with --tool (a JSON file or inline JSON: {"loginUrl","targetLinkUri","redirectUris","jwksUrl",',
    '"deepLinkingUrl"}), by Dynamic Registration from the pages, or later by POSTing that JSON to the tools URL.',
    '',
    '--register URL registers this platform INTO a tool that offers Dynamic Registration: Moodle\'s "Publish as LTI',
    'tool" registration URL (.../enrol/lti/register.php?token=...) or `mts lti tool`\'s /register. Moodle must be able',
    'to reach this platform: its default cURL security blocks 127.0.0.1 and ports other than 80/443. --launch then',
    "launches into the registered tool; Moodle as a tool needs --custom id=<the published resource's UUID>.",
  ].join('\n'),
  options: {
    port: { type: 'string', description: 'Port on 127.0.0.1 (default: a free one)', valueName: 'N' },
    tool: {
      type: 'string',
      multiple: true,
      description: 'Tool configuration JSON file (or inline JSON); repeatable',
      valueName: 'FILE',
    },
    'token-lifetime-ms': {
      type: 'string',
      description: 'id_token lifetime (default 60000, as Moodle)',
      valueName: 'MS',
    },
    register: {
      type: 'string',
      description: "Register INTO this tool's Dynamic Registration URL at start",
      valueName: 'URL',
    },
    launch: {
      type: 'string',
      multiple: true,
      description: 'After --register, launch as learner or instructor (repeatable)',
      valueName: 'ROLE',
    },
    custom: {
      type: 'string',
      multiple: true,
      description: 'Custom claim for those launches, e.g. id=<uuid> for Moodle (repeatable)',
      valueName: 'K=V',
    },
    once: { type: 'boolean', description: 'Exit after --register and --launch instead of serving' },
  },
  examples: [
    'mts lti platform --port 8080 --tool tool.json',
    'mts lti platform --register "https://moodle.example.org/enrol/lti/register.php?token=97bf78c0" --launch learner --custom id=1d40269a-dff0-4f3b-89d1-69c7fa7872d0',
    'mts lti platform --register http://127.0.0.1:8300/register --launch instructor --once --json',
  ],
  async run(ctx, input) {
    const port = wholeNumber(input, 'port', 65535) ?? 0;
    const lifetime = wholeNumber(input, 'token-lifetime-ms');
    const registerUrl = str(input, 'register');
    const launchAs = list(input, 'launch');
    for (const as of launchAs)
      if (!LAUNCH_AS[as]) throw new UsageError(`--launch takes learner or instructor, not "${as}".`);
    if (launchAs.length > 0 && !registerUrl)
      throw new UsageError(
        '--launch needs --register.',
        'Launch a tool registered otherwise with `mts lti launch`.',
      );
    const custom = keyValues(list(input, 'custom'), '--custom');
    const tools = await readToolConfigs(input);
    const [{ startSandbox }, { readText, Transport }, lti] = await Promise.all([
      import('../../sandbox/server.js'),
      import('../../core/transport.js'),
      import('../../sandbox/lti/index.js'),
    ]);
    const sandbox = await startSandbox({
      port,
      lti: { tools, tokenLifetimeMs: lifetime },
    });
    try {
      const transport = new Transport({ retry: false, timeoutMs: ctx.timeoutMs });
      let registered: Record<string, unknown> | undefined;
      const launches: LaunchReport[] = [];
      let failed = false;
      if (registerUrl) {
        const answer = await transport.request({
          method: 'POST',
          url: sandbox.lti.registerUrl,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ url: registerUrl, timeoutMs: ctx.timeoutMs }),
          timeoutMs: 0,
        });
        registered = JSON.parse(await readText(answer)) as Record<string, unknown>;
        failed = answer.status !== 200;
        const tool = registered.tool as { clientId: string; deploymentId: string } | undefined;
        if (tool && registered.moodleTool && launchAs.length > 0 && custom.id === undefined)
          ctx.warn(
            'Moodle as a tool needs the custom claim "id" (the published resource\'s UUID): add --custom id=<uuid>.',
          );
        for (const as of tool ? launchAs : []) {
          const who = LAUNCH_AS[as] as { userId: string; roles: string[] };
          let trace: Awaited<ReturnType<typeof lti.simulateLaunch>>;
          try {
            trace = await lti.simulateLaunch({
              platformUrl: sandbox.url,
              launch: { clientId: tool?.clientId, userId: who.userId, roles: who.roles, custom },
              transport,
            });
          } catch (error) {
            if (!(error instanceof MtsError)) throw error;
            launches.push({ as, ok: false, steps: [], status: 0, message: error.message, hint: error.hint });
            failed = true;
            continue;
          }
          const ok = trace.final.status >= 200 && trace.final.status < 400;
          const failure = ok ? {} : lti.describeLaunchFailure(trace.final);
          const openLink = /<a[^>]*href="([^"]*\/course\/view\.php[^"]*)"/.exec(trace.final.body)?.[1];
          launches.push({
            as,
            ok,
            steps: trace.steps.map((s) => ({
              name: s.name,
              method: s.method,
              status: s.status,
              url: s.url.split('?')[0] as string,
            })),
            status: trace.final.status,
            openLink: openLink?.replace(/&amp;/g, '&'),
            message: failure.message,
            hint: failure.hint,
          });
          failed ||= !ok;
        }
      }
      const listed = await transport.request({ url: sandbox.lti.toolsUrl });
      const registry = JSON.parse(await readText(listed)) as {
        tools: Array<{ name?: string; clientId: string; state?: string; details: Record<string, string> }>;
      };
      ctx.print(
        { url: sandbox.url, lti: sandbox.lti, tools: registry.tools, registered, launches },
        (_v, style) =>
          [
            style.bold(`LTI 1.3 platform on ${sandbox.url}`),
            `Pages                       ${sandbox.lti.pagesUrl}`,
            `Gradebook                   ${sandbox.lti.gradebookUrl}`,
            `Platform ID                 ${sandbox.lti.issuer}`,
            `Public keyset URL           ${sandbox.lti.jwksUrl}`,
            `Access token URL            ${sandbox.lti.tokenUrl}`,
            `Authentication request URL  ${sandbox.lti.authUrl}`,
            `OpenID configuration        ${sandbox.lti.openidConfigurationUrl}`,
            `Register tools              POST ${sandbox.lti.toolsUrl}, or "Add LTI Advantage" on the pages`,
            ...registry.tools.flatMap((tool) => [
              '',
              style.bold(
                `Tool ${tool.name ?? ''} Client ID ${tool.clientId}, Deployment ID ${tool.details.deploymentId}${tool.state === 'pending' ? ' (Pending)' : ''}`,
              ),
            ]),
            ...(registered
              ? [
                  '',
                  registered.tool
                    ? style.green(
                        `Registered into ${String(registered.openedUrl)}: client_id ${(registered.tool as { clientId: string }).clientId}, deployment ${(registered.tool as { deploymentId: string }).deploymentId}`,
                      )
                    : style.red(`Registration failed: ${String(registered.message)}`),
                  ...(registered.hint ? [`  fix:  ${String(registered.hint)}`] : []),
                ]
              : []),
            ...launches.flatMap((l) => [
              '',
              style.bold(`Launch as ${l.as}`),
              ...l.steps.map((s) => `${s.name.padEnd(7)} ${s.method.padEnd(4)} ${s.status} ${s.url}`),
              l.ok
                ? style.green(`tool answered ${l.status}${l.openLink ? `: Open tool ${l.openLink}` : ''}`)
                : style.red(`failed with ${l.status}${l.message ? `: ${l.message}` : ''}`),
              ...(l.hint ? [`  fix:  ${l.hint}`] : []),
            ]),
            '',
            `Launch: mts lti launch --platform ${sandbox.url}`,
            ...(input.options.once ? [] : [style.dim('Ctrl+C stops it.')]),
          ].join('\n'),
      );
      if (!input.options.once) await untilStopped(ctx);
      return failed ? 1 : 0;
    } finally {
      await sandbox.close();
    }
  },
};

export const toolCommand: CommandSpec = {
  name: 'tool',
  summary: 'Run an LTI 1.3 tool to launch into: Dynamic Registration, launch pages, deep linking, AGS, NRPS.',
  description: [
    'Serves a complete LTI 1.3 tool on 127.0.0.1 until interrupted. Paste its registration URL into Moodle',
    '(Site administration > Plugins > Activity modules > External tool > Manage tools: "Tool URL", then "Add LTI',
    'Advantage", then Activate) or configure it by hand with the printed values. Every launch is validated by the',
    "SDK's LaunchValidator; its page shows the message, the user and roles, the context, every claim, each Security",
    'Framework check, and for a failure the diagnosis and the Moodle setting to fix. Launch pages have deep linking',
    'and AGS / NRPS buttons; each service call is shown as request and response, secrets masked.',
    '',
    'The key (generated on first run) and the registrations are kept in --data-dir, files mode 0600, so a restart',
    'keeps working; the tool restarts on the port it was registered on.',
    '',
    'With --json, stdout is JSON lines: first {"url","registrationUrl","loginUrl","redirectUris","jwksUrl",...},',
    'then one line per event: {"event":"registration"|"launch"|"service"|"deep_linking","valid","code",...}.',
  ].join('\n'),
  options: {
    port: {
      type: 'string',
      description: 'Port on 127.0.0.1 (default: the one of the last run, else a free one)',
      valueName: 'N',
    },
    'data-dir': {
      type: 'string',
      description: 'Where the key and the registrations are kept (default: <config dir>/lti-tool)',
      valueName: 'DIR',
    },
    key: {
      type: 'string',
      description: 'Sign with this private key (PKCS#8 PEM or JWK file) instead of the generated one',
      valueName: 'FILE',
    },
    name: {
      type: 'string',
      description: 'The tool\'s name (client_name); default "mts LTI test tool"',
      valueName: 'NAME',
    },
    'public-url': {
      type: 'string',
      description: 'The URL platforms reach the tool at, when not http://127.0.0.1:PORT (a tunnel, a proxy)',
      valueName: 'URL',
    },
  },
  examples: [
    'mts lti tool',
    'mts lti tool --port 8300 --json',
    'mts lti tool --data-dir ./tool-state --key tool-key.pem --public-url https://tool.example.test',
  ],
  async run(ctx, input) {
    const port = wholeNumber(input, 'port', 65535);
    const publicUrl = str(input, 'public-url');
    if (publicUrl !== undefined && !/^https?:\/\/[^/]+/.test(publicUrl))
      throw new UsageError(`--public-url takes an http(s) URL, not "${publicUrl}".`);
    const [{ startToolEmulator }, { configDir }] = await Promise.all([
      import('../../sandbox/lti/tool/emulator.js'),
      import('../../core/config.js'),
    ]);
    const dataDir = str(input, 'data-dir') ?? join(configDir(ctx.env), 'lti-tool');
    const tool = await startToolEmulator({
      dataDir,
      port,
      keyFile: str(input, 'key'),
      name: str(input, 'name'),
      publicUrl,
      onWarning: (text) => ctx.warn(text),
    });
    const out = ctx.io.stdout;
    const line = (value: unknown) => out.write(`${JSON.stringify(value)}\n`);
    if (ctx.json) {
      line({
        url: tool.url,
        registrationUrl: tool.registrationUrl,
        loginUrl: tool.loginUrl,
        redirectUris: tool.redirectUris,
        jwksUrl: tool.jwksUrl,
        launchUrl: tool.launchUrl,
        deepLinkingUrl: tool.deepLinkingUrl,
        port: tool.port,
        dataDir,
        keyId: tool.home.keys.signingKey.kid,
        keyOrigin: tool.home.keyOrigin,
        registrations: tool.home.registrations.map((r) => ({
          issuer: r.registration.issuer,
          clientId: r.registration.clientId,
          deploymentIds: r.registration.deploymentIds,
        })),
      });
    } else {
      const s = ctx.style;
      out.write(
        [
          s.bold(`LTI 1.3 test tool on ${tool.url}`),
          'Register with Moodle: Site administration > Plugins > Activity modules > External tool > Manage tools,',
          'paste into "Tool URL", press "Add LTI Advantage", then Activate the tool:',
          `  ${tool.registrationUrl}`,
          'Or configure it by hand:',
          `  Tool URL            ${tool.launchUrl}`,
          `  Public keyset       ${tool.jwksUrl}`,
          `  Initiate login URL  ${tool.loginUrl}`,
          `  Redirection URI(s)  ${tool.redirectUris.join(' ')}`,
          `Pages                 ${tool.url}/`,
          `Key ${tool.home.keys.signingKey.kid} (${tool.home.keyOrigin}), data in ${dataDir}, ${tool.home.registrations.length} registration(s)`,
          s.dim('Ctrl+C stops it.'),
          '',
        ].join('\n'),
      );
    }
    tool.on((event) => {
      if (ctx.json) return void line(event);
      const s = ctx.style;
      const verdict = event.valid ? s.green('ok') : s.red('FAILED');
      const detail =
        event.event === 'registration'
          ? `${String(event.issuer ?? '')} client_id ${String(event.clientId ?? '')} deployment ${String(event.deploymentId ?? '')}`
          : event.event === 'launch'
            ? `${String(event.messageType ?? '')} user ${String(event.userId ?? '')} ${String(event.page ?? '')}`
            : String(event.action ?? '');
      out.write(
        `${event.event} ${verdict} ${detail}${event.code ? ` ${event.code}: ${String(event.message ?? '')}` : ''}\n`,
      );
    });
    await untilStopped(ctx);
    await tool.close();
    return 0;
  },
};
