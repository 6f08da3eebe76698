// The floor of writing a rewritten copy of a backup: `inflate` reads a tar.gz through Node's zlib with 1 MiB
// buffers and writes what it inflates to OUT; `copy` reads any file and writes it to OUT. Plain JavaScript, run by
// `node` alone. Usage: node write-floor.mjs inflate|copy IN OUT
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

const [mode, input, output] = process.argv.slice(2);
const read = createReadStream(input, { highWaterMark: 1 << 20 });
const write = createWriteStream(output, { highWaterMark: 16 << 20 });
if (mode === 'inflate') await pipeline(read, createGunzip({ chunkSize: 1 << 20 }), write);
else await pipeline(read, write);
