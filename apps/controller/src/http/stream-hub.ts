// What GET /api/stream sends: named sections of the controller's state (containers, status, jobs), each sent whole
// when its JSON changed. Changes get ids `<epoch>.<seq>` and the last few hundred are kept, so a client that
// reconnects with Last-Event-ID gets what it missed; an id this process did not give (a restart: another epoch) or
// one that fell out of the log gets a full snapshot instead. The hub works only while someone listens.
import { randomBytes } from 'node:crypto';
import { interval, merge, throttleTime, asyncScheduler, type Observable, type Subscription } from 'rxjs';

export interface StreamEvent {
  id: string;
  event: string;
  /** JSON text. */
  data: string;
}

export interface StreamHubOptions {
  /** Each section's current value (JSON-serialisable), read on every check. */
  sections: Record<string, () => unknown>;
  /** Emits when something may have changed (the state store). */
  changes$: Observable<unknown>;
  /** Also check this often (job progress is read, not pushed); default 1 s. */
  pollMs?: number;
  /** Changes coalesced over this window; default 200 ms. */
  throttleMs?: number;
  /** Changes kept for resuming; default 500. */
  logLimit?: number;
}

export type Listener = (e: StreamEvent) => void;

export class StreamHub {
  readonly #o: StreamHubOptions;
  readonly #epoch = randomBytes(4).toString('hex');
  #seq = 0;
  readonly #last = new Map<string, string>();
  #log: Array<StreamEvent & { seq: number }> = [];
  readonly #listeners = new Set<Listener>();
  #sub: Subscription | undefined;

  constructor(o: StreamHubOptions) {
    this.#o = o;
  }

  get id(): string {
    return `${this.#epoch}.${this.#seq}`;
  }

  /** Compares every section with what was last sent and sends the changed ones. */
  check(): void {
    for (const [name, read] of Object.entries(this.#o.sections)) {
      const data = JSON.stringify(read());
      if (this.#last.get(name) === data) continue;
      const first = !this.#last.has(name);
      this.#last.set(name, data);
      // The first reading is the baseline, not a change: nobody can have missed it.
      if (first) continue;
      const e = { seq: ++this.#seq, id: '', event: name, data };
      e.id = `${this.#epoch}.${e.seq}`;
      this.#log.push(e);
      if (this.#log.length > (this.#o.logLimit ?? 500)) this.#log = this.#log.slice(-(this.#o.logLimit ?? 500));
      for (const l of this.#listeners) l({ id: e.id, event: e.event, data });
    }
  }

  /** Everything at once, as the first event of a connection that cannot resume. */
  snapshot(): StreamEvent {
    this.check();
    const all = Object.fromEntries(Object.keys(this.#o.sections).map((name) => [name, JSON.parse(this.#last.get(name)!) as unknown]));
    return { id: this.id, event: 'snapshot', data: JSON.stringify(all) };
  }

  /** The changes after `lastEventId`, or undefined when it cannot be resumed from (then send a snapshot). */
  since(lastEventId: string | undefined): StreamEvent[] | undefined {
    if (!lastEventId) return undefined;
    const m = /^([0-9a-f]+)\.(\d+)$/.exec(lastEventId);
    if (!m || m[1] !== this.#epoch) return undefined;
    const seq = Number(m[2]);
    if (seq > this.#seq) return undefined;
    this.check();
    const oldest = this.#log[0]?.seq ?? this.#seq + 1;
    // Resumable only when nothing between the client's id and the oldest change kept was forgotten.
    if (seq < oldest - 1) return undefined;
    return this.#log.filter((e) => e.seq > seq).map(({ id, event, data }) => ({ id, event, data }));
  }

  /** Adds a listener; the hub starts watching with the first and stops with the last. */
  listen(l: Listener): () => void {
    if (this.#listeners.size === 0) this.#start();
    this.#listeners.add(l);
    return () => {
      this.#listeners.delete(l);
      if (this.#listeners.size === 0) this.#stop();
    };
  }

  get listeners(): number {
    return this.#listeners.size;
  }

  #start(): void {
    this.check();
    const ms = this.#o.throttleMs ?? 200;
    this.#sub = merge(this.#o.changes$, interval(this.#o.pollMs ?? 1000))
      .pipe(throttleTime(ms, asyncScheduler, { leading: true, trailing: true }))
      .subscribe(() => this.check());
  }

  #stop(): void {
    this.#sub?.unsubscribe();
    this.#sub = undefined;
  }

  close(): void {
    this.#listeners.clear();
    this.#stop();
  }
}
