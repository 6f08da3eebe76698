/** Parsing of codegen options given as text (command line flags). */
import { InputError } from '../../src/core/errors.js';
import type { ScalarOverride } from './render.js';

/**
 * Scalar overrides from `NAME=TYPESCRIPT` pairs (one type for both directions): `core_id=number`, `core_date=string`,
 * `param_integer=number|string` (one type for both directions).
 */
export function parseScalarOverrides(pairs: readonly string[]): Record<string, ScalarOverride> {
  const out: Record<string, ScalarOverride> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const type = pair.slice(eq + 1).trim();
    if (eq <= 0 || !/^[_A-Za-z][_0-9A-Za-z]*$/.test(name) || type === '') {
      throw new InputError('totara.codegen.scalar', `--scalar takes NAME=TYPESCRIPT, not "${pair}".`, {
        hint: 'For example --scalar core_id=number or --scalar core_date="string | number".',
        details: { path: pair },
      });
    }
    out[name] = type;
  }
  return out;
}
