import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RETRY_POLICY, decideRetry, parseRetryAfter } from '../../src/core/retry.js';

describe('retry policy', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('backs off exponentially within the ceiling, with jitter', () => {
    const p = { ...DEFAULT_RETRY_POLICY, minDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, p, () => 0)).toBe(50);
    expect(backoffDelay(1, p, () => 1)).toBe(100);
    expect(backoffDelay(3, p, () => 1)).toBe(400);
    expect(backoffDelay(10, p, () => 1)).toBe(1000);
  });

  it('retries only safe operations, only retryable statuses, and not past the limit', () => {
    const p = DEFAULT_RETRY_POLICY;
    expect(decideRetry(p, 1, { status: 503 }, false).retry).toBe(false);
    expect(decideRetry(p, 1, { status: 503 }, true).retry).toBe(true);
    expect(decideRetry(p, 1, { status: 400 }, true).retry).toBe(false);
    expect(decideRetry(p, p.retries + 1, { status: 503 }, true).retry).toBe(false);
    expect(decideRetry(p, 1, { networkError: true }, true).retry).toBe(true);
    expect(decideRetry(p, 1, { status: 429 }, true).retry).toBe(false);
    expect(decideRetry({ ...p, retry429WithoutRetryAfter: true }, 1, { status: 429 }, true).retry).toBe(true);
    expect(decideRetry(p, 1, { status: 429, retryAfterMs: 120_000 }, true).retry).toBe(false);
  });
});
