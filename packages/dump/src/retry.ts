// Archive API calls are retried (the spec's "retry 3x with backoff"); only errors marked retryable are.
import { setTimeout as sleep } from 'node:timers/promises';
import { BaqupError } from '@baqup/core';
import { backoff } from '@baqup/docker';

export interface RetryOptions {
  /** Retries after the first attempt; default 3. */
  retries?: number;
  /** First delay in ms; default 500 (then 1 s, 2 s). */
  baseMs?: number;
  signal?: AbortSignal;
}

/** True when trying again may help: a retryable BaqupError (archive, unreachable, 5xx), never a 404 or an abort. */
export function isRetryable(err: unknown): boolean {
  return err instanceof BaqupError && err.retryable;
}

export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= retries || !isRetryable(err) || options.signal?.aborted) throw err;
      await sleep(backoff(attempt + 1, { baseMs: options.baseMs ?? 500, random: Math.random }), undefined, {
        signal: options.signal,
      });
    }
  }
}
