// GET /api/stream over a real socket: snapshot on connect, one event per changed section, heartbeats past the
// request timeout, resume with Last-Event-ID (or a snapshot when the id cannot be resumed), protect_reads, and no
// listener left behind when a client goes or the server closes.
import { connect as netConnect } from 'node:net';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackupJob } from '@baqup/core';
import { silentLogger } from '@baqup/core';
import { StateStore } from '@baqup/state';
import { JobRegistry } from '../job-registry.js';
import { startApiServer } from './server.js';
import { controllerStream, streamRoutes } from './stream-routes.js';
import { StreamHub } from './stream-hub.js';

interface Ev {
  id?: string;
  event: string;
  data: string;
  comment?: boolean;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function setup(o: { token?: string; protectReads?: boolean; heartbeatMs?: number; requestTimeoutMs?: number; maxClients?: number; maxBufferedBytes?: number; hub?: StreamHub; logLimit?: number; throttleMs?: number } = {}) {
  const store = new StateStore('unix:///var/run/docker.sock');
  const registry = new JobRegistry();
  const tuning = { ...(o.logLimit ? { logLimit: o.logLimit } : {}), ...(o.throttleMs ? { throttleMs: o.throttleMs } : {}) };
  const hub = o.hub ?? controllerStream(store, registry, () => undefined, tuning);
  const api = await startApiServer({
    listen: '127.0.0.1:0', logger: silentLogger, token: o.token, protectReads: o.protectReads, requestTimeoutMs: o.requestTimeoutMs,
    routes: [streamRoutes(hub, { heartbeatMs: o.heartbeatMs ?? 60_000, ...(o.maxClients ? { maxClients: o.maxClients } : {}), ...(o.maxBufferedBytes ? { maxBufferedBytes: o.maxBufferedBytes } : {}) })],
  });
  closers.push(api.close);
  return { store, registry, hub, api, url: `http://${api.address}/api/stream`, close: api.close };
}

/** A connection that collects parsed events; `next(pred)` waits for one (comments too, when asked). */
async function connect(url: string, headers: Record<string, string> = {}) {
  const ac = new AbortController();
  const res = await fetch(url, { headers, signal: ac.signal });
  const events: Ev[] = [];
  let buffer = '';
  let ended = false;
  const wake = new Set<() => void>();
  if (res.ok) {
    void (async () => {
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let i: number;
          while ((i = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, i);
            buffer = buffer.slice(i + 2);
            const e: Ev = { event: 'message', data: '' };
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) e.comment = true;
              else if (line.startsWith('id: ')) e.id = line.slice(4);
              else if (line.startsWith('event: ')) e.event = line.slice(7);
              else if (line.startsWith('data: ')) e.data = line.slice(6);
              else if (line.startsWith('retry: ')) e.event = 'retry';
            }
            events.push(e);
          }
          for (const w of wake) w();
        }
      } catch {
        // aborted
      }
      ended = true;
      for (const w of wake) w();
    })();
  }
  const next = (pred: (e: Ev) => boolean, timeoutMs = 5000): Promise<Ev> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const hit = events.find(pred);
        if (hit) return done(() => resolve(hit));
        if (ended) return done(() => reject(new Error(`stream ended; events: ${JSON.stringify(events)}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no matching event in ${timeoutMs} ms; events: ${JSON.stringify(events)}`))), timeoutMs);
      const done = (f: () => void) => {
        clearTimeout(timer);
        wake.delete(check);
        f();
      };
      wake.add(check);
      check();
    });
  return { res, events, next, abort: () => ac.abort(), ended: () => ended };
}

const job = (id: string) => ({ id, trigger: 'manual', container: { containerName: 'app' }, target: { type: 'fs', instance: 'data' } }) as unknown as BackupJob;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const waitFor = async (f: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('condition not met');
    await sleep(20);
  }
};

