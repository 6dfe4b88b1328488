// The pure half of notify: which state changes become messages, and when a held burst is due. No timers, no I/O:
// `now` is always passed in, so tests drive it with plain numbers.
import { displayKey, type NotifyEvent } from './events.js';

export type ItemEvent = 'job.failed' | 'target.stale' | 'target.recovered' | 'job.succeeded' | 'container.start_failed' | 'container.started';

/** One line of a future message. */
export interface NotifyItem {
  event: ItemEvent;
  container: string;
  /** `container/type-instance`. */
  target: string;
  schedule?: string;
  error?: { code: string; message: string };
  /** Stale reason, when the event is `target.stale`. */
  reason?: string;
  /** When it happened (ms since epoch). */
  at: number;
  /** When the target started failing (failures, digests, recoveries). */
  since?: number;
  /** Backup size and job duration, when a job result caused the item. */
  bytes?: number;
  durationSeconds?: number;
}

export interface NotifyPolicy {
  /** Someone listens for failures (on_failure channels): failures, stale targets, recoveries and digests are produced. */
  failures: boolean;
  /** Someone listens for successes (on_success channels): every successful job is produced. */
  successes: boolean;
  /** A burst is sent once no new item arrived for this long. */
  windowMs: number;
  /** …or at the latest this long after its first item, so a steady trickle still goes out. */
  maxDelayMs: number;
  /** Digest of targets still failing every this often; 0 turns it off. */
  digestIntervalMs: number;
}

export interface TargetMemory {
  status: 'ok' | 'failed' | 'stale';
  container: string;
  schedule?: string;
  /** Start of the current status. */
  since: number;
  error?: { code: string; message: string };
  reason?: string;
}

export interface DecisionState {
  targets: ReadonlyMap<string, TargetMemory>;
  /** Items held for the current burst. */
  pending: readonly NotifyItem[];
  firstPendingAt?: number;
  lastPendingAt?: number;
  nextDigestAt?: number;
}

export type Batch = { kind: 'alert'; items: NotifyItem[] } | { kind: 'digest'; items: NotifyItem[] };

const isProblem = (status: TargetMemory['status'] | undefined) => status === 'failed' || status === 'stale';

export function initialDecisionState(now: number, policy: NotifyPolicy): DecisionState {
  return {
    targets: new Map(),
    pending: [],
    ...(policy.digestIntervalMs > 0 ? { nextDigestAt: now + policy.digestIntervalMs } : {}),
  };
}

/** Next status of a target after an event; `undefined` when the event says nothing new (recovered while ok). */
function nextStatus(event: NotifyEvent, previous: TargetMemory['status'] | undefined): TargetMemory['status'] | undefined {
  if (event.kind === 'result') return event.success ? 'ok' : 'failed';
  if (event.kind === 'container.start_failed') return 'failed';
  if (event.kind === 'target.stale') return previous === 'failed' ? 'failed' : 'stale';
  return isProblem(previous) ? 'ok' : undefined;
}

/** Holds `item`, folding it into what is already held for the same target. */
function hold(pending: readonly NotifyItem[], item: NotifyItem): NotifyItem[] {
  const same = (other: NotifyItem) => other.target === item.target;
  if (item.event === 'target.recovered' || item.event === 'container.started') {
    // Failed and healed inside one burst: nothing to alert about (a success line, if wanted, still goes out).
    const held = pending.find((other) => same(other) && (other.event === 'job.failed' || other.event === 'target.stale' || other.event === 'container.start_failed'));
    if (held) return pending.filter((other) => other !== held);
  }
  // A newer line of the same kind for the same target replaces the older one (one line per target and kind).
  return [...pending.filter((other) => !(same(other) && other.event === item.event)), item];
}

