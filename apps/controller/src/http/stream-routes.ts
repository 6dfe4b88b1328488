// GET /api/stream: the controller's state as Server-Sent Events for the dashboard. On connect a `snapshot`
// (containers, status, jobs), or with a Last-Event-ID this process can resume from, the changes since; then one
// event per changed section, and a comment line as heartbeat so proxies and clients see a live connection.
// A read route: with api.protect_reads it needs the bearer token like the others (the onRequest hook refuses first).
// A client costs at most its buffer: nothing waits for a client to read (writes never await 'drain'); one whose
// unsent bytes pass maxBufferedBytes is dropped (it reconnects and resumes), and more than maxClients at once are
// answered 503 BAQUP_API_STREAM_LIMIT, so a slow or hostile reader can hold neither memory nor the event loop.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiStreamLimitError } from '@baqup/core';
import { containersView, type StateStore } from '@baqup/state';
import { errors } from './schemas.js';
import type { RouteGroup } from './server.js';
import { StreamHub, type StreamEvent, type StreamHubOptions } from './stream-hub.js';
import { statusOf } from './state-routes.js';
import type { JobRegistry } from '../job-registry.js';

export interface StreamRouteOptions {
  /** Comment line interval; default 15 s. */
  heartbeatMs?: number;
  /** A client that does not read (its socket buffer grows past this) is dropped; default 8 MiB. */
  maxBufferedBytes?: number;
  /** Streams served at once; more are answered 503. Default 32 (below the server's connection limit, 256). */
  maxClients?: number;
}

const frame = (e: StreamEvent): string => `id: ${e.id}\nevent: ${e.event}\ndata: ${e.data}\n\n`;

export function streamRoutes(hub: StreamHub, o: StreamRouteOptions = {}): RouteGroup {
  return (app: FastifyInstance) => {
    const ends = new Set<() => void>();
    app.addHook('onClose', async () => {
      for (const end of ends) end();
      hub.close();
    });
    app.get('/api/stream', {
      config: { access: 'read' },
      schema: {
        summary: 'Server-Sent Events: a `snapshot` {containers, status, jobs} on connect (or the missed changes, with Last-Event-ID), then `containers`, `status` and `jobs` events with the whole changed section',
        tags: ['state'],
        headers: { type: 'object', properties: { 'last-event-id': { type: 'string', maxLength: 64, description: 'the id of the last event received: resume instead of a snapshot' } } },
        response: {
          200: {
            description: 'A text/event-stream that stays open: `retry`, then `id`/`event`/`data` frames (data is one line of JSON), and a `: ping` comment every heartbeat',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...errors(401, 403, 503),
        },
      },
    }, (req, reply) => {
      if (ends.size >= (o.maxClients ?? 32)) {
        void (reply as FastifyReply).code(503).header('retry-after', '5').send({ error: `${ends.size} event streams are open, as many as the controller serves at once; retry later`, code: ApiStreamLimitError.code });
        return;
      }
      const raw = reply.raw;
      reply.hijack();
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // nginx buffers proxied answers unless told not to.
        'x-accel-buffering': 'no',
      });
      const header = req.headers['last-event-id'];
      const missed = hub.since(typeof header === 'string' ? header : undefined);
      raw.write(`retry: 2000\n\n${missed ? missed.map(frame).join('') : frame(hub.snapshot())}`);
      const max = o.maxBufferedBytes ?? 8 * 1024 * 1024;
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        unlisten();
        clearInterval(beat);
        ends.delete(end);
        raw.end();
      };
      const write = (text: string) => {
        if (ended) return;
        // Bytes of earlier frames still unsent: a reader this far behind is dropped, never waited for (destroy, since
        // end() would queue behind them). Measured before this frame is written, so a reader that keeps up gets
        // every frame however large; what one client can hold is bounded by the limit plus one frame.
        if (raw.writableLength > max) {
          end();
          raw.destroy();
          return;
        }
        raw.write(text);
      };
      const unlisten = hub.listen((e) => write(frame(e)));
      const beat = setInterval(() => write(': ping\n\n'), o.heartbeatMs ?? 15_000);
      ends.add(end);
      req.raw.socket.once('close', end);
      raw.once('close', end);
      raw.once('error', end);
    });
  };
}

/**
 * The hub of the controller's stream: the same views as GET /api/containers, /api/status and /api/jobs. `tuning`
 * (tests) shortens the throttle and the kept changes.
 */
export function controllerStream(
  store: StateStore,
  registry: JobRegistry,
  halted: () => string | undefined,
  tuning: Pick<StreamHubOptions, 'logLimit' | 'throttleMs' | 'pollMs'> = {},
): StreamHub {
  return new StreamHub({
    ...tuning,
    changes$: store.state$,
    sections: { containers: () => containersView(store.snapshot()), status: () => statusOf(store, halted), jobs: () => registry.list() },
  });
}
