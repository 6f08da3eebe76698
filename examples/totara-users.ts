/**
 * Check a Totara site and list its users page by page, with page sizes chosen to stay under Totara's complexity
 * limit. Run: npx tsx examples/totara-users.ts
 * On the local sandbox as it is; on your site with MTS_TOTARA_URL, MTS_TOTARA_CLIENT_ID and MTS_TOTARA_CLIENT_SECRET set.
 */

import { startSandbox } from 'moodle-totara-sdk/sandbox';
import { TotaraClient, TotaraValidationError } from 'moodle-totara-sdk/totara';

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

const { expiresAt } = await totara.token();
console.log(`Token valid until ${expiresAt.toISOString()}`);

const status = await totara.request<{ totara_webapi_status: { status: string } }>(
  'query status_check { totara_webapi_status { status } }',
);
console.log(`API status: ${status.totara_webapi_status.status}`);

// Operation names must be lower snake_case: Totara refuses others, so the client checks before sending.
const USERS = `query all_users($query: core_user_users_query) {
  core_user_users(query: $query) { items { id username suspended } }
}`;

let active = 0;
let suspended = 0;
for await (const user of totara.paginate<{ id: string; username: string; suspended: boolean }>(USERS)) {
  if (user.suspended) suspended++;
  else active++;
}
console.log(`${active} active and ${suspended} suspended users`);

const firstFive = await totara.paginate<{ username: string }>(USERS).toArray({ limit: 5 });
console.log(`First five: ${firstFive.map((u) => u.username).join(', ')}`);

// Totara drops a field it does not know and answers 200 without an error; the client checks first and sends nothing.
try {
  await totara.request('query typo_check { totara_webapi_status { stauts } }');
  throw new Error('a misspelt field should have been refused before sending');
} catch (error) {
  if (!(error instanceof TotaraValidationError)) throw error;
  console.log(`Refused before sending (${error.code}): ${error.message.split('\n')[1]?.trim()}`);
}

await sandbox?.close();
