/**
 * Duplicate detection over millions of keys in a few megabytes: each key's 52-bit fingerprint and row go to one
 * of 16 bucket files on disk as rows stream by; at the end each bucket is read back and sorted on its own, and
 * equal fingerprints give the duplicate rows, with the row of the first occurrence.
 */
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint, slotOf } from './fingerprint-set.js';

const BUCKETS = 16;
const ENTRY = 12; // float64 fingerprint + uint32 (kind << 28 | row)
const BUFFER = 64 * 1024 - ((64 * 1024) % ENTRY);
const MAX_ROW = 0x0fffffff;

/** A repeated key: its kind, the row that repeats it and the row where it first appeared. */
export interface SpilledDuplicate {
  kind: number;
  row: number;
  firstRow: number;
}

/** Appends fingerprints to bucket files; {@link SpillDeduper.duplicates} finds the repeats. */
export class SpillDeduper {
  readonly #dir: string;
  readonly #files: number[] = [];
  readonly #buffers: Buffer[] = [];
  readonly #used = new Uint32Array(BUCKETS);
  #closed = false;

  constructor(parent: string = tmpdir()) {
    this.#dir = mkdtempSync(join(parent, 'mts-hrimport-keys-'));
    for (let i = 0; i < BUCKETS; i++) {
      this.#files.push(openSync(join(this.#dir, String(i)), 'w+'));
      this.#buffers.push(Buffer.allocUnsafe(BUFFER));
    }
  }

  /** Records `key` (namespace `kind`, 0..15) seen on `row`. */
  add(kind: number, key: string, row: number): void {
    const hash = fingerprint(kind, key);
    const bucket = (slotOf(hash) >>> 28) & (BUCKETS - 1);
    const buffer = this.#buffers[bucket] as Buffer;
    let used = this.#used[bucket] as number;
    buffer.writeDoubleLE(hash, used);
    buffer.writeUInt32LE(((kind & 15) << 28) | Math.min(row, MAX_ROW), used + 8);
    used += ENTRY;
    if (used === BUFFER) {
      writeSync(this.#files[bucket] as number, buffer, 0, used);
      used = 0;
    }
    this.#used[bucket] = used;
  }

  /** Every repeat, bucket by bucket (then in row order within a bucket); releases the files afterwards. */
  *duplicates(): Generator<SpilledDuplicate> {
    try {
      const sizes: number[] = [];
      for (let bucket = 0; bucket < BUCKETS; bucket++) {
        const used = this.#used[bucket] as number;
        if (used > 0) writeSync(this.#files[bucket] as number, this.#buffers[bucket] as Buffer, 0, used);
        this.#used[bucket] = 0;
        sizes.push(fstatSync(this.#files[bucket] as number).size);
      }
      // One set of scratch arrays, sized for the largest bucket, serves every bucket: memory stays at one bucket.
      const largest = Math.max(...sizes);
      const data = Buffer.allocUnsafe(largest);
      const hashes = new Float64Array(Math.floor(largest / ENTRY));
      const sorted = new Float64Array(hashes.length);
      for (let bucket = 0; bucket < BUCKETS; bucket++) {
        const bytes = sizes[bucket] as number;
        const n = Math.floor(bytes / ENTRY);
        if (n < 2) continue;
        for (let done = 0; done < bytes; ) {
          const read = readSync(this.#files[bucket] as number, data, done, bytes - done, done);
          if (read === 0) break;
          done += read;
        }
        for (let i = 0; i < n; i++) hashes[i] = data.readDoubleLE(i * ENTRY);
        const view = sorted.subarray(0, n);
        view.set(hashes.subarray(0, n));
        view.sort();
        const repeated = new Set<number>();
        for (let i = 1; i < n; i++) if (view[i] === view[i - 1]) repeated.add(view[i] as number);
        if (repeated.size === 0) continue;
        const first = new Map<number, number>();
        for (let i = 0; i < n; i++) {
          const hash = hashes[i] as number;
          if (!repeated.has(hash)) continue;
          const packed = data.readUInt32LE(i * ENTRY + 8);
          const row = packed & MAX_ROW;
          const seen = first.get(hash);
          if (seen === undefined) first.set(hash, row);
          else yield { kind: packed >>> 28, row, firstRow: seen };
        }
      }
    } finally {
      this.dispose();
    }
  }

  /** Removes the bucket files. */
  dispose(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      closeSync(this.#files[bucket] as number);
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
