// The live connection to GET /api/stream: reads it with fetch (so the bearer header can go along), hands each event
// to `onEvent`, and reconnects with backoff, sending Last-Event-ID so the controller can replay what was missed —
// or answer with a full snapshot (a resync) when it cannot.
import { authHeaders } from './api.js';
import { SseParser, type SseEvent } from './sse.js';

export type StreamPhase = 'connecting' | 'connected' | 'reconnecting' | 'unauthorized';

export interface StreamState {
  phase: StreamPhase;
  /** When the last full snapshot arrived (ISO). */
  lastResync?: string;
  lastEventAt?: string;
  error?: string;
}

export interface StreamHandle {
  state: () => StreamState;
  subscribe: (f: () => void) => () => void;
  /** Drop the connection and connect again at once (e.g. after the token changed). */
  restart: () => void;
  close: () => void;
}

export function openStream(onEvent: (e: SseEvent) => void, url = 'api/stream'): StreamHandle {
  let state: StreamState = { phase: 'connecting' };
  const listeners = new Set<() => void>();
  const set = (s: Partial<StreamState>) => {
    state = { ...state, ...s };
    for (const f of listeners) f();
  };
  let lastId: string | undefined;
  let abort: AbortController | undefined;
  let closed = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = async () => {
    abort = new AbortController();
    const mine = abort;
    try {
      const res = await fetch(url, {
        headers: { accept: 'text/event-stream', ...authHeaders(), ...(lastId ? { 'last-event-id': lastId } : {}) },
        credentials: 'omit',
        cache: 'no-store',
        signal: mine.signal,
      });
      if (res.status === 401 || res.status === 403) {
        set({ phase: 'unauthorized', error: `the stream needs the API token (${res.status})` });
        return;
      }
      if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
      const parser = new SseParser();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      set({ phase: 'connected', error: undefined });
      attempt = 0;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const e of parser.feed(value)) {
          if (e.id !== undefined) lastId = e.id;
          if (e.event === 'snapshot') set({ lastResync: new Date().toISOString() });
          set({ lastEventAt: new Date().toISOString() });
          onEvent(e);
        }
      }
      throw new Error('the stream ended');
    } catch (err) {
      if (closed || mine.signal.aborted) return;
      set({ phase: 'reconnecting', error: err instanceof Error ? err.message : String(err) });
      const delay = Math.min(15_000, 500 * 2 ** attempt++);
      timer = setTimeout(() => void connect(), delay);
    }
  };
  void connect();
  return {
    state: () => state,
    subscribe: (f) => {
      listeners.add(f);
      return () => listeners.delete(f);
    },
    restart: () => {
      abort?.abort();
      clearTimeout(timer);
      attempt = 0;
      set({ phase: 'connecting' });
      void connect();
    },
    close: () => {
      closed = true;
      abort?.abort();
      clearTimeout(timer);
    },
  };
}
