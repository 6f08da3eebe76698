/**
 * One REPL session: the site it is bound to, its clients, what it knows about the site, read-only state,
 * display settings and the last result. `.profile` and `.sandbox` rebind it to another site.
 */
import type { REPLServer } from 'node:repl';
import { configDir, listProfiles } from '../src/core/config.js';
import { debug } from '../src/core/debug.js';
import { MtsError } from '../src/core/errors.js';
import type { Style } from '../src/core/format.js';
import { maskSecrets } from '../src/core/redact.js';
import { type Bindings, createBindings } from './bindings.js';
import { ALLOW_WRITES_HINT, ReadOnlyGuard } from './guard.js';
import { HistoryFile, historyPath } from './history.js';
import { SiteKnowledge } from './knowledge.js';
import { renderValue } from './render.js';
import { loadSchema } from './schema.js';
import { resolveTarget, sandboxTarget, type Target } from './target.js';

/** Settings of a session. */
export interface SessionOptions {
  env: NodeJS.ProcessEnv;
  style: Style;
  /** Where results and notices go. */
  out: NodeJS.WritableStream & { columns?: number };
  /** Notices about the background (site info, schema) are shown only on a terminal. */
  interactive: boolean;
  /** Writes allowed without confirmation even on production profiles (`mts repl --write`). */
  allowWrites?: boolean | undefined;
  /** Read-only even when the profile does not ask for it (`mts repl --read-only`). */
  forceReadOnly?: boolean | undefined;
  /** Keep no history (`-e`, piped input). */
  history: boolean;
  /** How the session runs, for the hint of a refused write: `.confirm` works only at the prompt. */
  runs?: keyof typeof ALLOW_WRITES_HINT | undefined;
}

const PRELOADED = ['moodle', 'totara', 'lti', 'hrimport', 'mbz'] as const;

/** The state of one REPL. */
export class ReplSession {
  readonly options: SessionOptions;
  target!: Target;
  guard!: ReadOnlyGuard;
  bindings!: Bindings;
  knowledge!: SiteKnowledge;
  history: HistoryFile | undefined;
  raw = false;
  timing = false;
  mode: 'js' | 'gql' = 'js';
  gqlVariables: Record<string, unknown> = {};
  /** The lines of an unfinished `.gql` document, for completion. */
  gqlBuffer = '';
  last: unknown;
  server: REPLServer | undefined;
  #generation = 0;
  #learning: Promise<void> | undefined;
  #abort = new AbortController();

  constructor(options: SessionOptions) {
    this.options = options;
  }

  /**
   * Records the last result and makes it `_` at the prompt. Node's REPL keeps `_` in its own `last`: assigning
   * `context._` instead would print "Expression assignment to _ now disabled." and freeze `_` for the session.
   */
  remember(value: unknown): void {
    this.last = value;
    if (this.server) (this.server as unknown as { last: unknown }).last = value;
  }

  get style(): Style {
    return this.options.style;
  }

  /** Binds the session to a profile (or the sandbox when none is configured or `sandbox` is asked for). */
  bind(profile: string | undefined): void {
    const target =
      profile === 'sandbox'
        ? sandboxTarget(configDir(this.options.env))
        : resolveTarget({ profile, env: this.options.env });
    void this.target?.stop();
    this.#generation++;
    this.target = target;
    const readOnly = this.options.allowWrites ? false : this.options.forceReadOnly || target.readOnly;
    const knowledge = new SiteKnowledge();
    this.knowledge = knowledge;
    this.guard = new ReadOnlyGuard(
      readOnly,
      () => (name) => knowledge.functionKind(name),
      () => this.target.profile,
      ALLOW_WRITES_HINT[this.options.runs ?? 'interactive'],
    );
    this.bindings = createBindings(
      target,
      this.guard,
      (label, run) => this.#time(label, run),
      () => this.#abort.signal,
    );
    this.history = this.options.history
      ? new HistoryFile(historyPath(target.configDir, target.profile))
      : undefined;
    this.#learning = undefined;
    this.learned = false;
    if (this.server) this.attach(this.server);
  }

