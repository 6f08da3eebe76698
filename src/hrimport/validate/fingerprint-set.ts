/**
 * A set of string fingerprints (52-bit hashes) in one flat Float64Array: about 11 bytes per entry, so duplicate
 * checks over a million rows fit in a few tens of megabytes. A false "already seen" needs two different strings
 * with the same 52-bit hash (about 1 in 10^4 for three million entries).
 */
export class FingerprintSet {
  #table: Float64Array;
  #mask: number;
  #size = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity * 2) capacity *= 2;
    this.#table = new Float64Array(capacity);
    this.#mask = capacity - 1;
  }

  /** Entries held. */
  get size(): number {
    return this.#size;
  }

  /** Adds `key` (tagged by `kind`); returns false when it was already there. */
  add(kind: number, key: string): boolean {
    const hash = fingerprint(kind, key);
    if (this.#size * 5 >= this.#table.length * 4) this.#grow();
    return this.#insert(hash);
  }

  /** True when `key` (tagged by `kind`) was added. */
  has(kind: number, key: string): boolean {
    const hash = fingerprint(kind, key);
    const table = this.#table;
    let index = slotOf(hash) & this.#mask;
    for (;;) {
      const slot = table[index] as number;
      if (slot === 0) return false;
      if (slot === hash) return true;
      index = (index + 1) & this.#mask;
    }
  }

  #insert(hash: number): boolean {
    const table = this.#table;
    let index = slotOf(hash) & this.#mask;
    for (;;) {
      const slot = table[index] as number;
      if (slot === 0) {
        table[index] = hash;
        this.#size++;
        return true;
      }
      if (slot === hash) return false;
      index = (index + 1) & this.#mask;
    }
  }

  #grow(): void {
    const old = this.#table;
    this.#table = new Float64Array(old.length * 2);
    this.#mask = this.#table.length - 1;
    this.#size = 0;
    for (const hash of old) if (hash !== 0) this.#insert(hash);
  }
}

/** The home slot of a fingerprint: its upper 32 bits as an integer (cheaper than a float modulo). */
export function slotOf(hash: number): number {
  return (hash / 0x200000) | 0;
}

/** A 52-bit fingerprint of `key` in namespace `kind`; never 0. */
export function fingerprint(kind: number, key: string): number {
  let h1 = 0x811c9dc5 ^ kind;
  let h2 = 0x9e3779b9 ^ Math.imul(kind, 0x27d4eb2d);
  for (let i = 0; i < key.length; i++) {
    const ch = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 0x01000193);
    h2 = Math.imul(h2 ^ ch, 0x5bd1e995);
    h2 ^= h2 >>> 13;
  }
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  h2 ^= h2 >>> 16;
  h2 = Math.imul(h2, 0x7feb352d);
  h2 ^= h2 >>> 15;
  const value = (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
  return value === 0 ? 1 : value;
}
