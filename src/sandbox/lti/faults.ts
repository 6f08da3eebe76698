/** Fault names as written on the command line (`expired`, `missing-claim=roles`...) turned into {@link LaunchFaults}. */
import type { LaunchFaults } from './types.js';

const FAULTS: Record<string, (faults: LaunchFaults, value: string | undefined) => void> = {
  expired: (f) => {
    f.expired = true;
  },
  'wrong-audience': (f) => {
    f.wrongAudience = true;
  },
  'rotated-key': (f) => {
    f.rotateKey = true;
  },
  'unpublished-key': (f) => {
    f.unpublishedKey = true;
  },
  'replayed-nonce': (f) => {
    f.replayedNonce = true;
  },
  'missing-claim': (f, v) => {
    f.missingClaims = [...(f.missingClaims ?? []), v ?? 'deployment_id'];
  },
  'clock-skew': (f, v) => {
    f.clockSkewMs = Number(v ?? 120_000);
  },
  'deployment-id': (f, v) => {
    f.deploymentId = v ?? '999';
  },
};

/** Every fault name. */
export const FAULT_NAMES: readonly string[] = Object.keys(FAULTS);

/**
 * Parses `NAME[=VALUE]` fault specs. Returns the faults, or the first unknown name.
 *
 * @example
 * ```ts
 * parseFaults(['expired', 'missing-claim=roles']); // { faults: { expired: true, missingClaims: ['roles'] } }
 * ```
 */
export function parseFaults(specs: readonly string[]): {
  faults: LaunchFaults;
  unknown?: string | undefined;
} {
  const faults: LaunchFaults = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const name = eq < 0 ? spec : spec.slice(0, eq);
    const apply = FAULTS[name];
    if (!apply) return { faults, unknown: name };
    apply(faults, eq < 0 ? undefined : spec.slice(eq + 1));
  }
  return { faults };
}