  /** Puts the preloaded names and this profile's history (newest first, as readline keeps it) on the REPL. */
  attach(server: REPLServer): void {
    this.server = server;
    this.install(server.context);
    (server as unknown as { history: string[] }).history = [...(this.history?.lines() ?? [])].reverse();
  }

  /** Defines the preloaded names on the REPL context (getters: the value once loaded, else a stand-in). */
  install(context: Record<string, unknown>): void {
    const names: Array<[string, () => unknown]> = PRELOADED.map((name) => [
      name,
      () => this.bindings[name].handle(),
    ]);
    names.push(['sandbox', () => this.bindings.sandbox?.handle()]);
    for (const [name, get] of names) {
      Object.defineProperty(context, name, {
        configurable: true,
        enumerable: true,
        get,
        set: (value: unknown) =>
          Object.defineProperty(context, name, { value, writable: true, configurable: true }),
      });
    }
  }

  /**
   * Loads the function table, the site's function list and the Totara schema (once per binding) and resolves when
   * all have settled. Interactive sessions start it after the first prompt; `.describe` waits for it.
   */
  learn(): Promise<void> {
    if (!this.#learning) {
      const generation = this.#generation;
      this.#learning = this.#learn(generation).finally(() => {
        if (generation === this.#generation) this.learned = true;
      });
    }
    return this.#learning;
  }

  /** True once {@link learn} has settled for the current site. */
  learned = false;

  /**
   * Starts the sandbox, the clients and the knowledge in the background (after the first prompt). What a first
   * `await moodle.call(...)` needs (the site and the Moodle client) goes first; the rest (the GraphQL schema, the
   * LTI, HR Import and .mbz modules, the site's function list) waits until the person has stopped typing for a
   * moment, so that a call typed meanwhile is not queued behind it. Tab, `.describe` and `.gql` ask for it at once.
   */
  prefetch(idleMs = 1500): void {
    const generation = this.#generation;
    const first = Promise.allSettled([this.bindings.sandbox?.promise, this.bindings.moodle.promise]);
    void first.then(() => {
      const rest = () => {
        if (generation !== this.#generation || this.#closed) return;
        const quiet = performance.now() - this.#lastActivity;
        if (quiet < idleMs) {
          setTimeout(rest, idleMs - quiet).unref();
          return;
        }
        for (const name of PRELOADED) this.bindings[name].start();
        void this.learn();
      };
      rest();
    });
  }

  #lastActivity = 0;

  /** Notes that the person is typing or running something (background loading waits for a quiet moment). */
  touch(): void {
    this.#lastActivity = performance.now();
  }

  async #learn(generation: number): Promise<void> {
    const current = () => generation === this.#generation;
    const knowledge = this.knowledge;
    const table = import('../src/moodle/index.js').then((mod) => knowledge.setTable(mod.coreFunctionTable()));
    const site = this.bindings.moodleRaw.promise.then(async (client) => {
      const info = await client.call('core_webservice_get_site_info');
      knowledge.setSiteInfo(info);
      if (current()) this.notice(this.siteLine(info));
    });
    const schema = this.bindings.totaraRaw.promise.then(async (client) => {
      const loaded = await loadSchema(client);
      knowledge.setSchema(loaded.schema);
      if (loaded.source === 'bundled' && current())
        this.notice(
          this.style.dim(
            'Totara: the site refuses introspection; completing from the shipped Totara 17.3 schema',
          ),
        );
    });
    const [, siteResult, schemaResult] = await Promise.allSettled([table, site, schema]);
    if (!current()) return;
    if (siteResult.status === 'rejected') this.#backgroundFailure('Moodle', siteResult.reason);
    if (schemaResult.status === 'rejected') this.#backgroundFailure('Totara', schemaResult.reason);
  }

  #backgroundFailure(what: string, error: unknown): void {
    // a site the profile does not have at all is not a failure worth a notice (using it says what to set)
    const missing =
      error instanceof MtsError && error.code === 'config.missing' ? error.details?.missing : [];
    if (Array.isArray(missing) && (missing.includes('moodleUrl') || missing.includes('totaraUrl'))) return;
    debug(`repl: ${what} unavailable`, String(error));
    this.notice(this.style.yellow(`${what}: ${maskSecrets((error as Error).message ?? String(error))}`));
  }

  /** "Moodle 4.5.6 · Site name · as admin (Admin User)". */
  siteLine(info: Record<string, unknown>): string {
    const release = info.release ? `Moodle ${String(info.release)}` : 'Moodle';
    const who = info.username
      ? `as ${String(info.username)}${info.fullname ? ` (${String(info.fullname)})` : ''}`
      : '';
    const site = info.sitename ? String(info.sitename) : String(info.siteurl ?? '');
    const functions = Array.isArray(info.functions) ? `${info.functions.length} functions` : '';
    return this.style.dim([release, site, who, functions].filter(Boolean).join(' · '));
  }

  /** A line about the background, above the prompt; only on a terminal. */
  notice(text: string): void {
    // after .exit a late notice (the schema arriving) must not redraw the prompt: that resumes the terminal's
    // input, and the process would stay alive waiting for it
    if (!this.options.interactive || this.#closed) return;
    const server = this.server;
    if (!server) {
      this.options.out.write(`${text}\n`);
      return;
    }
    this.options.out.write(`\r\u001b[2K${text}\n`);
    server.displayPrompt(true);
  }

  /** The prompt: profile name (red for production), `ro` when read-only, `gql` in the GraphQL mode. */
  prompt(): string {
    const name = this.target.production
      ? this.style.red(this.target.profile)
      : this.style.cyan(this.target.profile);
    const flags = [this.guard.enabled ? 'ro' : '', this.mode === 'gql' ? 'gql' : '']
      .filter(Boolean)
      .join(',');
    return `${name}${flags ? ` ${this.style.dim(`(${flags})`)}` : ''}> `;
  }

  /** Redraws the prompt after a change of profile, mode or read-only state. */
  refreshPrompt(): void {
    this.server?.setPrompt(this.prompt());
  }

  /** The banner: which site and which user, how safe the session is, what is preloaded. */
  banner(): string {
    const target = this.target;
    const lines: string[] = [];
    const where =
      target.kind === 'sandbox'
        ? 'the local sandbox (starting in the background)'
        : `profile ${target.profile}`;
    lines.push(
      `${this.style.bold('mts repl')} on ${where}${target.production ? ` ${this.style.red('[production]')}` : ''}`,
    );
    for (const warning of target.warnings) lines.push(this.style.yellow(`warning: ${warning}`));
    if (this.guard.enabled)
      lines.push(
        this.style.yellow('read-only: write functions and mutations are refused until you .confirm them'),
      );
    lines.push(
      this.style.dim(
        `preloaded: ${[...PRELOADED, ...(target.sandbox ? ['sandbox'] : [])].join(', ')} · .help for commands`,
      ),
    );
    return lines.join('\n');
  }

  /** The endpoints line shown once they are known (at once for a profile). */
  async endpointsLine(): Promise<string> {
    const settings = await this.target.settings();
    const parts: string[] = [];
    if (settings.moodleUrl) parts.push(`Moodle ${settings.moodleUrl}`);
    if (settings.totaraUrl) parts.push(`Totara ${settings.totaraUrl}`);
    return parts.join(' · ') || 'no site configured';
  }

  /** Ctrl+C: aborts the requests in flight (node abandons the awaited promise; this stops the request too). */
  interrupt(): void {
    this.#abort.abort(new Error('interrupted with Ctrl+C'));
    this.#abort = new AbortController();
  }

  /** Profile names for completion. */
  profiles(): string[] {
    try {
      return listProfiles(this.options.env).profiles;
    } catch {
      return [];
    }
  }

  /** A result as text for a person (or JSON with `.raw`). */
  render(value: unknown): string {
    return renderValue(value, {
      raw: this.raw,
      color: this.style.enabled,
      columns: this.options.out.columns,
    });
  }

  async #time<T>(label: string, run: () => Promise<T>): Promise<T> {
    if (!this.timing) return run();
    const start = performance.now();
    try {
      return await run();
    } finally {
      const ms = performance.now() - start;
      this.options.out.write(this.style.dim(`⏱ ${label}: ${ms.toFixed(ms < 10 ? 1 : 0)} ms\n`));
    }
  }

  #closed = false;

  /** Stops what the session started (the sandbox) and flushes the history. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.history?.flush();
    await this.target?.stop();
  }
}
