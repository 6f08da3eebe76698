/**
 * Several reads in one request (tool_mobile_call_external_functions, falling back to one by one), then download
 * the first file of a course as a stream. Run: npx tsx examples/moodle-batch-and-files.ts [COURSEID]
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
const courseid = Number(process.argv[2] ?? 2);

const batch = await moodle.batch([
  { fn: 'core_webservice_get_site_info' },
  { fn: 'core_course_get_contents', params: { courseid } },
]);
console.log(
  `${batch.ran} of ${batch.results.length} calls ran ${batch.native ? 'in one request' : 'one by one'}`,
);
for (const outcome of batch.results) {
  if (outcome.status === 'error') console.log(`${outcome.fn} failed: ${outcome.error.message}`);
}

const contents = await moodle.call('core_course_get_contents', { courseid });
const file = contents
  .flatMap((s) => s.modules)
  .flatMap((m) => m.contents ?? [])
  .find((c) => c.fileurl);
if (file?.fileurl) {
  const download = await moodle.download(file.fileurl);
  let bytes = 0;
  for await (const chunk of download.stream) bytes += (chunk as Buffer).length;
  console.log(`downloaded ${download.filename}: ${bytes} bytes`);
} else {
  console.log('no file in that course');
}
await sandbox?.close();
