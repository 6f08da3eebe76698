/**
 * Connect to a Moodle site and print who you are and what the site offers.
 * Run: npx tsx examples/moodle-site-info.ts
 * On the local sandbox as it is; on your site with MTS_MOODLE_URL and MTS_MOODLE_TOKEN set.
 */
import { MoodleClient } from 'moodle-totara-sdk/moodle';
import { startSandbox } from 'moodle-totara-sdk/sandbox';

// Your site from MTS_MOODLE_URL and MTS_MOODLE_TOKEN; with neither set, the local sandbox (nothing to set up).
const { MTS_MOODLE_URL: siteUrl, MTS_MOODLE_TOKEN: siteToken } = process.env;
if (Boolean(siteUrl) !== Boolean(siteToken)) {
  console.error(
    'Set both MTS_MOODLE_URL and MTS_MOODLE_TOKEN for your site, or neither for the local sandbox.',
  );
  process.exit(2);
}
const sandbox = siteUrl ? undefined : await startSandbox();
const moodle = new MoodleClient({
  url: siteUrl ?? sandbox?.moodle.url ?? '',
  token: siteToken ?? sandbox?.moodle.token,
});
const site = await moodle.call('core_webservice_get_site_info');
console.log(`${site.sitename} (${site.release ?? 'unknown release'}) as ${site.fullname}`);
console.log(`${site.functions.length} functions in this token's service`);
await sandbox?.close();
