import { type CommandGroup, command } from '../framework.js';

const run = command({
  name: 'sandbox',
  summary: 'Start the sandbox and print its URLs and credentials.',
  description:
    'Serves a Moodle REST site, a Totara GraphQL API and an LTI 1.3 platform on 127.0.0.1 until interrupted (Ctrl+C).\n' +
    "The credentials printed are the sandbox's own, not a real site's. Totara refuses introspection by default, as\n" +
    'real Totara sites do; --totara-introspection allows it, so that `mts totara schema pull`, `mts totara schema\n' +
    'show` and `mts codegen totara --url` can be tried against the sandbox.',
  options: {
    port: { type: 'string', description: 'Port to listen on (default: a free one)', valueName: 'N' },
    'totara-introspection': {
      type: 'boolean',
      description: 'Let the Totara API answer introspection queries (off on real sites by default)',
    },
  },
  examples: [
    'mts sandbox --port 8080',
    'mts sandbox --totara-introspection --json',
    'mts sandbox --totara-introspection   # then, in another shell: mts totara schema pull --out site.graphql',
  ],
  async run(ctx, input) {
    const port = input.integer('port', { min: 0, max: 65535 }) ?? 0;
    const { startSandbox } = await import('../../sandbox/server.js');
    const sandbox = await startSandbox({
      port,
      ...(input.flag('totara-introspection') ? { totara: { introspection: true } } : {}),
    });
    const info = { url: sandbox.url, moodle: sandbox.moodle, totara: sandbox.totara, lti: sandbox.lti };
    ctx.print(info, (_value, style) =>
      [
        style.bold(`Sandbox listening on ${sandbox.url}`),
        '',
        `Moodle  ${sandbox.moodle.url}   token ${sandbox.moodle.token}   user ${sandbox.moodle.username} / ${sandbox.moodle.password}`,
        `Totara  ${sandbox.totara.url}/api/graphql.php   client ${sandbox.totara.clientId} / ${sandbox.totara.clientSecret}` +
          (input.flag('totara-introspection') ? '   (introspection on)' : ''),
        `LTI     issuer ${sandbox.lti.issuer}   JWKS ${sandbox.lti.jwksUrl}`,
        '',
        'Use it from another shell:',
        `  export MTS_MOODLE_URL=${sandbox.moodle.url} MTS_MOODLE_TOKEN=${sandbox.moodle.token}`,
        `  export MTS_TOTARA_URL=${sandbox.totara.url} MTS_TOTARA_CLIENT_ID=${sandbox.totara.clientId} MTS_TOTARA_CLIENT_SECRET=${sandbox.totara.clientSecret}`,
        '',
        style.dim('Ctrl+C stops it.'),
      ].join('\n'),
    );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // for scripts and tests: stop when the input ends (the stream must flow for its end to be seen)
      if (!ctx.io.stdin.isTTY && ctx.env.MTS_SANDBOX_EXIT_ON_EOF) {
        ctx.io.stdin.once('end', stop);
        ctx.io.stdin.resume();
      }
    });
    await sandbox.close();
    return 0;
  },
});

const group: CommandGroup = {
  name: 'sandbox',
  summary: 'Run the local Moodle + Totara + LTI sandbox on 127.0.0.1',
  commands: [],
  default: run,
};

export default group;
