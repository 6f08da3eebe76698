/**
 * The names preloaded in the REPL (`moodle`, `totara`, `lti`, `hrimport`, `mbz`, `sandbox`): clients made from the
 * target's settings exactly as the CLI makes its own (src/connect), loaded in the background, and wrapped so that
 * read-only mode and `.time` apply to every call that names a Moodle function or sends a GraphQL document.
 */
import type { MoodleClient } from '../src/moodle/client.js';
import type { Sandbox } from '../src/sandbox/server.js';
import type { TotaraClient } from '../src/totara/client.js';
import type { ReadOnlyGuard } from './guard.js';
import { isMutationDocument, operationLabel } from './guard.js';
import { Lazy } from './lazy.js';
import type { Target } from './target.js';

type Method = (...args: unknown[]) => unknown;
type Client = object;

/** Reports how long a call took, when `.time` is on. */
export type CallTimer = <T>(label: string, run: () => Promise<T>) => Promise<T>;

/** The signal that Ctrl+C aborts; added to calls whose options carry none. */
export type SignalSource = () => AbortSignal;

/** `options` with the session's signal added when the caller gave none (so Ctrl+C cancels the request). */
function withSignal(options: unknown, signal: SignalSource): unknown {
  if (options === undefined) return { signal: signal() };
  if (options && typeof options === 'object' && !Array.isArray(options) && !('signal' in options))
    return { ...options, signal: signal() };
  return options;
}

/** Function names a Moodle `batch()` argument names (objects with a function-ish key, or [name, params] tuples). */
export function functionNamesIn(calls: unknown): string[] {
  const list = Array.isArray(calls) ? calls : [];
  return list.flatMap((item): string[] => {
    if (typeof item === 'string') return [item];
    if (Array.isArray(item) && typeof item[0] === 'string') return [item[0]];
    if (item && typeof item === 'object') {
      for (const key of ['function', 'fn', 'wsfunction', 'name']) {
        const value = (item as Record<string, unknown>)[key];
        if (typeof value === 'string') return [value];
      }
    }
    return ['(unnamed call)'];
  });
}

/** Whether a function writes, by the client's own function table first (it is there at once), else the guard's. */
function writes(client: MoodleClient, guard: ReadOnlyGuard, name: string): boolean {
  const info = client.functionInfo(name);
  if (info?.type === 'read') return false;
  if (info?.type === 'write') return true;
  return guard.functionWrites(name);
}

function guardedMoodle(
  client: MoodleClient,
  guard: ReadOnlyGuard,
  time: CallTimer,
  signal: SignalSource,
): MoodleClient {
  return new Proxy(client, {
    get(target, prop) {
      const member = Reflect.get(target, prop) as unknown;
      if (typeof member !== 'function') return member;
      const method = member as Method;
      if (prop === 'call')
        return (fn: unknown, params?: unknown, options?: unknown) => {
          const name = String(fn);
          return guard.check(writes(target, guard, name), name, () =>
            time(name, async () => method.call(target, fn, params, withSignal(options, signal))),
          );
        };
      if (prop === 'batch')
        return (calls: unknown, ...rest: unknown[]) => {
          const names = functionNamesIn(calls);
          const anyWrites = names.some((name) => writes(target, guard, name));
          const label = `batch of ${names.join(', ')}`;
          return guard.check(anyWrites, label, () =>
            time(label, async () => method.call(target, calls, ...rest)),
          );
        };
      if (prop === 'upload')
        return (...args: unknown[]) =>
          guard.check(true, 'upload', () => time('upload', async () => method.apply(target, args)));
      return method.bind(target);
    },
  });
}

function guardedTotara(
  client: TotaraClient,
  guard: ReadOnlyGuard,
  time: CallTimer,
  signal: SignalSource,
): TotaraClient {
  return new Proxy(client, {
    get(target, prop) {
      const member = Reflect.get(target, prop) as unknown;
      if (typeof member !== 'function') return member;
      const method = member as Method;
      if (prop === 'request')
        return (document: unknown, variables?: unknown, options?: unknown) => {
          const label = operationLabel(document);
          return guard.check(isMutationDocument(document), label, () =>
            time(label, async () => method.call(target, document, variables, withSignal(options, signal))),
          );
        };
      if (prop === 'batch')
        return (operations: unknown, ...rest: unknown[]) => {
          const documents = Array.isArray(operations)
            ? operations.map((op) => (op as { document?: unknown })?.document)
            : [];
          const label = `batch of ${documents.map(operationLabel).join(', ')}`;
          return guard.check(documents.some(isMutationDocument), label, () =>
            time(label, async () => method.call(target, operations, ...rest)),
          );
        };
      return method.bind(target);
    },
  });
}

/** The hint of a missing setting, in the REPL: besides `mts config set`, the sandbox is one command away. */
const OTHERWISE = 'type .sandbox to use the local sandbox';

/** The raw (unguarded) clients and the preloaded names of one target. */
export interface Bindings {
  moodleRaw: Lazy<MoodleClient>;
  totaraRaw: Lazy<TotaraClient>;
  moodle: Lazy<MoodleClient>;
  totara: Lazy<TotaraClient>;
  lti: Lazy<Client>;
  hrimport: Lazy<Client>;
  mbz: Lazy<Client>;
  sandbox: Lazy<Sandbox> | undefined;
}

/** Builds the preloaded names of a target; nothing loads until first used or {@link Bindings} are started. */
export function createBindings(
  target: Target,
  guard: ReadOnlyGuard,
  time: CallTimer,
  signal: SignalSource,
): Bindings {
  const moodleRaw = new Lazy('moodle', async () => {
    const settings = await target.settings();
    const { moodleClientFromSettings } = await import('../src/connect/moodle.js');
    // no token is fine here: moodle.login() gets one
    return moodleClientFromSettings(settings, {
      purpose: `Profile ${target.profile}: moodle`,
      needToken: false,
      otherwise: OTHERWISE,
    });
  });
  const totaraRaw = new Lazy('totara', async () => {
    const settings = await target.settings();
    const { totaraClientFromSettings } = await import('../src/connect/totara.js');
    return totaraClientFromSettings(settings, `Profile ${target.profile}: totara`, OTHERWISE);
  });
  return {
    moodleRaw,
    totaraRaw,
    moodle: new Lazy('moodle', async () => guardedMoodle(await moodleRaw.promise, guard, time, signal)),
    totara: new Lazy('totara', async () => guardedTotara(await totaraRaw.promise, guard, time, signal)),
    lti: new Lazy('lti', async () => ({ ...(await import('../src/lti/index.js')) })),
    hrimport: new Lazy('hrimport', async () => ({ ...(await import('../src/hrimport/index.js')) })),
    mbz: new Lazy('mbz', async () => ({ ...(await import('../src/mbz/index.js')) })),
    sandbox: target.sandbox ? new Lazy('sandbox', target.sandbox) : undefined,
  };
}
