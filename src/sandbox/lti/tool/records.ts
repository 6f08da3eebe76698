/** What the tool emulator remembers of each launch and each call it made, for its pages and its event stream. */
import type { LtiLaunch } from '../../../lti/index.js';
import type { LaunchCheck } from './checks.js';
import type { RecordedExchange } from './recording.js';

/** One LTI Advantage call made from a launch page (or a deep linking response sent). */
export interface ServiceCallRecord {
  at: string;
  /** `ags.create_line_item`, `ags.post_score`, `ags.read_results`, `nrps.members`, `deep_linking.response`. */
  action: string;
  ok: boolean;
  code?: string | undefined;
  message?: string | undefined;
  hint?: string | undefined;
  /** What the call returned, in short (the line item, the results, the members). */
  result?: unknown;
  exchanges: RecordedExchange[];
}

/** One launch the tool received, valid or not. */
export interface LaunchRecord {
  id: string;
  receivedAt: string;
  valid: boolean;
  /** The failure's error code. */
  code?: string | undefined;
  message?: string | undefined;
  /** The diagnosis: what to change, in Moodle's words when the platform is Moodle. */
  hint?: string | undefined;
  checks: LaunchCheck[];
  launch?: LtiLaunch | undefined;
  /** The id_token decoded (not trusted) even when validation failed, to show what arrived. */
  header?: Record<string, unknown> | undefined;
  payload?: Record<string, unknown> | undefined;
  /** `error` and `error_description` the platform posted instead of an id_token. */
  platformError?: { error: string; description?: string | undefined } | undefined;
  services: ServiceCallRecord[];
  /** Line items created from this launch's page. */
  lineItems: string[];
}
