import { describe, expect, it } from 'vitest';
import { due, flushPending, initialDecisionState, nextDueAt, observe, type DecisionState, type NotifyPolicy } from './decide.js';
import type { NotifyEvent } from './events.js';

const policy: NotifyPolicy = { failures: true, successes: false, windowMs: 5_000, maxDelayMs: 60_000, digestIntervalMs: 0 };
const fail = (target: string, code = 'BAQUP_DUMP_FAILED'): NotifyEvent => ({
  kind: 'result', container: target.split('/')[0]!, target, schedule: 'daily', success: false, error: { code, message: 'boom' },
});
const ok = (target: string): NotifyEvent => ({ kind: 'result', container: target.split('/')[0]!, target, schedule: 'daily', success: true });

/** Feeds events at the given times, then runs `due` at `at`; returns the batches' (event,target) pairs. */
function run(p: NotifyPolicy, steps: Array<[number, NotifyEvent]>, at: number, start?: DecisionState) {
  let state = start ?? initialDecisionState(0, p);
  for (const [time, event] of steps) state = observe(state, event, time, p);
  const result = due(state, at, p);
  return { state: result.state, batches: result.batches.map((b) => ({ kind: b.kind, items: b.items.map((i) => `${i.event} ${i.target}`) })) };
}

describe('state changes', () => {
  it('ok→failed sends; failed→failed again does not', () => {
    const first = run(policy, [[0, ok('db/pg-main')], [1_000, fail('db/pg-main')]], 6_000);
    expect(first.batches).toEqual([{ kind: 'alert', items: ['job.failed db/pg-main'] }]);
    const again = run(policy, [[100_000, fail('db/pg-main')]], 200_000, first.state);
    expect(again.batches).toEqual([]);
    expect(again.state.targets.get('db/pg-main')).toMatchObject({ status: 'failed', since: 1_000 });
  });

  it('a first-ever failure sends (no earlier state); a first success sends nothing without on_success', () => {
    expect(run(policy, [[0, fail('a/x')]], 5_000).batches).toHaveLength(1);
    expect(run(policy, [[0, ok('a/x')]], 5_000).batches).toEqual([]);
  });

  it('failed→ok sends a recovery to failure listeners, and a success only when successes are wanted', () => {
    const failed = run(policy, [[0, fail('a/x')]], 5_000).state;
    expect(run(policy, [[10_000, ok('a/x')]], 15_000, failed).batches).toEqual([{ kind: 'alert', items: ['target.recovered a/x'] }]);
    const both = { ...policy, successes: true };
    const failed2 = run(both, [[0, fail('a/x')]], 5_000).state;
    expect(run(both, [[10_000, ok('a/x')]], 15_000, failed2).batches[0]!.items).toEqual(['target.recovered a/x', 'job.succeeded a/x']);
    // ok→ok with on_success: every success is reported.
    const okState = run(both, [[20_000, ok('a/x')]], 25_000, failed2).state;
    expect(run(both, [[30_000, ok('a/x')]], 35_000, okState).batches[0]!.items).toEqual(['job.succeeded a/x']);
  });

  it('stale follows the same rule; recovered while ok says nothing; failed then stale stays one problem', () => {
    const stale: NotifyEvent = { kind: 'target.stale', container: 'a', target: 'a/x', reason: 'no backup for 2d' };
    const recovered: NotifyEvent = { kind: 'target.recovered', container: 'a', target: 'a/x' };
    const s1 = run(policy, [[0, stale]], 5_000);
    expect(s1.batches[0]!.items).toEqual(['target.stale a/x']);
    expect(run(policy, [[6_000, stale]], 20_000, s1.state).batches).toEqual([]);
    expect(run(policy, [[6_000, recovered]], 20_000, s1.state).batches[0]!.items).toEqual(['target.recovered a/x']);
    expect(run(policy, [[0, recovered]], 20_000).batches).toEqual([]);
    const f = run(policy, [[0, fail('a/x')]], 5_000).state;
    expect(run(policy, [[6_000, stale]], 20_000, f).batches).toEqual([]);
    expect(run(policy, [[6_000, stale]], 20_000, f).state.targets.get('a/x')?.status).toBe('failed');
  });

  it('a container left stopped alerts once (not per retry) and its start afterwards is a recovery', () => {
    const down: NotifyEvent = { kind: 'container.start_failed', container: 'db', attempts: 1, error: { code: 'BAQUP_DUMP_RESTART_FAILED', message: 'engine down' } };
    const failed = run(policy, [[0, down], [2_000, { ...down, attempts: 2 }]], 7_000);
    expect(failed.batches).toEqual([{ kind: 'alert', items: ['container.start_failed db/container-start'] }]);
    expect(run(policy, [[20_000, { ...down, attempts: 5 }]], 30_000, failed.state).batches).toEqual([]);
    const up = run(policy, [[40_000, { kind: 'container.started', container: 'db', attempts: 5 }]], 45_000, failed.state);
    expect(up.batches).toEqual([{ kind: 'alert', items: ['container.started db/container-start'] }]);
    // Started while it was never reported down: nothing.
    expect(run(policy, [[0, { kind: 'container.started', container: 'db' }]], 10_000).batches).toEqual([]);
  });

  it('prefixes a bare target with its container', () => {
    const event: NotifyEvent = { kind: 'result', container: 'db', target: 'postgres-main', success: false };
    expect(run(policy, [[0, event]], 5_000).batches[0]!.items).toEqual(['job.failed db/postgres-main']);
  });

  it('does nothing when nobody listens for failures', () => {
    expect(run({ ...policy, failures: false }, [[0, fail('a/x')]], 5_000).batches).toEqual([]);
  });
});

