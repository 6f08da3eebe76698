/** bench/totara: codegen speed (codegen.ts) and auto-pagination throughput (pagination.ts). */
import codegen from './codegen.js';
import pagination from './pagination.js';

export default async function bench(): Promise<void> {
  await codegen();
  await pagination();
}
