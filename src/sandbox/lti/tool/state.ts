/** What the tool emulator holds while it runs: its key and registrations, the launches it received, its listeners. */
import type { LtiTool, MemoryStateStore } from '../../../lti/index.js';
import type { ToolHome } from './home.js';
import type { ToolUrls } from './pages.js';
import type { RecordingTransport } from './recording.js';
import type { LaunchRecord, ServiceCallRecord } from './records.js';

/** One line of the tool's event stream (`mts lti tool --json`). */
export interface ToolEvent {
  event: 'registration' | 'launch' | 'service' | 'deep_linking';
  valid: boolean;
  /** The failure's stable code, or null. */
  code: string | null;
  at: string;
  [detail: string]: unknown;
}

const MAX_LAUNCHES = 200;

/** The running emulator's state, shared by its request handlers. */
export class EmulatorState {
  readonly launches: LaunchRecord[] = [];
  /** Set once the server listens (the URLs carry its port). */
  urls: ToolUrls = {
    url: '',
    registrationUrl: '',
    loginUrl: '',
    launchUrl: '',
    deepLinkingUrl: '',
    redirectUris: [],
    jwksUrl: '',
  };
  readonly #listeners = new Set<(event: ToolEvent) => void>();

  constructor(
    readonly home: ToolHome,
    readonly tool: LtiTool,
    readonly transport: RecordingTransport,
    readonly stateStore: MemoryStateStore,
    readonly name: string,
    readonly now: () => number,
    /** The clock given to the emulator, if any (passed on to the SDK's handlers). */
    readonly clock: (() => number) | undefined,
  ) {}

  /** Subscribes to events; returns the unsubscribe function. */
  on(listener: (event: ToolEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: Omit<ToolEvent, 'at'>): void {
    const full = { ...event, at: new Date().toISOString() } as ToolEvent;
    for (const listener of this.#listeners) listener(full);
  }

  /** Keeps a launch (the oldest are dropped beyond 200). */
  remember(record: LaunchRecord): LaunchRecord {
    this.launches.push(record);
    if (this.launches.length > MAX_LAUNCHES) this.launches.splice(0, this.launches.length - MAX_LAUNCHES);
    return record;
  }

  /** Keeps a service call (or deep linking response) of a launch, and tells the listeners. */
  recordCall(record: LaunchRecord, call: ServiceCallRecord): void {
    record.services.push(call);
    this.emit({
      event: call.action.startsWith('deep_linking') ? 'deep_linking' : 'service',
      valid: call.ok,
      code: call.code ?? null,
      launchId: record.id,
      action: call.action,
      calls: call.exchanges.map((x) => ({ method: x.method, url: x.url, status: x.status ?? null })),
      ...(call.ok ? {} : { message: call.message }),
    });
  }
}
