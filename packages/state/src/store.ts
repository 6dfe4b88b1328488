// The controller's state as one observable store. Writers call the methods; readers subscribe to state$
// or take a snapshot. Derived from desired state and results, never from events alone.
import { BehaviorSubject, type Observable } from 'rxjs';
import type { BackupResult, ContainerBackupConfig, DesiredState, TargetState } from '@baqup/core';
import { targetKey } from '@baqup/core';

export interface StateEvent {
  time: string;
  event: string;
  container?: string;
  target?: string;
  message: string;
}

export interface QueueState {
  running: string[];
  queued: string[];
}

/** A target's state as the controller tracks it: core's TargetState plus what metrics and staleness need. */
export interface TargetRecord extends TargetState {
  /** When the target first appeared in the desired state; staleness of a never-succeeded target counts from here. */
  discoveredAt: Date;
  /** Failed runs, counted on from the history at start (a Prometheus counter: only ever grows while running). */
  failures: number;
  lastDurationSeconds?: number;
  /** Staged size of the last successful run. */
  lastBytes?: number;
  /** No success for longer than the schedule allows (set by the controller's staleness check). */
  stale: boolean;
}

/** A container baqup has stopped for a cold backup, or could not start again afterwards (retried until it runs). */
export interface HeldRecord {
  containerId: string;
  containerName: string;
  /** `stopping`/`stopped`: a cold backup holds it; `start-failed`: the start after it failed and is being retried. */
  status: 'stopping' | 'stopped' | 'start-failed';
  /** ISO time the status began. */
  since: string;
  /** Failed start attempts so far (start-failed only). */
  attempts?: number;
  lastError?: { code: string; message: string };
}

/** A target's state as the history rebuilds it at start. */
export type TargetSeed = Partial<Pick<TargetRecord, 'lastRun' | 'lastSuccess' | 'lastError' | 'status' | 'failures' | 'lastDurationSeconds' | 'lastBytes' | 'discoveredAt'>>;

const earlier = (a: Date | undefined, b: Date): Date => (a && a.getTime() < b.getTime() ? a : b);
const withoutUndefined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

export interface ControllerState {
  /** Keyed by container name. */
  containers: ReadonlyMap<string, ContainerBackupConfig>;
  /** Keyed by targetKey: `container/type-instance`. */
  targets: ReadonlyMap<string, TargetRecord>;
  recentEvents: readonly StateEvent[];
  queue: QueueState;
  docker: { connected: boolean; address: string; lastError?: string };
  /** Containers baqup holds stopped or is trying to start again. */
  held: readonly HeldRecord[];
}

export interface StateStoreOptions {
  recentEventLimit?: number;
  now?: () => Date;
}

export class StateStore {
  readonly #subject: BehaviorSubject<ControllerState>;
  readonly #limit: number;
  readonly #now: () => Date;
  #seed = new Map<string, TargetSeed>();

