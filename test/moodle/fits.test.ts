/**
 * The compiled check that call() runs first must agree with the issue-finding walk on every value: a value it
 * accepts has no issue, and a value it refuses has at least one (so validation stays exactly as strict).
 */
import { describe, expect, it } from 'vitest';
import { coreFunctionTable, type WsDesc } from '../../src/moodle/definitions.js';
import { compiledFits } from '../../src/moodle/validate/fits.js';
import { findIssues, validateParams } from '../../src/moodle/validate/params.js';
import { seeded } from './random.js';

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
  [],
  {},
  new Date(0),
];

/** A value for `desc`, usually fitting, sometimes broken in one of the ways callers break them. */
function generate(desc: WsDesc, next: () => number, depth = 0): unknown {
  if (next() < 0.08) return ODD[Math.floor(next() * ODD.length)];
  if (desc.kind === 'value') {
    if (desc.type === 'int') return Math.floor(next() * 100);
    if (desc.type === 'float') return next() * 10;
    if (desc.type === 'bool') return next() < 0.5;
    return next() < 0.5 ? 'plain' : 'mixed Value_1';
  }
  if (desc.kind === 'multiple') {
    return Array.from({ length: depth > 4 ? 0 : Math.floor(next() * 3) }, () =>
      generate(desc.content, next, depth + 1),
    );
  }
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(desc.keys)) {
    if (child.required !== 1 && next() < 0.5) continue;
    if (next() < 0.03) continue;
    out[key] = generate(child, next, depth + 1);
  }
  if (next() < 0.03) out.bogus = 1;
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
  'mod_assign_save_submission',
];

describe('compiled parameter check', () => {
  it('agrees with the issue walk on 12,000 generated values of real core functions', () => {
    const next = seeded(4_500_000);
    let refused = 0;
    for (const name of FUNCTIONS) {
      const info = coreFunctionTable().get(name);
      if (!info) throw new Error(`${name} is not in the core table`);
      for (let i = 0; i < 1_333; i++) {
        const params = generate(info.parameters, next) ?? {};
        const issues = findIssues(info.parameters, params);
        expect(compiledFits(info.parameters)(params), JSON.stringify({ name, params, issues })).toBe(
          issues.length === 0,
        );
        expect(validateParams(info, params)).toEqual(issues);
        if (issues.length > 0) refused++;
      }
    }
    // Both outcomes are exercised.
    expect(refused).toBeGreaterThan(1000);
    expect(refused).toBeLessThan(11_000);
  });
});
