// When is a target stale? Pure: the caller passes the clock, the targets and what was stale before; the answer is
// the new stale set and the transitions to announce (each exactly once: stale when it starts, recovered when it ends).
import { nextRunTimes } from '@baqup/scheduler';

export interface StalenessInput {
  /** targetKey: `container/type-instance`. */
  key: string;
  container: string;
  /** `type-instance`, as log lines carry it. */
  target: string;
  schedule: string;
  /** The effective cron expression (normalised, as the scheduler runs it). */
  cron: string;
  lastSuccess?: Date;
  /** When the controller first saw the target: a target that never succeeded counts from here. */
  discoveredAt: Date;
}

export interface StaleTransition {
  kind: 'target.stale' | 'target.recovered';
  input: StalenessInput;
  /** The allowance that was exceeded (interval × factor), in ms. */
  allowedMs: number;
  /** How long the target had gone without a success when it turned stale, or was stale for when it recovered. */
  forMs: number;
}

export interface StalenessDecision {
  stale: Map<string, number>;
  transitions: StaleTransition[];
}

/**
 * Time between two consecutive runs of `cron`, measured at the first two runs after `after` (so a weekday-only
 * schedule measured on a Friday allows for the weekend). Undefined for an expression that does not parse or has one run.
 */
export function scheduleIntervalMs(cron: string, tz: string, after: Date, seed?: string): number | undefined {
  try {
    const [a, b] = nextRunTimes(cron, { tz, after, ...(seed ? { seed } : {}) }, 2);
    return a && b ? b.getTime() - a.getTime() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `previous` maps stale target keys to the time they turned stale. A target is stale when the time since its last
 * success (or its discovery) exceeds interval × factor; targets that disappeared are dropped without a transition.
 */
export function decideStaleness(
  previous: ReadonlyMap<string, number>,
  targets: readonly StalenessInput[],
  now: Date,
  opts: { factor: number; timezone: string },
): StalenessDecision {
  const stale = new Map<string, number>();
  const transitions: StaleTransition[] = [];
  for (const input of targets) {
    const since = input.lastSuccess ?? input.discoveredAt;
    const interval = scheduleIntervalMs(input.cron, opts.timezone, since, input.key);
    if (interval === undefined) continue;
    const allowedMs = interval * opts.factor;
    const ageMs = now.getTime() - since.getTime();
    const was = previous.get(input.key);
    if (ageMs > allowedMs) {
      stale.set(input.key, was ?? now.getTime());
      if (was === undefined) transitions.push({ kind: 'target.stale', input, allowedMs, forMs: ageMs });
    } else if (was !== undefined) {
      transitions.push({ kind: 'target.recovered', input, allowedMs, forMs: now.getTime() - was });
    }
  }
  return { stale, transitions };
}