  constructor(dockerAddress: string, options: StateStoreOptions = {}) {
    this.#limit = options.recentEventLimit ?? 200;
    this.#now = options.now ?? (() => new Date());
    this.#subject = new BehaviorSubject<ControllerState>({
      containers: new Map(),
      targets: new Map(),
      recentEvents: [],
      queue: { running: [], queued: [] },
      docker: { connected: false, address: dockerAddress },
      held: [],
    });
  }

  get state$(): Observable<ControllerState> {
    return this.#subject.asObservable();
  }

  snapshot(): ControllerState {
    return this.#subject.getValue();
  }

  /** Replace the container set with discovery's latest desired state; keeps history of targets that still exist. */
  applyDesired(desired: DesiredState): void {
    const s = this.snapshot();
    const containers = new Map<string, ContainerBackupConfig>();
    const targets = new Map<string, TargetRecord>();
    const now = this.#now();
    for (const c of desired.values()) {
      containers.set(c.containerName, c);
      for (const t of c.targets) {
        const key = targetKey(c.containerName, t);
        targets.set(key, s.targets.get(key) ?? this.#fromSeed(key, now));
      }
    }
    // A target that goes away is remembered as it was, so it comes back with its runs (a container recreated by
    // `docker compose up` is a new container of the same name).
    for (const [key, t] of s.targets) if (!targets.has(key)) this.#seed.set(key, t);
    this.#set({ ...s, containers, targets });
  }

  /**
   * What the history knew of each target at start (keyed by targetKey): a target takes it when it appears, or at
   * once when it is there already and has not run in this process, so last success, failure count and size are
   * right straight after a restart.
   */
  seedTargets(seed: ReadonlyMap<string, TargetSeed>): void {
    this.#seed = new Map(seed);
    const s = this.snapshot();
    const targets = new Map(s.targets);
    let changed = false;
    for (const [key, t] of s.targets) {
      const known = seed.get(key);
      if (!known || t.lastRun) continue;
      targets.set(key, { ...t, ...withoutUndefined(known), discoveredAt: earlier(known.discoveredAt, t.discoveredAt) });
      changed = true;
    }
    if (changed) this.#set({ ...s, targets });
  }

  #fromSeed(key: string, now: Date): TargetRecord {
    const fresh: TargetRecord = { status: 'unknown', discoveredAt: now, failures: 0, stale: false };
    const known = this.#seed.get(key);
    return known ? { ...fresh, ...withoutUndefined(known), discoveredAt: earlier(known.discoveredAt, now) } : fresh;
  }

  setNextRun(key: string, nextRun: Date | undefined): void {
    this.#updateTarget(key, (t) => ({ ...t, nextRun }));
  }

  recordResult(result: BackupResult): void {
    const key = targetKey(result.job.container.containerName, result.job.target);
    const at = this.#now();
    this.#updateTarget(key, (t) =>
      result.success
        ? { ...t, lastRun: at, lastSuccess: at, lastError: undefined, status: 'healthy', stale: false, lastDurationSeconds: result.durationSeconds, lastBytes: result.bytes ?? result.manifest?.size ?? t.lastBytes }
        : { ...t, lastRun: at, lastError: result.error?.message ?? 'failed', status: 'error', failures: t.failures + 1, lastDurationSeconds: result.durationSeconds },
    );
  }

  /** Mark a target's status without a run (e.g. stale → warning). */
  setTargetStatus(key: string, status: TargetState['status']): void {
    this.#updateTarget(key, (t) => ({ ...t, status }));
  }

  /** Mark a target stale (status warning, unless it is already in error) or not stale any more. */
  setTargetStale(key: string, stale: boolean): void {
    this.#updateTarget(key, (t) => {
      if (t.stale === stale) return t;
      const status = stale ? (t.status === 'error' ? 'error' : 'warning') : t.status === 'warning' ? (t.lastSuccess ? 'healthy' : 'unknown') : t.status;
      return { ...t, stale, status };
    });
  }

  setQueue(queue: QueueState): void {
    this.#set({ ...this.snapshot(), queue });
  }

  setDocker(docker: Partial<ControllerState['docker']>): void {
    const s = this.snapshot();
    this.#set({ ...s, docker: { ...s.docker, ...docker } });
  }

  setHeld(held: readonly HeldRecord[]): void {
    this.#set({ ...this.snapshot(), held: [...held] });
  }

  recordEvent(e: Omit<StateEvent, 'time'>): void {
    const s = this.snapshot();
    const recentEvents = [...s.recentEvents, { time: this.#now().toISOString(), ...e }].slice(-this.#limit);
    this.#set({ ...s, recentEvents });
  }

  #updateTarget(key: string, f: (t: TargetRecord) => TargetRecord): void {
    const s = this.snapshot();
    const current = s.targets.get(key);
    if (!current) return;
    const next = f(current);
    if (next === current) return;
    const targets = new Map(s.targets);
    targets.set(key, next);
    this.#set({ ...s, targets });
  }

  #set(next: ControllerState): void {
    this.#subject.next(next);
  }
}
