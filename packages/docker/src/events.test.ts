import { PassThrough, type Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DockerUnreachableError } from '@baqup/core';
import { eventStream, parseEvent, type DockerEvent, type EventsConnect } from './events.js';

const raw = (action: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    Type: 'container',
    Action: action,
    Actor: { ID: 'abc123', Attributes: { name: 'db', image: 'postgres' } },
    time: 1700000000,
    timeNano: 1700000000123456000,
    ...extra,
  });

describe('parseEvent', () => {
  it('maps a container event', () => {
    expect(parseEvent(raw('start'))).toEqual({ kind: 'event', action: 'start', id: 'abc123', name: 'db', time: 1700000000123, attributes: { name: 'db', image: 'postgres' } });
  });

  it("carries the actor's attributes (the container's labels, name, image), and an empty set when there are none", () => {
    const labelled = raw('start', { Actor: { ID: 'abc123', Attributes: { name: 'db', image: 'postgres:16', 'backup.enabled': 'true', 'backup.fs.data.path': '/data' } } });
    expect(parseEvent(labelled)).toMatchObject({ name: 'db', attributes: { image: 'postgres:16', 'backup.enabled': 'true', 'backup.fs.data.path': '/data' } });
    expect(parseEvent(JSON.stringify({ Type: 'container', Action: 'die', id: 'old', time: 1 }))).toEqual({ kind: 'event', action: 'die', id: 'old', name: '', time: 1000, attributes: {} });
  });

  it('normalises health_status: healthy to a prefix action with detail', () => {
    expect(parseEvent(raw('health_status: healthy'))).toMatchObject({ action: 'health_status', detail: 'healthy' });
  });

  it('drops unwanted actions, other types and garbage', () => {
    expect(parseEvent(raw('exec_create: sh -c x'))).toBeNull();
    expect(parseEvent(raw('start', { Type: 'network' }))).toBeNull();
    expect(parseEvent('{not json')).toBeNull();
    expect(parseEvent(raw('exec_create: sh', {}), ['exec_create'])).toMatchObject({ action: 'exec_create', detail: 'sh' });
  });
});

/** A scripted engine: each connect takes the next entry — a stream to serve, or an error to reject with. */
function scripted(script: (PassThrough | Error)[]) {
  const calls: { since: string | undefined; filters: Record<string, string[]> }[] = [];
  const connect: EventsConnect = async (filters, since) => {
    calls.push({ since, filters });
    const next = script.shift();
    if (!next) return new PassThrough() as Readable; // stays open forever
    if (next instanceof Error) throw next;
    return next;
  };
  return { connect, calls };
}

function collect(obs: ReturnType<typeof eventStream>, until: (items: DockerEvent[]) => boolean): Promise<DockerEvent[]> {
  return new Promise((resolve, reject) => {
    const items: DockerEvent[] = [];
    const sub = obs.subscribe({
      next: (e) => {
        items.push(e);
        if (until(items)) {
          sub.unsubscribe();
          resolve(items);
        }
      },
      error: reject,
    });
  });
}

describe('eventStream', () => {
  it('asks the engine for container events of the wanted actions, and of labelled containers only when told', async () => {
    const { connect, calls } = scripted([new PassThrough(), new PassThrough()]);
    const all = eventStream(connect, 'unix:///x', { backoff: () => 0 }).subscribe();
    const some = eventStream(connect, 'unix:///x', { backoff: () => 0, actions: ['start', 'die'], labels: ['backup.enabled'] }).subscribe();
    while (calls.length < 2) await new Promise((r) => setImmediate(r));
    all.unsubscribe();
    some.unsubscribe();
    expect(calls[0]!.filters).toEqual({ type: ['container'], event: ['create', 'start', 'die', 'destroy', 'rename', 'health_status'] });
    expect(calls[1]!.filters).toEqual({ type: ['container'], event: ['start', 'die'], label: ['backup.enabled'] });
  });

  it('emits resync on connect, then events split across chunks', async () => {
    const s = new PassThrough();
    const { connect } = scripted([s]);
    const done = collect(eventStream(connect, 'unix:///x', { backoff: () => 0 }), (i) => i.length === 3);
    await new Promise((r) => setImmediate(r));
    const text = `${raw('create')}\n${raw('start')}\n`;
    s.write(text.slice(0, 10));
    s.write(text.slice(10));
    expect((await done).map((e) => (e.kind === 'event' ? e.action : e.kind))).toEqual(['resync', 'create', 'start']);
  });

  it('reconnects after the stream ends or fails, reporting the outage once and resyncing each time', async () => {
    const first = new PassThrough();
    const unreachable = new DockerUnreachableError('unix:///x');
    const { connect, calls } = scripted([first, unreachable, unreachable, new PassThrough()]);
    const done = collect(eventStream(connect, 'unix:///x', { backoff: () => 0 }), (i) => i.filter((e) => e.kind === 'resync').length === 2);
    await new Promise((r) => setImmediate(r));
    first.write(`${raw('die')}\n`);
    first.end();
    const items = await done;
    expect(items.map((e) => e.kind)).toEqual(['resync', 'event', 'disconnected', 'resync']);
    expect(items[2]).toMatchObject({ kind: 'disconnected', address: 'unix:///x', code: 'BAQUP_DOCKER_EVENTS_ENDED' });
    expect(calls).toHaveLength(4);
    // After an event was seen, reconnects ask the engine to replay from just before it.
    expect(calls[1]!.since).toBe('1699999999');
  });

  it('uses the backoff for successive failures and resets it after a successful connect', async () => {
    const attempts: number[] = [];
    const fail = new DockerUnreachableError('unix:///x');
    const s = new PassThrough();
    const { connect, calls } = scripted([fail, fail, s, fail, new PassThrough()]);
    const obs = eventStream(connect, 'unix:///x', { backoff: (n) => (attempts.push(n), 0) });
    const done = collect(obs, (i) => i.filter((e) => e.kind === 'resync').length === 2);
    // Cut the stream only once it has been handed out (a fixed sleep raced on a loaded machine).
    while (calls.length < 3) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setImmediate(r));
    s.destroy(new Error('socket closed'));
    await done;
    expect(attempts).toEqual([1, 2, 1, 2]);
  });
});