describe('GET /api/stream', () => {
  it('sends a snapshot on connect, then each changed section whole', async () => {
    const { store, registry, url } = await setup();
    const c = await connect(url);
    expect(c.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const snap = await c.next((e) => e.event === 'snapshot');
    const body = JSON.parse(snap.data) as { containers: unknown[]; status: { docker: { connected: boolean } }; jobs: unknown[] };
    expect(body).toMatchObject({ containers: [], jobs: [], status: { docker: { connected: false } } });
    expect(snap.id).toMatch(/^[0-9a-f]+\.\d+$/);

    store.setDocker({ connected: true });
    const status = await c.next((e) => e.event === 'status');
    expect(JSON.parse(status.data)).toMatchObject({ docker: { connected: true } });
    // Job progress is read, not pushed: the poll finds it.
    registry.queued(job('j1'));
    const jobs = await c.next((e) => e.event === 'jobs');
    expect(JSON.parse(jobs.data)).toMatchObject([{ job_id: 'j1', target: 'app/fs-data', status: 'queued' }]);
    // A section that did not change is not sent again.
    expect(c.events.filter((e) => e.event === 'status')).toHaveLength(1);
    c.abort();
  });

  it('resumes from Last-Event-ID with what was missed, and resyncs with a snapshot when it cannot', async () => {
    const { store, hub, url } = await setup();
    const first = await connect(url);
    const snap = await first.next((e) => e.event === 'snapshot');
    first.abort();
    await waitFor(() => hub.listeners === 0);
    // Changed while nobody listened: the reconnecting client still gets it.
    store.setDocker({ connected: true, lastError: undefined });
    const resumed = await connect(url, { 'last-event-id': snap.id! });
    const change = await resumed.next((e) => e.event !== 'retry');
    expect(change.event).toBe('status');
    expect(JSON.parse(change.data)).toMatchObject({ docker: { connected: true } });
    expect(resumed.events.some((e) => e.event === 'snapshot')).toBe(false);
    resumed.abort();

    for (const id of ['0000.1', 'nonsense', `${snap.id!.split('.')[0]}.999999`]) {
      const c = await connect(url, { 'last-event-id': id });
      expect((await c.next((e) => e.event !== 'retry')).event, id).toBe('snapshot');
      c.abort();
    }
  });

  it('snapshots when the id fell out of the kept changes', async () => {
    // 20 changes kept, 1 ms throttle: 25 changes push the snapshot's id out (the defaults, 500 and 200 ms, take minutes).
    const { store, url } = await setup({ logLimit: 20, throttleMs: 1 });
    const c = await connect(url);
    const snap = await c.next((e) => e.event === 'snapshot');
    let last = '';
    for (let i = 0; i < 25; i++) {
      store.setDocker({ lastError: `e${i}` });
      last = (await c.next((e) => e.event === 'status' && e.data.includes(`"e${i}"`))).id!;
    }
    c.abort();
    const late = await connect(url, { 'last-event-id': snap.id! });
    expect((await late.next((e) => e.event !== 'retry')).event).toBe('snapshot');
    late.abort();
    // An id still kept resumes: nothing missed after the last change, so no snapshot and no replay.
    const recent = await connect(url, { 'last-event-id': last });
    await recent.next((e) => e.event === 'retry');
    store.setDocker({ lastError: 'after' });
    expect((await recent.next((e) => e.event !== 'retry')).data).toContain('"after"');
    expect(recent.events.some((e) => e.event === 'snapshot')).toBe(false);
    recent.abort();
  });

  it('needs the token with protect_reads', async () => {
    const { url } = await setup({ token: 'tok', protectReads: true });
    const refused = await fetch(url);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'BAQUP_API_UNAUTHORIZED' });
    const c = await connect(url, { authorization: 'Bearer tok' });
    expect(c.res.status).toBe(200);
    await c.next((e) => e.event === 'snapshot');
    c.abort();
  });

  it('beats while idle and outlives the request timeout', async () => {
    const { url } = await setup({ heartbeatMs: 100, requestTimeoutMs: 500 });
    const c = await connect(url);
    await c.next((e) => e.event === 'snapshot');
    await sleep(1500);
    const beatsBefore = c.events.filter((e) => e.comment).length;
    expect(beatsBefore).toBeGreaterThan(3);
    await c.next(() => c.events.filter((e) => e.comment).length > beatsBefore, 2000);
    expect(c.ended()).toBe(false);
    c.abort();
  });

  it('lets go of clients that leave and ends every stream when the server closes', async () => {
    const { hub, url, close } = await setup();
    const a = await connect(url);
    const b = await connect(url);
    await a.next((e) => e.event === 'snapshot');
    await b.next((e) => e.event === 'snapshot');
    expect(hub.listeners).toBe(2);
    a.abort();
    await waitFor(() => hub.listeners === 1);
    await close();
    await waitFor(() => b.ended());
    expect(hub.listeners).toBe(0);
  });
});

