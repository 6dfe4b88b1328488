// Hot and cold dumps of one container exclude each other. Per container: any number of `hot` users (dumps exec'd
// in the running container) at once, or any number of `cold` users (targets backed up while baqup holds it
// stopped; they share one stop), never both. Strictly first come, first served: a request waits while anything
// of the other mode is active OR queued before it, so neither side can starve the other.
import type { Release } from './holds.js';

export type GateMode = 'hot' | 'cold';

interface Waiter {
  mode: GateMode;
  grant: () => void;
}

interface Slot {
  mode: GateMode | undefined;
  active: number;
  waiters: Waiter[];
}

export class ContainerGate {
  readonly #slots = new Map<string, Slot>();

  /** Resolves once `mode` may run for `key`; the release must be called exactly once (extra calls do nothing). */
  acquire(key: string, mode: GateMode, signal?: AbortSignal): Promise<Release> {
    signal?.throwIfAborted();
    let slot = this.#slots.get(key);
    if (!slot) this.#slots.set(key, (slot = { mode: undefined, active: 0, waiters: [] }));
    const s = slot;
    const release = this.#releaser(key, s);
    if (s.waiters.length === 0 && (s.active === 0 || s.mode === mode)) {
      s.mode = mode;
      s.active++;
      return Promise.resolve(release);
    }
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        mode,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const onAbort = () => {
        const i = s.waiters.indexOf(waiter);
        if (i >= 0) s.waiters.splice(i, 1);
        this.#next(key, s);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      s.waiters.push(waiter);
    });
  }

  /** For tests and views: what runs and what waits for `key`. */
  peek(key: string): { mode: GateMode | undefined; active: number; waiting: GateMode[] } {
    const s = this.#slots.get(key);
    return { mode: s?.mode, active: s?.active ?? 0, waiting: s?.waiters.map((w) => w.mode) ?? [] };
  }

  #releaser(key: string, s: Slot): Release {
    let done = false;
    return () => {
      if (done) return Promise.resolve();
      done = true;
      s.active--;
      this.#next(key, s);
      return Promise.resolve();
    };
  }

  /** Admits the waiters at the head of the queue that may run now. */
  #next(key: string, s: Slot): void {
    if (s.active === 0) s.mode = undefined;
    while (s.waiters.length > 0) {
      const head = s.waiters[0]!;
      if (s.active > 0 && s.mode !== head.mode) break;
      s.waiters.shift();
      s.mode = head.mode;
      s.active++;
      head.grant();
    }
    if (s.active === 0 && s.waiters.length === 0) this.#slots.delete(key);
  }
}
