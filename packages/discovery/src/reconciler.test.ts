import { Subject, firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import { describe, expect, it, vi } from 'vitest';
import type { ContainerBackupConfig, DesiredState } from '@baqup/core';
import { silentLogger } from '@baqup/core';
import { discover } from './reconciler.js';
import type { DiscoverySource, DockerTrigger, InspectedContainer } from './source.js';

function world() {
  const containers = new Map<string, InspectedContainer>();
  const triggers = new Subject<DockerTrigger>();
  const failing = new Set<string>();
  const source: DiscoverySource = {
    triggers: () => triggers,
    listIds: async () => [...containers.values()].filter((c) => c.running).map((c) => c.id),
    inspect: async (id) => {
      await new Promise((r) => setTimeout(r, 1));
      if (failing.has(id)) throw new Error(`boom ${id}`);
      return containers.get(id) ?? null;
    },
  };
  const put = (id: string, name: string, labels: Record<string, string> = { 'backup.enabled': 'true' }, running = true) =>
    containers.set(id, { id, name, image: 'img', running, labels, env: [] });
  return { containers, triggers, failing, source, put };
}

const derive = (c: InspectedContainer): ContainerBackupConfig => ({
  containerId: c.id,
  containerName: c.name,
  image: c.image,
  enabled: c.labels['backup.enabled'] === 'true',
  stop: false,
  schedules: {},
  targets: [],
  errors: c.labels['backup.enabled'] === 'true' ? [] : [{ label: 'backup.enabled', value: c.labels['backup.enabled'] ?? '', message: 'bad' }],
});

const names = (s: DesiredState) => [...s.values()].map((c) => c.containerName).sort();

function collect(source: DiscoverySource, isHeld?: (id: string) => boolean) {
  const states: DesiredState[] = [];
  const $ = discover(source, { derive, logger: silentLogger, resyncIntervalMs: 0, isHeld });
  const sub = $.subscribe((s) => states.push(s));
  const until = (pred: (s: DesiredState) => boolean) => firstValueFrom($.pipe(filter(pred)));
  return { states, sub, until, last: () => states[states.length - 1]! };
}

// Positive expectations wait for the state (a loaded machine may take longer than any fixed pause); only the
// checks that nothing more happens use a pause, where a slow machine can only make them pass, never fail.
const settle = () => new Promise((r) => setTimeout(r, 100));
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 10_000, interval: 10 });

