/**
 * The sandbox answers like the real Moodle 4.5.6: every call of the validation sweep (`cases.json`) to a function
 * the sandbox implements is sent to the sandbox, and must end the same way: the same outcome, exception and
 * errorcode. `sandbox-differences.json` lists where an earlier sandbox answered differently; each difference is
 * fixed here or, when it comes only from the two sites' data, named below with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeParams } from '../../../src/moodle/call/encode.js';
import { type Sandbox, startSandbox } from '../../../src/sandbox/index.js';
import { FIXTURES_SKIP_REASON, hasFixtures, readFixtureJson } from '../../helpers/fixtures.js';

interface Answer {
  ok: boolean;
  exception: string | null;
  errorcode: string | null;
  message: string | null;
}

interface SweepCase {
  function: string;
  variant: string;
  params: Record<string, unknown>;
  moodle_answer: Answer;
}

interface Difference {
  fn: string;
  variant: string;
  params: Record<string, unknown>;
  diffs: string[];
}

/**
 * Outcomes that differ only because of the two sites' data (the sweep ran on a site the captures had filled; the
 * sandbox seeds its own school), keyed `function variant`.
 */
const DATA_DIFFERENCES: Record<string, string> = {
  'core_completion_get_course_completion_status valid':
    "course 4 of the real site had completion off when the sweep ran (cannotviewreport); the sandbox's has it on, and its admin is not a student there (notenroled)",
  "core_completion_get_course_completion_status edgeok:courseid=int:'4'":
    'the same call as "valid", the id given as text',
  'core_calendar_get_calendar_event_by_id valid':
    "the real site's event 1 was in a course the admin could not see; the sandbox's event 1 is a site event",
  'core_calendar_get_calendar_event_by_id boolint:eventid': 'the same call as "valid" (true is sent as 1)',
  'core_cohort_get_cohort_members valid': 'the real site had no cohorts; the sandbox seeds 30 (ids 1 to 30)',
  'core_cohort_get_cohort_members boolint:cohortids.0': 'cohort 1 again (true is sent as 1)',
  "core_cohort_get_cohort_members edgeok:cohortids.0=int:'4'": 'cohort 4: the sandbox has it',
  'core_group_get_groups valid':
    'the real site had no groups; the sandbox seeds two in course 2 (ids 1 and 2)',
  'core_group_get_groups boolint:groupids.0': 'group 1 again (true is sent as 1)',
  'core_group_get_group_members valid': 'group 1: the sandbox has it',
  'core_group_get_group_members boolint:groupids.0': 'group 1 again (true is sent as 1)',
  "gradereport_overview_get_course_grades edgeok:userid=int:'4'":
    "the real site's user 4 had been deleted (userdeleted); the sandbox's user 4 is student1",
};

/** Result differences that come only from the data, keyed `function: path`. */
const RESULT_DATA_DIFFERENCES: Record<string, string> = {
  'core_enrol_get_users_courses: [].completed':
    "the real admin's courses had completion off (null); the sandbox admin's course has it on (true or false), and the sandbox gives null for a course without completion",
  'core_user_get_users: .users[].city':
    "the sandbox's students have a city; the real site's users had none, and Moodle leaves an empty one out, as the sandbox does",
  'core_user_get_users: .users[].country': 'the same for the country',
  'core_user_get_users: .users[].idnumber': 'the same for the idnumber',
};

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => sandbox?.close());

async function answer(
  fn: string,
  params: Record<string, unknown>,
): Promise<{ answer: Answer; body: unknown }> {
  const form = `wstoken=${sandbox.moodle.token}&wsfunction=${fn}&moodlewsrestformat=json`;
  const encoded = encodeParams(params);
  const response = await fetch(`${sandbox.moodle.url}/webservice/rest/server.php`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: encoded ? `${form}&${encoded}` : form,
  });
  const body = (await response.json()) as unknown;
  const error =
    body && typeof body === 'object' && !Array.isArray(body) && 'exception' in body
      ? (body as { exception: string; errorcode: string; message: string })
      : undefined;
  return {
    answer: error
      ? { ok: false, exception: error.exception, errorcode: error.errorcode, message: error.message }
      : { ok: true, exception: null, errorcode: null, message: null },
    body,
  };
}

/** The value at a differences path such as `.courses[].showcompletionconditions` or `[].idnumber`, per item. */
function valuesAt(body: unknown, path: string): unknown[] {
  let values: unknown[] = [body];
  for (const part of path.match(/\.[^.[]+|\[\]/g) ?? []) {
    values =
      part === '[]'
        ? values.flatMap((v) => (Array.isArray(v) ? v : []))
        : values.flatMap((v) =>
            v && typeof v === 'object' && part.slice(1) in v
              ? [(v as Record<string, unknown>)[part.slice(1)]]
              : [],
          );
  }
  return values;
}

describe.skipIf(!hasFixtures)(`sandbox against the real Moodle 4.5.6 ${FIXTURES_SKIP_REASON}`, async () => {
  const { cases } = hasFixtures
    ? await readFixtureJson<{ cases: SweepCase[] }>('moodle-4.5/validation-sweep/cases.json')
    : { cases: [] };
  const { differences } = hasFixtures
    ? await readFixtureJson<{ differences: Difference[] }>(
        'moodle-4.5/validation-sweep/sandbox-differences.json',
      )
    : { differences: [] };

  it('ends every sweep call of an implemented function as the real site did', async () => {
    const implemented = new Set(sandbox.moodle.functions);
    const replayed = cases.filter((c) => implemented.has(c.function));
    expect(replayed.length).toBeGreaterThan(100);
    const differ: string[] = [];
    for (const c of replayed) {
      const key = `${c.function} ${c.variant}`;
      const { answer: ours } = await answer(c.function, c.params);
      const real = c.moodle_answer;
      const same =
        ours.ok === real.ok && ours.exception === real.exception && ours.errorcode === real.errorcode;
      if (same === key in DATA_DIFFERENCES) {
        differ.push(
          same
            ? `${key}: now agrees; remove it from DATA_DIFFERENCES`
            : `${key}: real ${real.ok ? 'ok' : `${real.exception}/${real.errorcode}`}, sandbox ${ours.ok ? 'ok' : `${ours.exception}/${ours.errorcode}: ${ours.message}`}`,
        );
      }
    }
    expect(differ).toEqual([]);
  });

  it('no longer shows the result differences sandbox-differences.json lists, except data ones', async () => {
    const left: string[] = [];
    for (const difference of differences) {
      if (difference.variant.includes('scenario')) continue;
      const key = `${difference.fn} ${difference.variant}`;
      const { body } = await answer(difference.fn, difference.params);
      for (const diff of difference.diffs) {
        const [path = '', what = ''] = diff.split(': ');
        if (path === 'outcome' || path === 'errorcode' || path === 'exception') continue;
        const values = valuesAt(body, path);
        const fixed =
          what === 'key only on real'
            ? values.length > 0
            : what.startsWith('sandbox ') && what.endsWith(' real null')
              ? values.some((v) => v === null)
              : what === 'sandbox null real int'
                ? values.every((v) => typeof v === 'number')
                : what === 'key only in sandbox'
                  ? values.length === 0
                  : false;
        if (!fixed && !(`${difference.fn}: ${path}` in RESULT_DATA_DIFFERENCES))
          left.push(`${key}: ${diff} (sandbox: ${JSON.stringify(values).slice(0, 80)})`);
      }
    }
    expect(left).toEqual([]);
  });
});