/** Records one event: remembers the target's status and holds an item when the status changed in a way someone listens for. */
export function observe(state: DecisionState, event: NotifyEvent, now: number, policy: NotifyPolicy): DecisionState {
  const key = displayKey(event);
  const previous = state.targets.get(key);
  const status = nextStatus(event, previous?.status);
  if (status === undefined) return state;
  const wasProblem = isProblem(previous?.status);
  const error = event.kind === 'result' || event.kind === 'container.start_failed' ? event.error : undefined;
  const reason = event.kind === 'target.stale' ? event.reason : undefined;
  const schedule = ('schedule' in event ? event.schedule : undefined) ?? previous?.schedule;
  const since = previous && (isProblem(status) ? wasProblem : previous.status === 'ok') ? previous.since : now;
  const memory: TargetMemory = {
    status,
    container: event.container,
    since,
    ...(schedule ? { schedule } : {}),
    ...(error ?? (status === 'failed' ? previous?.error : undefined) ? { error: error ?? previous?.error } : {}),
    ...(reason ? { reason } : {}),
  };
  const targets = new Map(state.targets).set(key, memory);

  const base = {
    container: event.container,
    target: key,
    at: now,
    ...(memory.schedule ? { schedule: memory.schedule } : {}),
    ...(event.kind === 'result' && event.bytes !== undefined && event.success ? { bytes: event.bytes } : {}),
    ...(event.kind === 'result' && event.durationSeconds !== undefined ? { durationSeconds: event.durationSeconds } : {}),
  };
  const items: NotifyItem[] = [];
  if (isProblem(status) && !wasProblem && policy.failures) {
    items.push(
      event.kind === 'container.start_failed'
        ? { ...base, event: 'container.start_failed', since, ...(error ? { error } : {}) }
        : status === 'failed'
        ? { ...base, event: 'job.failed', since, ...(error ? { error } : {}) }
        : { ...base, event: 'target.stale', since, ...(reason ? { reason } : {}) },
    );
  }
  if (status === 'ok' && wasProblem && policy.failures) {
    items.push({ ...base, event: event.kind === 'container.started' ? 'container.started' : 'target.recovered', since: previous?.since ?? now });
  }
  if (status === 'ok' && event.kind === 'result' && policy.successes) items.push({ ...base, event: 'job.succeeded' });

  if (items.length === 0) return { ...state, targets };
  const pending = items.reduce<NotifyItem[]>((held, item) => hold(held, item), [...state.pending]);
  return {
    ...state,
    targets,
    pending,
    firstPendingAt: state.pending.length > 0 ? state.firstPendingAt : now,
    lastPendingAt: now,
  };
}

/** When the held burst goes out, if anything is held. */
function burstDueAt(state: DecisionState, policy: NotifyPolicy): number | undefined {
  if (state.firstPendingAt === undefined || state.lastPendingAt === undefined) return undefined;
  return Math.min(state.lastPendingAt + policy.windowMs, state.firstPendingAt + policy.maxDelayMs);
}

/** The next time `due` has something to do, for the caller's single timer. */
export function nextDueAt(state: DecisionState, policy: NotifyPolicy): number | undefined {
  const times = [burstDueAt(state, policy), state.nextDigestAt].filter((t): t is number => t !== undefined);
  return times.length > 0 ? Math.min(...times) : undefined;
}

function takeBurst(state: DecisionState): { state: DecisionState; batch?: Batch } {
  const { firstPendingAt: _first, lastPendingAt: _last, ...rest } = state;
  const next = { ...rest, pending: [] };
  return state.pending.length > 0 ? { state: next, batch: { kind: 'alert', items: [...state.pending] } } : { state: next };
}

function digestItems(state: DecisionState, now: number): NotifyItem[] {
  const items: NotifyItem[] = [];
  for (const [target, memory] of state.targets) {
    if (!isProblem(memory.status)) continue;
    items.push({
      event: memory.status === 'failed' ? 'job.failed' : 'target.stale',
      container: memory.container,
      target,
      at: now,
      since: memory.since,
      ...(memory.schedule ? { schedule: memory.schedule } : {}),
      ...(memory.error ? { error: memory.error } : {}),
      ...(memory.reason ? { reason: memory.reason } : {}),
    });
  }
  return items.sort((a, b) => a.target.localeCompare(b.target));
}

/** Everything due at `now`: the held burst once its window closed, and the digest once its interval passed. */
export function due(state: DecisionState, now: number, policy: NotifyPolicy): { state: DecisionState; batches: Batch[] } {
  const batches: Batch[] = [];
  let next = state;
  const burstAt = burstDueAt(next, policy);
  if (burstAt !== undefined && now >= burstAt) {
    const taken = takeBurst(next);
    next = taken.state;
    if (taken.batch) batches.push(taken.batch);
  }
  if (next.nextDigestAt !== undefined && now >= next.nextDigestAt) {
    const items = policy.failures ? digestItems(next, now) : [];
    if (items.length > 0) batches.push({ kind: 'digest', items });
    next = { ...next, nextDigestAt: now + policy.digestIntervalMs };
  }
  return { state: next, batches };
}

/** The held burst now, whatever its window says (shutdown, tests). */
export function flushPending(state: DecisionState): { state: DecisionState; batches: Batch[] } {
  const taken = takeBurst(state);
  return { state: taken.state, batches: taken.batch ? [taken.batch] : [] };
}
