// Runs the staleness decision against the live state: periodically and after every result. Each transition is
// logged once (`target.stale` / `target.recovered`), recorded in the state's events, marked on the target and
// handed to the notifier (which sends the alert and the recovery).
import { errorMessage, StalenessCheckError, targetName } from '@baqup/core';
import type { DesiredState, Logger } from '@baqup/core';
import type { NotifyEvent } from '@baqup/notify';
import { scheduleEntries } from '@baqup/scheduler';
import type { StateStore } from '@baqup/state';
import { decideStaleness, type StalenessInput, type StaleTransition } from './staleness.js';

export interface StaleWatchOptions {
  store: StateStore;
  desired: () => DesiredState;
  timezone: string;
  /** Config `staleness_factor`. */
  factor: number;
  logger: Logger;
  notify: (event: NotifyEvent) => unknown;
  /** Period of the background check; default 30 s. */
  intervalMs?: number;
  now?: () => Date;
}

export interface StaleWatch {
  /** Decide now (also called by the timer). */
  check(): void;
  stop(): void;
}

export function staleInputs(desired: DesiredState, store: StateStore, timezone: string): StalenessInput[] {
  const targets = store.snapshot().targets;
  const inputs: StalenessInput[] = [];
  for (const e of scheduleEntries(desired, timezone)) {
    const state = targets.get(e.key);
    if (!e.cron || !e.schedule || !state) continue;
    inputs.push({
      key: e.key,
      container: e.container.containerName,
      target: targetName(e.target),
      schedule: e.schedule.name,
      cron: e.cron,
      discoveredAt: state.discoveredAt,
      ...(state.lastSuccess ? { lastSuccess: state.lastSuccess } : {}),
    });
  }
  return inputs;
}

export function startStaleWatch(o: StaleWatchOptions): StaleWatch {
  const now = o.now ?? (() => new Date());
  let stale = new Map<string, number>();

  const announce = (t: StaleTransition) => {
    const { key, container, target, schedule, lastSuccess } = t.input;
    const fields = { container, target, schedule };
    if (t.kind === 'target.stale') {
      const since = lastSuccess ? `since ${lastSuccess.toISOString()}` : 'since it was discovered';
      const reason = `no successful backup ${since} (allowed: ${Math.round(t.allowedMs / 1000)} s)`;
      o.logger.warn(`target is stale: ${reason}`, { event: 'target.stale', ...fields, last_success: lastSuccess?.toISOString() ?? null, allowed_ms: t.allowedMs });
      o.store.setTargetStale(key, true);
      o.store.recordEvent({ event: 'target.stale', ...fields, message: reason });
      o.notify({ kind: 'target.stale', container, target: key, schedule, reason });
    } else {
      o.logger.info('target has a fresh backup again', { event: 'target.recovered', ...fields, failing_for_ms: t.forMs });
      o.store.setTargetStale(key, false);
      o.store.recordEvent({ event: 'target.recovered', ...fields, message: 'fresh backup again' });
      o.notify({ kind: 'target.recovered', container, target: key, schedule });
    }
  };

  const check = () => {
    try {
      const decision = decideStaleness(stale, staleInputs(o.desired(), o.store, o.timezone), now(), { factor: o.factor, timezone: o.timezone });
      stale = decision.stale;
      for (const t of decision.transitions) announce(t);
    } catch (err) {
      // A broken check must not take the controller down; it is retried on the next tick.
      o.logger.error('staleness check failed', { error: new StalenessCheckError(errorMessage(err), { cause: err }) });
    }
  };
  const timer = setInterval(check, o.intervalMs ?? 30_000);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
