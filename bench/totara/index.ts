/** bench/totara: codegen speed and cold tsc of its output (codegen.ts), cost-paced pagination (pagination.ts). */
import codegen from './codegen.js';
import pagination from './pagination.js';

export default async function bench(): Promise<void> {
  await pagination();
  await codegen();
}
