// Docker events as an Observable that never completes on its own: when the HTTP stream ends or fails (dockerd
// restart, socket recreated) it reconnects with backoff. Every (re)connect emits `resync`, because events that
// happened while we were away are lost: the consumer re-lists instead of trusting the gap was empty.
import type { Readable } from 'node:stream';
import { Observable, retry, timer } from 'rxjs';
import { errorMessage, errorCode } from '@baqup/core';
import { backoff as defaultBackoff } from './backoff.js';
import { NdjsonSplitter } from './ndjson.js';
import { DockerEventsEndedError } from './errors.js';

export const CONTAINER_ACTIONS = ['create', 'start', 'die', 'destroy', 'rename', 'health_status'] as const;

export type DockerEvent =
  | {
      kind: 'event';
      /** Normalised action: `health_status: healthy` becomes `health_status` with `detail: 'healthy'`. */
      action: string;
      detail?: string;
      id: string;
      /** Container name without the leading slash; for `rename`, the new name. */
      name: string;
      /** Event time in ms since the epoch. */
      time: number;
      /**
       * The event's `Actor.Attributes` as the engine sent them: every label of the container, plus `name` and
       * `image` (which win over labels of those names) and the action's own keys (`exitCode` on die, …).
       */
      attributes: Readonly<Record<string, string>>;
    }
  | { kind: 'resync' }
  | { kind: 'disconnected'; address: string; error: string; code: string };

/** Opens the raw events stream; `since` is a Docker timestamp (seconds, may be fractional). */
export type EventsConnect = (filters: Record<string, string[]>, since: string | undefined, signal: AbortSignal) => Promise<Readable>;

export interface EventsOptions {
  /** Container actions to receive; default CONTAINER_ACTIONS. Prefix-matched (`health_status` ⊃ `health_status: healthy`). */
  actions?: readonly string[];
  /**
   * Only events of containers carrying these labels (`key` or `key=value`, all must match), filtered by the
   * engine: a container's labels are fixed at creation, so nothing is lost for a consumer that ignores the rest.
   */
  labels?: readonly string[];
  backoff?: (attempt: number) => number;
}

interface RawEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  time?: number;
  timeNano?: number;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

/** Parse one NDJSON line of /events into a DockerEvent, or null when it is not a wanted container event. */
export function parseEvent(line: string, actions: readonly string[] = CONTAINER_ACTIONS): DockerEvent | null {
  let raw: RawEvent;
  try {
    raw = JSON.parse(line) as RawEvent;
  } catch {
    return null;
  }
  if (raw.Type !== undefined && raw.Type !== 'container') return null;
  const full = raw.Action ?? raw.status ?? '';
  const colon = full.indexOf(':');
  const action = colon < 0 ? full : full.slice(0, colon);
  if (!actions.includes(action)) return null;
  const id = raw.Actor?.ID ?? raw.id;
  if (!id) return null;
  const time = raw.timeNano !== undefined ? Math.floor(raw.timeNano / 1e6) : (raw.time ?? 0) * 1000;
  const attributes = raw.Actor?.Attributes ?? {};
  const event: DockerEvent = { kind: 'event', action, id, name: (attributes.name ?? '').replace(/^\//, ''), time, attributes };
  if (colon >= 0) event.detail = full.slice(colon + 1).trim();
  return event;
}

/**
 * Build the reconnecting events Observable on top of a connect function (real: dockerode getEvents; tests may
 * wrap it to destroy the response). The handler only parses and calls `next` synchronously: Docker drops
 * events a listener does not take quickly, so any async work belongs to the consumer.
 */
export function eventStream(connect: EventsConnect, address: string, options: EventsOptions = {}): Observable<DockerEvent> {
  const actions = options.actions ?? CONTAINER_ACTIONS;
  const filters: Record<string, string[]> = { type: ['container'], event: [...actions] };
  if (options.labels?.length) filters.label = [...options.labels];
  const delay = options.backoff ?? ((n: number) => defaultBackoff(n, { random: Math.random }));
  let lastTimeMs: number | undefined;
  let down = false; // shared across resubscriptions: report an outage once, not once per retry

  const once = new Observable<DockerEvent>((subscriber) => {
    const abort = new AbortController();
    const splitter = new NdjsonSplitter();
    let stream: Readable | undefined;
    const handle = (line: string) => {
      const ev = parseEvent(line, actions);
      if (ev?.kind === 'event') {
        lastTimeMs = Math.max(lastTimeMs ?? 0, ev.time);
        subscriber.next(ev);
      }
    };
    const fail = (err: unknown) => {
      if (subscriber.closed) return;
      if (!down) {
        down = true;
        subscriber.next({ kind: 'disconnected', address, error: errorMessage(err), code: errorCode(err) });
      }
      subscriber.error(err);
    };
    // Re-read from one second before the last event seen: duplicates are harmless (triggers carry keys only).
    const since = lastTimeMs === undefined ? undefined : String(Math.floor(lastTimeMs / 1000) - 1);
    connect(filters, since, abort.signal).then(
      (s) => {
        stream = s;
        if (subscriber.closed) {
          s.destroy();
          return;
        }
        down = false;
        subscriber.next({ kind: 'resync' });
        s.on('data', (chunk: Buffer) => splitter.push(chunk).forEach(handle));
        s.on('end', () => {
          splitter.end().forEach(handle);
          fail(new DockerEventsEndedError(address));
        });
        s.on('close', () => fail(new DockerEventsEndedError(address)));
        s.on('error', fail);
      },
      fail,
    );
    return () => {
      abort.abort();
      stream?.destroy();
    };
  });

  return once.pipe(retry({ delay: (_err, n) => timer(delay(n)), resetOnSuccess: true }));
}
