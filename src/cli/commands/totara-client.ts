import { readFile } from 'node:fs/promises';
import { InputError } from '../../core/errors.js';
import type { TotaraClient } from '../../totara/client.js';
import type { CliContext, CommandSpec } from '../framework.js';

/**
 * A client from flags > MTS_TOTARA_* > profile, loaded when a command runs (never for `--help`); it says on stderr
 * when it waits for Totara's rate window.
 */
async function clientFrom(ctx: CliContext, schemaFile?: string): Promise<TotaraClient> {
  const { totaraClientFromSettings } = await import('../../connect/totara.js');
  return totaraClientFromSettings(ctx.config().settings, `mts totara`, undefined, {
    ...(schemaFile ? { schema: { file: schemaFile } } : {}),
    onWait: ({ reason, waitMs }) =>
      ctx.warn(
        reason === 'rate_limited'
          ? `Totara answered 429 (too many requests): waiting ${Math.round(waitMs / 1000)} s for its rate window, then trying once more.`
          : `Waiting ${Math.ceil(waitMs / 1000)} s for room in Totara's rate window.`,
      ),
  });
}

async function documentFrom(arg: string): Promise<string> {
  if (!arg.startsWith('@')) return arg;
  const path = arg.slice(1);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError('cli.unreadable_file', `Cannot read ${path}.`, {
      hint: 'Give @FILE with a path to a .graphql document, or the document text itself.',
      cause: error,
      details: { path },
    });
  }
}

const token: CommandSpec = {
  name: 'token',
  summary:
    'Fetch an OAuth2 access token and print when it expires (the token itself only with --show-token).',
  options: {
    'show-token': { type: 'boolean', description: 'Print the access token too (it is a secret)' },
  },
  examples: ['mts totara token', 'mts totara token --show-token --json'],
  async run(ctx, input) {
    const client = await clientFrom(ctx);
    const result = await client.token();
    const show = input.options['show-token'] === true;
    const value: Record<string, unknown> = {
      url: client.url,
      clientId: client.clientId,
      tokenType: result.tokenType,
      expiresAt: result.expiresAt.toISOString(),
      expiresInSeconds: Math.max(0, Math.round((result.expiresAt.getTime() - Date.now()) / 1000)),
    };
    if (show) value.accessToken = result.accessToken;
    // Printed on purpose: ctx.print does not mask, ctx.info would.
    ctx.print(value, () =>
      [
        `Token for ${client.clientId} at ${client.url}: ${result.tokenType}, expires ${value.expiresAt as string} (in ${value.expiresInSeconds as number} s).`,
        ...(show ? [result.accessToken] : []),
      ].join('\n'),
    );
    return 0;
  },
};

const query: CommandSpec = {
  name: 'query',
  summary: 'Run a GraphQL query or mutation against the external API and print its data.',
  usage: 'DOC|@FILE',
  description:
    "The operation must be named in lower snake_case, and it is checked against the schema (Totara 17.3's, or the site's own with --schema) before anything is sent: Totara itself drops unknown fields without an error.",
  positionals: { min: 1, max: 1 },
  options: {
    variables: {
      type: 'string',
      description: 'Variables as a JSON object (inline, @FILE or - for stdin)',
      valueName: 'JSON',
    },
    'operation-name': {
      type: 'string',
      description: 'Operation to run when the document has several',
      valueName: 'NAME',
    },
    schema: {
      type: 'string',
      description:
        "Check against this schema (SDL or introspection JSON, e.g. from `mts totara schema pull`) instead of 17.3's",
      valueName: 'FILE',
    },
    unchecked: {
      type: 'boolean',
      description: 'Send without checking against the schema (Totara will not check it either)',
    },
  },
  examples: [
    "mts totara query 'query status_check { totara_webapi_status { status } }'",
    `mts totara query @users.graphql --variables '{"query":{"pagination":{"limit":5}}}' --json`,
    'mts totara query @users.graphql --schema site.graphql',
  ],
  async run(ctx, input) {
    const document = await documentFrom(input.positionals[0] as string);
    const variables = ((await input.json('variables', {
      object: true,
      example: '{"query":{"pagination":{"limit":5}}}',
    })) ?? {}) as Record<string, unknown>;
    const client = await clientFrom(ctx, input.options.schema as string | undefined);
    const data = await client.request(document, variables, {
      operationName: input.options['operation-name'] as string | undefined,
      validate: input.options.unchecked !== true,
    });
    ctx.print(data, () => JSON.stringify(data, null, 2));
    return 0;
  },
};

/** `mts totara token|query`: owned by the Totara client. */
export const totaraClientCommands: CommandSpec[] = [token, query];
