// Stop/start safety for cold backups (`backup.stop=true`, sqlite without a sqlite3 binary). A hold is
// refcounted per container: concurrent targets of one container stop it once and start it once, when the last
// releases. Only a container that was running is stopped (and so started again). The journal records the stop
// before it happens, and replayJournal() repairs what a crash left down.
//
// Hot and cold never overlap (ContainerGate): a hot dump (`use()`: pg_dump, mysqldump, … exec'd in the running
// container) and a cold hold of the same container exclude each other, first come first served per container.
//
// A start that fails (the engine restarting mid-backup) is not given up: the container stays listed as
// `start-failed` (isHeld() stays true, so discovery keeps it) and is tried again with backoff until it runs or is
// removed. Every change of that list is reported through `onChange` (state, metrics, alerts).
import { HoldRefusedError, JobAbortedError, errorCode, errorMessage, silentLogger, type Logger } from '@baqup/core';
import { backoff, DockerNotFoundError, type DockerClient } from '@baqup/docker';
import { RestartFailedError, StopFailedError } from './errors.js';
import { ContainerGate } from './gate.js';
import { StopJournal, type GroupPlace, type ScaledService } from './journal.js';
import { prepareScale, scaleBack, scaleDown, type SwarmHold } from './scale-hold.js';
import { replayJournal, type ReplayReport } from './replay-journal.js';
import { withRetry } from './retry.js';

/** Call on every path. `readFrom`: the container a cold copy reads instead (a Swarm task's stand-in). */
export type Release = (() => Promise<void>) & { readFrom?: string };
export type { ReplayReport };

/** What baqup holds of one container right now. */
export type HeldStatus = 'stopping' | 'stopped' | 'start-failed';

export interface HeldContainer {
  containerId: string;
  containerName: string;
  status: HeldStatus;
  /** ISO time the status began. */
  since: string;
  /** Start attempts that failed so far (start-failed only). */
  attempts?: number;
  lastError?: { code: string; message: string };
}

/** A held container's start failed (first failure only), or a container whose start had failed runs again / was removed. */
export interface StartEvent {
  kind: 'start_failed' | 'started' | 'removed';
  containerId: string;
  containerName: string;
  /** Failed start attempts so far. */
  attempts: number;
  /** The failure (start_failed) or the last one before it ran (started). */
  error: { code: string; message: string };
}

export interface HoldsDeps {
  docker: DockerClient;
  /** Path of the journal file (controller config `journal`). */
  journal: string;
  logger?: Logger;
  /** Called on every change of held(): stopped, started, start failed, started after all. */
  onChange?: (held: HeldContainer[]) => void;
  /**
   * Called once when a container baqup stopped could not be started (it goes to the retry list), and once when it
   * leaves that list: it runs again, or it was removed. For alerts.
   */
  onStartEvent?: (e: StartEvent) => void;
  /** Backoff of the start retries after a failed start: first delay and cap, ms (default 1 s … 10 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

interface Held {
  name: string;
  refs: number;
  stoppedByUs: boolean;
  ready: Promise<void>;
  /** Started by releaseAll(): later releases of its holders do nothing. */
  forced: boolean;
  /** How to abort each holder's job (its archive read must end before Docker lets the container start). */
  aborts: Set<(reason: Error) => void>;
  status: 'stopping' | 'stopped';
  since: string;
  /** Held for its backup group: releaseAll() starts a group's members one after another, in start order. */
  group?: GroupPlace;
  /** A Swarm task: its service is scaled to 0 and back instead of the container stopped and started. */
  swarm?: SwarmHold;
  /** Set once the service is scaled to 0 (what to scale back to, and the stand-in to read from). */
  scaled?: ScaledService;
}

export interface HoldOptions {
  /** The member's place in its group's start order, journaled with the stop. */
  group?: GroupPlace;
  /** The container is a task of this Swarm service: scale the service to 0 and back (replicated services). */
  swarm?: SwarmHold;
}

interface Failed {
  name: string;
  attempts: number;
  since: string;
  lastError: { code: string; message: string };
  timer?: NodeJS.Timeout;
  /** Resolves when it runs (or was removed). */
  done: Promise<void>;
  resolve: () => void;
  /** A scaled-down Swarm service to scale back, not a container to start. */
  scaled?: ScaledService;
}

