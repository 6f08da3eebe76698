/**
 * The four clients bench/moodle compares, each as a function that makes one core_webservice_get_site_info call:
 * ours, the `moodle-client` and `moodle-ts` packages, and a bare undici request (the floor: the same bytes on the
 * wire with no client around them). rss-child.ts builds one per fresh process.
 */
import { createRequire } from 'node:module';

export type ClientName = 'ours' | 'bare' | 'moodle-client' | 'moodle-ts';
export const CLIENT_NAMES: readonly ClientName[] = ['ours', 'bare', 'moodle-client', 'moodle-ts'];

/** One call, and how to let go of the client's connections. */
export interface BenchClient {
  call(): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * Makes one client. Each one's code is imported only for it, so that a fresh process built for one client (see
 * rss-child.ts, where the name is fixed at build time) holds none of the others'.
 */
export async function makeClient(name: ClientName, url: string, token: string): Promise<BenchClient> {
  if (name === 'ours') {
    const { MoodleClient } = await import('../../src/moodle/index.js');
    const ours = new MoodleClient({ url, token, retry: false });
    return { call: () => ours.call('core_webservice_get_site_info'), close: async () => {} };
  }
  if (name === 'bare') {
    const { Agent, request } = await import('undici');
    const { USER_AGENT } = await import('../../src/core/transport.js');
    const agent = new Agent({ keepAliveTimeout: 10_000 });
    const body = `wstoken=${token}&wsfunction=core_webservice_get_site_info&moodlewsrestformat=json`;
    // The same HTTP request as call() sends, byte for byte (our headers included), so that the ratio measures
    // the client's own work rather than the size of the request.
    const headers = {
      'user-agent': USER_AGENT,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    return {
      call: async () =>
        (
          await request(`${url}/webservice/rest/server.php`, {
            method: 'POST',
            dispatcher: agent,
            headers,
            body,
          })
        ).body.json(),
      close: () => agent.close(),
    };
  }
  if (name === 'moodle-client') {
    // moodle-client is CommonJS without types.
    const moodleClient = createRequire(import.meta.url)('moodle-client') as {
      init(o: object): Promise<{ call(o: object): Promise<unknown> }>;
    };
    const legacy = await moodleClient.init({ wwwroot: url, token });
    return {
      call: () => legacy.call({ wsfunction: 'core_webservice_get_site_info', method: 'POST' }),
      close: async () => {},
    };
  }
  const { MoodleClient: MoodleTs } = await import('moodle-ts');
  const typed = new MoodleTs({ baseUrl: url, token });
  return { call: () => typed.call('core_webservice_get_site_info', {}), close: async () => {} };
}