describe('discover', () => {
  it('lists everything on resync and follows events by key', async () => {
    const w = world();
    w.put('a', 'alpha');
    w.put('b', 'beta');
    const c = collect(w.source);
    w.triggers.next({ kind: 'resync' });
    await eventually(() => expect(names(c.last())).toEqual(['alpha', 'beta']));

    w.put('c', 'gamma');
    w.triggers.next({ kind: 'event', id: 'c', action: 'start' });
    await eventually(() => expect(names(c.last())).toEqual(['alpha', 'beta', 'gamma']));

    w.containers.delete('a');
    w.triggers.next({ kind: 'event', id: 'a', action: 'destroy' });
    await eventually(() => expect(names(c.last())).toEqual(['beta', 'gamma']));
    c.sub.unsubscribe();
  });

  it('does not re-emit an unchanged config, however many events arrive', async () => {
    const w = world();
    w.put('a', 'alpha');
    const c = collect(w.source);
    w.triggers.next({ kind: 'resync' });
    await eventually(() => expect(names(c.last())).toEqual(['alpha']));
    const count = c.states.length;
    for (let i = 0; i < 10; i++) w.triggers.next({ kind: 'event', id: 'a', action: 'health_status' });
    w.triggers.next({ kind: 'resync' });
    await settle();
    expect(c.states.length).toBe(count);
    c.sub.unsubscribe();
  });

  it('keeps the others when one container fails to inspect, and lists invalid ones with their errors', async () => {
    const w = world();
    w.put('a', 'alpha');
    w.put('b', 'beta', { 'backup.enabled': 'maybe' });
    w.put('x', 'broken');
    w.failing.add('x');
    const c = collect(w.source);
    w.triggers.next({ kind: 'resync' });
    await eventually(() => expect(names(c.last())).toEqual(['alpha', 'beta']));
    expect([...c.last().values()].find((x) => x.containerName === 'beta')?.errors).toHaveLength(1);
    w.failing.delete('x');
    w.triggers.next({ kind: 'event', id: 'x', action: 'start' });
    await eventually(() => expect(names(c.last())).toEqual(['alpha', 'beta', 'broken']));
    c.sub.unsubscribe();
  });

  it('ends a compose re-create with exactly the new container', async () => {
    const w = world();
    w.put('old', 'app');
    const c = collect(w.source);
    w.triggers.next({ kind: 'resync' });
    await eventually(() => expect(names(c.last())).toEqual(['app']));
    // create tmp → stop old → destroy old → rename new → start new, events in that order and fast
    w.put('new', '1234_app', undefined, false);
    w.triggers.next({ kind: 'event', id: 'new', action: 'create' });
    w.containers.get('old')!.running = false;
    w.triggers.next({ kind: 'event', id: 'old', action: 'die' });
    w.containers.delete('old');
    w.triggers.next({ kind: 'event', id: 'old', action: 'destroy' });
    w.containers.get('new')!.name = 'app';
    w.triggers.next({ kind: 'event', id: 'new', action: 'rename' });
    w.containers.get('new')!.running = true;
    w.triggers.next({ kind: 'event', id: 'new', action: 'start' });
    await eventually(() => expect([...c.last().keys()]).toEqual(['new']));
    expect(names(c.last())).toEqual(['app']);
    c.sub.unsubscribe();
  });

  it('keeps a container that baqup itself stopped, forgets one that stopped otherwise', async () => {
    const w = world();
    w.put('a', 'held');
    w.put('b', 'plain');
    const c = collect(w.source, (id) => id === 'a');
    w.triggers.next({ kind: 'resync' });
    await eventually(() => expect(names(c.last())).toEqual(['held', 'plain']));
    w.containers.get('a')!.running = false;
    w.containers.get('b')!.running = false;
    w.triggers.next({ kind: 'event', id: 'a', action: 'die' });
    w.triggers.next({ kind: 'event', id: 'b', action: 'die' });
    await eventually(() => expect(names(c.last())).toEqual(['held']));
    c.sub.unsubscribe();
  });

  it('ignores containers without backup.enabled', async () => {
    const w = world();
    w.put('a', 'alpha', { 'com.example': 'x' });
    const c = collect(w.source);
    w.triggers.next({ kind: 'event', id: 'a', action: 'start' });
    await settle();
    expect(c.last().size).toBe(0);
    c.sub.unsubscribe();
  });

  describe('a start event with attributes', () => {
    /** A world whose inspects wait until released. */
    function gated() {
      const w = world();
      const waiting: Array<() => void> = [];
      const inspect = w.source.inspect;
      const source: DiscoverySource = {
        ...w.source,
        inspect: async (id, signal) => {
          await new Promise<void>((r) => waiting.push(r));
          return inspect(id, signal);
        },
      };
      const release = () => waiting.splice(0).forEach((r) => r());
      return { ...w, source, release, waiting };
    }
    const attrs = (name: string, labels: Record<string, string> = { 'backup.enabled': 'true' }) => ({ ...labels, name, image: 'img' });
    const start = (id: string, name: string, labels?: Record<string, string>): DockerTrigger => ({ kind: 'event', id, action: 'start', attributes: attrs(name, labels) });

    it('shows the container before its inspect answers, and the inspect that confirms it emits nothing more', async () => {
      const w = gated();
      const c = collect(w.source);
      w.put('a', 'alpha');
      w.triggers.next(start('a', 'alpha'));
      await eventually(() => expect(names(c.last())).toEqual(['alpha']));
      expect(w.waiting).toHaveLength(1); // its inspect is still unanswered
      const shown = c.last().get('a');
      const count = c.states.length;
      w.release();
      await eventually(() => expect(w.waiting).toHaveLength(0));
      await settle();
      expect(c.states.length).toBe(count);
      expect(c.last().get('a')).toBe(shown); // the same object: consumers compare configs by identity
      c.sub.unsubscribe();
    });

    it('is corrected by the inspect: a container that stopped again is removed, a renamed one renamed', async () => {
      const w = gated();
      const c = collect(w.source);
      w.put('a', 'alpha', undefined, false); // already stopped when the inspect answers
      w.put('b', 'beta-renamed');
      w.triggers.next(start('a', 'alpha'));
      w.triggers.next(start('b', 'beta'));
      await eventually(() => expect(names(c.last())).toEqual(['alpha', 'beta']));
      w.release();
      await eventually(() => expect(names(c.last())).toEqual(['beta-renamed']));
      c.sub.unsubscribe();
    });

    it('waits for the inspect when the config needs the env, and ignores attributes without backup.enabled', async () => {
      const w = gated();
      // A derive that reads the env, as a database target's credentials do.
      const reads = (x: InspectedContainer): ContainerBackupConfig => {
        const env = x.env instanceof Map ? x.env : new Map((x.env as readonly string[]).map((e) => e.split('=') as [string, string]));
        return { ...derive(x), image: env.get('TAG') ?? 'none' };
      };
      const states: DesiredState[] = [];
      const sub = discover(w.source, { derive: reads, logger: silentLogger, resyncIntervalMs: 0 }).subscribe((s) => states.push(s));
      w.containers.set('a', { id: 'a', name: 'alpha', image: 'img', running: true, labels: { 'backup.enabled': 'true' }, env: ['TAG=from-env'] });
      w.put('b', 'beta', { 'com.example': 'x' });
      w.triggers.next(start('a', 'alpha'));
      w.triggers.next(start('b', 'beta', { 'com.example': 'x' }));
      await eventually(() => expect(w.waiting).toHaveLength(2));
      await settle();
      expect(states[states.length - 1]!.size).toBe(0);
      w.release();
      await eventually(() => expect(states[states.length - 1]!.get('a')?.image).toBe('from-env'));
      expect(names(states[states.length - 1]!)).toEqual(['alpha']);
      sub.unsubscribe();
    });

    it('does not act on attributes while a full re-list runs (replayed events after a reconnect may be stale)', async () => {
      const w = gated();
      const c = collect(w.source);
      w.put('a', 'alpha');
      w.triggers.next({ kind: 'resync' });
      await eventually(() => expect(w.waiting).toHaveLength(1));
      w.triggers.next(start('gone', 'ghost')); // a replayed start of a container destroyed since
      await settle();
      expect(c.last().size).toBe(0);
      expect(w.waiting).toHaveLength(2); // the ghost is still inspected: that inspect decides
      w.release();
      await eventually(() => expect(names(c.last())).toEqual(['alpha']));
      await settle();
      expect(names(c.last())).toEqual(['alpha']);
      c.sub.unsubscribe();
    });
  });

  it('bounds the inspects a full re-list has in flight', async () => {
    const w = world();
    let inFlight = 0;
    let max = 0;
    const inspect = w.source.inspect;
    const source: DiscoverySource = {
      ...w.source,
      inspect: async (id, signal) => {
        max = Math.max(max, ++inFlight);
        try {
          return await inspect(id, signal);
        } finally {
          inFlight--;
        }
      },
    };
    for (let i = 0; i < 40; i++) w.put(`c${i}`, `n${String(i).padStart(2, '0')}`);
    const states: DesiredState[] = [];
    const sub = discover(source, { derive, logger: silentLogger, resyncIntervalMs: 0, relistConcurrency: 4 }).subscribe((s) => states.push(s));
    w.triggers.next({ kind: 'resync' });
    await eventually(() => expect(states[states.length - 1]!.size).toBe(40));
    expect(max).toBe(4);
    sub.unsubscribe();
  });
});

