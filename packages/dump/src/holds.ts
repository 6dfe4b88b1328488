// Stop/start safety for cold backups (`backup.stop=true`, sqlite without a sqlite3 binary). A hold is
// refcounted per container: concurrent targets of one container stop it once and start it once, when the last
// releases. Only a container that was running is stopped (and so started again). The journal records the stop
// before it happens, and replayJournal() repairs what a crash left down.
import { errorCode, errorMessage, silentLogger, type Logger } from '@baqup/core';
import { DockerNotFoundError, type DockerClient } from '@baqup/docker';
import { RestartFailedError, StopFailedError } from './errors.js';
import { StopJournal } from './journal.js';
import { replayJournal, type ReplayReport } from './replay-journal.js';
import { withRetry } from './retry.js';

export type Release = () => Promise<void>;
export type { ReplayReport };

export interface HoldsDeps {
  docker: DockerClient;
  /** Path of the journal file (controller config `journal`). */
  journal: string;
  logger?: Logger;
}

interface Held {
  name: string;
  refs: number;
  stoppedByUs: boolean;
  ready: Promise<void>;
  /** Started by releaseAll(): later releases of its holders do nothing. */
  forced: boolean;
}

export class ContainerHolds {
  readonly journal: StopJournal;
  readonly #docker: DockerClient;
  readonly #logger: Logger;
  readonly #held = new Map<string, Held>();
  readonly #releasing = new Map<string, Promise<void>>();

  constructor(deps: HoldsDeps) {
    this.#docker = deps.docker;
    this.journal = new StopJournal(deps.journal);
    this.#logger = deps.logger ?? silentLogger;
  }

  /** True while baqup holds the container stopped (or is starting it again): discovery must keep it known. */
  isHeld(containerId: string): boolean {
    return this.#held.has(containerId) || this.#releasing.has(containerId);
  }

  /** Stop the container (if running) for a cold backup; resolves once it is down. Call the release on every path. */
  async hold(containerId: string, containerName: string): Promise<Release> {
    let held = this.#held.get(containerId);
    if (!held) {
      const fresh: Held = { name: containerName, refs: 0, stoppedByUs: false, ready: Promise.resolve(), forced: false };
      // A start still in progress for a previous hold finishes before this one stops the container again.
      const previous = this.#releasing.get(containerId) ?? Promise.resolve();
      fresh.ready = previous.catch(() => {}).then(() => this.#stop(containerId, fresh));
      this.#held.set(containerId, fresh);
      held = fresh;
    }
    const mine = held;
    mine.refs++;
    try {
      await mine.ready;
    } catch (err) {
      if (--mine.refs === 0 && this.#held.get(containerId) === mine) this.#held.delete(containerId);
      throw err;
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      await this.#release(containerId, mine);
    };
  }

  /** Start every container this instance holds stopped, now (SIGTERM shutdown). Never throws. */
  async releaseAll(): Promise<void> {
    const all = [...this.#held.entries()];
    await Promise.all(
      all.map(async ([id, held]) => {
        held.forced = true;
        await held.ready.catch(() => {});
        if (this.#held.get(id) === held) this.#held.delete(id);
        if (held.stoppedByUs) await this.#start(id, held).catch(() => {});
      }),
    );
    await Promise.all([...this.#releasing.values()].map((p) => p.catch(() => {})));
  }

  /** Start every container the journal lists that exists and is not running, and clear the entries. Never throws. */
  replayJournal(): Promise<ReplayReport> {
    return replayJournal({ docker: this.#docker, journal: this.journal, logger: this.#logger, isHeld: (id) => this.isHeld(id) });
  }

  async #stop(id: string, held: Held): Promise<void> {
    const info = await this.#docker.inspect(id);
    if (!info.state.running) return; // smart stop: not ours to start afterwards
    // Recorded first: if we die between this line and the start, the next controller start repairs it.
    await this.journal.add({ containerId: id, containerName: held.name, stoppedAt: new Date().toISOString(), reason: 'stopped by baqup for a backup' });
    try {
      await this.#docker.stop(id);
    } catch (err) {
      // It may be down anyway (the stop raced a crash, or timed out after SIGKILL): bring it back, then fail.
      await this.#startAfterFailedStop(id, held.name);
      if (this.#held.get(id) === held) this.#held.delete(id);
      throw new StopFailedError(held.name, { cause: err });
    }
    held.stoppedByUs = true;
    this.#logger.info('container stopped for a backup', { event: 'container.stopped', container: held.name, stop_signal: info.stopSignal, stop_timeout_s: info.stopTimeout });
  }

  async #startAfterFailedStop(id: string, name: string): Promise<void> {
    try {
      if (!(await this.#docker.isRunning(id))) await withRetry(() => this.#docker.start(id));
      await this.journal.remove(id);
    } catch (err) {
      this.#logger.error('container may be left stopped after a failed stop', { container: name, error: { code: errorCode(err), message: errorMessage(err) } });
    }
  }

  async #release(id: string, held: Held): Promise<void> {
    if (held.forced || --held.refs > 0) return;
    if (this.#held.get(id) === held) this.#held.delete(id);
    if (!held.stoppedByUs) return;
    const starting = this.#start(id, held);
    this.#releasing.set(id, starting);
    try {
      await starting;
    } finally {
      if (this.#releasing.get(id) === starting) this.#releasing.delete(id);
    }
  }

  async #start(id: string, held: Held): Promise<void> {
    try {
      await withRetry(() => this.#docker.start(id));
    } catch (err) {
      if (err instanceof DockerNotFoundError) {
        await this.journal.remove(id).catch(() => {});
        this.#logger.warn('container removed while stopped for a backup', { container: held.name });
        return;
      }
      // The journal entry stays: the next replay tries again.
      const failure = new RestartFailedError(held.name, { cause: err });
      this.#logger.error(failure.message, { container: held.name, error: { code: failure.code, message: failure.message } });
      throw failure;
    }
    held.stoppedByUs = false;
    this.#logger.info('container started after a backup', { event: 'container.started', container: held.name });
    await this.journal.remove(id);
  }
}
