import { afterEach, describe, expect, it, vi } from 'vitest';
import { longTimeout, MAX_TIMER_MS } from './long-timeout.js';

afterEach(() => void vi.useRealTimers());

describe('longTimeout', () => {
  it('a delay above the int32 timer limit waits the whole delay (plain setTimeout fires after 1 ms)', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    const days40 = 40 * 24 * 3600 * 1000;
    expect(days40).toBeGreaterThan(MAX_TIMER_MS);
    longTimeout(fired, days40);
    vi.advanceTimersByTime(1000);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(MAX_TIMER_MS);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(days40 - MAX_TIMER_MS - 1001);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('short delays fire on time; clear() stops it, also between chunks', () => {
    vi.useFakeTimers();
    const a = vi.fn();
    longTimeout(a, 50);
    vi.advanceTimersByTime(50);
    expect(a).toHaveBeenCalledTimes(1);
    const b = vi.fn();
    const t = longTimeout(b, 100, 30);
    vi.advanceTimersByTime(40);
    t.clear();
    vi.advanceTimersByTime(200);
    expect(b).not.toHaveBeenCalled();
  });
});
