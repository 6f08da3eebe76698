/**
 * Connect to a Moodle site and print who you are and what the site offers.
 * Run: MTS_MOODLE_URL=https://lms.example.org MTS_MOODLE_TOKEN=... npx tsx examples/moodle-site-info.ts
 */
import { MoodleClient } from 'moodle-totara-sdk/moodle';

const moodle = new MoodleClient({
  url: process.env.MTS_MOODLE_URL ?? '',
  token: process.env.MTS_MOODLE_TOKEN,
});
const site = await moodle.call('core_webservice_get_site_info');
console.log(`${site.sitename} (${site.release ?? 'unknown release'}) as ${site.fullname}`);
console.log(`${site.functions.length} functions in this token's service`);
