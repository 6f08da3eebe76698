/**
 * Several reads in one request (tool_mobile_call_external_functions, falling back to one by one), then download
 * the first file of a course as a stream. Run: npx tsx examples/moodle-batch-and-files.ts [COURSEID]
 */
import { MoodleClient } from 'moodle-totara-sdk/moodle';

const moodle = new MoodleClient({
  url: process.env.MTS_MOODLE_URL ?? '',
  token: process.env.MTS_MOODLE_TOKEN,
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
