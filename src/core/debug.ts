import { debuglog } from 'node:util';
import { maskSecrets } from './redact.js';

const log = debuglog('mts');

/** True when `NODE_DEBUG=mts` is set. */
export function debugEnabled(): boolean {
  return log.enabled;
}

/**
 * Debug output through `util.debuglog('mts')` (enable with `NODE_DEBUG=mts`). Every argument is rendered to
 * text and passed through {@link maskSecrets} first, so registered tokens never reach stderr.
 */
export function debug(message: string, ...args: unknown[]): void {
  if (!log.enabled) return;
  const rendered = args.map((arg) => (typeof arg === 'string' ? arg : safeStringify(arg)));
  log(maskSecrets([message, ...rendered].join(' ')));
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
