/**
 * The service clients against Moodle's real answers: a loopback server replays the bodies captured from Moodle
 * 4.5 (token, line items, results, score post, memberships) and the clients must read them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Transport } from '../../src/core/transport.js';
import {
  AgsClient,
  type LtiError,
  LtiServiceError,
  NrpsClient,
  parseMembershipContainer,
  SCOPE,
  ServiceTokenProvider,
  ToolKeySet,
} from '../../src/lti/index.js';
import { FIXTURES_SKIP_REASON, hasFixtures, readFixtureJson } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/http.js';

interface Captured {
  url: string;
  status: number;
  contentType?: string;
  body: unknown;
  request?: Record<string, unknown>;
}

describe.skipIf(!hasFixtures)(
  `service clients read Moodle 4.5's real answers ${FIXTURES_SKIP_REASON}`,
  () => {
    let server: TestServer;
    let keys: ToolKeySet;
    const files: Record<string, Captured> = {};
    let failScope = false;

    beforeAll(async () => {
      for (const name of [
        'token-response',
        'token-error-invalid-scope',
        'ags-lineitem',
        'ags-lineitems',
        'ags-results',
        'ags-score-post',
        'nrps-memberships',
      ])
        files[name] = await readFixtureJson<Captured>(`moodle-4.5/lti/services/${name}.json`);
      keys = await ToolKeySet.generate();
      server = await startTestServer((req, res) => {
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        const send = (c: Captured) => {
          res.writeHead(c.status, { 'content-type': c.contentType ?? 'application/json' });
          res.end(typeof c.body === 'string' ? c.body : JSON.stringify(c.body));
        };
        if (path === '/mod/lti/token.php')
          return send(
            failScope
              ? (files['token-error-invalid-scope'] as Captured)
              : (files['token-response'] as Captured),
          );
        if (!/^Bearer 2a687409224e9a8cecc987c8e5d4c9d7$/.test(req.headers.authorization ?? '')) {
          res.writeHead(401);
          res.end();
          return;
        }
        if (path.endsWith('/lineitem/results')) return send(files['ags-results'] as Captured);
        if (path.endsWith('/lineitem/scores')) return send(files['ags-score-post'] as Captured);
        if (path.endsWith('/lineitem')) return send(files['ags-lineitem'] as Captured);
        if (path.endsWith('/lineitems')) return send(files['ags-lineitems'] as Captured);
        if (path.endsWith('/memberships')) return send(files['nrps-memberships'] as Captured);
        res.writeHead(404);
        res.end();
      });
    });
    afterAll(async () => server?.close());

    const local = (url: string) => url.replace('http://127.0.0.1:8080', server.url);
    const tokens = () =>
      new ServiceTokenProvider({
        registration: {
          clientId: '1NzzN2GiaD2ZrP6',
          tokenUrl: `${server.url}/mod/lti/token.php`,
          platform: 'moodle',
        },
        keys,
      });

    it('gets a token with a signed assertion shaped like the one Moodle accepted, and caches it per scope set', async () => {
      const provider = tokens();
      const scopes = String((files['token-response'] as Captured).request?.scope).split(' ');
      const token = await provider.get(scopes);
      expect(token.accessToken).toBe('2a687409224e9a8cecc987c8e5d4c9d7');
      await provider.get([...scopes].reverse());
      expect(provider.requestCount).toBe(1);
      const form = new URLSearchParams(server.requests.find((r) => r.url === '/mod/lti/token.php')?.body);
      expect(form.get('grant_type')).toBe('client_credentials');
      const assertion = form.get('client_assertion') as string;
      const [header, payload] = assertion
        .split('.')
        .slice(0, 2)
        .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
      expect(header).toMatchObject({ alg: 'RS256', kid: keys.signingKey.kid });
      const moodleAssertion = files['token-response']?.request as Record<string, unknown>;
      expect(Object.keys(payload).sort()).toEqual(
        Object.keys(moodleAssertion)
          .filter((k) => k !== 'scope')
          .sort(),
      );
      expect(payload).toMatchObject({
        iss: moodleAssertion.iss,
        sub: moodleAssertion.sub,
        aud: `${server.url}/mod/lti/token.php`,
      });
    });

    it("explains Moodle's invalid_scope in Moodle's words", async () => {
      failScope = true;
      try {
        const error = (await tokens()
          .get([SCOPE.score])
          .catch((e) => e)) as LtiError;
        expect(error.code).toBe('lti.service_token_failed');
        expect(error.message).toContain('invalid_scope');
        expect(error).toBeInstanceOf(LtiServiceError);
        expect((error as LtiServiceError).status).toBe(400);
        expect((error as LtiServiceError).upstreamCode).toBe('invalid_scope');
        expect(error.hint).toContain('IMS LTI Assignment and Grade Services');
      } finally {
        failScope = false;
      }
    });

    it('reads line items, one line item, results, and posts the score Moodle accepted', async () => {
      const ctx = { tokens: tokens(), transport: new Transport(), moodle: true };
      const ags = new AgsClient(ctx, {
        scope: Object.values(SCOPE),
        lineitems: local((files['ags-lineitems'] as Captured).url),
        lineitem: local((files['ags-lineitem'] as Captured).url),
      });
      const items = await ags.listLineItems().toArray();
      expect(items).toMatchObject([
        { label: 'SDK LTI 1.3 activity', scoreMaximum: 100, resourceLinkId: '1', ltiLinkId: '1' },
      ]);
      expect(await ags.getLineItem()).toMatchObject({
        id: ((files['ags-lineitem'] as Captured).body as { id: string }).id,
      });
      const results = await ags.results().toArray();
      expect(results).toMatchObject([{ userId: '3', resultScore: 70, resultMaximum: 100 }]);
      const request = files['ags-score-post']?.request as Record<string, string>;
      await ags.postScore(undefined, request as never);
      const sent = server.requests.find((r) => r.url.includes('/lineitem/scores'));
      expect(sent?.url).toBe(
        new URL(local((files['ags-score-post'] as Captured).url)).pathname + '?type_id=1',
      );
      expect(sent?.headers['content-type']).toBe('application/vnd.ims.lis.v1.score+json');
      expect(JSON.parse(sent?.body ?? '{}')).toEqual(request);
    });

    it('reads the membership container (members, roles, Moodle extras)', async () => {
      const ctx = { tokens: tokens(), transport: new Transport(), moodle: true };
      const nrps = new NrpsClient(ctx, {
        context_memberships_url: local((files['nrps-memberships'] as Captured).url),
        service_versions: ['2.0'],
      });
      const members = await nrps.members().toArray();
      expect(members).toHaveLength(7);
      expect(members.find((m) => m.user_id === '2')?.roles).toContain(
        'http://purl.imsglobal.org/vocab/lis/v2/person#Administrator',
      );
      expect(members[0]?.ext_user_username).toBe('teacher1');
      expect(nrps.context).toEqual({ id: '2', label: 'SDK_XS', title: 'SDK test course XS' });
      expect(() => parseMembershipContainer({ members: [{ roles: [] }] })).toThrow(/membership container/);
    });
  },
);
