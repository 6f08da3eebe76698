/**
 * The compiled check that call() runs first must agree with the walk on every value: a value it accepts has
 * nothing to report, and a value it refuses has at least one refusal or warning. And the walk over what a caller
 * passes (`form`) must agree with the walk over what PHP decodes from the encoded form (`php`): the client refuses
 * exactly what the server refuses.
 */
import { describe, expect, it } from 'vitest';
import { encodeParams } from '../../../src/moodle/call/encode.js';
import { decodeForm } from '../../../src/moodle/call/form-names.js';
import { coreFunctionTable, type WsDesc } from '../../../src/moodle/definitions.js';
import { fitsForm, walkStructure } from '../../../src/moodle/validate/structure.js';
import { seededRandom as seeded } from '../../helpers/random.js';

const ODD = [
  null,
  undefined,
  '',
  ' x',
  'A b',
  '<b>x</b>',
  'ann',
  '12',
  '1.5',
  '1e3',
  '0',
  '1',
  'true',
  1.5,
  -3,
  0,
  1,
  Number.NaN,
  true,
  false,
  [],
  {},
  [null],
  { a: null },
  new Date(0),
];

/** A value for `desc`, usually fitting, sometimes broken in one of the ways callers break them. */
function generate(desc: WsDesc, next: () => number, depth = 0): unknown {
  // The parameters as a whole are always an object: call() refuses anything else before validating.
  if (depth > 0 && next() < 0.08) return ODD[Math.floor(next() * ODD.length)];
  if (desc.kind === 'value') {
    if (desc.type === 'int') return next() < 0.1 ? next() < 0.5 : Math.floor(next() * 100);
    if (desc.type === 'float') return next() * 10;
    if (desc.type === 'bool') return next() < 0.5;
    return next() < 0.5 ? 'plain' : 'mixed Value_1';
  }
  if (desc.kind === 'multiple') {
    const items = Array.from({ length: depth > 4 ? 0 : Math.floor(next() * 3) }, () =>
      generate(desc.content, next, depth + 1),
    );
    return next() < 0.03 ? { ...items } : items;
  }
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(desc.keys)) {
    if (child.required !== 1 && next() < 0.5) continue;
    if (next() < 0.03) continue;
    out[key] = generate(child, next, depth + 1);
  }
  if (next() < 0.03) out.bogus = next() < 0.5 ? 1 : null;
  return out;
}

const FUNCTIONS = [
  'core_user_create_users',
  'core_user_update_users',
  'core_course_create_courses',
  'core_course_get_contents',
  'enrol_manual_enrol_users',
  'core_group_add_group_members',
  'core_cohort_create_cohorts',
  'core_user_get_users_by_field',
  'core_calendar_create_calendar_events',
  'mod_assign_save_submission',
];

describe('validation of what a caller sends', () => {
  it('compiled check and walk agree, and the client refuses exactly what the server refuses, on 12,000 values', () => {
    const next = seeded(4_500_000);
    let refused = 0;
    let warned = 0;
    for (const name of FUNCTIONS) {
      const info = coreFunctionTable().get(name);
      if (!info) throw new Error(`${name} is not in the core table`);
      for (let i = 0; i < 1_200; i++) {
        const params = generate(info.parameters, next) as Record<string, unknown>;
        const walked = walkStructure(info.parameters, params, { source: 'form' });
        const quiet = walked.refusals.length === 0 && walked.notes.length === 0;
        const context = JSON.stringify({ name, params, walked });
        expect(fitsForm(info.parameters, params), context).toBe(quiet);
        let body: string | undefined;
        try {
          body = encodeParams(params);
        } catch {
          // NaN, Infinity and invalid Dates cannot be encoded at all: the client refuses them before the encoder.
          expect(walked.refusals.length, context).toBeGreaterThan(0);
          continue;
        }
        const server = walkStructure(info.parameters, decodeForm(new URLSearchParams(body)), {
          source: 'php',
        });
        expect(
          walked.refusals.map((r) => r.reason),
          context,
        ).toEqual(server.refusals.map((r) => r.reason));
        if (walked.refusals.length > 0) refused++;
        else if (walked.notes.length > 0) warned++;
      }
    }
    // Every outcome is exercised.
    expect(refused).toBeGreaterThan(1000);
    expect(refused).toBeLessThan(11_000);
    expect(warned).toBeGreaterThan(50);
  });
});
