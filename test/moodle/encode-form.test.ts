/**
 * The one-pass encoder that call() uses must write exactly what the pair-based encoder writes (the documented
 * `encodePairs(flattenParams(...))`), count fields as PHP's max_input_vars does, and fail the same way.
 */
import { describe, expect, it } from 'vitest';
import { countFields, encodeForm, encodePairs, flattenParams } from '../../src/moodle/call/encode.js';
import { seeded } from './random.js';

const STRINGS = ['', 'ann', 'a b', 'x&y=z', 'é文', '100%', 'a+b', '~._-', '[0]', 'line\nbreak', '😀'];
const NUMBERS = [0, -0, 7, -12, 1.5, 1e21, 1.5e-7, 2 ** 53, 2 ** 53 + 2, -2.5e-8, 0.1];
const KEYS = ['id', 'user name', 'a.b', 'é', 'x%5B', '0', '12', 'z'];

function value(next: () => number, depth: number): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const kind = Math.floor(next() * (depth > 3 ? 6 : 9));
  switch (kind) {
    case 0:
      return pick(STRINGS);
    case 1:
      return pick(NUMBERS);
    case 2:
      return next() < 0.5;
    case 3:
      return next() < 0.5 ? null : undefined;
    case 4:
      return BigInt(Math.floor(next() * 1e6));
    case 5:
      return new Date(Math.floor(next() * 2e12));
    case 6:
    case 7:
      return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = Math.floor(next() * 4); i > 0; i--) out[pick(KEYS)] = value(next, depth + 1);
      return out;
    }
  }
}

function outcome(run: () => unknown): unknown {
  try {
    return { ok: run() };
  } catch (error) {
    const e = error as { code?: string; message: string; details?: unknown };
    return { code: e.code, message: e.message, details: e.details };
  }
}

describe('encodeForm', () => {
  it('writes the same bytes as encodePairs(flattenParams()) and counts the same fields, over 2,000 generated inputs', () => {
    const next = seeded(20_251_121);
    for (let i = 0; i < 2000; i++) {
      const params: Record<string, unknown> = {};
      for (let k = Math.floor(next() * 4); k > 0; k--) params[`p${k}`] = value(next, 0);
      const pairs = flattenParams(params);
      const form = encodeForm(params);
      expect(form.body, JSON.stringify(pairs)).toBe(encodePairs(pairs));
      expect(form.fields).toBe(pairs.length);
      expect(countFields(params)).toBe(pairs.length);
    }
  });

  it('fails as flattenParams does: same code, message and path', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = { d: deep };
    const bad: Array<Record<string, unknown>> = [
      { a: { b: [1, Number.NaN] } },
      { a: [new Date(Number.NaN)] },
      { a: { fn: () => 1 } },
      { a: [{ 'x[y]': 1 }] },
      { 'a.b': 1 },
      { a: [Symbol('s')] },
      { deep },
    ];
    for (const params of bad) {
      const expected = outcome(() => flattenParams(params));
      expect(expected).toHaveProperty('code');
      expect(outcome(() => encodeForm(params).body)).toEqual(expected);
    }
  });
});
