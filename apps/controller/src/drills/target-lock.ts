// One thing at a time per target: a backup job and a drill of the same target never overlap. Each key is a queue
// of promises; a drill waits for the target's running backup and a backup fired during a drill waits for it.
import { targetKey, type BackupJob } from '@baqup/core';

export class TargetLocks {
  readonly #tails = new Map<string, Promise<void>>();

  /** Resolves a release once everything queued before on `key` has released. */
  async acquire(key: string): Promise<() => void> {
    const before = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = before.then(() => mine);
    this.#tails.set(key, tail);
    await before;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    };
  }

  busy(key: string): boolean {
    return this.#tails.has(key);
  }

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire(key);
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/** The target lock of a backup job: the pipeline takes it before the job's dump slot and releases it with the result. */
export const jobLock = (locks: TargetLocks) => (job: BackupJob): Promise<() => void> => locks.acquire(targetKey(job.container.containerName, job.target));
