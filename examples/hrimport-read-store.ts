/**
 * Read back a file Totara archived in csv/store/ (`<time>.<element>.csv`) and print a template for a customer.
 * Run: npx tsx examples/hrimport-read-store.ts
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { elementTemplate, readElementFile, resolveSettings } from 'moodle-totara-sdk/hrimport';

const dir = await mkdtemp(join(tmpdir(), 'hrimport-store-'));
try {
  const store = join(dir, 'csv', 'store');
  await mkdir(store, { recursive: true });
  const path = join(store, '1714521600.org.csv');
  await writeFile(
    path,
    'idnumber;fullname;frameworkidnumber;parentidnumber;timemodified;deleted\nORG1;Head office;FW1;;0;0\nORG2;"North; and West";FW1;ORG1;0;0\n',
  );

  const file = await readElementFile(path); // delimiter detected from the header
  console.log(`${file.element} file picked up at ${new Date((file.storedAt ?? 0) * 1000).toISOString()}`);
  for await (const { row, values } of file.records())
    console.log(row, values.idnumber, values.fullname, values.parentidnumber || '(top)');

  const template = elementTemplate('jobassignment', resolveSettings({ dateFormat: 'Y-m-d' }));
  console.log(template.csv.trim());
} finally {
  await rm(dir, { recursive: true, force: true });
}