describe('GET /api/stream against slow and greedy clients', () => {
  it('drops a client that does not read, without slowing the others', async () => {
    // Sections of 512 KiB that change on demand: a reader that never reads fills its socket within a few changes.
    const changes$ = new Subject<void>();
    let n = 0;
    const hub = new StreamHub({ changes$, pollMs: 60_000, throttleMs: 1, sections: { big: () => `${n}:${'x'.repeat(512 * 1024)}` } });
    const { url, api } = await setup({ hub, maxBufferedBytes: 256 * 1024 });
    const good = await connect(url);
    await good.next((e) => e.event === 'snapshot');
    const [host, port] = api.address.split(':') as [string, string];
    const slow = netConnect({ host, port: Number(port) });
    let slowClosed = false;
    slow.on('close', () => (slowClosed = true)).on('error', () => undefined);
    await new Promise<void>((r) => slow.once('connect', r));
    slow.pause();
    slow.write(`GET /api/stream HTTP/1.1\r\nhost: ${api.address}\r\n\r\n`);
    await waitFor(() => hub.listeners === 2);
    // 40 changes = 20 MiB the slow reader would have to hold; it is dropped long before, the good one gets each.
    for (let i = 1; i <= 40 && hub.listeners > 1; i++) {
      n = i;
      changes$.next();
      await good.next((e) => e.event === 'big' && e.data.startsWith(`"${i}:`), 10_000);
    }
    await waitFor(() => hub.listeners === 1, 10_000);
    n = 99;
    changes$.next();
    await good.next((e) => e.event === 'big' && e.data.startsWith('"99:'), 10_000);
    expect(good.ended()).toBe(false);
    slow.resume();
    await waitFor(() => slowClosed, 10_000);
    good.abort();
  }, 60_000);

  it('serves at most maxClients streams at once and answers the next with 503', async () => {
    const { url, hub } = await setup({ maxClients: 2 });
    const a = await connect(url);
    const b = await connect(url);
    await a.next((e) => e.event === 'snapshot');
    await b.next((e) => e.event === 'snapshot');
    const refused = await fetch(url);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ code: 'BAQUP_API_STREAM_LIMIT' });
    a.abort();
    await waitFor(() => hub.listeners === 1);
    const c = await connect(url);
    expect(c.res.status).toBe(200);
    await c.next((e) => e.event === 'snapshot');
    b.abort();
    c.abort();
  });

  it('refuses an oversized Last-Event-ID with 400 naming the header', async () => {
    const { url } = await setup();
    const res = await fetch(url, { headers: { 'last-event-id': 'x'.repeat(65) } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'BAQUP_API_INVALID_INPUT', field: 'headers.last-event-id' });
  });

  it('is documented as a text/event-stream answer', async () => {
    const { api } = await setup();
    const doc = (await api.app.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, { get: { responses: Record<string, { content: Record<string, unknown> }> } }> };
    expect(Object.keys(doc.paths['/api/stream']!.get.responses['200']!.content)).toEqual(['text/event-stream']);
  });
});

describe('StreamHub', () => {
  it('does not count the first reading as a change', async () => {
    const { hub } = await setup();
    const h = hub as StreamHub;
    const before = h.id;
    h.check();
    h.check();
    expect(h.id).toBe(before);
  });
});
