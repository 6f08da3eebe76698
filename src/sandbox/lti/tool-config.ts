/** The check of a tool configuration given to the simulated platform (`--tool`, `POST /mod/lti/sandbox/tools`). */
import { assertKnownOptions, InputError } from '../../core/errors.js';
import type { SimToolConfig } from './types.js';

const KEYS = [
  'name',
  'targetLinkUri',
  'loginUrl',
  'redirectUris',
  'jwksUrl',
  'publicJwks',
  'deepLinkingUrl',
  'clientId',
  'deploymentId',
  'custom',
] as const;

const EXAMPLE =
  '{"loginUrl":"http://127.0.0.1:8090/login","targetLinkUri":"http://127.0.0.1:8090/launch","jwksUrl":"http://127.0.0.1:8090/jwks"}';

function refuse(source: string, path: string, value: unknown, problem: string): never {
  const shown =
    typeof value === 'string' ? JSON.stringify(value) : value === undefined ? 'nothing' : typeof value;
  throw new InputError('sandbox.lti_tool_invalid', `${source}: "${path}" ${problem}, got ${shown}.`, {
    hint: `A tool needs loginUrl and targetLinkUri (http or https URLs) and jwksUrl or publicJwks, e.g. ${EXAMPLE}.`,
    details: { path, value: typeof value === 'string' ? value : undefined },
  });
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Checks a tool configuration and returns it typed; anything the platform could not launch into is an
 * {@link InputError} (`sandbox.lti_tool_invalid`) naming the field and the value.
 *
 * @example
 * ```ts
 * platform.registerTool(checkToolConfig(JSON.parse(text), 'tool.json'));
 * ```
 */
export function checkToolConfig(config: unknown, source = 'the tool configuration'): SimToolConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    refuse(source, '(root)', config, 'must be a JSON object');
  assertKnownOptions(source, config, KEYS);
  const c = config as Record<string, unknown>;
  for (const field of ['loginUrl', 'targetLinkUri'] as const)
    if (!isHttpUrl(c[field])) refuse(source, field, c[field], 'must be an http(s) URL');
  for (const field of ['jwksUrl', 'deepLinkingUrl'] as const)
    if (c[field] !== undefined && !isHttpUrl(c[field]))
      refuse(source, field, c[field], 'must be an http(s) URL');
  if (c.redirectUris !== undefined) {
    if (!Array.isArray(c.redirectUris) || c.redirectUris.length === 0)
      refuse(source, 'redirectUris', c.redirectUris, 'must be a non-empty array of URLs');
    c.redirectUris.forEach((uri, index) => {
      if (!isHttpUrl(uri)) refuse(source, `redirectUris[${index}]`, uri, 'must be an http(s) URL');
    });
  }
  const keys = (c.publicJwks as { keys?: unknown } | undefined)?.keys;
  if (c.publicJwks !== undefined && !Array.isArray(keys))
    refuse(source, 'publicJwks', c.publicJwks, 'must be a JSON Web Key Set ({"keys": [...]})');
  if (c.jwksUrl === undefined && c.publicJwks === undefined)
    refuse(
      source,
      'jwksUrl',
      undefined,
      'or "publicJwks" is required (how else would the platform check the tool?)',
    );
  for (const field of ['name', 'clientId', 'deploymentId'] as const)
    if (c[field] !== undefined && (typeof c[field] !== 'string' || c[field] === ''))
      refuse(source, field, c[field], 'must be a non-empty string');
  if (
    c.custom !== undefined &&
    (typeof c.custom !== 'object' ||
      c.custom === null ||
      Object.values(c.custom).some((value) => typeof value !== 'string'))
  )
    refuse(source, 'custom', c.custom, 'must be an object of strings');
  return config as SimToolConfig;
}
