export default async function bench(): Promise<void> {
  process.stdout.write('not written yet\n');
}
