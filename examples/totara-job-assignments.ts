/**
 * Create a user and give them a job assignment, then read both back in one batched request. Shows Totara's typed
 * errors: a duplicate username becomes a TotaraError whose message never quotes your variables.
 * Run: npx tsx examples/totara-job-assignments.ts
 * On the local sandbox as it is; on your site with MTS_TOTARA_URL, MTS_TOTARA_CLIENT_ID and MTS_TOTARA_CLIENT_SECRET set.
 */

import { startSandbox } from 'moodle-totara-sdk/sandbox';
import { TotaraClient, TotaraError } from 'moodle-totara-sdk/totara';

// Your site from MTS_TOTARA_URL, MTS_TOTARA_CLIENT_ID and MTS_TOTARA_CLIENT_SECRET; with none set, the local sandbox.
const {
  MTS_TOTARA_URL: siteUrl,
  MTS_TOTARA_CLIENT_ID: siteClient,
  MTS_TOTARA_CLIENT_SECRET: siteSecret,
} = process.env;
if (siteUrl && !(siteClient && siteSecret)) {
  console.error(
    'Set MTS_TOTARA_CLIENT_ID and MTS_TOTARA_CLIENT_SECRET with MTS_TOTARA_URL, or none for the sandbox.',
  );
  process.exit(2);
}
const sandbox = siteUrl ? undefined : await startSandbox();
const totara = new TotaraClient({
  url: siteUrl ?? sandbox?.totara.url ?? '',
  clientId: siteClient ?? sandbox?.totara.clientId ?? '',
  clientSecret: siteSecret ?? sandbox?.totara.clientSecret ?? '',
});

const username = `example_${Date.now()}`;
const created = await totara.request<{ core_user_create_user: { user: { id: string } } }>(
  `mutation create_user($input: core_user_create_user_input!) {
    core_user_create_user(input: $input) { user { id } }
  }`,
  {
    input: {
      username,
      email: `${username}@example.invalid`,
      firstname: 'Example',
      lastname: 'Learner',
      generate_password: true,
    },
  },
);
console.log(`Created user ${created.core_user_create_user.user.id}`);

await totara.request(
  `mutation assign_job($input: totara_job_create_job_assignment_input!) {
    totara_job_create_job_assignment(input: $input) { job_assignment { id } }
  }`,
  { input: { idnumber: `${username}_job`, fullname: 'Example role', user: { username } } },
);

// Two queries, one HTTP request.
const [status, jobs] = await totara.batch([
  { document: 'query status_check { totara_webapi_status { status } }' },
  {
    document: `query recent_jobs($query: totara_job_job_assignments_query) {
      totara_job_job_assignments(query: $query) { items { idnumber user { username } } total next_cursor }
    }`,
    variables: { query: { pagination: { limit: 5 }, sort: [{ column: 'id', direction: 'DESC' }] } },
  },
]);
if (!status?.ok || !jobs?.ok) throw new Error('batch failed');
const page = jobs.data as {
  totara_job_job_assignments: { items: Array<{ idnumber: string }>; total: number };
};
console.log(
  `${page.totara_job_job_assignments.total} job assignments; newest: ${page.totara_job_job_assignments.items[0]?.idnumber}`,
);

try {
  await totara.request(
    `mutation create_user($input: core_user_create_user_input!) { core_user_create_user(input: $input) { user { id } } }`,
    {
      input: {
        username,
        email: `${username}@example.invalid`,
        firstname: 'Again',
        lastname: 'Again',
        password: 'not-in-any-message',
      },
    },
  );
  throw new Error('a duplicate username should have been refused');
} catch (error) {
  if (!(error instanceof TotaraError)) throw error;
  console.log(`Refused as expected: ${error.code}`);
  if (error.message.includes('not-in-any-message')) throw new Error('a variable leaked into the message');
}
await sandbox?.close();
