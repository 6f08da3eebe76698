/**
 * Replay of the validation sweep against the real Moodle 4.5.6 (`validation-sweep/cases.json`): 2,859 calls of
 * every read function, each with Moodle's own external_api::validate_parameters verdict on the exact form body.
 * Local validation must give the same verdict on every case (no miss, no false refusal), name the key Moodle's
 * reason names, and the sandbox's validate_parameters must produce Moodle's reason text word for word.
 */
import { describe, expect, it } from 'vitest';
import { encodeParams } from '../../../src/moodle/call/encode.js';
import { coreFunctionTable } from '../../../src/moodle/definitions.js';
import { validateParams } from '../../../src/moodle/validate/issues.js';
import { cleanParams } from '../../../src/sandbox/moodle/external-api.js';
import { FIXTURES_SKIP_REASON, hasFixtures, readFixtureJson } from '../../helpers/fixtures.js';

interface SweepCase {
  function: string;
  variant: string;
  params: Record<string, unknown>;
  moodle_validate_parameters: { accepted: boolean; reason: string | null };
  moodle_answer: { ok: boolean; exception: string | null; errorcode: string | null; message: string | null };
}

/** The keys Moodle's reason names, outermost first: `a => Invalid parameter value detected: b => …: Missing … c`. */
function keysOfReason(reason: string): string[] {
  const keys: string[] = [];
  let rest = reason;
  for (let m = /^([^\s=]+) => Invalid parameter value detected: /.exec(rest); m; ) {
    keys.push(m[1] as string);
    rest = rest.slice(m[0].length);
    m = /^([^\s=]+) => Invalid parameter value detected: /.exec(rest);
  }
  const last =
    /^Missing required key in single structure: (\S+)$/.exec(rest) ??
    /^Unexpected keys \(([^,)]+)/.exec(rest);
  if (last) keys.push(last[1] as string);
  return keys;
}

/** The keys a local issue path names, without list positions: `users[0].email` → users, email. */
function keysOfPath(path: string): string[] {
  return path
    .replace(/\[[^\]]*\]/g, '')
    .split('.')
    .filter((key) => key !== '');
}

describe.skipIf(!hasFixtures)(`validation sweep against Moodle 4.5.6 ${FIXTURES_SKIP_REASON}`, async () => {
  const { cases } = hasFixtures
    ? await readFixtureJson<{ cases: SweepCase[] }>('moodle-4.5/validation-sweep/cases.json')
    : { cases: [] };
  const table = coreFunctionTable();
  const info = (name: string) => {
    const found = table.get(name);
    if (!found) throw new Error(`${name} is not in the core table`);
    return found;
  };

  it('covers the whole sweep', () => {
    expect(cases).toHaveLength(2859);
    expect(cases.every((c) => table.has(c.function))).toBe(true);
  });

  it("gives Moodle's validate_parameters verdict on every case: 0 misses, 0 false refusals", () => {
    const misses: string[] = [];
    const falseRefusals: string[] = [];
    for (const c of cases) {
      const refusals = validateParams(info(c.function), c.params).filter(
        (issue) => issue.severity === 'error',
      );
      if (c.moodle_validate_parameters.accepted && refusals.length > 0)
        falseRefusals.push(`${c.function} ${c.variant}: ${refusals[0]?.message}`);
      if (!c.moodle_validate_parameters.accepted && refusals.length === 0)
        misses.push(`${c.function} ${c.variant}: ${c.moodle_validate_parameters.reason}`);
    }
    expect(misses).toEqual([]);
    expect(falseRefusals).toEqual([]);
    // Moodle refused some accepted calls inside the function (checks no description shows): those stay the site's.
    const insideFunction = cases.filter((c) => c.moodle_validate_parameters.accepted && !c.moodle_answer.ok);
    expect(insideFunction.length).toBeGreaterThan(0);
  });

  it("names the key Moodle's reason names", () => {
    const wrong: string[] = [];
    for (const c of cases) {
      const reason = c.moodle_validate_parameters.reason;
      if (c.moodle_validate_parameters.accepted || reason === null) continue;
      const [first] = validateParams(info(c.function), c.params);
      const local = keysOfPath(first?.path ?? '');
      const moodle = keysOfReason(reason);
      if (local.join('.') !== moodle.join('.'))
        wrong.push(`${c.function} ${c.variant}: local ${local.join('.')} / Moodle ${moodle.join('.')}`);
      if (first?.reason !== undefined && !reason.endsWith(first.reason))
        wrong.push(`${c.function} ${c.variant}: reason "${first.reason}" / Moodle "${reason}"`);
    }
    expect(wrong).toEqual([]);
  });

  it("has the sandbox refuse with Moodle's own reason text, and answer Moodle's REST error", () => {
    const differ: string[] = [];
    for (const c of cases) {
      const result = cleanParams(info(c.function), new URLSearchParams(encodeParams(c.params)), {
        debug: false,
      });
      const reason = result.ok ? null : result.debuginfo;
      if (reason !== c.moodle_validate_parameters.reason)
        differ.push(
          `${c.function} ${c.variant}: "${reason}" / Moodle "${c.moodle_validate_parameters.reason}"`,
        );
      if (!result.ok) {
        const answer = { exception: result.exception, errorcode: result.errorcode, message: result.message };
        const real = c.moodle_answer;
        if (
          JSON.stringify(answer) !==
          JSON.stringify({ exception: real.exception, errorcode: real.errorcode, message: real.message })
        )
          differ.push(`${c.function} ${c.variant}: answer ${JSON.stringify(answer)}`);
      }
    }
    expect(differ).toEqual([]);
  });
});
