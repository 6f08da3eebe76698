/** The tool emulator's registrations: LTI Dynamic Registration with a platform, or Moodle's details pasted by hand. */
import type { IncomingMessage } from 'node:http';
import { LtiError, parseMoodleToolDetails } from '../../../lti/index.js';
import { readForm } from '../../http.js';
import { registerWithPlatform } from '../dynreg/client.js';
import { DynamicRegistrationError } from '../dynreg/errors.js';
import { PLATFORM_CONFIGURATION } from '../dynreg/messages.js';
import { homePage, problemPage, registrationPage } from './pages.js';
import type { EmulatorState } from './state.js';

export async function register(s: EmulatorState, url: URL): Promise<[number, string]> {
  const { result, error, exchanges } = await s.transport.capture(() =>
    registerWithPlatform({
      openidConfigurationUrl: url.searchParams.get('openid_configuration') ?? '',
      registrationToken: url.searchParams.get('registration_token') ?? undefined,
      tool: {
        name: s.name,
        loginUrl: s.urls.loginUrl,
        launchUrl: s.urls.launchUrl,
        deepLinkingUrl: s.urls.deepLinkingUrl,
        jwksUrl: s.urls.jwksUrl,
        logoUrl: `${s.urls.url}/assets/logo.svg`,
        description: 'moodle-totara-sdk LTI 1.3 test tool: shows every claim and check of each launch.',
        custom: { mts_user_id: '$User.id' },
      },
      transport: s.transport,
    }),
  );
  if (error && !(error instanceof DynamicRegistrationError)) throw error;
  if (result) {
    await s.home.addRegistration({
      registeredAt: new Date(s.now()).toISOString(),
      registration: result.registration,
      status: result.status,
      granted: result.granted,
      platformProduct: [
        result.platform[PLATFORM_CONFIGURATION]?.product_family_code,
        result.platform[PLATFORM_CONFIGURATION]?.version,
      ]
        .filter(Boolean)
        .join(' '),
    });
  }
  s.emit({
    event: 'registration',
    valid: result !== undefined,
    code: error ? (error as DynamicRegistrationError).code : null,
    ...(result
      ? {
          issuer: result.registration.issuer,
          clientId: result.granted.clientId,
          deploymentId: result.granted.deploymentId ?? null,
          status: result.status,
          scopes: result.granted.scopes,
        }
      : {
          message: (error as Error).message,
          status: (error as DynamicRegistrationError).status ?? null,
        }),
  });
  return [
    result ? 200 : 400,
    registrationPage(s.urls, result, error as DynamicRegistrationError | undefined, exchanges),
  ];
}

export async function addPlatform(
  s: EmulatorState,
  req: IncomingMessage,
  url: URL,
): Promise<[number, string]> {
  const details = (await readForm(req, url)).get('details') ?? '';
  try {
    const registration = parseMoodleToolDetails(details);
    await s.home.addRegistration({
      registeredAt: new Date(s.now()).toISOString(),
      registration,
      status: 0,
      granted: {
        clientId: registration.clientId,
        deploymentId: registration.deploymentIds[0],
        scopes: [],
        scopesRefused: [],
        claims: [],
        messages: [],
        notes: ['Added by hand from Moodle\'s "Tool configuration details".'],
      },
      platformProduct: 'moodle',
    });
    s.emit({
      event: 'registration',
      valid: true,
      code: null,
      issuer: registration.issuer,
      clientId: registration.clientId,
      manual: true,
    });
    return [200, homePage(s.urls, s.name, s.home.keys.signingKey.kid, s.home.registrations, s.launches)];
  } catch (error) {
    if (!(error instanceof LtiError)) throw error;
    return [400, problemPage(s.urls, 'Platform not added', error.message, error.hint)];
  }
}
