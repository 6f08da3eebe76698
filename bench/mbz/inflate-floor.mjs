// The physical floor of reading a tar.gz: one pass of Node's own zlib inflating the file to nothing, with 1 MiB
// read and output buffers. Plain JavaScript, run by `node` alone, so its start-up and memory are Node's own.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

let bytes = 0;
const input = createReadStream(process.argv[2], { highWaterMark: 1 << 20 });
for await (const chunk of input.pipe(createGunzip({ chunkSize: 1 << 20 }))) bytes += chunk.length;
process.stdout.write(`${bytes}\n`);
