import { describe, expect, it } from 'vitest';
import { backoff } from './backoff.js';

describe('backoff', () => {
  it('doubles from the base and stops at the cap', () => {
    const d = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoff(n, { baseMs: 100, maxMs: 5_000 }));
    expect(d).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  });

  it('treats attempt 0 or less as the first and never overflows', () => {
    expect(backoff(0)).toBe(500);
    expect(backoff(-3)).toBe(500);
    expect(backoff(10_000)).toBe(30_000);
  });

  it('with jitter stays within [d/2, d)', () => {
    expect(backoff(3, { baseMs: 100, random: () => 0 })).toBe(200);
    expect(backoff(3, { baseMs: 100, random: () => 0.999 })).toBe(399);
    expect(backoff(50, { maxMs: 1000, random: () => 0.5 })).toBe(750);
  });
});
