import type { Router } from './http.js';

/** What every sandbox module receives when the server has started. */
export interface SandboxStartContext {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  baseUrl: string;
}

/**
 * One capability's part of the sandbox. `routes` registers its paths on the shared router; `info` returns the URLs
 * and credentials printed by `mts sandbox` and used by the REPL and the tests.
 */
export interface SandboxModule<Info> {
  readonly name: string;
  routes(router: Router): void;
  start?(context: SandboxStartContext): void | Promise<void>;
  info(context: SandboxStartContext): Info;
  close?(): void | Promise<void>;
}
