/**
 * Fuzzing: real backups (and generated ones when ../shared is absent) mutated at the byte level, both in their
 * compressed form and inside the tar before recompression. Every run must end, within a deadline, in a result or
 * an MtsError with a code; never a crash, a foreign exception or a hang. Seeded, bounded in count and time.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MtsError } from '../../src/core/errors.js';
import { inspectBackup, verifyBackup } from '../../src/mbz/index.js';
import { hasFixtures } from '../helpers/fixtures.js';
import { seededRandom } from '../helpers/random.js';
import { fixtureBackups } from './helpers/fixture-backups.js';
import { buildBackup } from './helpers/generate-backup.js';

const SEED = 0x5eed_2026;
const ITERATIONS_PER_SAMPLE = 30;
const DEADLINE_MS = 5_000;
const BUDGET_MS = 40_000;

function mutate(input: Buffer, random: () => number): { bytes: Buffer; what: string } {
  const bytes = Buffer.from(input);
  const at = Math.floor(random() * bytes.length);
  switch (Math.floor(random() * 5)) {
    case 0: {
      const n = 1 + Math.floor(random() * 8);
      for (let i = 0; i < n; i++) {
        const p = Math.floor(random() * bytes.length);
        bytes[p] = Math.floor(random() * 256);
      }
      return { bytes, what: `${n} random bytes` };
    }
    case 1:
      return { bytes: bytes.subarray(0, at), what: `truncated at ${at}` };
    case 2:
      bytes.fill(0, at, Math.min(bytes.length, at + 1 + Math.floor(random() * 600)));
      return { bytes, what: `zeroed from ${at}` };
    case 3: {
      const junk = Buffer.from(
        Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256)),
      );
      return {
        bytes: Buffer.concat([bytes.subarray(0, at), junk, bytes.subarray(at)]),
        what: `inserted at ${at}`,
      };
    }
    default: {
      const digits = Buffer.from(String(Math.floor(random() * 1e12)));
      digits.copy(bytes, at);
      return { bytes, what: `digits at ${at}` };
    }
  }
}

function samples(): { name: string; bytes: Buffer }[] {
  if (!hasFixtures) {
    return [
      { name: 'generated.tgz', bytes: buildBackup({ blobs: 3 }, 'tar.gz') },
      { name: 'generated.zip', bytes: buildBackup({ blobs: 3 }, 'zip') },
    ];
  }
  return fixtureBackups().map((file) => ({ name: basename(file), bytes: readFileSync(file) }));
}

async function settle(work: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${DEADLINE_MS} ms`)), DEADLINE_MS);
  });
  try {
    return await Promise.race([work, hang]);
  } catch (error) {
    return error;
  } finally {
    clearTimeout(timer);
  }
}

describe('fuzzing real backups', () => {
  it('answers every mutation with a result or a coded MtsError, in time', async () => {
    const random = seededRandom(SEED);
    const started = Date.now();
    const failures: string[] = [];
    let runs = 0;
    let typed = 0;
    for (const sample of samples()) {
      const gzipped = sample.bytes[0] === 0x1f;
      const inner = gzipped ? gunzipSync(sample.bytes) : undefined;
      for (let i = 0; i < ITERATIONS_PER_SAMPLE && Date.now() - started < BUDGET_MS; i++) {
        // Half the tar.gz mutations go inside the gzip layer, so the tar and XML readers see damage too.
        const deep = inner !== undefined && i % 2 === 1;
        const { bytes, what } = mutate(deep ? inner : sample.bytes, random);
        const input = deep ? gzipSync(bytes, { level: 1 }) : bytes;
        for (const operation of [inspectBackup, verifyBackup]) {
          runs++;
          const outcome = await settle(operation(input, { inventory: true }));
          if (outcome instanceof MtsError && /^[a-z]+\.[a-z_.]+$/.test(outcome.code)) typed++;
          else if (outcome instanceof Error) {
            failures.push(
              `${sample.name} ${deep ? 'tar' : 'raw'} ${what} (${operation.name}): ${outcome.stack}`,
            );
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(runs).toBeGreaterThan(50);
    expect(typed).toBeGreaterThan(0);
  }, 90_000);
});
