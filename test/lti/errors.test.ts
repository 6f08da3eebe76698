/** The LTI error codes: one list, each code with a diagnosis, in Moodle's words where Moodle has its own. */
import { describe, expect, it } from 'vitest';
import { explain, hintFor, LTI_ERROR_CODES, LtiLaunchError } from '../../src/lti/index.js';

describe('LTI error codes', () => {
  it('are distinct, namespaced, and each has a hint', () => {
    expect(new Set(LTI_ERROR_CODES).size).toBe(LTI_ERROR_CODES.length);
    for (const code of LTI_ERROR_CODES) {
      expect(code).toMatch(/^lti\.[a-z0-9_]+$/);
      expect(hintFor(code, false, {}), code).toBeTruthy();
    }
  });

  it('words a hint in Moodle terms when the platform is Moodle', () => {
    const vars = { got: '2', expected: '"1"' };
    expect(hintFor('lti.deployment_id_unknown', true, vars)).toContain('Tool configuration details');
    expect(hintFor('lti.deployment_id_unknown', false, vars)).not.toContain('Moodle');
  });

  it('explain() prints the code, the message and the fix', () => {
    const error = new LtiLaunchError('lti.kid_missing', 'No kid.', { hint: 'Send one.' });
    expect(explain(error)).toBe('lti.kid_missing: No kid.\nfix: Send one.');
  });
});
