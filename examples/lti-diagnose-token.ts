/**
 * Validate an id_token offline and read the diagnosis when it fails: a captured Moodle launch at its own time
 * (when the fixtures are present), or a token signed here. Run: npx tsx examples/lti-diagnose-token.ts
 */
import { readFile } from 'node:fs/promises';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { CLAIM, explain, LtiError, parseMoodleToolDetails, validateLaunch } from 'moodle-totara-sdk/lti';

// The six values of Moodle's "Tool configuration details", pasted as text.
const registration = parseMoodleToolDetails(`Platform ID
http://127.0.0.1:8080
Client ID
1NzzN2GiaD2ZrP6
Deployment ID
1
Public keyset URL
http://127.0.0.1:8080/mod/lti/certs.php
Access token URL
http://127.0.0.1:8080/mod/lti/token.php
Authentication request URL
http://127.0.0.1:8080/mod/lti/auth.php`);

let idToken: string;
let keys: { keys: object[] };
const fixtures = process.env.MTS_FIXTURES_DIR;
if (fixtures) {
  const dir = `${fixtures}/moodle-4.5/lti`;
  const capture = JSON.parse(
    await readFile(
      `${dir}/launches/2026-11-21T19-06-57-213Z-LtiResourceLinkRequest-learner-sub3.json`,
      'utf8',
    ),
  );
  idToken = capture.id_token;
  keys = JSON.parse(await readFile(`${dir}/platform-jwks.json`, 'utf8'));
} else {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  keys = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] };
  idToken = await new SignJWT({
    nonce: 'n-1',
    sub: '3',
    [CLAIM.version]: '1.3.0',
    [CLAIM.messageType]: 'LtiResourceLinkRequest',
    [CLAIM.deploymentId]: '1',
    [CLAIM.targetLinkUri]: 'http://127.0.0.1:8090/launch',
    [CLAIM.resourceLink]: { id: '1' },
    [CLAIM.roles]: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'],
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(registration.issuer)
    .setAudience(registration.clientId)
    .setIssuedAt(Math.floor(Date.parse('2026-11-21T19:06:57Z') / 1000))
    .setExpirationTime(Math.floor(Date.parse('2026-11-21T19:07:57Z') / 1000))
    .sign(privateKey);
}
const iat = JSON.parse(Buffer.from(idToken.split('.')[1] as string, 'base64url').toString()).iat as number;

// At its own time, with the registration imported above (keys given directly instead of the keyset URL).
const launch = await validateLaunch(idToken, {
  registration: { ...registration, jwksUrl: undefined, keys: keys as never },
  now: () => iat * 1000,
});
console.log(`valid: ${launch.messageType} for user ${launch.userId} in deployment ${launch.deploymentId}`);

// The same token an hour later, and against a tool registered with another Deployment ID.
for (const [label, options] of [
  ['an hour later', { now: () => (iat + 3600) * 1000, deploymentIds: ['1'] }],
  ['another deployment', { now: () => iat * 1000, deploymentIds: ['4'] }],
] as const) {
  try {
    await validateLaunch(idToken, {
      registration: {
        ...registration,
        deploymentIds: [...options.deploymentIds],
        jwksUrl: undefined,
        keys: keys as never,
      },
      now: options.now,
    });
    throw new Error(`${label}: the launch should have been refused`);
  } catch (error) {
    if (!(error instanceof LtiError)) throw error;
    console.log(`\n${label}:\n${explain(error)}`);
  }
}
