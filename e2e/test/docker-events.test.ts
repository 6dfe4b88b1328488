// @baqup/docker events against the real engine: the container lifecycle arrives, a cut stream reconnects with a
// resync, and an engine that is not there is reported by address.
import { createServer } from 'node:net';
import type { Readable } from 'node:stream';
import type { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { DockerUnreachableError } from '@baqup/core';
import { createDockerClient, eventStream, type DockerEvent, type EventsConnect } from '@baqup/docker';
import { docker, ensureImage, startContainer, useCleanup } from '../src/index.js';

useCleanup();

const client = createDockerClient();

/**
 * Subscribe now; resolve with the items seen once `done` says so. `check()` asks again: `done` may depend on a
 * container id the test learns only after its events arrived (a `start` event can beat the start call's answer).
 */
function record(obs: Observable<DockerEvent>, done: (items: DockerEvent[]) => boolean) {
  const items: DockerEvent[] = [];
  let resolve!: (v: DockerEvent[]) => void;
  const result = new Promise<DockerEvent[]>((r) => (resolve = r));
  const check = () => {
    if (!done(items)) return;
    sub.unsubscribe();
    resolve(items);
  };
  const sub = obs.subscribe((e) => {
    items.push(e);
    check();
  });
  return { items, result, check, stop: () => sub.unsubscribe() };
}

const resyncs = (items: DockerEvent[]) => items.filter((e) => e.kind === 'resync').length;

describe('events', () => {
  it('delivers create, start, rename, die and destroy of a container', async () => {
    let id = '';
    const rec = record(client.events(), (items) => items.some((e) => e.kind === 'event' && e.id === id && e.action === 'destroy'));
    while (resyncs(rec.items) === 0) await new Promise((r) => setTimeout(r, 20));

    const c = await startContainer({ image: await ensureImage('base'), cmd: ['sleep', 'infinity'] });
    id = c.id;
    const newName = `${c.name}-renamed`;
    await docker().getContainer(c.id).rename({ name: newName });
    await docker().getContainer(c.id).kill();
    await docker().getContainer(c.id).remove({ force: true });

    const mine = (await rec.result).filter((e): e is Extract<DockerEvent, { kind: 'event' }> => e.kind === 'event' && e.id === id);
    expect(mine.map((e) => e.action)).toEqual(['create', 'start', 'rename', 'die', 'destroy']);
    expect(mine[0]!.name).toBe(c.name);
    expect(mine[2]!.name).toBe(newName);
    expect(mine.every((e) => e.time > Date.now() - 600_000)).toBe(true);
  });

  it('reconnects when the stream is cut, emitting disconnected then resync, and keeps delivering', async () => {
    const base = client.eventsConnect();
    let current: Readable | undefined;
    let connects = 0;
    const connect: EventsConnect = async (filters, since, signal) => {
      current = await base(filters, since, signal);
      connects++;
      return current;
    };
    let id = '';
    const rec = record(eventStream(connect, client.address, { backoff: () => 100 }), (items) =>
      items.some((e) => e.kind === 'event' && e.id === id && e.action === 'start'),
    );
    while (resyncs(rec.items) < 1) await new Promise((r) => setTimeout(r, 20));

    current!.destroy(); // what a dockerd restart or a recreated socket looks like from here
    while (resyncs(rec.items) < 2) await new Promise((r) => setTimeout(r, 20));

    const c = await startContainer({ image: await ensureImage('base'), cmd: ['sleep', 'infinity'] });
    id = c.id;
    rec.check();
    const items = await rec.result;
    expect(connects).toBe(2);
    const kinds = items.filter((e) => e.kind !== 'event' || e.id === id).map((e) => (e.kind === 'event' ? e.action : e.kind));
    expect(kinds).toEqual(['resync', 'disconnected', 'resync', 'create', 'start']);
    expect(items.find((e) => e.kind === 'disconnected')).toMatchObject({ address: client.address, code: 'BAQUP_DOCKER_EVENTS_ENDED' });
  });
});

describe('unreachable engine', () => {
  it('rejects with DockerUnreachableError naming a missing socket (ENOENT)', async () => {
    const gone = createDockerClient({ DOCKER_HOST: 'unix:///tmp/baqup-no-such-docker.sock' });
    const err = await gone.ping().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerUnreachableError);
    expect((err as Error).message).toBe('Docker engine not reachable at unix:///tmp/baqup-no-such-docker.sock');
    await expect(gone.list()).rejects.toBeInstanceOf(DockerUnreachableError);
    await expect(gone.inspect('x')).rejects.toMatchObject({ code: 'BAQUP_DOCKER_UNREACHABLE' });
  });

  it('rejects with DockerUnreachableError for a refused TCP port (ECONNREFUSED)', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    const refused = createDockerClient({ DOCKER_HOST: `tcp://127.0.0.1:${port}` });
    const err = await refused.ping().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerUnreachableError);
    expect((err as Error).message).toContain(`tcp://127.0.0.1:${port}`);
    expect(((err as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('events report the outage once while retrying', async () => {
    const gone = createDockerClient({ DOCKER_HOST: 'unix:///tmp/baqup-no-such-docker.sock' });
    let attempts = 0;
    const items: DockerEvent[] = [];
    const sub = eventStream(gone.eventsConnect(), gone.address, { backoff: () => (attempts++, 10) }).subscribe((e) => items.push(e));
    while (attempts < 3) await new Promise((r) => setTimeout(r, 10));
    sub.unsubscribe();
    expect(items).toEqual([
      { kind: 'disconnected', address: 'unix:///tmp/baqup-no-such-docker.sock', error: 'Docker engine not reachable at unix:///tmp/baqup-no-such-docker.sock', code: 'BAQUP_DOCKER_UNREACHABLE' },
    ]);
  });
});
