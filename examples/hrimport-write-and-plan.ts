/**
 * Write a Totara HR Import user file from records, check it, and see what importing it would do to the site before
 * anything runs. Run: npx tsx examples/hrimport-write-and-plan.ts (on the local sandbox as it is; on your site with
 * MTS_TOTARA_URL, MTS_TOTARA_CLIENT_ID and MTS_TOTARA_CLIENT_SECRET set).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HrImportValidationError,
  planImport,
  resolveSettings,
  totaraSiteState,
  type UserRecord,
  validateFiles,
  writeElementFile,
} from 'moodle-totara-sdk/hrimport';
import { startSandbox } from 'moodle-totara-sdk/sandbox';
import { TotaraClient } from 'moodle-totara-sdk/totara';

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
const url = siteUrl ?? sandbox?.totara.url ?? '';
const clientId = siteClient ?? sandbox?.totara.clientId ?? '';
const clientSecret = siteSecret ?? sandbox?.totara.clientSecret ?? '';

// Mirror the site's HR Import settings: the file holds only changes, so it needs the "deleted" column.
const settings = resolveSettings({ elements: { user: { sourceAllRecords: false, deleteMode: 'suspend' } } });

const people: UserRecord[] = [
  {
    idnumber: 'EMP000003',
    username: 'user3',
    timemodified: 0,
    deleted: 0,
    firstname: 'Ana',
    lastname: 'Silva',
    email: 'user3@example.invalid',
    city: 'Dunedin',
  },
  {
    idnumber: 'NEW0001',
    username: 'kiri.p',
    timemodified: 0,
    deleted: 0,
    firstname: 'Kiri',
    lastname: 'Parata',
    email: 'kiri@example.org',
    country: 'NZ',
  },
  {
    idnumber: 'EMP000004',
    username: 'user4',
    timemodified: 0,
    deleted: 1,
    firstname: '',
    lastname: '',
    email: '',
  },
];

const dir = await mkdtemp(join(tmpdir(), 'hrimport-example-'));
try {
  // A bad record is refused with its row and column, and nothing reaches csv/ready/.
  try {
    await writeElementFile(dir, 'user', [{ ...people[1], email: 'kiri@' } as UserRecord], { settings });
  } catch (error) {
    if (!(error instanceof HrImportValidationError)) throw error;
    for (const issue of error.issues) console.log(`refused: row ${issue.row} ${issue.column}: ${issue.code}`);
  }

  const written = await writeElementFile(dir, 'user', people, { settings });
  console.log(`wrote ${written.rows} rows to ${written.path}`);

  const report = await validateFiles(dir, { settings });
  console.log(`validation: ${report.errors} errors, ${report.warnings} warnings`);

  const site = totaraSiteState(new TotaraClient({ url, clientId, clientSecret }), { description: url });
  const plan = await planImport(dir, { site, settings });
  for (const element of plan.elements) {
    console.log(element.element, element.counts);
    for (const update of element.updated) console.log('  update', update.key, update.changes);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
  await sandbox?.close();
}