describe('coalescing', () => {
  it('200 targets failing within seconds of each other become one batch', () => {
    const steps: Array<[number, NotifyEvent]> = Array.from({ length: 200 }, (_, i) => [i * 100, fail(`c${i}/pg-main`)]);
    const state = steps.reduce((s, [t, e]) => observe(s, e, t, policy), initialDecisionState(0, policy));
    expect(nextDueAt(state, policy)).toBe(19_900 + 5_000);
    expect(due(state, 24_899, policy).batches).toEqual([]);
    const { batches } = due(state, 24_900, policy);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.items).toHaveLength(200);
  });

  it('a steady trickle still goes out maxDelayMs after the first item', () => {
    // One failure every 3 s for 2 minutes: the 5 s quiet window never closes, the 60 s cap does.
    let state = initialDecisionState(0, policy);
    const sent: Array<[number, number]> = [];
    for (let t = 0; t <= 130_000; t += 1_000) {
      if (t % 3_000 === 0 && t <= 120_000) state = observe(state, fail(`c${t}/x`), t, policy);
      const r = due(state, t, policy);
      state = r.state;
      for (const b of r.batches) sent.push([t, b.items.length]);
    }
    expect(sent).toEqual([[60_000, 21], [123_000, 20]]);
    expect(state.pending).toEqual([]);
  });

  it('a failure healed inside the window cancels out; one line per target and kind', () => {
    const both = { ...policy, successes: true };
    const r = run(both, [[0, ok('a/x')], [1_000, fail('a/x')], [2_000, ok('a/x')], [3_000, ok('a/x')]], 10_000);
    expect(r.batches).toEqual([{ kind: 'alert', items: ['job.succeeded a/x'] }]);
  });

  it('flushPending sends what is held now', () => {
    const held = observe(initialDecisionState(0, policy), fail('a/x'), 0, policy);
    expect(flushPending(held).batches[0]!.items).toHaveLength(1);
    expect(flushPending(flushPending(held).state).batches).toEqual([]);
  });
});

describe('digest', () => {
  const daily = { ...policy, digestIntervalMs: 86_400_000 };
  it('lists the targets still failing once per interval, and nothing when all are fine', () => {
    let state = initialDecisionState(0, daily);
    state = observe(state, fail('b/y'), 1_000, daily);
    state = observe(state, fail('a/x'), 2_000, daily);
    state = observe(state, ok('c/z'), 3_000, daily);
    state = due(state, 10_000, daily).state; // the burst
    expect(nextDueAt(state, daily)).toBe(86_400_000);
    const first = due(state, 86_400_000, daily);
    expect(first.batches).toEqual([
      {
        kind: 'digest',
        items: [
          expect.objectContaining({ event: 'job.failed', target: 'a/x', since: 2_000, error: { code: 'BAQUP_DUMP_FAILED', message: 'boom' } }),
          expect.objectContaining({ event: 'job.failed', target: 'b/y', since: 1_000 }),
        ],
      },
    ]);
    expect(nextDueAt(first.state, daily)).toBe(172_800_000);
    let healed = observe(first.state, ok('a/x'), 100_000_000, daily);
    healed = observe(healed, ok('b/y'), 100_000_000, daily);
    healed = due(healed, 100_010_000, daily).state;
    expect(due(healed, 172_800_000, daily).batches).toEqual([]);
  });

  it('is off when the interval is 0', () => {
    const state = observe(initialDecisionState(0, policy), fail('a/x'), 0, policy);
    expect(nextDueAt(due(state, 5_000, policy).state, policy)).toBeUndefined();
  });
});