export class ContainerHolds {
  readonly journal: StopJournal;
  readonly #docker: DockerClient;
  readonly #logger: Logger;
  readonly #held = new Map<string, Held>();
  readonly #releasing = new Map<string, Promise<void>>();
  readonly #failed = new Map<string, Failed>();
  readonly #gate = new ContainerGate();
  readonly #onChange: (held: HeldContainer[]) => void;
  readonly #onStartEvent: (e: StartEvent) => void;
  readonly #retryBaseMs: number;
  readonly #retryMaxMs: number;
  #closed: string | undefined;

  constructor(deps: HoldsDeps) {
    this.#docker = deps.docker;
    this.journal = new StopJournal(deps.journal);
    this.#logger = deps.logger ?? silentLogger;
    this.#onChange = deps.onChange ?? (() => {});
    this.#onStartEvent = deps.onStartEvent ?? (() => {});
    this.#retryBaseMs = deps.retryBaseMs ?? 1000;
    this.#retryMaxMs = deps.retryMaxMs ?? 10_000;
  }

  /** True while baqup holds the container stopped (or is starting it again): discovery must keep it known. */
  isHeld(containerId: string): boolean {
    return this.#held.has(containerId) || this.#releasing.has(containerId) || this.#failed.has(containerId);
  }

  /** Every container held stopped or waiting for a successful start, for the API, metrics and alerts. */
  held(): HeldContainer[] {
    const out: HeldContainer[] = [];
    for (const [id, h] of this.#held) out.push({ containerId: id, containerName: h.name, status: h.status, since: h.since });
    for (const [id, f] of this.#failed) {
      if (this.#held.has(id)) continue;
      out.push({ containerId: id, containerName: f.name, status: 'start-failed', since: f.since, attempts: f.attempts, lastError: f.lastError });
    }
    return out;
  }

  /** Refuse every new hold from now on (shutdown): a queued cold job must not stop a container after releaseAll(). */
  close(reason: string): void {
    this.#closed ??= reason;
  }

  /** True once close() was called: a hold refused from then on is the shutdown's doing, not the job's failure. */
  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /**
   * A hot dump of the container (exec'd while it runs): waits while a cold hold of it is active or queued before,
   * and holds later cold holds off until released. Aborted by `signal` while waiting.
   */
  async use(containerId: string, signal?: AbortSignal): Promise<Release> {
    return this.#gate.acquire(containerId, 'hot', signal);
  }

  /**
   * Stop the container (if running) for a cold backup; resolves once it is down. Call the release on every path.
   * `abort` ends the holder's job when releaseAll() must start the container before the job is done (shutdown).
   */
  async hold(containerId: string, containerName: string, signal?: AbortSignal, abort?: (reason: Error) => void, options: HoldOptions = {}): Promise<Release> {
    if (this.#closed) throw new HoldRefusedError(`not stopping container ${containerName}: ${this.#closed}`);
    if (this.#failed.has(containerId)) {
      throw new HoldRefusedError(`container ${containerName} is down after a failed start; baqup keeps trying to start it and backs it up after that`);
    }
    const leaveGate = await this.#gate.acquire(containerId, 'cold', signal);
    if (this.#closed) {
      await leaveGate();
      throw new HoldRefusedError(`not stopping container ${containerName}: ${this.#closed}`);
    }
    let held = this.#held.get(containerId);
    if (!held) {
      const fresh: Held = { name: containerName, refs: 0, stoppedByUs: false, ready: Promise.resolve(), forced: false, aborts: new Set(), status: 'stopping', since: new Date().toISOString(), ...(options.group ? { group: options.group } : {}), ...(options.swarm ? { swarm: options.swarm } : {}) };
      // A start still in progress for a previous hold finishes before this one stops the container again.
      const previous = this.#releasing.get(containerId) ?? Promise.resolve();
      fresh.ready = previous.catch(() => {}).then(() => this.#stop(containerId, fresh));
      this.#held.set(containerId, fresh);
      this.#changed();
      held = fresh;
    }
    const mine = held;
    mine.refs++;
    if (abort) mine.aborts.add(abort);
    try {
      await mine.ready;
    } catch (err) {
      if (--mine.refs === 0 && this.#held.get(containerId) === mine) {
        this.#held.delete(containerId);
        this.#changed();
      }
      await leaveGate();
      throw err;
    }
    let released = false;
    const release: Release = async () => {
      if (released) return;
      released = true;
      if (abort) mine.aborts.delete(abort);
      try {
        await this.#release(containerId, mine);
      } finally {
        // Only now may a hot dump of it run: the container is up again (or its start is being retried).
        await leaveGate();
      }
    };
    if (mine.scaled?.standIn) release.readFrom = mine.scaled.standIn;
    return release;
  }

  /**
   * Start every container this instance holds stopped, now (shutdown), and try once more those whose start failed.
   * Never throws.
   */
  async releaseAll(reason = 'the controller is stopping'): Promise<void> {
    const all = [...this.#held.entries()];
    for (const [, held] of all) {
      held.forced = true;
      // Their jobs end first: Docker does not start a container while an archive read of it is still streaming.
      const error = new JobAbortedError(`job aborted: ${reason}; container ${held.name} is started again`);
      for (const abort of held.aborts) {
        try {
          abort(error);
        } catch {
          // an abort that throws must not keep the container down
        }
      }
      held.aborts.clear();
    }
    // Each group's members one after another in start order (dependencies first); everything else at once.
    const lanes = new Map<string, Array<[string, Held]>>();
    for (const entry of all) {
      const lane = entry[1].group ? `group:${entry[1].group.name}` : `container:${entry[0]}`;
      lanes.set(lane, [...(lanes.get(lane) ?? []), entry]);
    }
    for (const lane of lanes.values()) lane.sort((a, b) => (a[1].group?.rank ?? 0) - (b[1].group?.rank ?? 0));
    await Promise.all(
      [...lanes.values()].map(async (lane) => {
        for (const [id, held] of lane) await this.#forceStart(id, held);
      }),
    );
    await Promise.all([...this.#failed.keys()].map((id) => this.#retryNow(id)));
    await Promise.all([...this.#releasing.values()].map((p) => p.catch(() => {})));
    this.#changed();
  }

  /** releaseAll's start of one held container, listed as releasing until started (a second signal waits for it). */
  async #forceStart(id: string, held: Held): Promise<void> {
    const starting = (async () => {
      await held.ready.catch(() => {});
      if (held.stoppedByUs) await this.#start(id, held.name, held.scaled).catch(() => {});
    })();
    const mine = this.#releasing.get(id);
    const chained = mine ? Promise.all([mine.catch(() => {}), starting]).then(() => {}) : starting;
    this.#releasing.set(id, chained);
    if (this.#held.get(id) === held) this.#held.delete(id);
    try {
      await chained;
    } finally {
      if (this.#releasing.get(id) === chained) this.#releasing.delete(id);
    }
  }

  /** Stop retrying in the background (tests, shutdown after releaseAll). The journal keeps what is still down. */
  stopRetries(): void {
    for (const f of this.#failed.values()) clearTimeout(f.timer);
  }

  /** Resolves once the container is no longer waiting for a start retry (it runs, or was removed). */
  async settled(containerId: string): Promise<void> {
    await this.#failed.get(containerId)?.done;
  }

  /**
   * Start every container the journal lists that exists and is not running, and clear the entries. Those that
   * cannot be started now are retried with backoff. Never throws.
   */
  async replayJournal(): Promise<ReplayReport> {
    const report = await replayJournal({ docker: this.#docker, journal: this.journal, logger: this.#logger, isHeld: (id) => this.isHeld(id) });
    for (const e of report.failedEntries ?? []) this.#startFailed(e.containerId, e.containerName, report.errors?.[e.containerId] ?? new Error('start failed'), e.service);
    return report;
  }

  #startEvent(kind: StartEvent['kind'], id: string, f: Pick<Failed, 'name' | 'attempts' | 'lastError'>): void {
    try {
      this.#onStartEvent({ kind, containerId: id, containerName: f.name, attempts: f.attempts, error: f.lastError });
    } catch (err) {
      this.#logger.warn('holds listener failed', { error: { code: errorCode(err), message: errorMessage(err) } });
    }
  }

  #changed(): void {
    try {
      this.#onChange(this.held());
    } catch (err) {
      this.#logger.warn('holds listener failed', { error: { code: errorCode(err), message: errorMessage(err) } });
    }
  }

  async #stop(id: string, held: Held): Promise<void> {
    const info = await this.#docker.inspect(id);
    if (!info.state.running) return; // smart stop: not ours to start afterwards
    // A replicated service's task: scaled to 0 (a stopped task is only replaced); a global service's is stopped.
    const scaled = held.swarm ? await prepareScale(this.#docker, id, held.swarm) : undefined;
    if (held.swarm && !scaled) this.#logger.warn('a global service cannot be scaled to 0: its task is stopped, and Swarm may restart it during the copy', { container: held.name });
    // Recorded first: if we die between this line and the start, the next controller start repairs it.
    await this.journal.add({
      containerId: id,
      containerName: held.name,
      stoppedAt: new Date().toISOString(),
      reason: scaled ? `service ${scaled.name} scaled from ${scaled.replicas} to 0 by baqup for a backup` : held.group ? `stopped by baqup with its backup group ${held.group.name}` : 'stopped by baqup for a backup',
      ...(held.group ? { group: held.group } : {}),
      ...(scaled ? { service: scaled } : {}),
    });
    if (scaled) {
      try {
        await scaleDown(this.#docker, id, scaled, (info.stopTimeout + 60) * 1000);
      } catch (err) {
        await scaleBack(this.#docker, scaled, this.#logger).then(() => this.journal.remove(id)).catch((e: unknown) => this.#startFailed(id, held.name, e, scaled));
        if (this.#held.get(id) === held) this.#held.delete(id);
        this.#changed();
        throw new StopFailedError(held.name, { cause: err });
      }
      held.scaled = scaled;
      held.stoppedByUs = true;
      held.status = 'stopped';
      held.since = new Date().toISOString();
      this.#changed();
      this.#logger.info('service scaled to 0 for a backup', { event: 'container.stopped', container: held.name, replicas: scaled.replicas });
      return;
    }
    try {
      await this.#docker.stop(id);
    } catch (err) {
      // It may be down anyway (the stop raced a crash, or timed out after SIGKILL): bring it back, then fail.
      await this.#startAfterFailedStop(id, held.name);
      if (this.#held.get(id) === held) this.#held.delete(id);
      this.#changed();
      throw new StopFailedError(held.name, { cause: err });
    }
    held.stoppedByUs = true;
    held.status = 'stopped';
    held.since = new Date().toISOString();
    this.#changed();
    this.#logger.info('container stopped for a backup', { event: 'container.stopped', container: held.name, stop_signal: info.stopSignal, stop_timeout_s: info.stopTimeout });
  }

  async #startAfterFailedStop(id: string, name: string): Promise<void> {
    try {
      if (!(await this.#docker.isRunning(id))) await withRetry(() => this.#docker.start(id));
      await this.journal.remove(id);
    } catch (err) {
      if (err instanceof DockerNotFoundError) return void (await this.journal.remove(id).catch(() => {}));
      this.#logger.error('container may be left stopped after a failed stop; retrying its start', { container: name, error: { code: errorCode(err), message: errorMessage(err) } });
      this.#startFailed(id, name, err);
    }
  }

  async #release(id: string, held: Held): Promise<void> {
    if (held.forced || --held.refs > 0) return;
    if (this.#held.get(id) === held) this.#held.delete(id);
    if (!held.stoppedByUs) return void this.#changed();
    const starting = this.#start(id, held.name, held.scaled);
    this.#releasing.set(id, starting);
    try {
      await starting;
    } finally {
      if (this.#releasing.get(id) === starting) this.#releasing.delete(id);
      this.#changed();
    }
  }

  /** Starts it (a few quick retries); on failure it goes to the background retry list and this throws. */
  async #start(id: string, name: string, scaled?: ScaledService): Promise<void> {
    if (scaled) {
      try {
        await withRetry(() => scaleBack(this.#docker, scaled, this.#logger), { retries: 2, baseMs: Math.min(500, this.#retryBaseMs) });
      } catch (err) {
        const failure = new RestartFailedError(name, { cause: err });
        this.#logger.error(`${failure.message}; retrying with backoff`, { event: 'container.start_failed', container: name, error: { code: failure.code, message: failure.message } });
        this.#startFailed(id, name, err, scaled);
        throw failure;
      }
      this.#logger.info('service scaled back after a backup', { event: 'container.started', container: name, replicas: scaled.replicas });
      await this.journal.remove(id).catch((err: unknown) => this.#logger.error('stop journal entry not cleared', { container: name, error: { code: errorCode(err), message: errorMessage(err) } }));
      return;
    }
    try {
      await withRetry(() => this.#docker.start(id), { retries: 2, baseMs: Math.min(500, this.#retryBaseMs) });
    } catch (err) {
      if (err instanceof DockerNotFoundError) {
        await this.journal.remove(id).catch(() => {});
        this.#logger.warn('container removed while stopped for a backup', { container: name });
        return;
      }
      // The journal entry stays: the background retries (and the next replay) try again.
      const failure = new RestartFailedError(name, { cause: err });
      this.#logger.error(`${failure.message}; retrying with backoff`, { event: 'container.start_failed', container: name, error: { code: failure.code, message: failure.message } });
      this.#startFailed(id, name, err);
      throw failure;
    }
    this.#logger.info('container started after a backup', { event: 'container.started', container: name });
    await this.journal.remove(id).catch((err: unknown) => this.#logger.error('stop journal entry not cleared', { container: name, error: { code: errorCode(err), message: errorMessage(err) } }));
  }

  #startFailed(id: string, name: string, err: unknown, scaled?: ScaledService): void {
    const lastError = { code: errorCode(err), message: errorMessage(err) };
    const existing = this.#failed.get(id);
    if (existing) {
      existing.attempts++;
      existing.lastError = lastError;
    } else {
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      this.#failed.set(id, { name, attempts: 1, since: new Date().toISOString(), lastError, done, resolve, ...(scaled ? { scaled } : {}) });
    }
    const f = this.#failed.get(id)!;
    if (!existing) this.#startEvent('start_failed', id, f);
    clearTimeout(f.timer);
    const delay = backoff(f.attempts, { baseMs: this.#retryBaseMs, maxMs: this.#retryMaxMs, random: Math.random });
    f.timer = setTimeout(() => void this.#retryNow(id), delay);
    f.timer.unref();
    this.#changed();
  }

  /** One start attempt of a container whose start failed; reschedules itself on failure. Never throws. */
  async #retryNow(id: string): Promise<void> {
    const f = this.#failed.get(id);
    if (!f) return;
    clearTimeout(f.timer);
    const succeeded = async (how: string) => {
      this.#failed.delete(id);
      await this.journal.remove(id).catch(() => {});
      this.#logger.info(how, { event: 'container.started', container: f.name, attempts: f.attempts });
      f.resolve();
      this.#changed();
      this.#startEvent('started', id, f);
    };
    try {
      if (f.scaled) {
        await scaleBack(this.#docker, f.scaled, this.#logger);
        return await succeeded('service scaled back after failed attempts');
      }
      if (await this.#docker.isRunning(id)) return await succeeded('container runs again (started by someone else)');
      await this.#docker.start(id);
      await succeeded('container started after failed attempts');
    } catch (err) {
      if (err instanceof DockerNotFoundError) {
        this.#failed.delete(id);
        await this.journal.remove(id).catch(() => {});
        this.#logger.warn('container removed while baqup was retrying its start', { container: f.name });
        f.resolve();
        this.#changed();
        this.#startEvent('removed', id, f);
        return;
      }
      this.#logger.debug('start retry failed', { container: f.name, attempts: f.attempts + 1, error: { code: errorCode(err), message: errorMessage(err) } });
      this.#startFailed(id, f.name, err, f.scaled);
    }
  }
}
