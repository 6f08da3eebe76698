import type { Router } from '../http.js';
import type { SandboxModule, SandboxStartContext } from '../types.js';

/** URLs and credentials of the sandbox Totara. */
export interface TotaraSandboxInfo {
  url: string;
  clientId: string;
  clientSecret: string;
}

/** Options of the sandbox Totara. */
export interface TotaraSandboxOptions {
  clientId?: string;
  clientSecret?: string;
}

/** The sandbox Totara: OAuth2 token endpoint and the external GraphQL API over in-memory data. */
export function createTotaraSandbox(options: TotaraSandboxOptions = {}): SandboxModule<TotaraSandboxInfo> {
  const clientId = options.clientId ?? 'sandbox-client';
  const clientSecret = options.clientSecret ?? 'sandbox-secret-0000000000000000';
  return {
    name: 'totara',
    routes(_router: Router) {},
    info(context: SandboxStartContext) {
      return { url: context.baseUrl, clientId, clientSecret };
    },
  };
}
