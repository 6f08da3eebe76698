import { assertKnownOptions, InputError } from '../../core/errors.js';
import { MbzLimitError } from '../errors.js';

/**
 * Safety limits applied while reading an archive. Defaults fit real backups of hundreds of gigabytes while
 * stopping zip and gzip bombs early.
 */
export interface MbzLimits {
  /** Most bytes of uncompressed content read from the archive in one pass (default 256 GiB). */
  maxTotalBytes?: number;
  /** Most entries in the archive (default 2,000,000). */
  maxEntries?: number;
  /** Largest XML file parsed into memory (default 256 MiB). */
  maxXmlBytes?: number;
  /** Highest uncompressed/compressed ratio tolerated once `ratioFloorBytes` have been inflated (default 200). */
  maxCompressionRatio?: number;
  /** Inflated bytes after which the ratio is enforced, so tiny compressible files never trip it (default 64 MiB). */
  ratioFloorBytes?: number;
}

/** Limits with every value filled in. */
export type ResolvedLimits = Required<MbzLimits>;

/** The default limits. */
export const DEFAULT_LIMITS: Readonly<ResolvedLimits> = Object.freeze({
  maxTotalBytes: 256 * 1024 ** 3,
  maxEntries: 2_000_000,
  maxXmlBytes: 256 * 1024 ** 2,
  maxCompressionRatio: 200,
  ratioFloorBytes: 64 * 1024 ** 2,
});

/** Merges caller limits over the defaults, rejecting unknown keys and non-positive numbers. */
export function resolveLimits(limits: MbzLimits | undefined): ResolvedLimits {
  assertKnownOptions('mbz limits', limits, Object.keys(DEFAULT_LIMITS));
  const out: ResolvedLimits = { ...DEFAULT_LIMITS, ...(limits ?? {}) };
  for (const [key, value] of Object.entries(out)) {
    if (typeof value !== 'number' || !(value > 0)) {
      throw new InputError(
        'options.invalid_value',
        `Limit ${key} must be a positive number, not ${String(value)}.`,
        {
          details: { path: `limits.${key}` },
        },
      );
    }
  }
  return out;
}

/** Counts inflated and compressed bytes of one pass and throws {@link MbzLimitError} past the limits. */
export class InflateGuard {
  readonly #limits: ResolvedLimits;
  inflated = 0;
  compressed = 0;

  constructor(limits: ResolvedLimits) {
    this.#limits = limits;
  }

  addCompressed(n: number): void {
    this.compressed += n;
  }

  /** Records `n` more inflated bytes; `path` names the entry being read, when known. */
  addInflated(n: number, path?: string): void {
    this.inflated += n;
    const limits = this.#limits;
    if (this.inflated > limits.maxTotalBytes) {
      throw new MbzLimitError(
        'mbz.total_size_limit',
        `The archive inflates past ${limits.maxTotalBytes} bytes.`,
        {
          hint: 'Raise limits.maxTotalBytes if this backup is genuinely that large.',
          details: { path, limit: limits.maxTotalBytes },
        },
      );
    }
    if (this.inflated > limits.ratioFloorBytes && this.compressed > 0) {
      const ratio = this.inflated / this.compressed;
      if (ratio > limits.maxCompressionRatio) {
        throw new MbzLimitError(
          'mbz.compression_ratio_limit',
          `The archive inflates ${Math.round(ratio)}x (limit ${limits.maxCompressionRatio}x): it looks like a decompression bomb.`,
          {
            hint: 'Raise limits.maxCompressionRatio only if you trust where this file came from.',
            details: { path, ratio: Math.round(ratio), limit: limits.maxCompressionRatio },
          },
        );
      }
    }
  }
}
