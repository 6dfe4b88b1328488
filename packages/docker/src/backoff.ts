// The one retry delay used across baqup: events reconnect, archive retries, upload retries.

export interface BackoffOptions {
  /** Delay of the first retry, ms. */
  baseMs?: number;
  /** Upper bound for any delay, ms. */
  maxMs?: number;
  /** Source of randomness in [0, 1) for jitter; omit for a deterministic delay. */
  random?: () => number;
}

/**
 * Delay before retry number `attempt` (1-based, as rxjs `retry` counts): base·2^(attempt-1), capped at maxMs.
 * With `random`, "equal jitter": a delay in [d/2, d), so many clients do not reconnect in lockstep.
 */
export function backoff(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const n = Math.max(1, Math.floor(attempt));
  // Exponent capped so 2^n never overflows to Infinity for absurd attempt counts.
  const delay = Math.min(max, base * 2 ** Math.min(n - 1, 30));
  if (!options.random) return delay;
  return Math.floor(delay / 2 + (delay / 2) * options.random());
}
